using SovereigntySim.Domain.Agents;
using SovereigntySim.Domain.Scenario;
using SovereigntySim.Domain.Simulation;

namespace SovereigntySim.Domain.Tests;

public sealed class KernelTests
{
    [Fact]
    public async Task The_small_scenario_does_something()
    {
        var run = await TestScenario.RunAsync(TestScenario.Small());
        Assert.Equal(240, run.World.Clock.EndTick);
        Assert.True(run.Events.Count > 500, $"{run.Events.Count} events");
        Assert.Equal(200, run.OfKind("migrant.detained").Count(e => e.Tick == 0));
        Assert.NotEmpty(run.OfKind("flight.planned"));
        Assert.NotEmpty(run.OfKind("screening.decision"));
        // Daily book-keeping happens at each day's last tick, the last day included.
        Assert.Equal(10, run.OfKind("country.day").Count(e => e.Actor == "country/MX"));
    }

    [Fact]
    public async Task Same_scenario_and_seed_give_identical_event_sequences()
    {
        var first = await TestScenario.RunAsync(TestScenario.Small());
        var again = await TestScenario.RunAsync(TestScenario.Small());
        Assert.Equal(first.Signatures(), again.Signatures());
    }

    [Fact]
    public async Task Another_seed_gives_another_sequence()
    {
        var first = await TestScenario.RunAsync(TestScenario.Small(seed: 42));
        var other = await TestScenario.RunAsync(TestScenario.Small(seed: 43));
        Assert.NotEqual(first.Signatures(), other.Signatures());
    }

    [Fact]
    public async Task Events_are_in_non_decreasing_tick_order_within_the_run()
    {
        var run = await TestScenario.RunAsync(TestScenario.Small());
        for (int i = 1; i < run.Events.Count; i++)
            Assert.True(run.Events[i - 1].Tick <= run.Events[i].Tick, $"event {i} at tick {run.Events[i].Tick} after tick {run.Events[i - 1].Tick}");
        Assert.All(run.Events, e => Assert.InRange(e.Tick, 0, run.World.Clock.EndTick - 1));
    }

    [Fact]
    public async Task Idle_ticks_are_skipped()
    {
        RecordingHost? recorder = null;
        var run = await TestScenario.RunAsync(TestScenario.Small(), h => recorder = new RecordingHost(h));
        var ticks = recorder!.Calls.Select(c => c.Tick).Distinct().ToList();
        Assert.True(ticks.Count < run.World.Clock.EndTick / 3, $"host called on {ticks.Count} of {run.World.Clock.EndTick} ticks");
        // Never called with nothing to deliver.
        Assert.All(recorder.Calls, c => Assert.NotEmpty(c.Batches));
        Assert.All(recorder.Calls, c => Assert.All(c.Batches, b => Assert.NotEmpty(b.Inbox)));
    }

    [Fact]
    public async Task A_lone_country_is_only_woken_at_the_start_and_at_each_day()
    {
        var spec = TestScenario.Small() with
        {
            Countries = [new CountrySpec { Id = "MX" }],
            Relations = [], Agencies = new AgenciesSpec(), Facilities = [], Populations = [], FlightPlans = [],
        };
        RecordingHost? recorder = null;
        var run = await TestScenario.RunAsync(spec, h => recorder = new RecordingHost(h));
        Assert.Equal([0L, 23, 47, 71, 95, 119, 143, 167, 191, 215, 239], recorder!.Calls.Select(c => c.Tick).Distinct());
        // At the start it states its private type; then one line a day.
        Assert.Equal("country.type", run.Events[0].Kind);
        Assert.Equal(0, run.Events[0].Tick);
        Assert.Equal(Enumerable.Range(1, 10).Select(d => d * 24L - 1), run.Events.Skip(1).Select(e => e.Tick));
        Assert.All(run.Events.Skip(1), e => Assert.Equal("country.day", e.Kind));
    }

    [Fact]
    public async Task Every_batch_inbox_is_in_canonical_order()
    {
        RecordingHost? recorder = null;
        await TestScenario.RunAsync(TestScenario.Small().WithEvents(
            new ScriptedEventSpec { At = TestScenario.Day(1), Kind = ScriptedEventKind.SetPressure, Country = "MX", Value = 0.5 },
            new ScriptedEventSpec { At = TestScenario.Day(1), Kind = ScriptedEventKind.SetPressure, Country = "MX", Value = 0.6 }),
            h => recorder = new RecordingHost(h));
        int multi = 0;
        foreach (var (tick, batches) in recorder!.Calls)
        {
            // Batches by agent id, each agent once per round.
            var ids = batches.Select(b => b.AgentId).ToList();
            Assert.Equal(ids.Order(StringComparer.Ordinal), ids);
            Assert.Equal(ids.Count, ids.Distinct().Count());
            foreach (var b in batches)
            {
                if (b.Inbox.Count > 1) multi++;
                for (int i = 1; i < b.Inbox.Count; i++)
                {
                    var (p, q) = (b.Inbox[i - 1], b.Inbox[i]);
                    int c = string.CompareOrdinal(p.From, q.From);
                    Assert.True(c < 0 || (c == 0 && p.Seq < q.Seq), $"tick {tick}, {b.AgentId}: ({p.From},{p.Seq}) before ({q.From},{q.Seq})");
                }
            }
        }
        Assert.True(multi > 0, "no inbox had more than one message, so nothing was checked");
        // The first batch of the run is the Start of every static agent, in ordinal order.
        var start = recorder.Calls[0];
        Assert.Equal(0, start.Tick);
        Assert.All(start.Batches, b => Assert.Contains(b.Inbox, e => e.Body is Start));
    }

