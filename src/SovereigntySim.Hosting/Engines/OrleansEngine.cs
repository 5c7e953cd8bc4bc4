using System.Security.Cryptography;
using SovereigntySim.Domain.Agents;
using SovereigntySim.Domain.Scenario;
using SovereigntySim.Domain.Simulation;
using SovereigntySim.Grains;
using SovereigntySim.Hosting.Runs;

namespace SovereigntySim.Hosting.Engines;

/// <summary>Runs a scenario on an Orleans cluster (embedded or remote) through its simulation grain.</summary>
public sealed class OrleansEngine : ISimulationEngine
{
    private readonly ISimulationGrain _run;
    private readonly IGrainFactory _grains;
    private readonly IAsyncDisposable? _owned;
    private readonly ClusterWatch? _watch;
    private readonly TimeSpan _watchPeriod;
    private bool _finished;
    private string? _failure;

    private OrleansEngine(World world, IGrainFactory grains, ISimulationGrain run, IAsyncDisposable? owned, ClusterWatch? watch, TimeSpan watchPeriod)
    {
        _watchPeriod = watchPeriod;
        _grains = grains;
        World = world;
        _run = run;
        _owned = owned;
        _watch = watch;
    }

    /// <summary>The key of the run's simulation grain, where its record stays after the run.</summary>
    public string RunId => _run.GetPrimaryKeyString();

    public string Name => "orleans";

    /// <summary>A store for this run's checkpoints in the cluster's grain storage, under <paramref name="checkpointId"/>.</summary>
    public GrainCheckpointStore CheckpointStore(string checkpointId) => new(_grains, checkpointId);
    public World World { get; }

    /// <summary>Starts a run on the cluster the client is connected to; <paramref name="owned"/> is disposed with the
    /// engine. With <paramref name="watch"/>, a slice fails as soon as the run's silo leaves the cluster. With
    /// <paramref name="snapshot"/>, the run starts from that checkpoint, in fresh grains.</summary>
    public static async Task<OrleansEngine> StartAsync(IClusterClient client, ScenarioSpec spec, IAsyncDisposable? owned = null, ClusterWatch? watch = null,
        RunSnapshot? snapshot = null, FaultToleranceOptions? faults = null)
    {
        faults ??= Settings.FaultTolerance.Value;
        // The run id only names grains; it never enters the simulation, so a random one keeps runs apart safely.
        static string NewRunId(ScenarioSpec spec) => $"{spec.Name}-{spec.Seed}-{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(6))}";
        var run = client.GetGrain<ISimulationGrain>(NewRunId(spec));
        // The run grain reads its record from grain storage as it activates: a database just back from a restart (its
        // pooled connections cut, or still starting up) is given the time grain storage gives it elsewhere. A cluster
        // restarted after every silo died still lists the dead ones as active until the new ones declare them dead:
        // a call placed on one fails, and the run starts again in fresh grains once membership has settled.
        var waited = System.Diagnostics.Stopwatch.StartNew();
        while (true)
        {
            try
            {
                if (snapshot is null) await run.Start(new ScenarioPayload(spec));
                else await run.Resume(new ScenarioPayload(spec), snapshot);
                break;
            }
            catch (Exception e) when (PostgresCluster.FromDatabase(e) && waited.Elapsed < faults.OutageLimit)
            {
                await Task.Delay(TimeSpan.FromSeconds(1));
            }
            catch (Exception e) when (PostgresCluster.Settling(e) && waited.Elapsed < faults.OutageLimit)
            {
                await Task.Delay(TimeSpan.FromSeconds(2));
                run = client.GetGrain<ISimulationGrain>(NewRunId(spec));
            }
        }
        // Its agents live on its silo: only that silo's loss loses them.
        if (watch is not null) watch = watch.For((await run.GetRecord()).Silo);
        return new OrleansEngine(new World(spec), client, run, owned, watch, faults.WatchPeriod);
    }

    public async Task<Slice> RunAsync(long untilTick)
    {
        try
        {
            var call = _run.Run(untilTick);
            var slice = _watch is null ? (await call).Slice : await Watched(call, _watch, _watchPeriod);
            _finished = slice.Finished || slice.NextTick >= World.Clock.EndTick;
            return slice;
        }
        catch (Exception e)
        {
            _failure ??= e.Message;
            throw;
        }
    }

    private static async Task<Slice> Watched(Task<SliceResult> call, ClusterWatch watch, TimeSpan period) => (await Watched<SliceResult>(call, watch, period)).Slice;

    private static async Task<T> Watched<T>(Task<T> call, ClusterWatch watch, TimeSpan period)
    {
        while (true)
        {
            if (await Task.WhenAny(call, Task.Delay(period)) == call) return await call;
            string? lost;
            bool gone;
            try { lost = await watch.LostSiloAsync().WaitAsync(TimeSpan.FromSeconds(5)); }
            catch (Exception) { lost = null; } // the database may be slow or away for a moment: the call itself will tell
            try { gone = lost is null && await watch.AllGoneAsync().WaitAsync(TimeSpan.FromSeconds(10)); }
            catch (Exception) { gone = false; }
            if (gone)
            {
                _ = call.ContinueWith(t => t.Exception, TaskScheduler.Default);
                throw new ClusterGoneException($"every silo of the cluster is gone (none of {watch.Silos} answers on its port)");
            }
            if (lost is null) continue;
            _ = call.ContinueWith(t => t.Exception, TaskScheduler.Default); // its late failure is observed, not raised
            throw new ClusterFaultException(lost);
        }
    }

    public Task InjectAsync(ScriptedEventSpec scripted) => _run.Inject(new ScriptPayload(scripted));

    public async Task<RunSnapshot> SnapshotAsync()
    {
        try { return _watch is null ? await _run.Snapshot() : await Watched(_run.Snapshot(), _watch, _watchPeriod); }
        catch (Exception e)
        {
            _failure ??= e.Message;
            throw;
        }
    }

    public async Task<MigrantView?> GetMigrantAsync(long migrantId) => (await _run.GetMigrant(migrantId)).Migrant;

    public async Task<IReadOnlyList<MigrantRecord>> GetMicrodataAsync(int caseload) => (await _run.GetMicrodata(caseload)).Migrants;

    /// <summary>Ends the run, recording how: completed, failed (with the error) or interrupted.</summary>
    public async ValueTask DisposeAsync()
    {
        string status = _failure is not null ? RunStatus.Failed : _finished ? RunStatus.Completed : RunStatus.Interrupted;
        try
        {
            var end = _run.End(status, _failure);
            if (status == RunStatus.Completed) await end;
            else await end.WaitAsync(TimeSpan.FromSeconds(20));
        }
        catch (Exception) when (status != RunStatus.Completed)
        {
            // Recording a failure is best effort: what failed may be the cluster itself. The outputs say what happened.
        }
        finally { if (_owned is not null) await _owned.DisposeAsync(); }
    }
}
