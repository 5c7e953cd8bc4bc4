using SovereigntySim.Domain.Agents;
using SovereigntySim.Domain.Scenario;
using Orleans.Concurrency;
using SovereigntySim.Domain.Simulation;

namespace SovereigntySim.Grains;

// The records grains exchange. Domain types inside them (batches, deliveries, events, the scenario) stay free of
// Orleans attributes and travel through the System.Text.Json codec the hosts register; these wrappers are
// [Immutable] so calls inside a silo pass them by reference instead of copying.

[GenerateSerializer, Immutable, Alias("sovsim.DeliverCall")]
/// <param name="Created">The agent has had a message before, so its grain must already hold it: a grain that finds
/// it missing has lost state (deactivated, silo gone) and fails the run instead of rebuilding it from the scenario.</param>
public sealed record DeliverCall([property: Id(0)] long Tick, [property: Id(1)] AgentBatch Batch, [property: Id(2)] bool Created = false);

[GenerateSerializer, Immutable, Alias("sovsim.DeliverResult")]
public sealed record DeliverResult([property: Id(0)] Delivery Delivery);

[GenerateSerializer, Immutable, Alias("sovsim.SliceResult")]
public sealed record SliceResult([property: Id(0)] Slice Slice);

[GenerateSerializer, Immutable, Alias("sovsim.ScenarioPayload")]
public sealed record ScenarioPayload([property: Id(0)] ScenarioSpec Spec);

/// <summary>A scripted event injected into a running kernel (an intervention of the live server).</summary>
[GenerateSerializer, Immutable, Alias("sovsim.ScriptPayload")]
public sealed record ScriptPayload([property: Id(0)] ScriptedEventSpec Event);

[GenerateSerializer, Immutable, Alias("sovsim.Microdata")]
public sealed record Microdata([property: Id(0)] IReadOnlyList<MigrantRecord> Migrants);

[GenerateSerializer, Immutable, Alias("sovsim.MigrantLookup")]
public sealed record MigrantLookup([property: Id(0)] MigrantView? Migrant);

/// <summary>One agent's checkpointed state (<see cref="Agent.Save"/>), opaque outside the domain. Its large columns
/// name blocks (<see cref="Domain.Checkpoints.StateBlocks"/>): <paramref name="Uses"/> lists every block it names, and
/// <paramref name="Blocks"/> carries, from a save, those its checkpoint store may not hold yet, and to a restore, all.</summary>
[GenerateSerializer, Immutable, Alias("sovsim.AgentSnapshot")]
public sealed record AgentSnapshot([property: Id(0)] string AgentId, [property: Id(1)] byte[] State, [property: Id(2)] UInt128[] Uses,
    [property: Id(3)] IReadOnlyList<BlockData> Blocks)
{
    /// <summary>Saves an agent for an incremental checkpoint, its block bookkeeping in <paramref name="blocks"/>.</summary>
    public static AgentSnapshot Save(Agent agent, Domain.Checkpoints.StateBlocks blocks)
    {
        var state = agent.SaveBytes(blocks);
        var (uses, added) = blocks.Take();
        return new AgentSnapshot(agent.Id, state, uses, added.Select(b => new BlockData(b.Id, b.Data)).ToArray());
    }

    /// <summary>Restores <paramref name="agent"/> from this state (which must carry every block it names) and returns the
    /// bookkeeping for its next incremental checkpoints: the blocks named here are stored.</summary>
    public Domain.Checkpoints.StateBlocks RestoreInto(Agent agent)
    {
        Domain.Checkpoints.StateBytes.Read(State, AgentId, agent.Restore, Blocks.ToDictionary(b => b.Id, b => b.Data));
        return new Domain.Checkpoints.StateBlocks(Uses);
    }
}

/// <summary>A block of checkpointed state, named by the xxHash128 of its bytes.</summary>
[GenerateSerializer, Immutable, Alias("sovsim.BlockData")]
public sealed record BlockData([property: Id(0)] UInt128 Id, [property: Id(1)] byte[] Data);

/// <summary>A run between two slices: the kernel (time and queue) and every agent that exists, in agent-id order.</summary>
[GenerateSerializer, Immutable, Alias("sovsim.RunSnapshot")]
public sealed record RunSnapshot([property: Id(0)] long Tick, [property: Id(1)] byte[] Kernel, [property: Id(2)] IReadOnlyList<AgentSnapshot> Agents);