    /// <summary>Handles batches in reverse order but returns the deliveries in the kernel's order, as a concurrent
    /// host could: the log must not change.</summary>
    private sealed class ReversingHost(SequentialAgentHost inner) : IAgentHost
    {
        public async Task<IReadOnlyList<Delivery>> DeliverAsync(long tick, IReadOnlyList<AgentBatch> batches, CancellationToken cancellation)
        {
            var result = new Delivery[batches.Count];
            for (int i = batches.Count - 1; i >= 0; i--) result[i] = (await inner.DeliverAsync(tick, [batches[i]], cancellation))[0];
            return result;
        }
    }

    [Fact]
    public async Task Order_of_handling_within_a_round_does_not_change_the_log()
    {
        var spec = TestScenario.Small().WithPlan(p => p with { Aircraft = AircraftKind.Military });
        var sequential = await TestScenario.RunAsync(spec);
        var reversed = await TestScenario.RunAsync(spec, h => new ReversingHost(h));
        Assert.Equal(sequential.Signatures(), reversed.Signatures());
    }

    [Fact]
    public async Task Running_in_slices_gives_the_same_log_as_one_run()
    {
        var spec = TestScenario.Small();
        var whole = await TestScenario.RunAsync(spec);

        var world = new World(spec);
        var kernel = new Kernel(world, new SequentialAgentHost(world));
        var events = new List<SimEvent>();
        long next = 0;
        foreach (var until in new long[] { 1, 37, 100, 101, 239, 1000 })
        {
            var slice = await kernel.RunAsync(until);
            Assert.Equal(next, slice.FromTick);
            Assert.Equal(Math.Min(until, world.Clock.EndTick), slice.NextTick);
            Assert.All(slice.Events, e => Assert.InRange(e.Tick, slice.FromTick, slice.NextTick - 1));
            Assert.Equal(slice.NextTick >= world.Clock.EndTick, slice.Finished);
            events.AddRange(slice.Events);
            next = slice.NextTick;
        }
        Assert.True(kernel.Finished);
        Assert.Equal(whole.Signatures(), events.Select(TestScenario.Signature).ToList());
    }

    /// <summary>An agent host whose agents keep answering each other within the tick.</summary>
    private sealed class ChattyHost : IAgentHost
    {
        public Task<IReadOnlyList<Delivery>> DeliverAsync(long tick, IReadOnlyList<AgentBatch> batches, CancellationToken cancellation) =>
            Task.FromResult<IReadOnlyList<Delivery>>(batches
                .Select(b => new Delivery(b.AgentId, [new Outgoing(b.AgentId, 0, b.Inbox[^1].Seq + 1, new Wake("again"))], []))
                .ToList());
    }

    [Fact]
    public async Task Endless_exchanges_within_a_tick_are_stopped()
    {
        var world = new World(TestScenario.Small());
        var kernel = new Kernel(world, new ChattyHost());
        var e = await Assert.ThrowsAsync<InvalidOperationException>(() => kernel.RunAsync(world.Clock.EndTick));
        Assert.Contains($"{Kernel.MaxRoundsPerTick} rounds", e.Message);
    }

    /// <summary>Sends one message a tick ahead for ever; checks delayed delivery and the end of the run.</summary>
    private sealed class TickingHost : IAgentHost
    {
        public List<long> Ticks { get; } = [];

        public Task<IReadOnlyList<Delivery>> DeliverAsync(long tick, IReadOnlyList<AgentBatch> batches, CancellationToken cancellation)
        {
            Ticks.Add(tick);
            return Task.FromResult<IReadOnlyList<Delivery>>(batches
                .Select(b => new Delivery(b.AgentId, b.AgentId == "country/MX" ? [new Outgoing(b.AgentId, 7, tick + 1, new Wake("tick"))] : [], []))
                .ToList());
        }
    }

