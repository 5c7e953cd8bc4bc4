using Microsoft.Extensions.Options;
using SovereigntySim.Domain.Checkpoints;
using SovereigntySim.Domain.Scenario;
using SovereigntySim.Domain.Simulation;
using SovereigntySim.Grains;
using SovereigntySim.Hosting.Engines;
using SovereigntySim.Hosting.Outputs;

namespace SovereigntySim.Hosting.Runs;

/// <summary>Which engine carries a run, and where: Orleans on the embedded silo (default) or on a PostgreSQL cluster
/// (<paramref name="Cluster"/>, its connection string), or the plain reference runner.</summary>
public sealed record EngineChoice(bool Reference = false, string? Cluster = null)
{
    public string Name => Reference ? "reference" : "orleans";
}

/// <summary>How one run keeps checkpoints: every <paramref name="EveryTicks"/> (null: none, except to carry a resumed
/// run on), skipping one while they cost more than <paramref name="MaxShare"/> of its time; from
/// <paramref name="From"/> when resumed; in the cluster's grain storage under <paramref name="CheckpointId"/> on a
/// cluster, in the run's folder otherwise.</summary>
public sealed record CheckpointPlan(long? EveryTicks, double? MaxShare = null, RunCheckpoint? From = null, string? CheckpointId = null)
{
    public static readonly CheckpointPlan None = new((long?)null);

    /// <summary>The default ("auto"): a checkpoint a simulated week, skipped while checkpoints have taken more than
    /// <see cref="AutoShare"/> of the run's wall time, for `sovsim run` and the live server's runs alike.</summary>
    public static readonly TimeSpan AutoPeriod = TimeSpan.FromDays(7);
    public const double AutoShare = 0.10;

    /// <summary>The default plan for a run of <paramref name="spec"/>, going on from <paramref name="from"/> if given.</summary>
    public static CheckpointPlan Auto(ScenarioSpec spec, RunCheckpoint? from = null, string? checkpointId = null) =>
        new(AutoPeriod.Ticks / spec.Step.Ticks, AutoShare, from, checkpointId);

    /// <summary>The checkpoints of a run into <paramref name="dir"/> going on from <paramref name="from"/>: at the period,
    /// or only on Ctrl-C for a resumed run without one; null for neither.</summary>
    public RunCheckpoints? Checkpoints(string dir, RunCheckpoint? from, CheckpointStore? store = null) =>
        EveryTicks is { } every ? new RunCheckpoints(dir, Math.Max(1, every), from, MaxShare, store)
        : from is null ? null : new RunCheckpoints(dir, long.MaxValue, from, store: store);
}

/// <summary>A run carried out by the host: its result, and whether a checkpoint was left to resume from.</summary>
public sealed record HostedRun(RunResult Result, Exception? Failure, bool Resumable);

/// <summary>
/// The one place that turns a run request into a running run: it opens the embedded silo or the cluster
/// (<see cref="ClusterConnection"/>), starts the engine (from the start or from a checkpoint's snapshot), keeps the
/// checkpoints (in the run's folder, or on a cluster in its grain storage under an id written to the folder's
/// <see cref="CheckpointIdFile"/>), and, when a silo of the cluster goes away, goes on from the last checkpoint on
/// the silos that remain. What the run feeds (progress, tables) is the caller's: it drives the pipeline.
/// </summary>
/// <param name="faults">How a cluster run rides out a lost silo or an outage (default: the process's settings).</param>
public sealed class RunHost(EngineChoice choice, Action<string>? notice = null, IOptions<FaultToleranceOptions>? faults = null)
{
    private readonly FaultToleranceOptions _faults = (faults ?? Settings.FaultTolerance).Value;

    /// <summary>In the folder of a cluster run: the id its checkpoints have in the cluster's grain storage.</summary>
    public const string CheckpointIdFile = "checkpoint.id";

    public EngineChoice Choice => choice;

    /// <summary>A new checkpoint id for a run on a cluster (null on the embedded silo: the folder holds them).</summary>
    public string? NewCheckpointId(ScenarioSpec spec) => choice.Cluster is null ? null
        : $"{spec.Name}-{spec.Seed}-{Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(6))}";

