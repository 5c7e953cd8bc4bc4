using System.Collections.Concurrent;
using SovereigntySim.Domain.Scenario;
using SovereigntySim.Domain.Simulation;

namespace SovereigntySim.Grains;

/// <summary>One compiled world per run and silo: agent grains of a run share it instead of each fetching the
/// scenario from the simulation grain.</summary>
public sealed class WorldCache
{
    private readonly ConcurrentDictionary<string, Lazy<Task<World>>> _worlds = new(StringComparer.Ordinal);

    public async Task<World> Get(string runId, Func<Task<ScenarioSpec>> fetch)
    {
        var entry = _worlds.GetOrAdd(runId, _ => new Lazy<Task<World>>(async () => new World(await fetch())));
        try { return await entry.Value; }
        catch
        {
            // A failed fetch must not poison the run on this silo: the next agent tries again.
            _worlds.TryRemove(new KeyValuePair<string, Lazy<Task<World>>>(runId, entry));
            throw;
        }
    }

    /// <summary>Called as a run's agents are released: the world is built again if anything still asks for it.</summary>
    public void Forget(string runId) => _worlds.TryRemove(runId, out _);

}

/// <summary>How long a run stays in memory without a call from its client: long enough for the slowest paced run,
/// short enough that a run whose client went away does not hold its silos for ever. When the simulation grain goes,
/// it releases the run's agents.</summary>
public static class KeepAlive
{
    public static readonly TimeSpan Run = TimeSpan.FromDays(2);
    public static readonly TimeSpan Agent = TimeSpan.FromDays(365);
}
