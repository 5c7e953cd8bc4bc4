using SovereigntySim.Domain.Bargaining;
using SovereigntySim.Domain.Metrics;
using SovereigntySim.Domain.Simulation;

namespace SovereigntySim.Hosting.Outputs;

/// <summary>The tables of one run, built from its folded metrics: daily totals, daily series per country and dyad,
/// one row per negotiation, one per offer, and each dyad's Pareto frontier. docs/outputs.md documents every column.</summary>
public static class RunTables
{
    public static Table Timeseries(MetricsAccumulator m)
    {
        var t = new Table(["day", "date", .. MetricKeys.DailyColumns]);
        foreach (var r in m.Rows) t.Add([r.Day, r.Date, .. r.Counters.Cast<object?>(), r.Detained, r.MaxTension]);
        return t;
    }

    public static Table Series(MetricsAccumulator m)
    {
        var t = new Table(["day", "date", "entity", "metric", "value"]);
        foreach (var r in m.Series) t.Add(r.Day, r.Date, r.Entity, r.Metric, r.Value);
        return t;
    }

    /// <summary>Every agreed term as its own column, in the order the model lists them.</summary>
    public static IReadOnlyList<string> TermColumns { get; } = new Terms(Domain.Scenario.AircraftKind.Charter, false, 0, 0, 0,
        Domain.Scenario.DocumentStandard.Any, false, false).Fields().Select(f => f.Key).ToArray();

    public static readonly string[] NegotiationColumns =
    [
        "negotiation", "dyad", "sending", "receiving", "opened", "closed", "outcome", "rounds", "hoursOpen", "utilitySending", "utilityReceiving",
        "nashProduct", "reservationSending", "reservationReceiving", "nashUtilitySending", "nashUtilityReceiving",
        "closedBy", "closerOfferUtility", "closerReservation", "closerAspiration", "closerDailyCost", .. TermColumns,
    ];

    /// <summary>The negotiation rows of a run; <paramref name="prefix"/> cells (e.g. the run number) go first.</summary>
    public static IEnumerable<object?[]> NegotiationRows(RunMetrics metrics, World world, params object?[] prefix)
    {
        foreach (var n in metrics.Negotiations)
        {
            var (rs, rr, nash) = Disagreement(world, n.Sending, n.Receiving);
            var terms = TermColumns.Select(c => n.AgreedTerms.FirstOrDefault(f => f.Key == c) is { Key: not null } f ? (object?)(f.Number ?? (object?)f.Text) : null);
            yield return
            [
                .. prefix, n.Index, n.Dyad, n.Sending, n.Receiving, n.Opened, n.Closed, n.Outcome, n.Rounds, n.HoursOpen ?? double.NaN,
                n.UtilitySending ?? double.NaN, n.UtilityReceiving ?? double.NaN, n.NashProduct ?? double.NaN, rs, rr,
                nash?.Sending ?? double.NaN, nash?.Receiving ?? double.NaN,
                n.ClosedBy, n.CloserOfferUtility ?? double.NaN, n.CloserReservation ?? double.NaN, n.CloserAspiration ?? double.NaN, n.CloserDailyCost ?? double.NaN,
                .. terms,
            ];
        }
    }

    public static Table Negotiations(RunMetrics metrics, World world)
    {
        var t = new Table(NegotiationColumns);
        foreach (var row in NegotiationRows(metrics, world)) t.Add(row);
        return t;
    }

    public static Table Offers(MetricsAccumulator m)
    {
        var t = new Table(["negotiation", "dyad", "round", "hoursOpen", "by", "utilitySending", "utilityReceiving", "accepted", "reservation", "aspiration", "dailyCost"]);
        foreach (var o in m.Offers) t.Add(o.Negotiation, o.Dyad, o.Round, o.HoursOpen, o.By, o.UtilitySending, o.UtilityReceiving, o.Accepted, o.Reservation, o.Aspiration, o.DailyCost);
        return t;
    }

    /// <summary>The Pareto frontier of each negotiation's issue space (it depends only on the two sides' weights).</summary>
    public static Table FrontierTable(RunMetrics metrics, World world)
    {
        var t = new Table(["negotiation", "dyad", "utilitySending", "utilityReceiving"]);
        foreach (var n in metrics.Negotiations)
            foreach (var p in FrontierOf(world, n.Sending, n.Receiving) ?? [])
                t.Add(n.Index, n.Dyad, p.Sending, p.Receiving);
        return t;
    }

    // A frontier depends only on the world's weights: traced once per world and dyad, however many negotiations and
    // runs (an experiment's point) share them.
    private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<World, System.Collections.Concurrent.ConcurrentDictionary<(string, string), IReadOnlyList<(double Sending, double Receiving)>?>> Frontiers = new();

    private static IReadOnlyList<(double Sending, double Receiving)>? FrontierOf(World world, string? sending, string? receiving) =>
        sending is null || receiving is null ? null
        : Frontiers.GetOrCreateValue(world).GetOrAdd((sending, receiving), key => Sides(world, key.Item1, key.Item2) is { } sides
            ? Frontier.Of(sides.Sending, sides.Receiving, new IssueSpace(world.Negotiation).Levels())
            : null);

    private static (Utility Sending, Utility Receiving)? Sides(World world, string? sending, string? receiving) =>
        sending is null || receiving is null || world.MinistryOf(sending) is not { } s || world.MinistryOf(receiving) is not { } r
            ? null
            : (new Utility(s.WeightsAs(true), true), new Utility(r.WeightsAs(false), false));

    private static (double Sending, double Receiving, (double Sending, double Receiving)? Nash) Disagreement(World world, string? sending, string? receiving) =>
        Bargain(world, sending, receiving) is { } b ? (b.ReservationSending, b.ReservationReceiving, b.Nash) : (double.NaN, double.NaN, null);

    /// <summary>A dyad's bargaining space, as the report and the live page draw it: the Pareto frontier of the issue
    /// space, the two ministries' reservation values at the start (no deal below them) and the Nash point over them;
    /// null when a side has no ministry.</summary>
    public static (IReadOnlyList<(double Sending, double Receiving)> Frontier, double ReservationSending, double ReservationReceiving, (double Sending, double Receiving)? Nash)?
        Bargain(World world, string? sending, string? receiving)
    {
        if (FrontierOf(world, sending, receiving) is not { } frontier) return null;
        double rs = world.MinistryOf(sending!)!.ReservationValue, rr = world.MinistryOf(receiving!)!.ReservationValue;
        return (frontier, rs, rr, Frontier.NashPoint(frontier, rs, rr));
    }
}
