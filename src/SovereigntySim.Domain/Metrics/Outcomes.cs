using SovereigntySim.Domain.Agents;
using SovereigntySim.Domain.Scenario;
using SovereigntySim.Domain.Simulation;

namespace SovereigntySim.Domain.Metrics;

/// <summary>
/// The outcome measures of one run, as a fixed list of named numbers: one row of an experiment's runs table. The
/// column set depends only on the model (instrument kinds, terms), never on what happened, so every run of every
/// experiment has the same columns. Missing values (no agreement, say) are NaN.
/// </summary>
public static class Outcomes
{
    private static readonly string[] Flights = ["planned", "cleared", "partiallyCleared", "refused", "turnedBack", "diverted", "landed", "cancelled"];
    private static readonly string[] Aircraft = Enum.GetValues<AircraftKind>().Select(k => Agents.Names.Camel(k)).ToArray();
    private static readonly string[] Instruments = Enum.GetValues<InstrumentKind>().Select(k => Agents.Names.Camel(k)).ToArray();

    /// <summary>Column names, in order.</summary>
    public static IReadOnlyList<string> Columns { get; } = Build(null).Select(o => o.Name).ToArray();

    public static IReadOnlyList<(string Name, double Value)> Of(RunMetrics m) => Build(m);

    private static List<(string Name, double Value)> Build(RunMetrics? m)
    {
        var t = m?.Totals;
        double T(string key) => t?.GetValueOrDefault(key) ?? double.NaN;
        var o = new List<(string, double)>();
        foreach (var f in Flights) o.Add(("flights." + f, T("flights." + f)));
        // How removals were carried out (who conceded on aircraft and restraints): departed flights by kind.
        foreach (var k in Aircraft) o.Add(("departed." + k, m is null ? double.NaN : m.Departures.GetValueOrDefault(k)));
        o.Add(("departed.restrained", m is null ? double.NaN : m.Departures.GetValueOrDefault(RunMetrics.Restrained)));
        o.Add(("migrants.removed", T("migrants.removed")));
        o.Add(("migrants.refused", T("migrants.refused")));
        o.Add(("migrants.releasedAtLimit", T("migrants.releasedAtLimit")));
        o.Add(("migrants.detainedAtEnd", m?.DetainedAtEnd ?? double.NaN));
        o.Add(("detention.bedDays", T("detention.bedDays")));
        o.Add(("detention.cost", T("detention.cost")));
        o.Add(("flights.hours", T("flights.hours")));
        o.Add(("flights.cost", T("flights.cost")));
        o.Add(("cost.total", T("detention.cost") + T("flights.cost")));
        // Averages over the run, for comparison with published aggregates. Average population = bed-days per day;
        // average stay by Little's law = bed-days per person leaving detention (removed, released or relieved).
        double removed = T("migrants.removed"), left = removed + T("migrants.releasedAtLimit") + T("migrants.relief");
        o.Add(("detention.averagePopulation", m is null || m.Days == 0 ? double.NaN : T("detention.bedDays") / m.Days));
        o.Add(("detention.averageStayDays", left > 0 ? T("detention.bedDays") / left : double.NaN));
        double flown = removed - T("migrants.removedByLand");
        o.Add(("migrants.removedByLand", T("migrants.removedByLand")));
        o.Add(("cost.flightPerRemoval", flown > 0 ? T("flights.cost") / flown : double.NaN));
        o.Add(("cost.perRemoval", removed > 0 ? (T("detention.cost") + T("flights.cost")) / removed : double.NaN));
        var negotiations = m?.Negotiations ?? [];
        o.Add(("negotiations", negotiations.Count));
        o.Add(("negotiations.agreements", negotiations.Count(n => n.Outcome == NegotiationOutcomes.Agreement)));
        o.Add(("negotiations.breakdowns", negotiations.Count(n => n.Outcome == NegotiationOutcomes.Breakdown)));
        o.Add(("negotiation.rounds", T("negotiation.rounds")));
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
        o.Add(("escalations.threatened", T("escalations.threatened")));
        o.Add(("escalations.applied", T("escalations.applied")));
        foreach (var k in Instruments) o.Add(("threatened." + k, m is null ? double.NaN : m.ThreatenedByInstrument.GetValueOrDefault(k)));
        foreach (var k in Instruments) o.Add(("applied." + k, m is null ? double.NaN : m.AppliedByInstrument.GetValueOrDefault(k)));
        o.Add(("tension.max", m is null ? double.NaN : m.TensionAtEnd.Count == 0 ? 0 : m.TensionAtEnd.Values.Max()));
        o.Add(("advocacy.alerts", T("advocacy.alerts")));
        // Linked disputes and incidents: instruments an agreement kept in force, incidents on landed flights.
        o.Add(("instruments.kept", T("instruments.kept")));
        o.Add(("flights.incidents", T("flights.incidents")));
        return o;
    }
}
