using System.ComponentModel;
using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;
using Spectre.Console;
using Spectre.Console.Cli;

namespace SovereigntySim.Cli.Commands;

public sealed class BenchSettings : ScenarioSettings
{
    [CommandOption("--out <DIR>"), Description("Output folder (default results/bench-<scenario>-<seed>).")]
    public string? Out { get; init; }
}

/// <summary>
/// Runs the scenario on the Orleans engine and on the reference runner, each in a fresh process of its own (so peak
/// memory is that run's alone) after a warm-up run, and compares time, memory and digests.
/// </summary>
public sealed class BenchCommand : AsyncCommand<BenchSettings>
{
    public override async Task<int> ExecuteAsync(CommandContext context, BenchSettings settings, CancellationToken cancellation)
    {
        var spec = settings.Load();
        if (spec is null) return ExitCodes.Usage;
        var outDir = settings.Out ?? Path.Combine("results", $"bench-{spec.Name}-{spec.Seed}" + (settings.Scale is { } f ? $"-x{f}" : ""));
        Directory.CreateDirectory(outDir);
        var runs = new Dictionary<string, JsonNode>();
        foreach (var engine in new[] { "orleans", "reference" })
        {
            AnsiConsole.MarkupLineInterpolated($"[grey]bench: {engine} engine...[/]");
            var dir = Path.Combine(outDir, engine);
            var args = new List<string> { "run", settings.File, "--engine", engine, "--warmup", "--out", dir };
            foreach (var s in settings.Set) args.AddRange(["--set", s]);
            if (settings.Seed is { } seed) args.AddRange(["--seed", seed.ToString()]);
            if (settings.Scale is { } scale) args.AddRange(["--scale", scale.ToString("R", System.Globalization.CultureInfo.InvariantCulture)]);
            int code = await RunChild(args, cancellation);
            if (code != 0)
            {
                Console.Error.WriteLine($"bench: the {engine} run failed (exit {code})");
                return code == ExitCodes.Interrupted ? code : ExitCodes.Failure;
            }
            runs[engine] = JsonNode.Parse(await File.ReadAllTextAsync(Path.Combine(dir, "summary.json"), cancellation))!;
        }
        var o = runs["orleans"];
        var r = runs["reference"];
        double wall = o["wallSeconds"]!.GetValue<double>();
        double refWall = r["wallSeconds"]!.GetValue<double>();
        long migrantEvents = o["migrantEvents"]!.GetValue<long>();
        var bench = new JsonObject
        {
            ["scenario"] = spec.Name,
            ["seed"] = spec.Seed,
            ["migrants"] = o["metrics"]!["migrants"]!["detained"]!.GetValue<double>(),
            ["events"] = o["events"]!.GetValue<long>(),
            ["migrantEvents"] = migrantEvents,
            ["wallSeconds"] = wall,
            ["peakRssBytes"] = o["peakRssBytes"]!.GetValue<long>(),
            ["migrantEventsPerSecond"] = Math.Round(migrantEvents / Math.Max(wall, 1e-9)),
            ["referenceWallSeconds"] = refWall,
            ["referencePeakRssBytes"] = r["peakRssBytes"]!.GetValue<long>(),
            ["ratio"] = Math.Round(wall / Math.Max(refWall, 1e-9), 3),
            ["digestsEqual"] = o["digest"]!.GetValue<string>() == r["digest"]!.GetValue<string>(),
            ["digest"] = o["digest"]!.GetValue<string>(),
            ["processorCount"] = Environment.ProcessorCount,
        };
        await File.WriteAllTextAsync(Path.Combine(outDir, "bench.json"), bench.ToJsonString(new JsonSerializerOptions { WriteIndented = true }) + "\n", cancellation);
        var table = new Table().Border(TableBorder.Rounded).Title(Markup.Escape($"bench {spec.Name}")).AddColumn("metric").AddColumn("value");
        foreach (var (k, v) in bench) table.AddRow(Markup.Escape(k), Markup.Escape(v?.ToJsonString() ?? ""));
        AnsiConsole.Write(table);
        return ExitCodes.Ok;
    }

    private static async Task<int> RunChild(IEnumerable<string> args, CancellationToken cancellation)
    {
        var psi = new ProcessStartInfo(Environment.ProcessPath!) { UseShellExecute = false };
        // Under `dotnet sovsim.dll` the process path is dotnet itself: pass the assembly first.
        if (Path.GetFileNameWithoutExtension(Environment.ProcessPath!) == "dotnet") psi.ArgumentList.Add(typeof(Program).Assembly.Location);
        foreach (var a in args) psi.ArgumentList.Add(a);
        using var child = Process.Start(psi)!;
        try { await child.WaitForExitAsync(cancellation); }
        catch (OperationCanceledException) { await child.WaitForExitAsync(CancellationToken.None); }
        return child.ExitCode;
    }
}
