using SovereigntySim.Domain.Metrics;
using System.ComponentModel;
using Spectre.Console;
using Spectre.Console.Cli;
using SovereigntySim.Experiments;
using SovereigntySim.Hosting;
using SovereigntySim.Hosting.Calibration;
using SovereigntySim.Hosting.Experiments;
using ResultsKind = SovereigntySim.Hosting.Outputs.ResultsKind;
using SovereigntySim.Hosting.Runs;

namespace SovereigntySim.Cli.Commands;

/// <summary>Options of every command that makes many runs.</summary>
public class ExperimentSettings : ScenarioSettings
{
    public const int RunLimit = 10_000;

    [CommandOption("--out <DIR>"), Description("Output folder (default under results/, named after the scenario and what varies).")]
    public string? Out { get; init; }

    [CommandOption("--force"), Description("Replace what the output folder holds (another run, an interrupted run, an experiment) instead of refusing; it is emptied first, never mixed.")]
    public bool Force { get; init; }

    [CommandOption("--parallel <K>"), Description("Runs at a time (default: the number of cores).")]
    public int? Parallel { get; init; }

    [CommandOption("--keep-runs"), Description("Also write every run's full folder (events.jsonl, tables) under runs/.")]
    public bool KeepRuns { get; init; }

    [CommandOption("--cluster <CONNECTION>"), Description("Distribute the runs over a PostgreSQL-backed cluster instead of the embedded silo.")]
    public string? Cluster { get; init; }

    [CommandOption("--yes"), Description($"Allow more than 10,000 runs.")]
    public bool Yes { get; init; }

    public override ValidationResult Validate() =>
        base.Validate() is { Successful: false } invalid ? invalid
        : Parallel is < 1 or > 1024 ? ValidationResult.Error("--parallel must be between 1 and 1024")
        : Cluster is not null && PostgresCluster.ConnectionProblem(Cluster) is { } problem
            ? ValidationResult.Error($"--cluster: {SovereigntySim.Scenarios.SafeText.Excerpt(problem, 200)}")
        : ValidationResult.Success();

    public int ParallelRuns => Parallel ?? Environment.ProcessorCount;

    public const string PosteriorHelp = "Draw each run's fitted constants from this posterior (posterior.json of sovsim calibrate), seeded by the run's seed; --set and swept values win.";
}

/// <summary>Runs an experiment plan on the embedded silo or a cluster, shows progress, and says how it went.</summary>
public static class ExperimentCommand
{
    public static async Task<(int Code, ExperimentResult? Result)> Run(ExperimentSettings settings, ExperimentPlan plan, string outDir, CancellationToken cancellation)
    {
        if (plan.Runs.Count > ExperimentSettings.RunLimit && !settings.Yes)
        {
            Console.Error.WriteLine($"{settings.File}: this experiment has {plan.Runs.Count:N0} runs, more than {ExperimentSettings.RunLimit:N0}; add --yes to run it.");
            return (ExitCodes.Usage, null);
        }
        using var folder = OutputFolder.Claim(outDir, ResultsKind.Experiment, settings.Force);
        if (folder is null) return (ExitCodes.Usage, null);
        var options = new ExperimentOptions(outDir, settings.ParallelRuns, settings.KeepRuns);
        await using var cluster = await ClusterConnection.OpenAsync(settings.Cluster, cancellation, Notices.ToConsole);
        return await RunOn(cluster.Client, plan, options, cancellation, cluster.Watch);
    }

