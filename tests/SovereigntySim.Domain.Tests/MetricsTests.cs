using SovereigntySim.Domain.Agents;
using SovereigntySim.Domain.Metrics;
using SovereigntySim.Domain.Scenario;
using SovereigntySim.Domain.Simulation;

namespace SovereigntySim.Domain.Tests;

public sealed class MetricsTests
{
    private static readonly SimClock Clock = new(TestScenario.Start, TimeSpan.FromHours(1), TimeSpan.FromDays(3));

    private static SimEvent E(long tick, string kind, string actor = "x", string? subject = null, string[]? reasons = null, params Field[] fields) =>
        new(tick, kind, actor, subject, reasons, fields.Length == 0 ? null : fields);

    private static SimEvent Migrant(long tick, string kind, long id, string? reason = null) =>
        E(tick, "migrant." + kind, "caseload/p/000", id.ToString(System.Globalization.CultureInfo.InvariantCulture), reason is null ? null : [reason]);

    private static double Counter(DayRow row, string name) => row.Counters[Array.IndexOf(MetricKeys.Daily, name)];

    private static MetricsAccumulator Fold(IEnumerable<SimEvent> events)
    {
        var m = new MetricsAccumulator(Clock);
        foreach (var e in events) m.Add(e);
        return m;
    }

    [Fact]
    public void Full_and_compact_migrant_events_both_count()
    {
        var m = Fold(
        [
            Migrant(0, "detained", 1), Migrant(0, "detained", 2), Migrant(0, "detained", 3),
            E(0, "migrants", "caseload/p/001", null, null,
                Field.Of("migrantEvents", 4), Field.Of("migrant.detained", 2), Field.Of("migrant.removable", 2), Field.Of("xxh128", "abc")),
            Migrant(30, "removed", 1),
            Migrant(30, "refused", 2, "missingDocuments"),
            E(31, "migrants", "caseload/p/001", null, null,
                Field.Of("migrantEvents", 6), Field.Of("migrant.removed", 2), Field.Of("migrant.released", 1), Field.Of("migrant.reliefGranted", 1),
                Field.Of("migrant.refused", 2), Field.Of("xxh128", "def")),
        ]);
        var t = m.Summary().Totals;
        Assert.Equal(5, t["migrants.detained"]);
        Assert.Equal(3, t["migrants.removed"]);
        Assert.Equal(3, t["migrants.refused"]);
        Assert.Equal(1, t["migrants.releasedAtLimit"]);
        Assert.Equal(1, t["migrants.relief"]);
        Assert.Equal(3 + 4 + 2 + 6, t["migrantEvents"]);
        Assert.Equal(5 - 3 - 1 - 1, m.DetainedNow);
        Assert.Equal(0, m.Summary().DetainedAtEnd);
        Assert.Equal(7, m.Events);
    }

    [Fact]
    public void Removals_per_destination_and_the_averages_for_published_aggregates()
    {
        // Flights of plan p go to MX, of plan q to GT (the dyad comes from the plan, as MetricsAccumulator.For does).
        var m = new MetricsAccumulator(Clock, actor => actor.StartsWith("flight/p/", StringComparison.Ordinal) ? "US->MX" : "US->GT");
        SimEvent[] events =
        [
            E(1, "flight.planned", "flight/p/0", null, null, Field.Of("destination", "MX")),
            E(1, "flight.planned", "flight/q/0", null, null, Field.Of("destination", "GT")),
            E(5, "flight.landed", "flight/p/0", null, null, Field.Of("removed", 100)),
            E(5, "flight.closed", "flight/p/0", null, null, Field.Of("flightHours", 5), Field.Of("cost", 40000)),
            E(6, "flight.landed", "flight/q/0", null, null, Field.Of("removed", 60)),
            E(6, "flight.closed", "flight/q/0", null, null, Field.Of("flightHours", 6), Field.Of("cost", 20000)),
            Migrant(5, "removed", 1), Migrant(6, "removed", 2), Migrant(6, "released", 3), Migrant(6, "reliefGranted", 4),
            E(23, "caseload.day", "caseload/p/000", null, null, Field.Of("bedDays", 600), Field.Of("cost", 90000)),
            E(47, "caseload.day", "caseload/p/000", null, null, Field.Of("bedDays", 300), Field.Of("cost", 45000)),
        ];
        foreach (var e in events) m.Add(e);
        m.Finish(Clock.EndTick);
        var s = m.Summary();
        Assert.Equal(new Dictionary<string, double> { ["GT"] = 60, ["MX"] = 100 }, s.RemovedByDestination);
        Assert.Equal(3, s.Days);

        var o = Outcomes.Of(s).ToDictionary(x => x.Name, x => x.Value);
        Assert.Equal(900 / 3.0, o["detention.averagePopulation"], 9);      // bed-days per simulated day
        Assert.Equal(900 / 4.0, o["detention.averageStayDays"], 9);        // per person leaving: 2 removed, 1 released, 1 relief
        Assert.Equal(60000 / 2.0, o["cost.flightPerRemoval"], 9);
        Assert.Equal((60000 + 135000) / 2.0, o["cost.perRemoval"], 9);
        Assert.Equal(Outcomes.Columns, Outcomes.Of(s).Select(x => x.Name));
    }

