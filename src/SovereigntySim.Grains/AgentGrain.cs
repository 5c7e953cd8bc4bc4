using SovereigntySim.Domain.Agents;
using SovereigntySim.Domain.Checkpoints;
using SovereigntySim.Domain.Simulation;

namespace SovereigntySim.Grains;

/// <summary>A thin host for one domain agent: builds it on its first message and passes batches through.
/// An agent lives on the silo of the simulation grain that first calls it (<see cref="AgentPlacement"/>). Results
/// never depend on where agents live.
/// The simulation grain says with every call whether the agent has had a message before (it knows which agents it
/// delivered to); a grain asked for an agent it does not hold although the agent was created has lost its state
/// (its activation was deactivated, or its silo went away) and fails the run loudly: rebuilding the agent from the
/// scenario would silently give wrong results. A run that lost agents goes on from its last checkpoint in fresh grains
/// (a new run id), every agent rolled back together: see <see cref="ISimulationGrain.Resume"/>.</summary>
[AgentPlacement]
public sealed class AgentGrain(WorldCache worlds, IGrainFactory grains) : Grain, IAgentGrain
{
    private Agent? _agent;
    // The agent's block bookkeeping for incremental checkpoints.
    private StateBlocks _blocks = new();

    public async Task<DeliverResult> Deliver(DeliverCall call)
    {
        // Agent state lives in memory for the length of the run; the simulation grain releases it at the end, or
        // when it is itself collected because its client went away.
        DelayDeactivation(KeepAlive.Agent);
        var agent = _agent ??= await Obtain(call.Created);
        return new DeliverResult(agent.Handle(call.Tick, call.Batch.Inbox));
    }

    public async Task<MigrantLookup> GetMigrant(long migrantId, bool created)
    {
        var agent = _agent ??= await Obtain(created);
        return new MigrantLookup((agent as Caseload)?.View(migrantId));
    }

    public async Task<Microdata> GetMicrodata(bool created)
    {
        var agent = _agent ??= await Obtain(created);
        return new Microdata((agent as Caseload)?.Microdata() ?? []);
    }

    private Task<Agent> Obtain(bool created) => created ? Recover() : Create();

    /// <summary>The agent had messages but this activation does not hold it. Restoring this one agent from a checkpoint
    /// alone would mix times (the others have moved on): the slice fails, naming the agent and why, and the run goes on
    /// from its last checkpoint with every agent restored (RunPipeline), or stops with this error when it has none.</summary>
    private Task<Agent> Recover()
    {
        var (runId, agentId) = AgentGrainKey.Parse(this.GetPrimaryKeyString());
        throw new InvalidOperationException(
            $"agent {agentId} of run {runId} lost its state: its grain was deactivated or its silo went away after the agent's " +
            "first message, and the run cannot go on without it (rebuilding it from the scenario would give wrong results)");
    }

    public async Task<AgentSnapshot> Save()
    {
        DelayDeactivation(KeepAlive.Agent);
        var agent = _agent ??= await Recover();
        // Immutable: inside a silo the arrays are handed over, not copied.
        return AgentSnapshot.Save(agent, _blocks);
    }

    public async Task Restore(AgentSnapshot state)
    {
        DelayDeactivation(KeepAlive.Agent);
        if (_agent is not null) throw new InvalidOperationException($"agent grain {this.GetPrimaryKeyString()} already holds its agent: a run is restored into fresh grains only");
        var agent = await Create();
        _blocks = state.RestoreInto(agent);
        _agent = agent;
    }

    public Task Release()
    {
        _agent = null;
        worlds.Forget(AgentGrainKey.Parse(this.GetPrimaryKeyString()).RunId);
        DeactivateOnIdle();
        return Task.CompletedTask;
    }

    private async Task<Agent> Create()
    {
        var (runId, agentId) = AgentGrainKey.Parse(this.GetPrimaryKeyString());
        var world = await worlds.Get(runId, async () => (await grains.GetGrain<ISimulationGrain>(runId).GetScenario()).Spec);
        return AgentFactory.Create(agentId, world);
    }
}
