using SovereigntySim.Domain.Simulation;
using SovereigntySim.Hosting.Engines;

namespace SovereigntySim.Engine.Tests;

/// <summary>What shipped scenarios log is in the catalogue of event kinds, so docs/model.md §9 describes every line
/// of their event logs.</summary>
public sealed class EventCatalogueTests
{
    [Theory]
    [InlineData("mexico-flight-refusal.yaml")]
    [InlineData("colombia-2025.yaml")]
    [InlineData("history/gambia-2016.yaml")]
    public async Task Every_kind_a_scenario_logs_is_catalogued(string scenario)
    {
        await using var engine = new ReferenceEngine(new World(Repo.Load(scenario)));
        var slice = await engine.RunAsync(engine.World.Clock.EndTick);
        var catalogued = EventKinds.All.Select(k => k.Name).ToHashSet(StringComparer.Ordinal);

        var logged = slice.Events.Select(e => e.Kind).ToHashSet(StringComparer.Ordinal);
        Assert.Empty(logged.Where(k => !catalogued.Contains(k)).Order(StringComparer.Ordinal));
        // A scenario with a dispute logs the disputes' kinds, not only flights and caseloads.
        Assert.Contains(EventKinds.DisputeOpened, logged);
    }
}
