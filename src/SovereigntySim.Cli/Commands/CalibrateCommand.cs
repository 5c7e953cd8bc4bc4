using System.ComponentModel;
using Spectre.Console;
using Spectre.Console.Cli;
using SovereigntySim.Hosting;
using SovereigntySim.Experiments;
using SovereigntySim.Hosting.Calibration;
using ResultsKind = SovereigntySim.Hosting.Outputs.ResultsKind;
using SovereigntySim.Scenarios;

namespace SovereigntySim.Cli.Commands;

/// <summary>Options of the commands that run observed cases: which cases, where, and the calibration budget (calibrate,
/// and validate-history --cross-validate).</summary>
public class CasesSettings : CommandSettings
{
    public const string DefaultFolder = "data/observed";

    [CommandArgument(0, "[PATHS]"), Description("Observed-case files, or folders of them (default: data/observed).")]
    public string[] Paths { get; init; } = [];

    [CommandOption("--parallel <K>"), Description("Runs at a time (default: the number of cores).")]
    public int? Parallel { get; init; }

    [CommandOption("--out <DIR>"), Description("Output folder.")]
    public string? Out { get; init; }

    [CommandOption("--force"), Description("Replace what the output folder holds (another run, an interrupted run, an experiment) instead of refusing; it is emptied first, never mixed.")]
    public bool Force { get; init; }

    [CommandOption("--cluster <CONNECTION>"), Description("Distribute the runs over a PostgreSQL-backed cluster instead of the embedded silo.")]
    public string? Cluster { get; init; }

    [CommandOption("--priors <FILE>"), Description("Priors of the constants to fit (YAML: parameters with path, lo, hi, scale, why).")]
    public string? Priors { get; init; }

    [CommandOption("--particles <N>"), Description("Particles per generation of the ABC-SMC fit.")]
    public int? Particles { get; init; }

    [CommandOption("--generations <G>"), Description("Generations of the ABC-SMC fit (generation 0 samples the priors).")]
    public int? Generations { get; init; }

    [CommandOption("--seed <S>"), Description("Seed of the fit: every candidate and its runs' seeds follow from it. Default 1.")]
    public long Seed { get; init; } = 1;

    [CommandOption("--quantile <Q>"), Description("Each generation's tolerance is this quantile of the previous one's distances. Default 0.5.")]
    public double Quantile { get; init; } = 0.5;

    [CommandOption("--min-acceptance <A>"), Description("Stop when a generation accepts fewer than this share of its candidates (it then simulates at most particles / A). Default 0.02.")]
    public double MinAcceptance { get; init; } = 0.02;

    [CommandOption("--kernel <K>"), Description("full (twice the weighted covariance, the default), diagonal (twice each parameter's weighted variance) or local (one covariance per particle, from the particles already within the new tolerance: Filippi et al. 2013).")]
    public string Kernel { get; init; } = "full";

    public override ValidationResult Validate() =>
        Parallel is < 1 or > 1024 ? ValidationResult.Error("--parallel must be between 1 and 1024")
        : Particles is < 2 or > ExperimentSettings.RunLimit ? ValidationResult.Error($"--particles must be between 2 and {ExperimentSettings.RunLimit}")
        : Generations is < 1 or > 99 ? ValidationResult.Error("--generations must be between 1 and 99")
        : !(Quantile > 0 && Quantile <= 1) ? ValidationResult.Error("--quantile must be above 0 and at most 1")
        : !(MinAcceptance > 0 && MinAcceptance <= 1) ? ValidationResult.Error("--min-acceptance must be above 0 and at most 1")
        : Kernel is not ("full" or "diagonal" or "local") ? ValidationResult.Error($"--kernel must be full, diagonal or local, found '{SafeText.Excerpt(Kernel, 40)}'")
        : Cluster is not null && Hosting.PostgresCluster.ConnectionProblem(Cluster) is { } problem ? ValidationResult.Error($"--cluster: {SafeText.Excerpt(problem, 200)}")
        : ValidationResult.Success();

    public int ParallelRuns => Parallel ?? Environment.ProcessorCount;

    public CalibrationOptions Options(string outDir, int particles, int generations) =>
        new(outDir, Particles ?? particles, Generations ?? generations, Seed, ParallelRuns, Quantile, MinAcceptance, Kernel switch { "diagonal" => AbcKernel.Diagonal, "local" => AbcKernel.Local, _ => AbcKernel.Full });

    /// <summary>The observed cases and the priors, checked; prints every located error and returns null.</summary>
    public Calibration? Prepare(string command, string priorsFile)
    {
        var loaded = ObservedLoader.Load(Paths.Length > 0 ? Paths : [DefaultFolder]);
        var (calibration, errors) = loaded.Ok ? Calibration.Prepare(priorsFile, loaded.Cases) : (null, loaded.Errors);
        if (calibration is not null) return calibration;
        foreach (var error in errors.Take(50)) Console.Error.WriteLine(error.ToString());
        Console.Error.WriteLine($"{command}: {errors.Count} error(s); nothing was run.");
        return null;
    }
}

public sealed class CalibrateSettings : CasesSettings
{
    public override ValidationResult Validate() =>
        Priors is null ? ValidationResult.Error("--priors FILE is required (e.g. data/calibration/priors.yaml)") : base.Validate();
}