    [Fact]
    public void Every_counter_is_in_the_summary_even_when_zero()
    {
        var s = Fold([]).Summary();
        Assert.Equal(MetricKeys.All.Order(), s.Totals.Keys.Order());
        Assert.All(s.Totals.Values, v => Assert.Equal(0, v));
    }

    [Fact]
    public void Flight_detention_and_escalation_events_are_counted()
    {
        var m = Fold(
        [
            E(1, "flight.planned"), E(1, "flight.planned"), E(1, "flight.cancelled", reasons: ["weeklyCap"]),
            E(2, "flight.cleared"), E(2, "flight.partiallyCleared"),
            E(3, "flight.refused", reasons: ["proceduralIrregularities", "missingDocuments"]),
            E(3, "flight.refused", reasons: ["aircraftType"]),
            E(4, "flight.turnedBack"), E(4, "flight.diverted"), E(5, "flight.landed"),
            E(5, "flight.closed", fields: [Field.Of("flightHours", 5), Field.Of("cost", 42885)]),
            E(5, "flight.closed", fields: [Field.Of("flightHours", 0), Field.Of("cost", 0)]),
            E(3, "screening.decision", fields: [Field.Of("verdict", "refused"), Field.Of("refused.missingDocuments", 3), Field.Of("refused.pendingLegalProcess", 1)]),
            E(6, "screening.decision", fields: [Field.Of("refused.missingDocuments", 2)]),
            E(24, "caseload.day", fields: [Field.Of("bedDays", 100.5), Field.Of("cost", 15075), Field.Of("deferredArrests", 2)]),
            E(24, "caseload.day", fields: [Field.Of("bedDays", 10), Field.Of("cost", 1500), Field.Of("deferredArrests", 0)]),
            E(25, "instrument.threatened"), E(26, "instrument.applied"), E(26, "instrument.applied"),
            E(27, "advocacy.alert"), E(28, "observer.assessment"),
        ]);
        var s = m.Summary();
        var t = s.Totals;
        Assert.Equal(2, t["flights.planned"]);
        Assert.Equal(1, t["flights.cancelled"]);
        Assert.Equal(1, t["flights.cleared"]);
        Assert.Equal(1, t["flights.partiallyCleared"]);
        Assert.Equal(2, t["flights.refused"]);
        Assert.Equal(1, t["flights.turnedBack"]);
        Assert.Equal(1, t["flights.diverted"]);
        Assert.Equal(1, t["flights.landed"]);
        Assert.Equal(5, t["flights.hours"]);
        Assert.Equal(42885, t["flights.cost"]);
        Assert.Equal(110.5, t["detention.bedDays"]);
        Assert.Equal(16575, t["detention.cost"]);
        Assert.Equal(2, t["migrants.deferredArrests"]);
        Assert.Equal(1, t["escalations.threatened"]);
        Assert.Equal(2, t["escalations.applied"]);
        Assert.Equal(1, t["advocacy.alerts"]);
        Assert.Equal(1, t["observer.assessments"]);
        Assert.Equal(new Dictionary<string, long> { ["aircraftType"] = 1, ["missingDocuments"] = 1, ["proceduralIrregularities"] = 1 }, s.FlightRefusalReasons);
        Assert.Equal(new Dictionary<string, long> { ["missingDocuments"] = 5, ["pendingLegalProcess"] = 1 }, s.PersonRefusalReasons);
    }

