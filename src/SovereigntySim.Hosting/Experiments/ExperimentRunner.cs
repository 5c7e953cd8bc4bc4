using Microsoft.Extensions.Options;
using System.Diagnostics;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using SovereigntySim.Domain.Metrics;
using SovereigntySim.Domain.Simulation;
using SovereigntySim.Grains;
using SovereigntySim.Hosting.Runs;
using SovereigntySim.Hosting.Outputs;
using SovereigntySim.Hosting.Serialization;

namespace SovereigntySim.Hosting.Experiments;

/// <param name="WriteTables">Writes runs.csv and the other tables at the end; a calibration, which reads the outcomes
/// straight from the result, leaves them out.</param>
public sealed record ExperimentOptions(string OutputDirectory, int Parallel, bool KeepRuns = false, bool WriteTables = true);

/// <param name="Outcome">The run that just finished (its daily rows feed live views).</param>
public sealed record ExperimentProgress(int Finished, int Total, int Failed, RunOutcome? Outcome = null);

/// <summary>What an experiment produced: every finished run's outcome (by run number), and how it went.</summary>
public sealed record ExperimentResult(
    ExperimentPlan Plan, IReadOnlyDictionary<int, RunOutcome> Outcomes, bool Interrupted, double WallSeconds, double SimulationSeconds, long PeakRssBytes)
{
    public bool Complete => !Interrupted && Outcomes.Count == Plan.Runs.Count && Outcomes.Values.All(o => o.Completed);

    private Dictionary<int, double[]>? _values;

    /// <summary>Each finished run's outcome measures (in the plan's <see cref="ExperimentPlan.OutcomeColumns"/> order),
    /// folded once and shared by the tables and the sensitivity estimators.</summary>
    public double[]? Values(int run)
    {
        _values ??= Outcomes.Where(o => o.Value.Completed)
            .ToDictionary(o => o.Key, o => Domain.Metrics.Outcomes.Of(o.Value.Metrics, Plan.OutcomeColumns).Select(v => v.Value).ToArray());
        return _values.GetValueOrDefault(run);
    }

    /// <summary>One outcome measure over the plan's runs, in run order (NaN for runs that did not finish).</summary>
    public double[] Output(string outcome)
    {
        int column = Plan.OutcomeColumns.ToList().IndexOf(outcome);
        if (column < 0) throw new ArgumentException($"unknown outcome '{outcome}'; known: {string.Join(", ", Plan.OutcomeColumns)}");
        return Plan.Runs.Select(r => Values(r.Run) is { } v ? v[column] : double.NaN).ToArray();
    }
}

