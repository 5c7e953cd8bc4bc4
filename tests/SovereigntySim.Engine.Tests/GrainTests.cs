using SovereigntySim.Grains;
using SovereigntySim.Hosting.Engines;

namespace SovereigntySim.Engine.Tests;

[Collection(OneSiloCollection.Name)]
public sealed class GrainTests(OneSiloCluster cluster)
{
    [Fact]
    public async Task A_migrant_can_be_looked_up_by_id_with_its_history()
    {
        var spec = Repo.Load("mexico-flight-refusal.yaml", "duration=6d");
        await using var engine = await OrleansEngine.StartAsync(cluster.Client, spec);
        await engine.RunAsync(engine.World.Clock.EndTick);
        var caseload = engine.World.Caseloads[0];

        // The first detainees are the longest held: they are booked first, so their history goes beyond detention.
        var migrant = await engine.GetMigrantAsync(caseload.MigrantId(0));
        Assert.NotNull(migrant);
        Assert.Equal(caseload.MigrantId(0), migrant.Id);
        Assert.Equal("detained", migrant.History[0].Kind);
        Assert.Contains(migrant.History, h => h.Kind == "booked" && h.Flight is not null);

        Assert.Null(await engine.GetMigrantAsync(caseload.MigrantId(50_000_000)));
        Assert.Null(await engine.GetMigrantAsync(caseload.MigrantId(0) | 0x8000_0000L)); // local number with its high bit set
        Assert.Null(await engine.GetMigrantAsync(long.MaxValue));
    }

    [Fact]
    public async Task Slices_advance_simulated_time_and_a_run_cannot_start_twice()
    {
        var spec = Repo.Load("colombia-2025.yaml");
        var run = cluster.Client.GetGrain<ISimulationGrain>($"test-{Guid.NewGuid():N}");
        await run.Start(new ScenarioPayload(spec));
        var first = (await run.Run(24)).Slice;
        Assert.Equal(24, first.NextTick);
        Assert.All(first.Events, e => Assert.InRange(e.Tick, 0, 23));
        var second = (await run.Run(48)).Slice;
        Assert.All(second.Events, e => Assert.InRange(e.Tick, 24, 47));
        Assert.Contains(second.Events, e => e.Kind == "flight.turnedBack");
        await Assert.ThrowsAnyAsync<Exception>(() => run.Start(new ScenarioPayload(spec)));
        await run.End();
    }

    [Fact]
    public async Task Flight_and_negotiation_agents_are_created_by_their_first_message()
    {
        var spec = Repo.Load("colombia-2025.yaml");
        await using var engine = await OrleansEngine.StartAsync(cluster.Client, spec);
        var slice = await engine.RunAsync(engine.World.Clock.EndTick);
        Assert.Contains(slice.Events, e => e.Actor.StartsWith("flight/co-c17/", StringComparison.Ordinal));
        var turnedBack = slice.Events.First(e => e.Kind == "flight.turnedBack");
        var agreement = slice.Events.Single(e => e is { Actor: "negotiation/US-CO", Kind: "negotiation.agreement" });
        // Colombia, 26 Jan 2025: turned back before dawn, resolved the same day.
        Assert.InRange(agreement.Tick - turnedBack.Tick, 1, 23);
    }
}
