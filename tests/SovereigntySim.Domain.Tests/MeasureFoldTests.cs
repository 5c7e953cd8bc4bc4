using SovereigntySim.Domain.Metrics;
using SovereigntySim.Domain.Scenario;
using SovereigntySim.Domain.Simulation;
using Xunit;

namespace SovereigntySim.Domain.Tests;

/// <summary>Issue 16 item 5: outcome measures as data, folded from the events as the built-in ones are.</summary>
public class MeasureFoldTests
{
    private static readonly SimClock Clock = new(DateTimeOffset.Parse("2025-01-01T00:00:00Z"), TimeSpan.FromHours(1), TimeSpan.FromDays(30));

    private static SimEvent Landed(long tick, string flight, double removed) =>
        new(tick, EventKinds.FlightLanded, flight, Fields: [Field.Of(EventFields.Removed, removed)]);

    private static SimEvent Threat(long tick, string by, string against, string instrument) =>
        new(tick, EventKinds.InstrumentThreatened, by, against, Fields: [Field.Of(EventFields.Instrument, instrument), Field.Of("rate", 0.25)]);

    [Fact]
    public void Count_first_last_and_sum_over_matching_events()
    {
        var fold = new MeasureFold(
        [
            new MeasureSpec { Id = "landings", Of = MeasureOf.Count, Event = EventKinds.FlightLanded },
            new MeasureSpec { Id = "secondLanding", Of = MeasureOf.First, Event = EventKinds.FlightLanded, Nth = 2 },
            new MeasureSpec { Id = "fourthLanding", Of = MeasureOf.First, Event = EventKinds.FlightLanded, Nth = 4 },
            new MeasureSpec { Id = "lastCharter", Of = MeasureOf.Last, Event = EventKinds.FlightLanded, Actor = "flight/charter/" },
            new MeasureSpec { Id = "removed", Of = MeasureOf.Sum, Event = EventKinds.FlightLanded, Field = EventFields.Removed },
            new MeasureSpec
            {
                Id = "tariffThreatsOnMexico", Of = MeasureOf.Count, Event = EventKinds.InstrumentThreatened, Subject = "country/MX",
                Where = [new FieldValueSpec { Field = EventFields.Instrument, Value = "tariff" }],
            },
            new MeasureSpec { Id = "quarterRates", Of = MeasureOf.Count, Event = EventKinds.InstrumentThreatened, Where = [new FieldValueSpec { Field = "rate", Value = "0.25" }] },
        ], Clock);
        SimEvent[] events =
        [
            Landed(12, "flight/charter/00000", 98),
            Threat(20, "country/US", "country/MX", "tariff"),
            Threat(21, "country/US", "country/CO", "tariff"),
            Threat(22, "country/US", "country/MX", "visaSanctions"),
            Landed(36, "flight/military/00000", 80),
            Landed(60, "flight/charter/00001", 100),
            new(61, EventKinds.FlightDeparted, "flight/charter/00002"),
        ];
        foreach (var e in events) fold.Add(e);
        var v = fold.Values().ToDictionary(m => m.Name, m => m.Value);
        Assert.Equal(3, v["measure.landings"]);
        Assert.Equal(1.5, v["measure.secondLanding"]); // tick 36 of 24 a day
        Assert.Null(v["measure.fourthLanding"]); // never came: missing, not 0
        Assert.Equal(2.5, v["measure.lastCharter"]); // the military flight is not a charter
        Assert.Equal(278, v["measure.removed"]);
        Assert.Equal(1, v["measure.tariffThreatsOnMexico"]);
        Assert.Equal(3, v["measure.quarterRates"]); // a number compares as a number
        Assert.Equal(["measure.landings", "measure.secondLanding", "measure.fourthLanding", "measure.lastCharter", "measure.removed",
            "measure.tariffThreatsOnMexico", "measure.quarterRates"], fold.Values().Select(m => m.Name));
    }

    [Fact]
    public void The_run_metrics_carry_the_measures_after_the_built_in_outcomes()
    {
        var specs = new List<MeasureSpec> { new() { Id = "landings", Of = MeasureOf.Count, Event = EventKinds.FlightLanded } };
        var m = new MetricsAccumulator(Clock, measures: specs);
        m.Add(Landed(5, "flight/charter/00000", 10));
        m.Finish(24);
        var outcomes = Outcomes.Of(m.Summary());
        Assert.Equal(Outcomes.Columns.Count + 1, outcomes.Count);
        Assert.Equal(("measure.landings", 1.0), outcomes[^1]);
        Assert.Equal([.. Outcomes.Columns, "measure.landings"], Outcomes.ColumnsFor(new ScenarioSpec { Measures = specs }));
    }
}