/// <summary>What is kept of a run in grain storage (memory on the embedded silo, PostgreSQL on a cluster): enough
/// to tell later what ran and how far it got.</summary>
[GenerateSerializer, Alias("sovsim.RunRecord")]
public sealed class RunRecord
{
    [Id(0)] public string Scenario { get; set; } = "";
    [Id(1)] public long Seed { get; set; }
    [Id(2)] public long EndTick { get; set; }
    [Id(3)] public long ReachedTick { get; set; }
    [Id(4)] public long Events { get; set; }
    [Id(5)] public bool Ended { get; set; }
    /// <summary>running, then completed, failed or interrupted (see <see cref="RunStatus"/>).</summary>
    [Id(6)] public string Status { get; set; } = RunStatus.Running;
    [Id(7)] public string? Error { get; set; }
    /// <summary>The silo the run lives on (its simulation grain, and its agents with it): host:port of its silo endpoint.</summary>
    [Id(8)] public string Silo { get; set; } = "";
}

public static class RunStatus
{
    public const string Running = "running", Completed = "completed", Failed = "failed", Interrupted = "interrupted";
}

/// <summary>One simulation run: owns the kernel (simulated time and message order). Keyed by run id.</summary>
[Alias("sovsim.ISimulationGrain")]
public interface ISimulationGrain : IGrainWithStringKey
{
    [Alias("Start")] Task Start(ScenarioPayload scenario);
    /// <summary>Starts a run from a checkpoint instead of from the scenario's beginning.</summary>
    [Alias("Resume")] Task Resume(ScenarioPayload scenario, RunSnapshot snapshot);
    [Alias("Run")] Task<SliceResult> Run(long untilTick);
    /// <summary>Schedules a scripted event between slices, as the next event of the scenario (Kernel.Inject).</summary>
    [Alias("Inject")] Task Inject(ScriptPayload scripted);
    /// <summary>The run's state between two slices (never during one: the grain is not reentrant).</summary>
    [Alias("Snapshot")] Task<RunSnapshot> Snapshot();
    // Agent grains ask for the scenario while the simulation grain awaits their delivery: it must interleave.
    [Alias("GetScenario"), AlwaysInterleave] Task<ScenarioPayload> GetScenario();
    [Alias("GetMigrant")] Task<MigrantLookup> GetMigrant(long migrantId);
    /// <summary>The microdata of one caseload (by its index in the world), after or during the run.</summary>
    [Alias("GetMicrodata")] Task<Microdata> GetMicrodata(int caseload);
    /// <summary>Ends the run: releases its agents and records how it ended (<see cref="RunStatus"/>) and why.</summary>
    [Alias("End")] Task End(string status = RunStatus.Completed, string? error = null);
    [Alias("GetRecord")] Task<RunRecord> GetRecord();
}

/// <summary>Hosts one agent of one run. Keyed "runId|agentId".</summary>
[Alias("sovsim.IAgentGrain")]
public interface IAgentGrain : IGrainWithStringKey
{
    [Alias("Deliver")] Task<DeliverResult> Deliver(DeliverCall call);
    // created: the agent has had a message, so its grain must hold it (see DeliverCall.Created).
    [Alias("GetMigrant")] Task<MigrantLookup> GetMigrant(long migrantId, bool created);
    [Alias("GetMicrodata")] Task<Microdata> GetMicrodata(bool created);
    [Alias("Release")] Task Release();
    /// <summary>The agent's state for a checkpoint; fails if the grain lost it.</summary>
    [Alias("Save")] Task<AgentSnapshot> Save();
    /// <summary>Builds the agent from the scenario and restores a checkpointed state (with all its blocks) into it.</summary>
    [Alias("Restore")] Task Restore(AgentSnapshot state);
}

public static class AgentGrainKey
{
    public static string Of(string runId, string agentId) => $"{runId}|{agentId}";

    public static (string RunId, string AgentId) Parse(string key)
    {
        int bar = key.IndexOf('|');
        return (key[..bar], key[(bar + 1)..]);
    }
}


/// <summary>A part of a run's checkpoint kept in grain storage (PostgreSQL on a cluster): its manifest, or one chunk of
/// its blocks. Keyed "checkpointId/part". Each write is one storage write of up to a few megabytes.</summary>
[Alias("sovsim.ICheckpointPartGrain")]
public interface ICheckpointPartGrain : IGrainWithStringKey
{
    [Alias("Write")] Task Write(byte[] data);
    /// <summary>The part's bytes, or null when it was never written (or cleared).</summary>
    [Alias("Read")] Task<byte[]?> Read();
    [Alias("Clear")] Task Clear();
}

/// <summary>What a checkpoint part keeps in grain storage.</summary>
[GenerateSerializer, Alias("sovsim.CheckpointPart")]
public sealed class CheckpointPart
{
    [Id(0)] public byte[]? Data { get; set; }
}
