using SovereigntySim.Domain.Agents;
using SovereigntySim.Domain.Simulation;

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
}

/// <summary>The reference runner: the same domain model in one plain single-threaded loop, without Orleans.
/// It is the test oracle for the Orleans engine and the floor its speed is measured against.</summary>
public sealed class ReferenceEngine : ISimulationEngine
{
    private readonly Kernel _kernel;
    private readonly SequentialAgentHost _host;

    public ReferenceEngine(World world, string name = "reference")
    {
        World = world;
        Name = name;
        _host = new SequentialAgentHost(world);
        _kernel = new Kernel(world, _host);
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

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
