using System.ComponentModel;
using Spectre.Console;
using Spectre.Console.Cli;
using SovereigntySim.Domain.Checkpoints;
using SovereigntySim.Domain.Scenario;
using SovereigntySim.Grains;
using SovereigntySim.Hosting;
using SovereigntySim.Hosting.Engines;
using SovereigntySim.Hosting.Experiments;
using SovereigntySim.Hosting.Outputs;
using SovereigntySim.Hosting.Runs;
using SovereigntySim.Scenarios;

namespace SovereigntySim.Cli.Commands;

public sealed class RunSettings : ExperimentSettings
{
    [CommandOption("--speed <X>"), Description("Pace the run: simulated seconds per wall second (default: as fast as possible).")]
    public double? Speed { get; init; }

    [CommandOption("--engine <ENGINE>"), Description("orleans (default) or reference (the plain single-threaded runner).")]
    public string Engine { get; init; } = "orleans";

    [CommandOption("--migrant <ID>"), Description("At the end, write this migrant's state and history to migrants.json and show it (repeatable).")]
    public long[] Migrants { get; init; } = [];

    [CommandOption("--warmup"), Description("First run a small copy of the scenario (1% of the people, 14 days) to warm up the JIT; used by bench.")]
    public bool Warmup { get; init; }

    [CommandOption("--microdata"), Description("At the end, write every migrant's state to migrants.parquet (one row per person).")]
    public bool Microdata { get; init; }

    [CommandOption("--replications <N>"), Description("Run N replications (seeds base, base+1, ...) and aggregate every outcome.")]
    public int? Replications { get; init; }

    [CommandOption("--posterior <FILE>"), Description(PosteriorHelp + " With --replications.")]
    public string? Posterior { get; init; }

    [CommandOption("--checkpoint-every <DURATION>"), Description("Save a checkpoint this often in simulated time, e.g. 7d; off for none; default auto: weekly, skipping one while checkpoints have taken over 10% of the run's time. Ctrl-C also saves one.")]
    public string CheckpointEvery { get; init; } = "auto";

    [CommandOption("--resume <DIR|ID>"), Description("Continue an interrupted or failed run from its last checkpoint: the run's folder, or with --cluster the checkpoint id it printed (no FILE, --set, --seed or --scale).")]
    public string? Resume { get; init; }

    public const double MinSpeed = 0.001, MaxSpeed = 1e9;

    protected override bool FileOptional => Resume is not null;

    /// <summary>The checkpoint period, or null for none.</summary>
    public TimeSpan? CheckpointPeriod => CheckpointEvery switch
    {
        "off" => null,
        "auto" => CheckpointPlan.AutoPeriod,
        _ => Domain.Scenario.DurationText.TryParse(CheckpointEvery, out var t) ? t : null,
    };

    public override ValidationResult Validate() =>
        base.Validate() is { Successful: false } invalid ? invalid
        : Speed is { } x && !(x >= MinSpeed && x <= MaxSpeed)
            ? ValidationResult.Error($"--speed must be between {MinSpeed} and {MaxSpeed:0.#e0} simulated seconds per wall second")
        : Engine is not ("orleans" or "reference") ? ValidationResult.Error($"--engine must be orleans or reference, found '{Engine}'")
        : Cluster is not null && Engine == "reference" ? ValidationResult.Error("--cluster runs on Orleans; it cannot be combined with --engine reference")
        : Replications is < 1 ? ValidationResult.Error("--replications must be at least 1")
        : Replications is not null && (Speed is not null || Migrants.Length > 0 || Microdata || Engine != "orleans" || Warmup)
            ? ValidationResult.Error("--replications cannot be combined with --speed, --migrant, --microdata, --engine or --warmup")
        : Replications is null && (Parallel is not null || KeepRuns || Posterior is not null) ? ValidationResult.Error("--parallel, --keep-runs and --posterior go with --replications")
        : CheckpointEvery != "off" && CheckpointPeriod is not { Ticks: > 0 } ? ValidationResult.Error($"--checkpoint-every must be a duration such as 7d, 12h or off, found '{SovereigntySim.Scenarios.SafeText.Excerpt(CheckpointEvery, 40)}'")
        : Resume is not null && (File.Length > 0 || Set.Length > 0 || Seed is not null || Scale is not null || Replications is not null || Warmup)
            ? ValidationResult.Error("--resume continues a run as it was started: it takes no FILE, --set, --seed, --scale, --replications or --warmup")
        : Resume is not null && Out is not null && (Cluster is null || Directory.Exists(Resume))
            ? ValidationResult.Error("--resume DIR continues the run in DIR: --out goes only with --resume ID --cluster (a checkpoint in the cluster, resumed into a new folder)")
        : ValidationResult.Success();
}

