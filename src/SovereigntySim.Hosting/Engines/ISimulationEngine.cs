using SovereigntySim.Domain.Agents;
using SovereigntySim.Domain.Checkpoints;
using SovereigntySim.Domain.Simulation;
using SovereigntySim.Grains;

namespace SovereigntySim.Hosting.Engines;

/// <summary>Something that advances a run: the Orleans engine, or the plain reference runner.</summary>
public interface ISimulationEngine : IAsyncDisposable
{
    string Name { get; }
    World World { get; }
    /// <summary>Runs every tick before <paramref name="untilTick"/>. Not cancellable on purpose: a slice is either
    /// done and returned whole, or not started; callers stop between slices.</summary>
    Task<Slice> RunAsync(long untilTick);
    Task<MigrantView?> GetMigrantAsync(long migrantId);
    /// <summary>Every migrant of one caseload (by index in <see cref="World.Caseloads"/>) as microdata rows.</summary>
    Task<IReadOnlyList<MigrantRecord>> GetMicrodataAsync(int caseload);
    /// <summary>Schedules a scripted event between slices, as if it were the next event of the scenario file
    /// (<see cref="Kernel.Inject"/>): the live server's interventions.</summary>
    Task InjectAsync(Domain.Scenario.ScriptedEventSpec scripted);
    /// <summary>The run's state between two slices, for a checkpoint.</summary>
    Task<RunSnapshot> SnapshotAsync();
}

/// <summary>The reference runner: the same domain model in one plain single-threaded loop, without Orleans.
/// It is the test oracle for the Orleans engine and the floor its speed is measured against.</summary>
public sealed class ReferenceEngine : ISimulationEngine
{
    private readonly Kernel _kernel;
    private readonly SequentialAgentHost _host;
    // Each agent's block bookkeeping for incremental checkpoints.
    private readonly Dictionary<string, StateBlocks> _blocks = new(StringComparer.Ordinal);

    /// <summary>A run from the start, or from a checkpoint's <paramref name="snapshot"/>.</summary>
    public ReferenceEngine(World world, string name = "reference", RunSnapshot? snapshot = null)
    {
        World = world;
        Name = name;
        _host = new SequentialAgentHost(world);
        _kernel = new Kernel(world, _host);
        if (snapshot is null) return;
        StateBytes.Read(snapshot.Kernel, "the kernel", _kernel.Restore);
        if (_kernel.Now != snapshot.Tick) throw new CheckpointException($"corrupt checkpoint: it says tick {snapshot.Tick}, its kernel {_kernel.Now}");
        foreach (var a in snapshot.Agents) _blocks[a.AgentId] = a.RestoreInto(_host.Rebuild(a.AgentId));
    }

    public string Name { get; }
    public World World { get; }

    public Task<Slice> RunAsync(long untilTick) => _kernel.RunAsync(untilTick);

    public Task InjectAsync(Domain.Scenario.ScriptedEventSpec scripted)
    {
        _kernel.Inject(scripted);
        return Task.CompletedTask;
    }

    public Task<MigrantView?> GetMigrantAsync(long migrantId)
    {
        if (migrantId < 0 || (migrantId >> 32) >= World.Caseloads.Count) return Task.FromResult<MigrantView?>(null);
        return Task.FromResult(_host.Agents.GetValueOrDefault(World.CaseloadOfMigrant(migrantId).AgentId) is Caseload c ? c.View(migrantId) : null);
    }

    public Task<IReadOnlyList<MigrantRecord>> GetMicrodataAsync(int caseload) =>
        Task.FromResult(_host.Agents.GetValueOrDefault(World.Caseloads[caseload].AgentId) is Caseload c ? c.Microdata() : (IReadOnlyList<MigrantRecord>)[]);

    public Task<RunSnapshot> SnapshotAsync()
    {
        var agents = _host.AgentIds.Select(id => AgentSnapshot.Save(_host.Agents[id], Blocks(id))).ToArray();
        return Task.FromResult(new RunSnapshot(_kernel.Now, StateBytes.Of(_kernel.Save), agents));
    }

    private StateBlocks Blocks(string agentId)
    {
        if (!_blocks.TryGetValue(agentId, out var blocks)) _blocks[agentId] = blocks = new StateBlocks();
        return blocks;
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