/// <summary>
/// Runs an experiment's plan on a cluster: whole runs go to run-worker grains, at most <see cref="ExperimentOptions.Parallel"/>
/// at a time, spread over the silos. Each finished run is saved at once (outcomes/&lt;run&gt;.json), so an interrupted
/// experiment keeps every finished run and continues from there; the tables are written at the end.
/// On a PostgreSQL cluster (<paramref name="watch"/> given), a silo that leaves is noticed within seconds: every run
/// in flight is sent again to a fresh worker grain (placed on the silos left) instead of waiting for the response
/// timeout. Runs are deterministic, so a run that was in fact still going elsewhere gives the same outcome twice.
/// </summary>
/// <param name="faults">How long a loss is waited for and how often a run is sent again (default: the process's settings).</param>
public sealed class ExperimentRunner(IClusterClient client, ILogger? logger = null, Func<CancellationToken, Task<ClusterWatch>>? watch = null,
    Action<string>? notice = null, IOptions<FaultToleranceOptions>? faults = null)
{
    private readonly ILogger _log = logger ?? NullLogger.Instance;
    private readonly SiloLoss _loss = new((faults ?? Settings.FaultTolerance).Value);
    public const string OutcomesFolder = "outcomes";
    private int _fresh;

    public async Task<ExperimentResult> RunAsync(ExperimentPlan plan, ExperimentOptions options, IProgress<ExperimentProgress>? progress = null,
        CancellationToken interrupt = default)
    {
        // Stops like an interrupt when every silo of the cluster is gone: the finished runs are kept, and the same
        // command continues the experiment once silos are back.
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(interrupt);
        var cancellation = stop.Token;
        var wall = Stopwatch.StartNew();
        var dir = options.OutputDirectory;
        var outcomesDir = Path.Combine(dir, OutcomesFolder);
        Directory.CreateDirectory(outcomesDir);
        var done = LoadFinished(plan, dir);
        await File.WriteAllTextAsync(Path.Combine(dir, ExperimentTables.ExperimentFile),
            ExperimentTables.Describe(plan, null, options).ToJsonString(Summary.Indented) + "\n", CancellationToken.None);

        var experimentId = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(6));
        int parallel = Math.Max(1, options.Parallel);
        var free = Channel.CreateUnbounded<IRunWorkerGrain>();
        for (int i = 0; i < parallel; i++) free.Writer.TryWrite(client.GetGrain<IRunWorkerGrain>($"{experimentId}/{i}"));
        await using var monitor = watch is null ? null : await SiloLossMonitor.StartAsync(watch, notice, stop.Cancel, cancellation);
        int finished = done.Count, failed = done.Values.Count(o => !o.Completed);
        var running = new List<Task>();
        var gate = new object();
        foreach (var run in plan.Runs)
        {
            if (done.ContainsKey(run.Run)) continue;
            IRunWorkerGrain worker;
            try { worker = await free.Reader.ReadAsync(cancellation); }
            catch (OperationCanceledException) { break; }
            running.Add(Task.Run(async () =>
            {
                try
                {
                    RunOutcome outcome;
                    (outcome, worker) = await RunOne(worker, () => client.GetGrain<IRunWorkerGrain>($"{experimentId}/fresh/{Interlocked.Increment(ref _fresh)}"),
                        monitor, run, options, cancellation);
                    // An interrupted run is not a result: it is left to the continuation.
                    if (!outcome.Completed && outcome.Error is null) return;
                    await File.WriteAllTextAsync(Path.Combine(outcomesDir, $"{run.Run}.json"), JsonSerializer.Serialize(outcome, DomainSerialization.Options), CancellationToken.None);
                    lock (gate)
                    {
                        done[run.Run] = outcome;
                        finished++;
                        if (!outcome.Completed) failed++;
                        progress?.Report(new ExperimentProgress(finished, plan.Runs.Count, failed, outcome));
                    }
                }
                finally { free.Writer.TryWrite(worker); }
            }, CancellationToken.None));
        }
        await Task.WhenAll(running);
        wall.Stop();
        var result = new ExperimentResult(plan, new SortedDictionary<int, RunOutcome>(done), cancellation.IsCancellationRequested,
            wall.Elapsed.TotalSeconds, done.Values.Sum(o => o.SimulationSeconds), RunPipeline.PeakRss());
        if (options.WriteTables) await ExperimentTables.WriteAsync(result, options);
        return result;
    }

    /// <summary>Runs one run on a worker; after a silo loss, again on a fresh worker. Returns the outcome and the worker
    /// to give back to the pool.</summary>
    private async Task<(RunOutcome, IRunWorkerGrain)> RunOne(IRunWorkerGrain worker, Func<IRunWorkerGrain> fresh, SiloLossMonitor? monitor, PlannedRun run,
        ExperimentOptions options, CancellationToken cancellation)
    {
        var p = run.Request.Provenance;
        var work = new RunWork(run.Request.Spec, p.ScenarioFile, p.ScenarioSha256, [.. p.Overrides], p.CommandLine,
            options.KeepRuns ? Path.GetFullPath(Path.Combine(options.OutputDirectory, "runs", run.Run.ToString("D5"))) : null);
        for (int attempt = 0; ; attempt++)
        {
            // Past the retry budget a loss no longer cuts the run short: it may well finish on a silo that is left.
            var lost = monitor is not null && _loss.MayRetry(attempt) ? monitor.Lost : CancellationToken.None;
            Exception failure;
            try
            {
                // The call is made inside: a stop that comes just before it may fail it at once.
                var call = worker.Run(work, cancellation);
                if (!lost.CanBeCanceled) return (await call, worker);
                if (await Task.WhenAny(call, Task.Delay(Timeout.Infinite, lost)) == call) return (await call, worker);
                // A silo left while the run was in flight: it goes again, wherever it was.
                _ = call.ContinueWith(t => t.Exception, TaskScheduler.Default); // its late end is observed, not raised
                failure = new ClusterFaultException(monitor!.LastLoss);
            }
            catch (Exception) when (cancellation.IsCancellationRequested)
            {
                // The experiment is stopping (Ctrl-C, or every silo gone): a call cut short by it is an interrupted run,
                // left to the continuation, not a failed one. A run that fails on its own returns its error instead.
                return (Interrupted(run), worker);
            }
            catch (Exception e) { failure = e; }
            // A call that failed may have lost its silo before membership said so: the same verdict as a run's.
            string? lostSilo = monitor is null ? null : await _loss.VerdictAsync(failure, attempt, (limit, stop) => monitor.LostWithinAsync(lost, limit, stop), cancellation);
            if (lostSilo is null)
            {
                if (cancellation.IsCancellationRequested) return (Interrupted(run), worker);
                // A run that fails (a bug, silos lost too often) is recorded as failed with its reason; the experiment goes on.
                _log.LogWarning(failure, "run {Run} (seed {Seed}) failed", run.Run, run.Seed);
                return (new RunOutcome("", false, $"{failure.GetType().Name}: {failure.Message.Split('\n')[0].TrimEnd()}", 0, 0, 0, "", EmptyMetrics(run), [], LocalRunExecutor.EngineName), worker);
            }
            _log.LogWarning("run {Run} (seed {Seed}) sent again after a silo left: {Lost}", run.Run, run.Seed, lostSilo);
            worker = fresh();
        }
    }

    private static RunOutcome Interrupted(PlannedRun run) => new("", false, null, 0, 0, 0, "", EmptyMetrics(run), [], LocalRunExecutor.EngineName);

    /// <summary>Polls cluster membership once a second; when a silo leaves, cancels <see cref="Lost"/> (a new token
    /// follows for the silos left) and says so.</summary>
    private sealed class SiloLossMonitor : IAsyncDisposable
    {
        private readonly CancellationTokenSource _stop = new();
        private CancellationTokenSource _lost = new();
        private Task _loop = Task.CompletedTask;

        public CancellationToken Lost => Volatile.Read(ref _lost).Token;

        /// <summary>The last loss in words (the silo and how it left).</summary>
        public string LastLoss { get; private set; } = "a silo left the cluster";

        /// <summary>The loss in words if <paramref name="lost"/> (a token of <see cref="Lost"/>) is cancelled within
        /// <paramref name="limit"/>; null otherwise, or at once when the experiment stops.</summary>
        public async Task<string?> LostWithinAsync(CancellationToken lost, TimeSpan limit, CancellationToken stopping)
        {
            var signal = Task.Delay(Timeout.Infinite, lost);
            return await Task.WhenAny(signal, Task.Delay(limit, CancellationToken.None), Task.Delay(Timeout.Infinite, stopping)) == signal ? LastLoss : null;
        }

        public static async Task<SiloLossMonitor> StartAsync(Func<CancellationToken, Task<ClusterWatch>> watch, Action<string>? notice, Action gone,
            CancellationToken cancellation)
        {
            var monitor = new SiloLossMonitor();
            var first = await watch(cancellation);
            monitor._loop = Task.Run(() => monitor.Loop(first, watch, notice, gone));
            return monitor;
        }

        private async Task Loop(ClusterWatch current, Func<CancellationToken, Task<ClusterWatch>> watch, Action<string>? notice, Action gone)
        {
            while (!_stop.IsCancellationRequested)
            {
                try
                {
                    await Task.Delay(TimeSpan.FromSeconds(1), _stop.Token);
                    if (await current.LostSiloAsync(_stop.Token) is not { } lost)
                    {
                        // Membership cannot say that every silo died at once (no silo is left to declare the others dead).
                        if (!await current.AllGoneAsync(_stop.Token)) continue;
                        notice?.Invoke($"every silo of the cluster is gone (none of {current.Silos} answers on its port): the experiment stops; "
                            + "its finished runs are kept, and the same command continues it once silos are back");
                        gone();
                        return;
                    }
                    notice?.Invoke($"{lost}; the runs in flight are sent again to the silos left");
                    LastLoss = lost;
                    var old = Interlocked.Exchange(ref _lost, new CancellationTokenSource());
                    old.Cancel();
                    current = await watch(_stop.Token); // from now on, the silos still active
                }
                catch (OperationCanceledException) when (_stop.IsCancellationRequested) { }
                catch (Exception) { } // the database may be away for a moment: try again next second
            }
        }

        public async ValueTask DisposeAsync()
        {
            _stop.Cancel();
            await _loop;
        }
    }

    private static RunMetrics EmptyMetrics(PlannedRun run)
    {
        var m = new MetricsAccumulator(new World(run.Request.Spec).Clock, measures: run.Request.Spec.Measures);
        return m.Summary();
    }

    /// <summary>Finished runs of an earlier, interrupted attempt at the same plan; refuses a folder of another plan.</summary>
    private static Dictionary<int, RunOutcome> LoadFinished(ExperimentPlan plan, string dir)
    {
        var done = new Dictionary<int, RunOutcome>();
        var file = Path.Combine(dir, ExperimentTables.ExperimentFile);
        if (!File.Exists(file)) return done;
        var previous = JsonNode.Parse(File.ReadAllText(file))?["planHash"]?.GetValue<string>();
        if (previous != plan.Hash())
            throw new ExperimentFolderException($"{dir} holds another experiment (plan {previous}, this one is {plan.Hash()}): choose another --out");
        foreach (var path in Directory.EnumerateFiles(Path.Combine(dir, OutcomesFolder), "*.json"))
            if (int.TryParse(Path.GetFileNameWithoutExtension(path), out var run) && run >= 0 && run < plan.Runs.Count)
                done[run] = JsonSerializer.Deserialize<RunOutcome>(File.ReadAllText(path), DomainSerialization.Options)!;
        return done;
    }
}

/// <summary>An output folder that cannot take this experiment.</summary>
public sealed class ExperimentFolderException(string message) : Exception(message);