    [Fact]
    public void Country_days_record_the_latest_pressure_and_tension()
    {
        var m = Fold(
        [
            E(24, "country.day", "country/MX", fields: [Field.Of("pressure", 0.4), Field.Of("tension.US", 0.2), Field.Of("disputeCost.US", 0.1)]),
            E(24, "country.day", "country/US", fields: [Field.Of("pressure", 0.6), Field.Of("tension.MX", 0.3)]),
            E(48, "country.day", "country/MX", fields: [Field.Of("pressure", 0.45), Field.Of("tension.US", 0.5)]),
        ]);
        m.Finish(Clock.EndTick);
        var s = m.Summary();
        Assert.Equal(new Dictionary<string, double> { ["MX"] = 0.45, ["US"] = 0.6 }, s.PressureAtEnd);
        Assert.Equal(new Dictionary<string, double> { ["MX->US"] = 0.5, ["US->MX"] = 0.3 }, s.TensionAtEnd);
        // Row maxima: day 1 has no tension yet, day 2 ends at 0.3, day 3 at 0.5.
        Assert.Equal([0.0, 0.3, 0.5], m.Rows.Select(r => r.MaxTension));
    }

    [Fact]
    public void Negotiations_are_summarised_in_the_order_opened()
    {
        var m = Fold(
        [
            E(14, "negotiation.opened", "negotiation/US-MX"),
            E(15, "negotiation.offer", "negotiation/US-MX"),
            E(19, "negotiation.offer", "negotiation/US-MX"),
            E(23, "negotiation.agreement", "negotiation/US-MX", null, ["accepted by MX"],
                Field.Of("round", 3), Field.Of("day", 1), Field.Of("hoursOpen", 9), Field.Of("utility.sending", 0.7),
                Field.Of("utility.receiving", 0.5), Field.Of("nashProduct", 0.03), Field.Of("terms", "aircraft=Charter")),
            E(30, "negotiation.opened", "negotiation/US-CO"),
            E(31, "negotiation.offer", "negotiation/US-CO"),
            E(40, "negotiation.breakdown", "negotiation/US-CO", fields: [Field.Of("hoursOpen", 10)]),
            E(50, "negotiation.opened", "negotiation/US-MX"),
        ]);
        var s = m.Summary();
        Assert.Equal(5, s.Totals["negotiation.rounds"]);
        // A dyad that negotiates again gets a new entry; the first one keeps its outcome.
        Assert.Equal(["US-MX", "US-CO", "US-MX"], s.Negotiations.Select(n => n.Dyad));
        Assert.Equal("open", s.Negotiations[2].Outcome);
        Assert.Equal(0, s.Negotiations[2].Rounds);
        var co = s.Negotiations[1];
        Assert.Equal("breakdown", co.Outcome);
        Assert.Equal(2, co.Rounds); // an offer and the walk-away answering the next round
        Assert.Equal(10, co.HoursOpen);
        Assert.Null(co.AgreementDay);
        var mx = s.Negotiations[0];
        Assert.Equal("agreement", mx.Outcome);
        Assert.Equal("2025-01-20T14:00:00Z", mx.Opened);
        Assert.Equal("2025-01-20T23:00:00Z", mx.AgreedAt);
        Assert.Equal(3, mx.Rounds);
        Assert.Equal(1, mx.AgreementDay);
        Assert.Equal(9, mx.HoursOpen);
        Assert.Equal("aircraft=Charter", mx.Terms);
        Assert.Equal(0.7, mx.UtilitySending);
        Assert.Equal(0.5, mx.UtilityReceiving);
        Assert.Equal(0.03, mx.NashProduct);
    }

    [Fact]
    public void An_open_negotiation_reports_open()
    {
        var s = Fold([E(5, "negotiation.opened", "negotiation/US-MX"), E(6, "negotiation.offer", "negotiation/US-MX")]).Summary();
        Assert.Equal("open", Assert.Single(s.Negotiations).Outcome);
    }

    [Fact]
    public void Day_rows_close_when_a_later_day_begins_with_cumulative_counters()
    {
        var m = Fold(
        [
            Migrant(0, "detained", 1), Migrant(3, "detained", 2), Migrant(23, "detained", 3),
            Migrant(24, "removed", 1), // day 2 begins: closes day 1
            Migrant(50, "released", 2), // day 3 begins: closes day 2
        ]);
        Assert.Equal(2, m.Rows.Count);
        var day1 = m.Rows[0];
        Assert.Equal(1, day1.Day);
        Assert.Equal("2025-01-20", day1.Date);
        Assert.Equal(3, Counter(day1, "migrants.detained"));
        Assert.Equal(0, Counter(day1, "migrants.removed"));
        Assert.Equal(3, day1.Detained);
        var day2 = m.Rows[1];
        Assert.Equal(2, day2.Day);
        Assert.Equal("2025-01-21", day2.Date);
        Assert.Equal(3, Counter(day2, "migrants.detained"));
        Assert.Equal(1, Counter(day2, "migrants.removed"));
        Assert.Equal(2, day2.Detained);
    }