    /// <summary>Runs a plan on a cluster already open (several plans can share one), with progress and a summary line.</summary>
    public static async Task<(int Code, ExperimentResult? Result)> RunOn(IClusterClient client, ExperimentPlan plan, ExperimentOptions options, CancellationToken cancellation,
        Func<CancellationToken, Task<ClusterWatch>>? watch = null)
    {
        var outDir = options.OutputDirectory;
        ExperimentResult result;
        var runner = new ExperimentRunner(client, watch: watch, notice: Notices.ToConsole);
        try { result = await Progress.Run(runner, plan, options, cancellation); }
        catch (ExperimentFolderException e)
        {
            Console.Error.WriteLine($"sovsim: {e.Message}");
            return (ExitCodes.Usage, null);
        }
        int failed = result.Outcomes.Values.Count(o => !o.Completed);
        AnsiConsole.MarkupLineInterpolated($"{result.Outcomes.Count:N0} of {plan.Runs.Count:N0} runs in {result.WallSeconds:N1} s ({result.SimulationSeconds:N1} s simulating); results in {outDir}");
        if (failed > 0) AnsiConsole.MarkupLineInterpolated($"[yellow]{failed} run(s) failed; their errors are in runs.csv.[/]");
        if (result.Interrupted)
        {
            AnsiConsole.MarkupLineInterpolated($"[yellow]Interrupted: {result.Outcomes.Count} of {plan.Runs.Count} runs finished and kept. Run the same command with --out {outDir} to continue.[/]");
            return (ExitCodes.Interrupted, result);
        }
        return (failed > 0 ? ExitCodes.Failure : ExitCodes.Ok, result);
    }

    /// <summary>The aggregate table of one design point: each outcome's mean, sd, 95% CI of the mean, median and 90% range.</summary>
    public static void PrintAggregate(ExperimentResult result, int point = 0)
    {
        var table = new Table().Border(TableBorder.Rounded).Title(Markup.Escape($"{result.Plan.Scenario}: {result.Outcomes.Count} runs"))
            .AddColumn("outcome").AddColumn("mean").AddColumn("sd").AddColumn("95% CI of mean").AddColumn("median").AddColumn("5%–95%").AddColumn("n");
        static string F(double v) => double.IsNaN(v) ? "–" : Math.Abs(v) >= 1000 ? v.ToString("N0") : v.ToString("G4");
        foreach (var (p, _, metric, d) in ExperimentTables.Distributions(result))
        {
            if (p != point || d.N == 0 || (d.Max == 0 && d.Min == 0)) continue;
            table.AddRow(Markup.Escape(metric), F(d.Mean), F(d.Sd), $"{F(d.CiLow)} – {F(d.CiHigh)}", F(d.Median), $"{F(d.Q05)} – {F(d.Q95)}",
                d.Missing > 0 ? $"{d.N} ({d.Missing} missing)" : d.N.ToString());
        }
        AnsiConsole.Write(table);
    }

    /// <summary>One row per point of a sweep: its parameter values and, for the outcomes that differ between points
    /// (at most <paramref name="maxOutcomes"/>, the usual questions first), the mean with its 95% CI; the rest is
    /// in aggregate.csv.</summary>
    public static void PrintPoints(ExperimentResult result, int maxOutcomes = 6)
    {
        var dists = ExperimentTables.Distributions(result).Where(d => d.Distribution.N > 0).ToList();
        // What a what-if is usually about first (removals, refusals, deals, how long, coercion, cost), then any other.
        string[] first = [MetricKeys.MigrantsRemoved, MetricKeys.FlightsRefused, "negotiations.agreements", "days.inDispute", MetricKeys.EscalationsApplied, "cost.total"];
        var varying = first.Concat(result.Plan.OutcomeColumns.Except(first))
            .Where(m => dists.Where(d => d.Metric == m).Select(d => Math.Round(d.Distribution.Mean, 9)).Distinct().Count() > 1)
            .Take(maxOutcomes).ToList();
        var table = new Table().Border(TableBorder.Rounded)
            .Title(Markup.Escape($"{result.Plan.Scenario}: {result.Plan.Points} points × {result.Plan.Replications} replication(s), mean (95% CI)"));
        table.AddColumn("point");
        foreach (var p in result.Plan.Parameters) table.AddColumn(Markup.Escape(p));
        foreach (var m in varying) table.AddColumn(Markup.Escape(m));
        static string F(double v) => double.IsNaN(v) ? "–" : Math.Abs(v) >= 1000 ? v.ToString("N0") : v.ToString("G4");
        foreach (var point in dists.GroupBy(d => d.Point).OrderBy(g => g.Key))
        {
            var cells = new List<string> { point.Key.ToString() };
            cells.AddRange(point.First().Values.Select(Markup.Escape));
            foreach (var m in varying)
                cells.Add(point.FirstOrDefault(d => d.Metric == m) is { Distribution: var d } && d.N > 0
                    ? result.Plan.Replications > 1 ? $"{F(d.Mean)} ({F(d.CiLow)} – {F(d.CiHigh)})" : F(d.Mean) : "–");
            table.AddRow(cells.ToArray());
        }
        if (varying.Count == 0) table.Caption("no outcome differs between the points");
        AnsiConsole.Write(table);
    }

