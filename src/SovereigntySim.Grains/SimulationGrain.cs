using System.Data.Common;
using System.Diagnostics;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using Orleans.Runtime;
using SovereigntySim.Domain.Checkpoints;
using SovereigntySim.Domain.Simulation;

namespace SovereigntySim.Grains;

/// <summary>
/// Keeps simulated time for one run: the domain kernel decides what is delivered when and in which order; this
/// grain only carries batches to agent grains, concurrently, and hands the events back to the caller.
/// </summary>
public sealed class SimulationGrain(IGrainFactory grains, [PersistentState("run")] IPersistentState<RunRecord> record,
    ILogger<SimulationGrain> logger) : Grain, ISimulationGrain, IAgentHost
{
    /// <summary>How long a write of the run's record waits for an unreachable database (PostgreSQL restarted, or away
    /// for a moment) before the run fails; the write is tried again after 0.5 s, then after twice as long each time,
    /// up to 5 s.</summary>
    public static readonly TimeSpan StorageOutageLimit = TimeSpan.FromSeconds(60);

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
        record.State = new RunRecord { Scenario = scenario.Spec.Name, Seed = scenario.Spec.Seed, EndTick = _kernel.World.Clock.EndTick };
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

    /// <summary>Writes the run's record to grain storage, waiting up to <see cref="StorageOutageLimit"/> for a database
    /// that cannot be reached: the run then goes on as if nothing happened. The storage's own exceptions (Npgsql's)
    /// have no codec to cross to the client, which would see only "could not find a codec": a failure is passed on in
    /// words instead.</summary>
    private async Task SaveRecord()
    {
        var waited = Stopwatch.StartNew();
        var pause = TimeSpan.FromSeconds(0.5);
        for (int attempt = 1; ; attempt++)
        {
            try
            {
                await record.WriteStateAsync();
                return;
            }
            catch (Exception e) when (e.GetType().Namespace?.StartsWith("System", StringComparison.Ordinal) != true)
            {
                var cause = e.GetBaseException();
                var why = $"{cause.GetType().Name}: {cause.Message.Split('\n')[0].Trim()}";
                if (!Unreachable(e) || waited.Elapsed + pause > StorageOutageLimit)
                {
                    var after = attempt == 1 ? "" : $" (after {attempt} attempts over {waited.Elapsed.TotalSeconds:N0} s)";
                    throw new InvalidOperationException($"grain storage failed to save the run's record{after}: {why}");
                }
                logger.LogWarning("Run {Run}: saving its record failed, trying again in {Pause} s: {Cause}",
                    this.GetPrimaryKeyString(), pause.TotalSeconds, why);
                await Task.Delay(pause);
                pause = TimeSpan.FromTicks(Math.Min(pause.Ticks * 2, TimeSpan.FromSeconds(5).Ticks));
            }
        }
    }

    /// <summary>Whether a storage failure says the database could not be reached (worth waiting for), rather than
    /// that it refused the write.</summary>
    private static bool Unreachable(Exception e)
    {
        for (var x = e; x is not null; x = x.InnerException)
            if (x is DbException { IsTransient: true } or SocketException or TimeoutException or IOException) return true;
        return false;
    }

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