    [Fact]
    public void A_jump_over_quiet_days_closes_each_of_them()
    {
        var m = Fold([Migrant(1, "detained", 1), Migrant(60, "removed", 1)]);
        Assert.Equal([1, 2], m.Rows.Select(r => r.Day));
        Assert.All(m.Rows, r => Assert.Equal(1, r.Detained));
    }

    [Fact]
    public void Finish_fills_the_remaining_days()
    {
        var m = Fold([Migrant(1, "detained", 1), Migrant(2, "detained", 2)]);
        Assert.Empty(m.Rows);
        m.Finish(Clock.EndTick);
        Assert.Equal([1, 2, 3], m.Rows.Select(r => r.Day));
        Assert.Equal(["2025-01-20", "2025-01-21", "2025-01-22"], m.Rows.Select(r => r.Date));
        Assert.All(m.Rows, r => Assert.Equal(2, Counter(r, "migrants.detained")));
        // Finishing again adds nothing.
        m.Finish(Clock.EndTick);
        Assert.Equal(3, m.Rows.Count);
    }

    [Fact]
    public void Finish_mid_day_closes_the_started_day()
    {
        var m = Fold([Migrant(1, "detained", 1)]);
        m.Finish(30); // the run stopped 6 hours into day 2
        Assert.Equal([1, 2], m.Rows.Select(r => r.Day));
    }

    [Fact]
    public async Task Metrics_of_a_real_run_agree_with_its_log()
    {
        var run = await TestScenario.RunAsync(TestScenario.Small());
        var m = Fold(run.Events);
        m.Finish(run.World.Clock.EndTick);
        Assert.Equal(10, m.Rows.Count);
        Assert.Equal(run.Events.Count, m.Events);
        var t = m.Summary().Totals;
        Assert.Equal(run.OfKind("migrant.detained").Count(), t["migrants.detained"]);
        Assert.Equal(run.Events.Count(e => e.Kind.StartsWith("migrant.", StringComparison.Ordinal)), t["migrantEvents"]);
        Assert.Equal(run.OfKind("flight.planned").Count(), t["flights.planned"]);
        // Counters never decrease from one day to the next.
        for (int d = 1; d < m.Rows.Count; d++)
            for (int c = 0; c < MetricKeys.Daily.Length; c++)
                Assert.True(m.Rows[d].Counters[c] >= m.Rows[d - 1].Counters[c], $"{MetricKeys.Daily[c]} fell on day {d + 1}");
        Assert.Equal(m.DetainedNow, m.Rows[^1].Detained);
    }
}

public sealed class MigrantLogTests
{
    private static (List<SimEvent> Events, MigrantLog Log) New(MigrantEventLog mode)
    {
        var events = new List<SimEvent>();
        return (events, new MigrantLog(mode, events.Add));
    }

    private static void RecordSome(MigrantLog log, bool swap = false)
    {
        log.Record(5, "caseload/p/000", 1, MigrantEventKind.Detained, Reason.None, null, 0);
        if (swap)
        {
            log.Record(5, "caseload/p/000", 3, MigrantEventKind.Refused, Reason.MissingDocuments, "flight/f/00000", 0);
            log.Record(5, "caseload/p/000", 2, MigrantEventKind.Removed, Reason.None, "flight/f/00000", 0);
        }
        else
        {
            log.Record(5, "caseload/p/000", 2, MigrantEventKind.Removed, Reason.None, "flight/f/00000", 0);
            log.Record(5, "caseload/p/000", 3, MigrantEventKind.Refused, Reason.MissingDocuments, "flight/f/00000", 0);
        }
    }

    [Fact]
    public void Full_mode_logs_one_line_per_migrant_event()
    {
        var (events, log) = New(MigrantEventLog.Full);
        RecordSome(log);
        log.Flush(5, "caseload/p/000");
        Assert.Equal(["migrant.detained", "migrant.removed", "migrant.refused"], events.Select(e => e.Kind));
        Assert.Equal("3", events[2].Subject);
        Assert.Equal(["missingDocuments"], events[2].Reasons);
        Assert.Equal("flight/f/00000", events[2].Text("flight"));
        Assert.Null(events[0].Reasons);
        Assert.Null(events[0].Fields);
    }

