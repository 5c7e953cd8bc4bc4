using Microsoft.Extensions.Logging;
using SovereigntySim.Domain.Metrics;
using SovereigntySim.Domain.Scenario;
using SovereigntySim.Experiments;
using SovereigntySim.Hosting.Experiments;
using SovereigntySim.Hosting.Runs;

namespace SovereigntySim.Web;

/// <summary>A replicated run to watch: replicates of one scenario (seeds base, base+1, ..., as `sovsim run
/// --replications`), K at a time on the co-hosted silo's run workers.</summary>
public sealed record StartEnsembleRequest
{
    /// <summary>A live run to replicate: its effective scenario (the interventions made so far as timed events) and
    /// its seed as the base; instead of scenario or yaml.</summary>
    public string? Run { get; init; }
    public string? Scenario { get; init; }
    public string? Yaml { get; init; }
    public string? FileName { get; init; }
    public long? Seed { get; init; }
    public string[]? Overrides { get; init; }
    public int Replications { get; init; } = 20;
    public int Parallel { get; init; } = 2;
}

/// <summary>
/// The ensemble view's run: the replications experiment of `sovsim run --replications` (the same plan, runner and
/// run workers, into an experiment folder under the server's results folder), watched as replicates finish: each
/// daily series' median and 90% band (5% and 95% quantiles, R type 7, from <see cref="Descriptive"/>) over the
/// finished replicates is pushed to its observers. Replicate r has seed base + r, so it is byte for byte
/// `sovsim run FILE --seed base+r`.
/// </summary>
/// <param name="run">The live run it replicates (with its interventions), or null for a scenario.</param>
public sealed class LiveEnsemble(string id, string source, string? run, ExperimentPlan plan, string directory, int parallel, ILogger log)
{
    public const int MaxReplications = 200;

    /// <summary>The series shown: cumulative totals of timeseries.csv, people in detention, the highest tension.</summary>
    public static readonly string[] Series =
        ["flights.refused", "flights.turnedBack", "flights.landed", "migrants.removed", MetricKeys.MigrantsDetainedNow, "detention.cost", "escalations.applied", MetricKeys.TensionMax];

    private readonly object _gate = new();
    private readonly List<IReadOnlyList<DayRow>> _finished = [];
    private readonly CancellationTokenSource _stop = new();
    private readonly ScenarioSpec _spec = plan.Runs[0].Request.Spec;
    private int _failed;

    public string Id { get; } = id;
    /// <summary>The experiment folder: runs.csv, aggregate.csv, daily.csv and the rest, as for the CLI.</summary>
    public string Directory { get; } = directory;
    public DateTimeOffset Started { get; } = DateTimeOffset.UtcNow;
    public Task Completion { get; private set; } = Task.CompletedTask;
    public Action<EnsembleUpdate>? Publish { get; set; }
    public bool Finished => Completion.IsCompleted;

    public void Start(IClusterClient client)
    {
        using var detached = ExecutionContext.SuppressFlow();
        Completion = Task.Run(async () =>
        {
            using var scope = log.BeginScope("EnsembleId:{EnsembleId}", Id);
            log.LogInformation("ensemble {EnsembleId} started: {Scenario}, {Replications} replicates from seed {Seed}, {Parallel} at a time, into {Folder}",
                Id, _spec.Name, plan.Runs.Count, _spec.Seed, parallel, Directory);
            try
            {
                await new ExperimentRunner(client, log).RunAsync(plan, new ExperimentOptions(Directory, parallel), new Replicates(this), _stop.Token);
            }
            catch (OperationCanceledException) when (_stop.IsCancellationRequested)
            {
                // Stopped (by its observer, or the server stopping): the finished replicates are kept, as after Ctrl-C.
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                log.LogWarning("ensemble {EnsembleId} failed: {Error}", Id, e.Message);
            }
            log.LogInformation("ensemble {EnsembleId} ended: {Finished} finished, {Failed} failed", Id, _finished.Count, _failed);
        });
        Completion.ContinueWith(_ => Publish?.Invoke(Snapshot()), TaskScheduler.Default);
    }

    public void Stop() => _stop.Cancel();

    /// <summary>Each finished replicate, as the runner reports it: its days join the bands (a failed one is counted).</summary>
    private sealed class Replicates(LiveEnsemble ensemble) : IProgress<ExperimentProgress>
    {
        public void Report(ExperimentProgress value)
        {
            if (value.Outcome is not { } outcome) return;
            lock (ensemble._gate)
            {
                if (outcome.Completed) ensemble._finished.Add(outcome.Days);
                else ensemble._failed++;
            }
            ensemble.Publish?.Invoke(ensemble.Snapshot());
        }
    }

    public EnsembleUpdate Snapshot()
    {
        List<IReadOnlyList<DayRow>> done;
        lock (_gate) done = [.. _finished];
        int days = done.Count == 0 ? 0 : done.Max(d => d.Count);
        var bands = new Dictionary<string, Band>(StringComparer.Ordinal);
        foreach (var name in Series)
        {
            int counter = Array.IndexOf(MetricKeys.Daily, name);
            Func<DayRow, double> value = name switch
            {
                MetricKeys.MigrantsDetainedNow => d => d.Detained,
                MetricKeys.TensionMax => d => d.MaxTension,
                _ => d => d.Counters[counter],
            };
            var median = new double[days];
            var q05 = new double[days];
            var q95 = new double[days];
            for (int day = 0; day < days; day++)
            {
                var dist = Descriptive.Describe(done.Where(d => d.Count > day).Select(d => value(d[day])));
                (median[day], q05[day], q95[day]) = (Round(dist.Median), Round(dist.Q05), Round(dist.Q95));
            }
            bands[name] = new Band(median, q05, q95);
        }
        string status = !Finished ? "running" : _stop.IsCancellationRequested ? "stopped" : "completed";
        return new EnsembleUpdate(Id, source, run, _spec.Name, _spec.Seed, plan.Runs.Count, parallel, done.Count, _failed, status,
            [.. Enumerable.Range(1, days)], bands, Directory);
    }

    private static double Round(double v) => double.IsNaN(v) ? 0 : Math.Round(v, 6);
}

public sealed record Band(double[] Median, double[] Q05, double[] Q95);

/// <summary>The state of an ensemble: how many replicates finished, and each series' median and 90% band by day
/// (day 1 is the start date) over those. Run names the live run it replicates (null: a scenario).</summary>
public sealed record EnsembleUpdate(string Id, string Source, string? Run, string Scenario, long BaseSeed, int Replications, int Parallel, int Finished, int Failed,
    string Status, int[] Days, IReadOnlyDictionary<string, Band> Bands, string Folder);
