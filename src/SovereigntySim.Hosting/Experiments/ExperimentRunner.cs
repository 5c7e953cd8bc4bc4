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

public sealed record ExperimentOptions(string OutputDirectory, int Parallel, bool KeepRuns = false);

public sealed record ExperimentProgress(int Finished, int Total, int Failed);

/// <summary>What an experiment produced: every finished run's outcome (by run number), and how it went.</summary>
public sealed record ExperimentResult(
    ExperimentPlan Plan, IReadOnlyDictionary<int, RunOutcome> Outcomes, bool Interrupted, double WallSeconds, double SimulationSeconds, long PeakRssBytes)
{
    public bool Complete => !Interrupted && Outcomes.Count == Plan.Runs.Count && Outcomes.Values.All(o => o.Completed);

    private Dictionary<int, double[]>? _values;

    /// <summary>Each finished run's outcome measures (in <see cref="Domain.Metrics.Outcomes.Columns"/> order), folded
    /// once and shared by the tables and the sensitivity estimators.</summary>
    public double[]? Values(int run)
    {
        _values ??= Outcomes.Where(o => o.Value.Completed)
            .ToDictionary(o => o.Key, o => Domain.Metrics.Outcomes.Of(o.Value.Metrics).Select(v => v.Value).ToArray());
        return _values.GetValueOrDefault(run);
    }

    /// <summary>One outcome measure over the plan's runs, in run order (NaN for runs that did not finish).</summary>
    public double[] Output(string outcome)
    {
        int column = Domain.Metrics.Outcomes.Columns.ToList().IndexOf(outcome);
        if (column < 0) throw new ArgumentException($"unknown outcome '{outcome}'; known: {string.Join(", ", Domain.Metrics.Outcomes.Columns)}");
        return Plan.Runs.Select(r => Values(r.Run) is { } v ? v[column] : double.NaN).ToArray();
    }
}

/// <summary>
/// Runs an experiment's plan on a cluster: whole runs go to run-worker grains, at most <see cref="ExperimentOptions.Parallel"/>
/// at a time, spread over the silos. Each finished run is saved at once (outcomes/&lt;run&gt;.json), so an interrupted
/// experiment keeps every finished run and continues from there; the tables are written at the end.
/// </summary>
public sealed class ExperimentRunner(IClusterClient client, ILogger? logger = null)
{
    private readonly ILogger _log = logger ?? NullLogger.Instance;
    public const string OutcomesFolder = "outcomes";

    public async Task<ExperimentResult> RunAsync(ExperimentPlan plan, ExperimentOptions options, IProgress<ExperimentProgress>? progress = null,
        CancellationToken cancellation = default)
    {
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
                    var outcome = await RunOne(worker, run, options, cancellation);
                    // An interrupted run is not a result: it is left to the continuation.
                    if (!outcome.Completed && outcome.Error is null) return;
                    await File.WriteAllTextAsync(Path.Combine(outcomesDir, $"{run.Run}.json"), JsonSerializer.Serialize(outcome, DomainSerialization.Options), CancellationToken.None);
                    lock (gate)
                    {
                        done[run.Run] = outcome;
                        finished++;
                        if (!outcome.Completed) failed++;
                        progress?.Report(new ExperimentProgress(finished, plan.Runs.Count, failed));
                    }
                }
                finally { free.Writer.TryWrite(worker); }
            }, CancellationToken.None));
        }
        await Task.WhenAll(running);
        wall.Stop();
        var result = new ExperimentResult(plan, new SortedDictionary<int, RunOutcome>(done), cancellation.IsCancellationRequested,
            wall.Elapsed.TotalSeconds, done.Values.Sum(o => o.SimulationSeconds), RunPipeline.PeakRss());
        await ExperimentTables.WriteAsync(result, options);
        return result;
    }

    private async Task<RunOutcome> RunOne(IRunWorkerGrain worker, PlannedRun run, ExperimentOptions options, CancellationToken cancellation)
    {
        var p = run.Request.Provenance;
        var work = new RunWork(run.Request.Spec, p.ScenarioFile, p.ScenarioSha256, [.. p.Overrides], p.CommandLine,
            options.KeepRuns ? Path.GetFullPath(Path.Combine(options.OutputDirectory, "runs", run.Run.ToString("D5"))) : null);
        try { return await worker.Run(work, cancellation); }
        catch (Exception e) when (e is not OperationCanceledException || !cancellation.IsCancellationRequested)
        {
            // A run that fails (a bug, a silo lost) is recorded as failed with its reason; the experiment goes on.
            _log.LogWarning(e, "run {Run} (seed {Seed}) failed", run.Run, run.Seed);
            return new RunOutcome("", false, $"{e.GetType().Name}: {e.Message.Split('\n')[0].TrimEnd()}", 0, 0, 0, "", EmptyMetrics(run), [], LocalRunExecutor.EngineName);
        }
        catch (OperationCanceledException)
        {
            return new RunOutcome("", false, null, 0, 0, 0, "", EmptyMetrics(run), [], LocalRunExecutor.EngineName);
        }
    }

    private static RunMetrics EmptyMetrics(PlannedRun run)
    {
        var m = new MetricsAccumulator(new World(run.Request.Spec).Clock);
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