/// <summary>Fits the priors' constants to the observed cases by ABC-SMC and writes the posterior; exit 0 when it
/// finished (also when it stopped early at the acceptance floor), 2 on bad input, 1 if a run failed, 130 if interrupted.</summary>
public sealed class CalibrateCommand : AsyncCommand<CalibrateSettings>
{
    public const string DefaultOut = "results/calibrate";

    public override async Task<int> ExecuteAsync(CommandContext context, CalibrateSettings settings, CancellationToken cancellation)
    {
        var calibration = settings.Prepare("calibrate", settings.Priors!);
        if (calibration is null) return ExitCodes.Usage;
        var outDir = settings.Out ?? DefaultOut;
        using var folder = OutputFolder.Claim(outDir, ResultsKind.Experiment, settings.Force);
        if (folder is null) return ExitCodes.Usage;
        var options = settings.Options(outDir, particles: 100, generations: 5);
        AnsiConsole.MarkupLineInterpolated($"calibrating {calibration.Priors.Count} constant(s) on {calibration.Cases.Count} case(s): {options.Particles} particles, up to {options.Generations} generations");
        var (code, result) = await Run(settings.Cluster, calibration, options, cancellation);
        if (result is null) return code;
        if (result.Last is { } last) Print(calibration, last);
        foreach (var t in result.Timings)
        {
            var ess = result.Generations.FirstOrDefault(g => g.Generation == t.Generation)?.EffectiveSampleSize;
            AnsiConsole.MarkupLineInterpolated($"generation {t.Generation}: {t.Simulations} candidates simulated, {t.Runs} runs, {t.WallSeconds:N1} s{(ess is { } e ? $", effective sample size {e:N1}" : "")}");
        }
        if (result.Last is { Degenerate: true } collapsed)
            AnsiConsole.MarkupLineInterpolated($"[yellow]the posterior's weight rests on {collapsed.EffectiveSampleSize:N1} of its {collapsed.Particles.Count} particles: its intervals are not reliable; fit with more particles, fewer constants or fewer generations[/]");
        if (result.Stopped is { } why) AnsiConsole.MarkupLineInterpolated($"[yellow]stopped early: {why}[/]");
        if (result.Interrupted)
            AnsiConsole.MarkupLineInterpolated($"[yellow]Interrupted: {result.Generations.Count} generation(s) finished and kept. Run the same command with --out {outDir} to continue.[/]");
        else AnsiConsole.MarkupLineInterpolated($"posterior.json, progress.json and generations/ in {outDir}");
        return code;
    }

    /// <summary>Runs a calibration on the embedded silo or a cluster with progress; the exit code and the result (null on
    /// a folder that holds another calibration).</summary>
    public static async Task<(int Code, CalibrationResult? Result)> Run(string? cluster, Calibration calibration, CalibrationOptions options, CancellationToken cancellation)
    {
        await using var connection = await ClusterConnection.OpenAsync(cluster, cancellation, Notices.ToConsole);
        return await Run(connection.Client, connection.Watch, calibration, options, cancellation);
    }

    /// <summary>The same on a cluster already open (cross-validation calibrates once per fold on one).</summary>
    public static async Task<(int Code, CalibrationResult? Result)> Run(IClusterClient client, Func<CancellationToken, Task<Hosting.ClusterWatch>>? watch, Calibration calibration,
        CalibrationOptions options, CancellationToken cancellation)
    {
        var runner = new CalibrationRunner(client, watch, Notices.ToConsole);
        try
        {
            var result = await Progress.Run(runner, calibration, options, cancellation);
            return (result.Interrupted ? ExitCodes.Interrupted : ExitCodes.Ok, result);
        }
        catch (CalibrationFolderException e)
        {
            Console.Error.WriteLine($"sovsim: {SafeText.Excerpt(e.Message, 400)}");
            return (ExitCodes.Usage, null);
        }
        catch (CalibrationRunFailedException e)
        {
            Console.Error.WriteLine($"sovsim: {SafeText.Excerpt(e.Message, 400)}");
            return (ExitCodes.Failure, null);
        }
    }

    private static void Print(Calibration calibration, Population last)
    {
        static string F(double v) => double.IsPositiveInfinity(v) ? "∞" : Math.Abs(v) >= 1000 ? v.ToString("N0") : v.ToString("G4");
        var table = new Table().Border(TableBorder.Rounded)
            .Title(Markup.Escape($"posterior after generation {last.Generation} (ε = {F(last.Epsilon)}, acceptance {last.AcceptanceRate:P0}, effective sample size {last.EffectiveSampleSize:N1})"))
            .AddColumn("path").AddColumn("prior").AddColumn("mean").AddColumn("median").AddColumn("5%–95%");
        var summary = AbcSmc.Summarise(calibration.Priors, last);
        for (int i = 0; i < summary.Count; i++)
        {
            var p = calibration.Priors[i];
            var s = summary[i];
            table.AddRow(Markup.Escape(s.Path), Markup.Escape($"{F(p.Lo)} – {F(p.Hi)} ({p.Scale.ToString().ToLowerInvariant()})"), F(s.Mean), F(s.Median), $"{F(s.Q05)} – {F(s.Q95)}");
        }
        AnsiConsole.Write(table);
    }
}