    [Fact]
    public async Task Delayed_messages_arrive_after_their_delay_and_none_after_the_end()
    {
        var world = new World(TestScenario.Small(days: 2));
        var host = new TickingHost();
        var slice = await new Kernel(world, host).RunAsync(long.MaxValue);
        Assert.Equal([0L, 7, 14, 21, 28, 35, 42], host.Ticks);
        Assert.True(slice.Finished);
        Assert.Equal(48, slice.NextTick);
    }

    [Fact]
    public async Task Cancellation_is_honoured()
    {
        var world = new World(TestScenario.Small());
        var kernel = new Kernel(world, new SequentialAgentHost(world));
        using var cts = new CancellationTokenSource();
        cts.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => kernel.RunAsync(world.Clock.EndTick, cts.Token));
    }

    [Fact]
    public void Scenario_times_resolve_to_ticks()
    {
        var spec = TestScenario.Small();
        var world = new World(spec);
        Assert.Equal(27, world.Clock.TickAt(TestScenario.Day(2, 3).OffsetFrom(spec.Start)));
        var absolute = new ScenarioTime(null, new DateTimeOffset(2025, 1, 22, 5, 30, 0, TimeSpan.Zero));
        Assert.Equal(2 * 24 + 6, world.Clock.TickAt(absolute.OffsetFrom(spec.Start))); // rounded up to the next step
    }

    [Fact]
    public async Task A_scripted_negotiation_opens_at_its_time()
    {
        var spec = TestScenario.Small().WithoutFlights().WithEvents(
            new ScriptedEventSpec { At = TestScenario.Day(2, 3), Kind = ScriptedEventKind.OpenNegotiation, Country = "US", Against = "MX", Note = "talks" });
        var run = await TestScenario.RunAsync(spec);
        var opened = Assert.Single(run.OfKind("negotiation.opened"));
        Assert.Equal(TestScenario.Tick(2, 3), opened.Tick);
        Assert.Equal("negotiation/US-MX", opened.Actor);
        Assert.Equal(["talks"], opened.Reasons);
    }

    [Fact]
    public void World_lists_static_agents_in_ordinal_order()
    {
        var world = new World(TestScenario.Small().WithPopulation(p => p with { Partitions = 3 }));
        Assert.Equal(
            ["caseload/mx-pop/000", "caseload/mx-pop/001", "caseload/mx-pop/002", "country/MX", "country/US", "enforcement/ICE",
             "ministry/SRE", "ministry/STATE", "screening/INM"],
            world.StaticAgents);
        var c = world.Caseloads[2];
        long id = c.MigrantId(17);
        Assert.Same(c, world.CaseloadOfMigrant(id));
        Assert.Equal(17, (int)(uint)id);
    }
}

public sealed class SimClockTests
{
    private static readonly SimClock Hourly = new(TestScenario.Start, TimeSpan.FromHours(1), TimeSpan.FromDays(30));
    private static readonly SimClock Quarter = new(TestScenario.Start, TimeSpan.FromMinutes(15), TimeSpan.FromHours(36));

    [Fact]
    public void Ticks_days_and_times()
    {
        Assert.Equal(720, Hourly.EndTick);
        Assert.Equal(24, Hourly.TicksPerDay);
        Assert.Equal(144, Quarter.EndTick);
        Assert.Equal(96, Quarter.TicksPerDay);
        Assert.Equal("2025-01-21T10:00:00Z", Hourly.Iso(34));
        Assert.Equal("2025-01-20T02:30:00Z", Quarter.Iso(10));
        Assert.Equal(1, Hourly.DayIndex(47));
        Assert.Equal(2, Hourly.DayIndex(48));
        Assert.Equal(48, Hourly.NextDayStart(24));
        Assert.Equal(48, Hourly.NextDayStart(47));
    }

    [Theory]
    [InlineData(0, 0)]
    [InlineData(-3, 0)]
    [InlineData(0.1, 1)]
    [InlineData(1, 1)]
    [InlineData(1.01, 2)]
    [InlineData(24, 24)]
    public void Positive_delays_take_at_least_one_tick(double hours, long ticks)
    {
        Assert.Equal(ticks, Hourly.TicksFor(hours));
    }

    [Fact]
    public void Quarter_hour_steps()
    {
        Assert.Equal(6, Quarter.TicksFor(1.5));
        Assert.Equal(96, Quarter.TicksForDays(1));
        Assert.Equal(5, Quarter.TickAt(TimeSpan.FromMinutes(61)));
        Assert.Equal(1.5, Quarter.Hours(6));
    }

    [Fact]
    public void Iso_weeks_change_on_monday()
    {
        // 2025-01-20 is a Monday (ISO week 4).
        Assert.Equal(202504, Hourly.Week(0));
        Assert.Equal(202504, Hourly.Week(6 * 24 + 23));
        Assert.Equal(202505, Hourly.Week(7 * 24));
    }
}