    /// <summary>Replications of the scenario with <paramref name="overrides"/> (seeds base, base+1, ...); prints the
    /// errors of an invalid scenario and returns null.</summary>
    public static ExperimentPlan? ReplicationPlan(ExperimentSettings settings, IReadOnlyList<string> overrides, int replications, Posterior? posterior)
    {
        var (plan, errors) = ExperimentPlan.Build(ExperimentKind.Replications, settings.File, overrides, settings.Adjust, [], [[]],
            replications, Provenance.Of(settings.File, overrides), posterior);
        if (plan is null) settings.PrintErrors(errors);
        return plan;
    }

    /// <summary>The plan of a design's points × replicates; prints the errors of an invalid point and returns null.</summary>
    public static ExperimentPlan? Plan(ExperimentSettings settings, ExperimentKind kind, Design design, int replications, Posterior? posterior = null)
    {
        var (plan, errors) = ExperimentPlan.Build(kind, settings.File, settings.Overrides, settings.Adjust,
            design.Parameters.Select(p => p.Path).ToList(), design.Points.Select(p => (IReadOnlyList<string>)p.Values.Select(v => v.Text).ToList()).ToList(),
            replications, Provenance.Of(settings.File, settings.Overrides), posterior);
        if (plan is null) settings.PrintErrors(errors);
        return plan;
    }

    /// <summary>Loads --posterior FILE (none: ok and null); prints its located error and returns false when it is
    /// malformed or fitted on another model version.</summary>
    public static bool TryLoadPosterior(string? file, out Posterior? posterior)
    {
        posterior = null;
        if (file is null) return true;
        var (loaded, errors) = Posterior.Load(file);
        foreach (var error in errors) Console.Error.WriteLine(error.ToString());
        if (errors.Count > 0) Console.Error.WriteLine($"{SovereigntySim.Scenarios.SafeText.Excerpt(file, 200)}: not a posterior for this model; nothing was run.");
        posterior = loaded;
        return loaded is not null;
    }

    /// <summary>Parses --vary/--param arguments; prints each bad one and returns null.</summary>
    public static IReadOnlyList<Parameter>? Parameters(string option, IEnumerable<string> texts)
    {
        var list = new List<Parameter>();
        bool ok = true;
        foreach (var text in texts)
        {
            var parsed = Parameter.Parse(text);
            if (parsed.Parameter is { } p) list.Add(p);
            else
            {
                Console.Error.WriteLine($"{option} {text}: {parsed.Error}");
                ok = false;
            }
        }
        if (ok && list.Count == 0)
        {
            Console.Error.WriteLine($"{option} path=a:b:step or path=v1,v2,... is required (repeatable)");
            ok = false;
        }
        var duplicate = list.GroupBy(p => p.Path).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null)
        {
            Console.Error.WriteLine($"{option}: {duplicate.Key} is given {duplicate.Count()} times");
            ok = false;
        }
        return ok ? list : null;
    }
}

