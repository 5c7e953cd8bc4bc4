using SovereigntySim.Domain.Agents;
using SovereigntySim.Domain.Scenario;
using SovereigntySim.Domain.Simulation;

namespace SovereigntySim.Domain.Metrics;

/// <summary>
/// The outcome measures of one run, as a fixed list of named numbers: one row of an experiment's runs table. The
/// built-in columns depend only on the model (instrument kinds, terms), never on what happened; a scenario adds its
/// own measures after them (<see cref="MeasureFold"/>), so every run of a scenario has the same columns. Missing values
/// (no agreement, say) are NaN.
/// </summary>
public static class Outcomes
{
    private static readonly string[] Flights = ["planned", "cleared", "partiallyCleared", "refused", "turnedBack", "diverted", "landed", "cancelled"];
    private static readonly string[] Aircraft = Enum.GetValues<AircraftKind>().Select(k => Agents.Names.Camel(k)).ToArray();
    private static readonly string[] Instruments = Enum.GetValues<InstrumentKind>().Select(k => Agents.Names.Camel(k)).ToArray();

    /// <summary>The built-in columns, in order.</summary>
    public static IReadOnlyList<string> Columns { get; } = Build(null).Select(o => o.Name).ToArray();

    /// <summary>The columns of a scenario's runs: the built-in ones, then its own measures (measure.&lt;id&gt;).</summary>
    public static IReadOnlyList<string> ColumnsFor(ScenarioSpec? spec) => spec is { Measures.Count: > 0 } ? [.. Columns, .. MeasureFold.Columns(spec)] : Columns;

    /// <summary>A run's outcomes: the built-in ones, then the given columns beyond them (a scenario's own measures,
    /// missing as NaN), or the run's own measures when no columns are given.</summary>
    public static IReadOnlyList<(string Name, double Value)> Of(RunMetrics m, IReadOnlyList<string>? columns = null)
    {
        var o = Build(m);
        if (columns is null) o.AddRange(m.Measures.Select(v => (v.Name, v.Value ?? double.NaN)));
        else
            for (int c = Columns.Count; c < columns.Count; c++)
                o.Add((columns[c], m.Measures.FirstOrDefault(v => v.Name == columns[c])?.Value ?? double.NaN));
        return o;
    }

    private static List<(string Name, double Value)> Build(RunMetrics? m)
    {
        var t = m?.Totals;
        double T(string key) => t?.GetValueOrDefault(key) ?? double.NaN;
        var o = new List<(string, double)>();
        foreach (var f in Flights) o.Add(("flights." + f, T("flights." + f)));
        // How removals were carried out (who conceded on aircraft and restraints): departed flights by kind.
        foreach (var k in Aircraft) o.Add(("departed." + k, m is null ? double.NaN : m.Departures.GetValueOrDefault(k)));
        o.Add(("departed.restrained", m is null ? double.NaN : m.Departures.GetValueOrDefault(RunMetrics.Restrained)));
        o.Add((MetricKeys.MigrantsRemoved, T(MetricKeys.MigrantsRemoved)));
        o.Add((MetricKeys.MigrantsRefused, T(MetricKeys.MigrantsRefused)));
        o.Add((MetricKeys.MigrantsReleasedAtLimit, T(MetricKeys.MigrantsReleasedAtLimit)));
        o.Add(("migrants.detainedAtEnd", m?.DetainedAtEnd ?? double.NaN));
        o.Add((MetricKeys.DetentionBedDays, T(MetricKeys.DetentionBedDays)));
        o.Add((MetricKeys.DetentionCost, T(MetricKeys.DetentionCost)));
        o.Add((MetricKeys.FlightsHours, T(MetricKeys.FlightsHours)));
        o.Add((MetricKeys.FlightsCost, T(MetricKeys.FlightsCost)));
        o.Add(("cost.total", T(MetricKeys.DetentionCost) + T(MetricKeys.FlightsCost)));
        // Averages over the run, for comparison with published aggregates. Average population = bed-days per day;
        // average stay by Little's law = bed-days per person leaving detention (removed, released or relieved).
        double removed = T(MetricKeys.MigrantsRemoved), left = removed + T(MetricKeys.MigrantsReleasedAtLimit) + T(MetricKeys.MigrantsRelief);
        o.Add(("detention.averagePopulation", m is null || m.Days == 0 ? double.NaN : T(MetricKeys.DetentionBedDays) / m.Days));
        o.Add(("detention.averageStayDays", left > 0 ? T(MetricKeys.DetentionBedDays) / left : double.NaN));
        double flown = removed - T(MetricKeys.MigrantsRemovedByLand);
        o.Add((MetricKeys.MigrantsRemovedByLand, T(MetricKeys.MigrantsRemovedByLand)));
        o.Add(("cost.flightPerRemoval", flown > 0 ? T(MetricKeys.FlightsCost) / flown : double.NaN));
        o.Add(("cost.perRemoval", removed > 0 ? (T(MetricKeys.DetentionCost) + T(MetricKeys.FlightsCost)) / removed : double.NaN));
        var negotiations = m?.Negotiations ?? [];
        o.Add(("negotiations", negotiations.Count));
        o.Add(("negotiations.agreements", negotiations.Count(n => n.Outcome == NegotiationOutcomes.Agreement)));
        o.Add(("negotiations.breakdowns", negotiations.Count(n => n.Outcome == NegotiationOutcomes.Breakdown)));
        o.Add((MetricKeys.NegotiationRounds, T(MetricKeys.NegotiationRounds)));
        o.Add(("days.firstRefusalToAgreement", m?.DaysFromFirstRefusalToAgreement ?? double.NaN));
        // How long standoffs and sanctions last: censored at the end of the run, so a stalemate longer than the run
        // counts the run's length.
        o.Add(("days.inDispute", m?.DaysInDispute ?? double.NaN));
        o.Add(("days.firstRefusalToApplied", m?.DaysFromFirstRefusalToApplied ?? double.NaN));
        o.Add(("days.appliedInForce", m?.DaysAppliedInForce ?? double.NaN));
        // Who conceded: each side's utility of the first agreement (1 = got everything it wanted).
        var first = negotiations.FirstOrDefault(n => n.Outcome == NegotiationOutcomes.Agreement);
        o.Add(("agreement.hoursOpen", first?.HoursOpen ?? double.NaN));
        o.Add(("agreement.utilitySending", first?.UtilitySending ?? double.NaN));
        o.Add(("agreement.utilityReceiving", first?.UtilityReceiving ?? double.NaN));
        o.Add((MetricKeys.EscalationsThreatened, T(MetricKeys.EscalationsThreatened)));
        o.Add((MetricKeys.EscalationsApplied, T(MetricKeys.EscalationsApplied)));
        foreach (var k in Instruments) o.Add(("threatened." + k, m is null ? double.NaN : m.ThreatenedByInstrument.GetValueOrDefault(k)));
        foreach (var k in Instruments) o.Add(("applied." + k, m is null ? double.NaN : m.AppliedByInstrument.GetValueOrDefault(k)));
        o.Add((MetricKeys.TensionMax, m is null ? double.NaN : m.TensionAtEnd.Count == 0 ? 0 : m.TensionAtEnd.Values.Max()));
        o.Add((MetricKeys.AdvocacyAlerts, T(MetricKeys.AdvocacyAlerts)));
        // Linked disputes and incidents: instruments an agreement kept in force, incidents on landed flights.
        o.Add((MetricKeys.InstrumentsKept, T(MetricKeys.InstrumentsKept)));
        o.Add((MetricKeys.FlightsIncidents, T(MetricKeys.FlightsIncidents)));
        return o;
    }
}