    /// <summary>An engine for one run, owning the silo or client it runs on; from <paramref name="snapshot"/> if given.</summary>
    public async Task<ISimulationEngine> StartAsync(ScenarioSpec spec, CancellationToken cancellation, RunSnapshot? snapshot = null)
    {
        if (choice.Reference) return new ReferenceEngine(new World(spec), snapshot: snapshot);
        var connection = await ClusterConnection.OpenAsync(choice.Cluster, cancellation, notice);
        try
        {
            var watch = connection.Watch is { } w ? await w(cancellation) : null;
            return await OrleansEngine.StartAsync(connection.Client, spec, owned: connection, watch: watch, snapshot: snapshot, faults: _faults);
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    /// <summary>An engine on a cluster the caller keeps open (the live server's own silo, or its client of a cluster),
    /// which it does not own; with <paramref name="watch"/>, a slice fails as soon as the run's silo leaves.</summary>
    public static async Task<OrleansEngine> StartOnAsync(IClusterClient client, ScenarioSpec spec, RunSnapshot? snapshot = null, ClusterWatch? watch = null) =>
        await OrleansEngine.StartAsync(client, spec, watch: watch, snapshot: snapshot);

    /// <summary>Carries a run to its end into <paramref name="outDir"/>: <paramref name="drive"/> runs the pipeline on
    /// each engine the host starts, with the run folder's sinks and the checkpoints; <paramref name="atEnd"/> reads the
    /// engine before it closes. After a lost silo the run starts again from its last checkpoint (at most
    /// <see cref="FaultToleranceOptions.LossRetries"/> times); runs are deterministic, so the result is the one it would have had.</summary>
    public async Task<HostedRun> RunAsync(RunRequest request, string outDir, CheckpointPlan plan,
        Func<ISimulationEngine, IReadOnlyList<IRunSink>, RunCheckpoints?, Task<RunResult>> drive,
        Func<ISimulationEngine, RunResult, Task>? atEnd, CancellationToken cancellation)
    {
        var from = plan.From;
        for (int attempt = 0; ; attempt++)
        {
            // The silos this attempt starts with: if one goes away, the run goes on from its last checkpoint.
            var silos = choice.Cluster is { } db ? await ClusterWatch.StartAsync(db, cancellation, notice, _faults) : null;
            RunCheckpoints? checkpoints = null;
            await using var engine = await StartAsync(request.Spec, cancellation, from?.Snapshot);
            try
            {
                checkpoints = plan.Checkpoints(outDir, from, plan.CheckpointId is { } id ? ((OrleansEngine)engine).CheckpointStore(id) : null);
                if (plan.CheckpointId is { } checkpointId) await WriteCheckpointIdAsync(outDir, checkpointId);
                var result = await drive(engine, RunFolder.Sinks(outDir, from?.Header.LogOffset ?? 0), checkpoints);
                if (atEnd is not null) await atEnd(engine, result);
                return new HostedRun(result, null, checkpoints is not null);
            }
            catch (RunFailedException failed)
            {
                // A silo of the cluster went away: its agents are lost, so every agent goes back to the last checkpoint
                // (or the start) in fresh grains on the silos that remain. The failure may reach us before membership
                // declares the silo dead: give it the cluster's death detection time, so the next attempt is placed on
                // live silos only. With every silo gone there is nothing to go on on: the run stops, resumable.
                string? lost = silos is null ? null : await new SiloLoss(_faults).VerdictAsync(failed.InnerException!, attempt, silos.LostSiloWithinAsync, cancellation);
                if (lost is null) return new HostedRun(failed.Result, failed, checkpoints?.LastTick is not null);
                from = checkpoints?.LastTick is not null ? await checkpoints.Store.LoadAsync() : null;
                var at = from is null ? "the start" : "the checkpoint at " + new World(request.Spec).Clock.Iso(from.Header.Tick);
                notice?.Invoke($"{lost}; going on from {at} on the remaining silos");
            }
        }
    }

    private static async Task WriteCheckpointIdAsync(string outDir, string checkpointId)
    {
        Directory.CreateDirectory(outDir);
        var idFile = Path.Combine(outDir, CheckpointIdFile);
        await File.WriteAllTextAsync(idFile, checkpointId + "\n", CancellationToken.None);
        // Readable by its owner only: the id reaches the run's checkpoint in the cluster.
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(idFile, UnixFileMode.UserRead | UnixFileMode.UserWrite);
    }

    /// <summary>The checkpoint a resumed cluster run continues from: the one in grain storage under the id in the
    /// folder's <see cref="CheckpointIdFile"/>, or the id itself; with its log up to the checkpoint.</summary>
    public static async Task<(RunCheckpoint Checkpoint, ScenarioSpec Spec, string CheckpointId, byte[] Log)> LoadClusterCheckpointAsync(string cluster, string target, CancellationToken cancellation,
        Action<string>? notice = null, FaultToleranceOptions? faults = null)
    {
        faults ??= Settings.FaultTolerance.Value;
        var idFile = Path.Combine(target, CheckpointIdFile);
        var checkpointId = Directory.Exists(target)
            ? File.Exists(idFile) ? File.ReadAllText(idFile).Trim() : throw new CheckpointException($"{target} has no {CheckpointIdFile}: it is not the folder of a cluster run")
            : target;
        await using var client = await PostgresCluster.ConnectAsync(cluster, cancellation, notice, faults);
        var store = new GrainCheckpointStore(client.Client, checkpointId);
        // A cluster just restarted after losing every silo may still route a checkpoint part to a dead one: try again
        // while membership settles (bounded), then fail with the reason.
        var waited = System.Diagnostics.Stopwatch.StartNew();
        while (true)
        {
            try
            {
                var checkpoint = await store.LoadAsync() ?? throw new CheckpointException($"the cluster holds no checkpoint {checkpointId} (a completed run's checkpoint is removed)");
                return (checkpoint, checkpoint.Spec(store.Where), checkpointId, await store.ReadLogAsync());
            }
            catch (Exception e) when (PostgresCluster.Settling(e) && waited.Elapsed < faults.OutageLimit)
            {
                notice?.Invoke("a silo the cluster still lists does not answer (it is settling after a restart); trying again");
                await Task.Delay(TimeSpan.FromSeconds(2), cancellation);
            }
        }
    }
}
