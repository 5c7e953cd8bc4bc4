using System.Text.Json;
using System.Text.Json.Serialization;
using Spectre.Console;
using SovereigntySim.Hosting.Engines;

namespace SovereigntySim.Cli;

/// <summary>Looks migrants up by id once a run is over: their state and what happened to them, and why. Useful
/// above all for compact logs, which do not list migrant-events one by one.</summary>
public static class MigrantReport
{
    private static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase) },
    };

    public static async Task Write(ISimulationEngine engine, IEnumerable<long> ids, string outDir)
    {
        var found = new List<object>();
        foreach (var id in ids)
        {
            var m = await engine.GetMigrantAsync(id);
            if (m is null)
            {
                AnsiConsole.MarkupLineInterpolated($"[yellow]No migrant {id} in this run.[/]");
                found.Add(new { id, found = false });
                continue;
            }
            found.Add(m);
            var table = new Table().Border(TableBorder.Simple)
                .Title(Markup.Escape($"migrant {m.Id}: {m.Nationality}, {m.Documents} documents, {m.Legal}, now {m.Status}"))
                .AddColumn("time").AddColumn("what").AddColumn("why").AddColumn("flight");
            foreach (var h in m.History) table.AddRow(Markup.Escape(h.Time), Markup.Escape(h.Kind), Markup.Escape(h.Reason ?? ""), Markup.Escape(h.Flight ?? ""));
            AnsiConsole.Write(table);
        }
        await File.WriteAllTextAsync(Path.Combine(outDir, "migrants.json"), JsonSerializer.Serialize(found, Json) + "\n");
    }
}
