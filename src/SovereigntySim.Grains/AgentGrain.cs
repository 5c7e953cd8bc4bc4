using SovereigntySim.Domain.Agents;
using SovereigntySim.Domain.Simulation;

namespace SovereigntySim.Grains;

/// <summary>A thin host for one domain agent: builds it on its first message and passes batches through.
/// Agents are spread at random over the silos: results never depend on where they live.</summary>
[Orleans.Placement.RandomPlacement]
public sealed class AgentGrain(WorldCache worlds, IGrainFactory grains) : Grain, IAgentGrain
{
    private Agent? _agent;

    public async Task<DeliverResult> Deliver(DeliverCall call)
    {
        // Agent state lives in memory for the length of the run; the simulation grain releases it at the end, or
        // when it is itself collected because its client went away.
        DelayDeactivation(KeepAlive.Agent);
        var agent = _agent ??= await Create();
        return new DeliverResult(agent.Handle(call.Tick, call.Batch.Inbox));
    }

    public async Task<MigrantLookup> GetMigrant(long migrantId)
    {
        var agent = _agent ??= await Create();
        return new MigrantLookup((agent as Caseload)?.View(migrantId));
    }

    public async Task<Microdata> GetMicrodata()
    {
        var agent = _agent ??= await Create();
        return new Microdata((agent as Caseload)?.Microdata() ?? []);
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
