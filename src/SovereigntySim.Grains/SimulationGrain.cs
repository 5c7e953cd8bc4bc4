using Microsoft.Extensions.Logging;
using Orleans.Runtime;
using SovereigntySim.Domain.Checkpoints;
using SovereigntySim.Domain.Simulation;

namespace SovereigntySim.Grains;

/// <summary>
/// Keeps simulated time for one run: the domain kernel decides what is delivered when and in which order; this
/// grain only carries batches to agent grains, concurrently, and hands the events back to the caller. Its agents are
/// activated on its silo (<see cref="AgentGrain"/>), which its record names.
/// </summary>
public sealed class SimulationGrain(IGrainFactory grains, [PersistentState("run")] IPersistentState<RunRecord> record,
    ILocalSiloDetails silo, ILogger<SimulationGrain> logger, Microsoft.Extensions.Options.IOptions<FaultToleranceOptions> faults) : Grain, ISimulationGrain, IAgentHost
{
    private ScenarioPayload? _scenario;
    private Kernel? _kernel;
    // Grain references by agent id, built once: resolving a reference costs more than the call it makes.
    private readonly Dictionary<string, IAgentGrain> _agents = new(StringComparer.Ordinal);
    // Agents that have been sent a message: their grains must hold them from then on (see AgentGrain).
    private readonly HashSet<string> _created = new(StringComparer.Ordinal);
    // Each agent's state at the last snapshot (its blocks already stored), and the agents delivered to since: only
    // those can have changed, so a snapshot asks them alone (a large run's thousands of closed flights are not asked).
    private readonly Dictionary<string, AgentSnapshot> _saved = new(StringComparer.Ordinal);
    private readonly HashSet<string> _changed = new(StringComparer.Ordinal);

    public async Task Start(ScenarioPayload scenario)
    {
        if (_kernel is not null || record.RecordExists) throw new InvalidOperationException($"run {this.GetPrimaryKeyString()} has already started");
        _scenario = scenario;
        _kernel = new Kernel(new World(scenario.Spec), this);
        DelayDeactivation(KeepAlive.Run);
        record.State = new RunRecord
        {
            Scenario = scenario.Spec.Name, Seed = scenario.Spec.Seed, EndTick = _kernel.World.Clock.EndTick, Silo = silo.SiloAddress.Endpoint.ToString(),
        };
        await SaveRecord();
    }

    public async Task Resume(ScenarioPayload scenario, RunSnapshot snapshot)
    {
        await Start(scenario);
        var kernel = _kernel!;
        StateBytes.Read(snapshot.Kernel, "the kernel", kernel.Restore);
        if (kernel.Now != snapshot.Tick) throw new CheckpointException($"corrupt checkpoint: it says tick {snapshot.Tick}, its kernel {kernel.Now}");
        // Every agent of the checkpoint is rebuilt in a fresh grain of this run (the run id is new), so all agents
        // roll back together, including any whose grains were lost.
        await Task.WhenAll(snapshot.Agents.Select(a =>
        {
            _created.Add(a.AgentId);
            _saved[a.AgentId] = a with { Blocks = [] };
            return Agent(a.AgentId).Restore(a);
        }));
        record.State.ReachedTick = snapshot.Tick;
        await SaveRecord();
    }

    public async Task<RunSnapshot> Snapshot()
    {
        var kernel = _kernel ?? throw new InvalidOperationException("the run has not started (or its silo went away)");
        DelayDeactivation(KeepAlive.Run);
        var ids = _created.Order(StringComparer.Ordinal).ToArray();
        var states = await Task.WhenAll(ids.Select(id => _changed.Contains(id) || !_saved.TryGetValue(id, out var same) ? Agent(id).Save() : Task.FromResult(same)));
        foreach (var state in states) _saved[state.AgentId] = state.Blocks.Count == 0 ? state : state with { Blocks = [] };
        _changed.Clear();
        return new RunSnapshot(kernel.Now, StateBytes.Of(kernel.Save), states);
    }

    public async Task<SliceResult> Run(long untilTick)
    {
        var kernel = _kernel ?? throw new InvalidOperationException("the run has not started (or its silo went away)");
        DelayDeactivation(KeepAlive.Run);
        var slice = await kernel.RunAsync(untilTick);
        record.State.ReachedTick = slice.NextTick;
        record.State.Events += slice.Events.Count;
        await SaveRecord();
        return new SliceResult(slice);
    }

    public Task Inject(ScriptPayload scripted)
    {
        var kernel = _kernel ?? throw new InvalidOperationException("the run has not started (or its silo went away)");
        kernel.Inject(scripted.Event);
        return Task.CompletedTask;
    }

    public Task<RunRecord> GetRecord() => Task.FromResult(record.State);

    public Task<ScenarioPayload> GetScenario() =>
        Task.FromResult(_scenario ?? throw new InvalidOperationException("the run has not started"));

    public Task<MigrantLookup> GetMigrant(long migrantId)
    {
        var world = _kernel?.World ?? throw new InvalidOperationException("the run has not started");
        if ((migrantId >> 32) >= world.Caseloads.Count || migrantId < 0) return Task.FromResult(new MigrantLookup(null));
        var agent = world.CaseloadOfMigrant(migrantId).AgentId;
        return Agent(agent).GetMigrant(migrantId, _created.Contains(agent));
    }

    public Task<Microdata> GetMicrodata(int caseload)
    {
        var world = _kernel?.World ?? throw new InvalidOperationException("the run has not started");
        if (caseload < 0 || caseload >= world.Caseloads.Count) throw new ArgumentOutOfRangeException(nameof(caseload));
        var agent = world.Caseloads[caseload].AgentId;
        return Agent(agent).GetMicrodata(_created.Contains(agent));
    }

    public override async Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        // Collected without End (the client went away): let the agents go too.
        if (_agents.Count > 0) await ReleaseAgents();
    }

    private async Task ReleaseAgents()
    {
        await Task.WhenAll(_agents.Values.Select(a => a.Release()));
        _agents.Clear();
    }

    public async Task End(string status = RunStatus.Completed, string? error = null)
    {
        await ReleaseAgents();
        record.State.Ended = true;
        record.State.Status = status;
        record.State.Error = error;
        await SaveRecord();
        DeactivateOnIdle();
    }

    /// <summary>Writes the run's record to grain storage, waiting for a database away for a moment (<see cref="StorageCall"/>).</summary>
    private Task SaveRecord() => StorageCall.Run(record.WriteStateAsync, "save the run's record", logger, $"Run {this.GetPrimaryKeyString()}", faults.Value.OutageLimit);

    private IAgentGrain Agent(string agentId)
    {
        if (!_agents.TryGetValue(agentId, out var agent))
            _agents[agentId] = agent = grains.GetGrain<IAgentGrain>(AgentGrainKey.Of(this.GetPrimaryKeyString(), agentId));
        return agent;
    }

    async Task<IReadOnlyList<Delivery>> IAgentHost.DeliverAsync(long tick, IReadOnlyList<AgentBatch> batches, CancellationToken cancellation)
    {
        var calls = new Task<DeliverResult>[batches.Count];
        for (int i = 0; i < batches.Count; i++)
        {
            bool created = !_created.Add(batches[i].AgentId);
            _changed.Add(batches[i].AgentId);
            calls[i] = Agent(batches[i].AgentId).Deliver(new DeliverCall(tick, batches[i], created));
        }
        var results = await Task.WhenAll(calls);
        return results.Select(r => r.Delivery).ToArray();
    }
}