    [Fact]
    public void Compact_mode_logs_one_counted_and_hashed_line_per_flush()
    {
        var (events, log) = New(MigrantEventLog.Compact);
        RecordSome(log);
        Assert.Empty(events);
        log.Flush(5, "caseload/p/000");
        var line = Assert.Single(events);
        Assert.Equal(("migrants", "caseload/p/000", 5L), (line.Kind, line.Actor, line.Tick));
        Assert.Equal(3, line.Number("migrantEvents"));
        Assert.Equal(1, line.Number("migrant.detained"));
        Assert.Equal(1, line.Number("migrant.removed"));
        Assert.Equal(1, line.Number("migrant.refused"));
        Assert.DoesNotContain(line.Fields!, f => f.Key == "migrant.released");
        // Nothing new: no line.
        log.Flush(6, "caseload/p/000");
        Assert.Single(events);
    }

    private static string? Hash(SimEvent e) => e.Fields!.Single(f => f.Number is null).Text;

    [Fact]
    public void Compact_hash_covers_content_and_order()
    {
        string? Run(bool swap, long firstId = 1)
        {
            var (events, log) = New(MigrantEventLog.Compact);
            if (firstId != 1) log.Record(5, "caseload/p/000", firstId, MigrantEventKind.Detained, Reason.None, null, 0);
            RecordSome(log, swap);
            log.Flush(5, "caseload/p/000");
            return Hash(events.Single());
        }
        var a = Run(false);
        Assert.False(string.IsNullOrEmpty(a));
        Assert.Equal(a, Run(false));
        Assert.NotEqual(a, Run(true));
        Assert.NotEqual(a, Run(false, firstId: 9));
    }

    [Fact]
    public void Compact_hash_restarts_after_each_flush()
    {
        var (events, log) = New(MigrantEventLog.Compact);
        RecordSome(log);
        log.Flush(5, "caseload/p/000");
        RecordSome(log);
        log.Flush(5, "caseload/p/000");
        Assert.Equal(2, events.Count);
        Assert.Equal(Hash(events[0]), Hash(events[1]));
        Assert.Equal(3, events[1].Number("migrantEvents"));
    }

    [Fact]
    public void Compact_mode_handles_more_records_than_one_hash_block()
    {
        string? Run(int n)
        {
            var (events, log) = New(MigrantEventLog.Compact);
            for (int i = 0; i < n; i++) log.Record(i, "c", i, MigrantEventKind.Detained, Reason.None, null, 0);
            log.Flush(n, "c");
            Assert.Equal(n, events.Single().Number("migrantEvents"));
            return Hash(events.Single());
        }
        Assert.Equal(Run(5000), Run(5000));
        Assert.NotEqual(Run(5000), Run(5001));
    }

    [Fact]
    public void Compact_hash_is_xxh128_of_the_records_in_order_across_blocks()
    {
        const int n = 5000; // more than two blocks of 2048 records
        var (events, log) = New(MigrantEventLog.Compact);
        var bytes = new byte[n * 24];
        uint flightKey = (uint)SovereigntySim.Domain.Randomness.Seeds.ForAgent(0, "flight/f/00001");
        for (int i = 0; i < n; i++)
        {
            var kind = (MigrantEventKind)(i % 12);
            var reason = (Reason)(i % 7);
            string? flight = i % 3 == 0 ? null : "flight/f/00001";
            ushort traits = (ushort)(i * 37);
            log.Record(100 + i, "c", 1000 + i, kind, reason, flight, traits);
            var r = bytes.AsSpan(i * 24, 24);
            System.Buffers.Binary.BinaryPrimitives.WriteInt64LittleEndian(r, 1000 + i);
            System.Buffers.Binary.BinaryPrimitives.WriteInt64LittleEndian(r[8..], 100 + i);
            r[16] = (byte)kind;
            r[17] = (byte)reason;
            System.Buffers.Binary.BinaryPrimitives.WriteUInt16LittleEndian(r[18..], traits);
            System.Buffers.Binary.BinaryPrimitives.WriteUInt32LittleEndian(r[20..], flight is null ? 0 : flightKey);
        }
        log.Flush(0, "c");
        var expected = Convert.ToHexStringLower(System.IO.Hashing.XxHash128.Hash(bytes));
        Assert.Equal(expected, events.Single().Text("xxh128"));
    }
}