public sealed class RunCommand : AsyncCommand<RunSettings>
{
    public override async Task<int> ExecuteAsync(CommandContext context, RunSettings settings, CancellationToken cancellation)
    {
        if (settings.Replications is { } n) return await Replicate(settings, n, cancellation);
        if (settings.Resume is { } resumeDir) return await ResumeRun(settings, resumeDir, cancellation);
        var request = settings.Request();
        if (request is null) return ExitCodes.Usage;
        var outDir = settings.Out ?? RunFolder.DefaultDirectory(request, settings.Engine);
        using var folder = OutputFolder.Claim(outDir, ResultsKind.Run, settings.Force, RunFolder.EffectiveScenario(request));
        if (folder is null) return ExitCodes.Usage;
        var host = Host(settings);
        if (settings.Warmup)
        {
            var warm = request with { Spec = ScenarioScaling.Warmup(request.Spec) };
            await using var engine = await host.StartAsync(warm.Spec, cancellation);
            await RunPipeline.RunAsync(engine, warm, []);
        }
        return await RunAndReport(settings, host, request, outDir, null, host.NewCheckpointId(request.Spec), cancellation);
    }

    private static RunHost Host(RunSettings settings) =>
        new(new EngineChoice(settings.Engine == "reference", settings.Cluster), Notices.ToConsole);

    private static async Task<int> RunAndReport(RunSettings settings, RunHost host, RunRequest request, string outDir, RunCheckpoint? from, string? checkpointId,
        CancellationToken cancellation)
    {
        var plan = new CheckpointPlan(settings.CheckpointPeriod is { } period ? period.Ticks / request.Spec.Step.Ticks : null,
            settings.CheckpointEvery == "auto" ? CheckpointPlan.AutoShare : null, from, checkpointId);
        var run = await host.RunAsync(request, outDir, plan,
            (engine, sinks, checkpoints) => Progress.Run(engine, request, sinks, settings.Speed, cancellation, checkpoints),
            async (engine, result) =>
            {
                SummaryTable.Print(result, outDir);
                if (settings.Migrants.Length > 0) await MigrantReport.Write(engine, settings.Migrants, outDir);
                if (settings.Microdata)
                    AnsiConsole.MarkupLineInterpolated($"{await MicrodataFile.WriteAsync(engine, outDir):N0} migrants in {Path.Combine(outDir, MicrodataFile.Name)}");
            }, cancellation);
        if (run.Failure is { } failure)
        {
            var why = SafeText.Excerpt((failure.InnerException?.Message ?? failure.Message).Split('\n')[0].TrimEnd(), 400);
            // One line: what failed, where, and where the partial results are (summary.json says completed: false).
            Console.Error.WriteLine($"sovsim: the run failed at {run.Result.SimulatedUntil}: {why}");
            Console.Error.WriteLine($"sovsim: results up to then are in {outDir} (summary.json: completed false, with the error)");
            if (run.Resumable) Console.Error.WriteLine($"sovsim: to go on from its last checkpoint: {ResumeCommand(settings, outDir)}");
            return ExitCodes.Failure;
        }
        if (!run.Result.Completed)
        {
            AnsiConsole.MarkupLineInterpolated($"[yellow]Interrupted at {run.Result.SimulatedUntil}; results so far are in {outDir}.[/]");
            if (run.Resumable) Console.WriteLine($"To resume: {ResumeCommand(settings, outDir)}");
            return ExitCodes.Interrupted;
        }
        return ExitCodes.Ok;
    }

