using Spectre.Console;
using SovereigntySim.Domain.Simulation;
using SovereigntySim.Hosting.Runs;

namespace SovereigntySim.Cli;

/// <summary>The end-of-run table: the story of the standoff in numbers.</summary>
public static class SummaryTable
{
    public static void Print(RunResult r, string outDir)
    {
        var t = r.Metrics.Totals;
        string N(string key) => t[key].ToString("N0");
        string Usd(string key) => "$" + t[key].ToString("N0");
        var table = new Table().Border(TableBorder.Rounded).Title(Markup.Escape($"{r.Scenario} (seed {r.Seed})")).AddColumn("").AddColumn("");
        void Row(string label, string value) => table.AddRow(Markup.Escape(label), Markup.Escape(value));
        Row("Simulated until", r.SimulatedUntil + (r.Completed ? "" : " (interrupted)"));
        Row("Flights planned / landed", $"{N("flights.planned")} / {N("flights.landed")}");
        Row("Cleared / partially / refused", $"{N("flights.cleared")} / {N("flights.partiallyCleared")} / {N("flights.refused")}");
        Row("Turned back / diverted / cancelled", $"{N("flights.turnedBack")} / {N("flights.diverted")} / {N("flights.cancelled")}");
        if (r.Metrics.FlightRefusalReasons.Count > 0)
            Row("Flight refusal reasons", string.Join(", ", r.Metrics.FlightRefusalReasons.OrderByDescending(kv => kv.Value).Select(kv => $"{kv.Key} {kv.Value}")));
        if (r.Metrics.PersonRefusalReasons.Count > 0)
            Row("People refused, by reason", string.Join(", ", r.Metrics.PersonRefusalReasons.OrderByDescending(kv => kv.Value).Take(5).Select(kv => $"{kv.Key} {kv.Value:N0}")));
        Row("Migrants removed", N("migrants.removed"));
        Row("Detained at end / released at limit", $"{r.Metrics.DetainedAtEnd:N0} / {N("migrants.releasedAtLimit")}");
        Row("Detention bed-days / cost", $"{N("detention.bedDays")} / {Usd("detention.cost")}");
        Row("Flight hours / cost", $"{N("flights.hours")} / {Usd("flights.cost")}");
        foreach (var n in r.Metrics.Negotiations)
        {
            Row($"Negotiation {n.Dyad}", n.Outcome == NegotiationOutcomes.Agreement
                ? $"agreement on day {n.AgreementDay} after {n.Rounds} rounds ({n.HoursOpen:N0} h); utilities {n.UtilitySending:F2} / {n.UtilityReceiving:F2}, Nash product {n.NashProduct:F3}"
                : $"{n.Outcome} after {n.Rounds} rounds");
            if (n.Terms is not null) Row("  agreed terms", n.Terms);
        }
        Row("Escalations threatened / applied", $"{N("escalations.threatened")} / {N("escalations.applied")}");
        Row("Advocacy alerts / observer assessments", $"{N("advocacy.alerts")} / {N("observer.assessments")}");
        if (r.Metrics.TensionAtEnd.Count > 0)
            Row("Tension at end (highest)", string.Join(", ", r.Metrics.TensionAtEnd.OrderByDescending(kv => kv.Value).ThenBy(kv => kv.Key)
                .Take(6).Select(kv => $"{kv.Key} {kv.Value:F2}")));
        Row("Events / migrant-events", $"{r.Events:N0} / {r.MigrantEvents:N0}");
        double seconds = Math.Max(r.WallSeconds, 1e-9);
        Row("Wall time", $"{r.WallSeconds:F2} s ({r.Events / seconds:N0} events/s, {r.MigrantEvents / seconds:N0} migrant-events/s)");
        Row("Digest", r.Digest);
        Row("Output", outDir);
        AnsiConsole.Write(table);
    }
}
