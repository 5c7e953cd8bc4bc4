using System.Collections.Concurrent;
using SovereigntySim.Domain.Scenario;
using SovereigntySim.Domain.Simulation;

namespace SovereigntySim.Grains;

/// <summary>One compiled world per run and silo: agent grains of a run share it instead of each fetching the
/// scenario from the simulation grain.</summary>
public sealed class WorldCache
{
    private readonly ConcurrentDictionary<string, Lazy<Task<World>>> _worlds = new(StringComparer.Ordinal);

    public Task<World> Get(string runId, Func<Task<ScenarioSpec>> fetch) =>
        _worlds.GetOrAdd(runId, _ => new Lazy<Task<World>>(async () => new World(await fetch()))).Value;

}