    /// <summary>The command that resumes; a connection string that holds a password is not echoed.</summary>
    private static string ResumeCommand(RunSettings settings, string dir) =>
        $"sovsim run --resume {Provenance.Quote(dir)}" + settings.Cluster switch
        {
            null => "",
            var db when db.Contains("password", StringComparison.OrdinalIgnoreCase) => " --cluster CONNECTION",
            var db => $" --cluster {Provenance.Quote(db)}",
        };

    /// <summary>Continues a run from its last checkpoint, with the scenario and provenance it started with: the
    /// checkpoint in the run's folder, or on a cluster the one in grain storage under the id in the folder's
    /// checkpoint.id or given instead of a folder (its log comes from there too, into --out or the default folder).</summary>
    private static async Task<int> ResumeRun(RunSettings settings, string target, CancellationToken cancellation)
    {
        RunCheckpoint checkpoint;
        ScenarioSpec spec;
        string dir = target;
        string? checkpointId = null;
        ResultsFolder? folder = null;
        try
        {
            // The run's own folder, held against a second process while the run goes on in it.
            if (Directory.Exists(target)) folder = ResultsFolder.Claim(target, ResultsKind.Continuation, force: false);
            if (settings.Cluster is { } db)
            {
                (checkpoint, spec, checkpointId, var log) = await RunHost.LoadClusterCheckpointAsync(db, target, cancellation, Notices.ToConsole);
                if (folder is null)
                {
                    dir = settings.Out ?? RunFolder.DefaultDirectory(new RunRequest(spec, checkpoint.Header.Provenance), "orleans");
                    folder = ResultsFolder.Claim(dir, ResultsKind.Run, settings.Force);
                }
                // The log up to the checkpoint comes from the cluster: the folder may be another machine's, or gone.
                Directory.CreateDirectory(dir);
                await File.WriteAllBytesAsync(Path.Combine(dir, "events.jsonl"), log, CancellationToken.None);
            }
            else
            {
                if (!Directory.Exists(target)) throw new CheckpointException($"{target} is not a folder (a checkpoint id goes with --cluster)");
                if (File.Exists(Path.Combine(target, RunHost.CheckpointIdFile)))
                    throw new CheckpointException($"{target} is a cluster run's folder: its checkpoint is in the cluster; add --cluster CONNECTION");
                checkpoint = await FolderCheckpointStore.ReadAsync(target);
                spec = checkpoint.Spec(Path.Combine(target, CheckpointFile.Name));
            }
            // Checked here so a bad folder runs nothing; the pipeline checks again as it reads the log.
            RunCheckpoints.VerifiedPrefix(dir, checkpoint.Header);
        }
        catch (Exception e) when (e is CheckpointException or ResultsFolderException)
        {
            folder?.Dispose();
            Console.Error.WriteLine($"sovsim: cannot resume: {SafeText.Excerpt(e.Message, 400)}; nothing was run.");
            return ExitCodes.Usage;
        }
        using (folder)
        {
            var request = new RunRequest(spec, checkpoint.Header.Provenance);
            return await RunAndReport(settings, Host(settings), request, dir, checkpoint, checkpointId, cancellation);
        }
    }

    private static async Task<int> Replicate(RunSettings settings, int replications, CancellationToken cancellation)
    {
        if (!ExperimentCommand.TryLoadPosterior(settings.Posterior, out var posterior)) return ExitCodes.Usage;
        if (ExperimentCommand.ReplicationPlan(settings, settings.Overrides, replications, posterior) is not { } plan) return ExitCodes.Usage;
        var outDir = settings.Out ?? RunFolder.DefaultDirectory(plan, $"x{replications}");
        var (code, result) = await ExperimentCommand.Run(settings, plan, outDir, cancellation);
        if (result is not null && result.Outcomes.Count > 0) ExperimentCommand.PrintAggregate(result);
        return code;
    }
}
