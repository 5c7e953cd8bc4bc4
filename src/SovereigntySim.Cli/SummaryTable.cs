using SovereigntySim.Domain.Metrics;
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
        Row("Flights planned / landed", $"{N(MetricKeys.FlightsPlanned)} / {N(MetricKeys.FlightsLanded)}");
        Row("Cleared / partially / refused", $"{N(MetricKeys.FlightsCleared)} / {N(MetricKeys.FlightsPartiallyCleared)} / {N(MetricKeys.FlightsRefused)}");
        Row("Turned back / diverted / cancelled", $"{N(MetricKeys.FlightsTurnedBack)} / {N(MetricKeys.FlightsDiverted)} / {N(MetricKeys.FlightsCancelled)}");
        if (r.Metrics.FlightRefusalReasons.Count > 0)
            Row("Flight refusal reasons", string.Join(", ", r.Metrics.FlightRefusalReasons.OrderByDescending(kv => kv.Value).Select(kv => $"{kv.Key} {kv.Value}")));
        // migrants.refused counts everyone sent back (whole manifests of refused flights too); the reasons are those of
        // the people the screening refused one by one, so the row says both.
        long oneByOne = r.Metrics.PersonRefusalReasons.Values.Sum();
        if (t[MetricKeys.MigrantsRefused] > 0 || oneByOne > 0)
            Row("People refused: in all / one by one", $"{N(MetricKeys.MigrantsRefused)} / {oneByOne:N0}" + (oneByOne == 0 ? ""
                : ": " + string.Join(", ", r.Metrics.PersonRefusalReasons.OrderByDescending(kv => kv.Value).ThenBy(kv => kv.Key).Select(kv => $"{kv.Key} {kv.Value:N0}"))));
        Row("Migrants removed", N(MetricKeys.MigrantsRemoved));
        Row("Detained at end / released at limit", $"{r.Metrics.DetainedAtEnd:N0} / {N(MetricKeys.MigrantsReleasedAtLimit)}");
        Row("Detention bed-days / cost", $"{N(MetricKeys.DetentionBedDays)} / {Usd(MetricKeys.DetentionCost)}");
        Row("Flight hours / cost", $"{N(MetricKeys.FlightsHours)} / {Usd(MetricKeys.FlightsCost)}");
        foreach (var n in r.Metrics.Negotiations)
        {
            // A round is an offer or the answer that ended the talks (an acceptance, a walk-out): offers.csv has the offers.
            int offers = n.Outcome is NegotiationOutcomes.Agreement or NegotiationOutcomes.Breakdown ? n.Rounds - 1 : n.Rounds;
            Row($"Negotiation {n.Dyad}", n.Outcome == NegotiationOutcomes.Agreement
                ? $"agreement on day {n.AgreementDay} after {offers} offer(s) ({n.HoursOpen:N0} h); utilities {n.UtilitySending:F2} / {n.UtilityReceiving:F2}, Nash product {n.NashProduct:F3}"
                : $"{n.Outcome} after {offers} offer(s)");
            if (n.Terms is not null) Row("  agreed terms", n.Terms);
        }
        Row("Escalations threatened / applied", $"{N(MetricKeys.EscalationsThreatened)} / {N(MetricKeys.EscalationsApplied)}");
        Row("Advocacy alerts / observer assessments", $"{N(MetricKeys.AdvocacyAlerts)} / {N(MetricKeys.ObserverAssessments)}");
        if (r.Metrics.TensionAtEnd.Count > 0)
            Row("Tension at end (highest)", string.Join(", ", r.Metrics.TensionAtEnd.OrderByDescending(kv => kv.Value).ThenBy(kv => kv.Key)
                .Take(6).Select(kv => $"{kv.Key} {kv.Value:F2}")));
        // The scenario's own outcome measures, as summary.json and runs.csv give them.
        foreach (var m in r.Metrics.Measures)
            Row(m.Name, m.Value is { } v ? v.ToString("0.####", System.Globalization.CultureInfo.InvariantCulture) : "– (never happened)");
        Row("Events / migrant-events", $"{r.Events:N0} / {r.MigrantEvents:N0}");
        double seconds = Math.Max(r.WallSeconds, 1e-9);
        Row("Wall time", $"{r.WallSeconds:F2} s ({r.Events / seconds:N0} events/s, {r.MigrantEvents / seconds:N0} migrant-events/s)");
        Row("Digest", r.Digest);
        Row("Output", outDir);
        AnsiConsole.Write(table);
    }
}
