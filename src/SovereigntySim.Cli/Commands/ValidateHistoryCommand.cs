using System.ComponentModel;
using Spectre.Console;
using Spectre.Console.Cli;
using SovereigntySim.Hosting;
using SovereigntySim.Hosting.Calibration;
using SovereigntySim.Hosting.Experiments;
using ResultsKind = SovereigntySim.Hosting.Outputs.ResultsKind;
using SovereigntySim.Hosting.Runs;
using SovereigntySim.Hosting.Validation;
using SovereigntySim.Scenarios;

namespace SovereigntySim.Cli.Commands;

public sealed class ValidateHistorySettings : CasesSettings
{
    public const string DefaultPriors = "data/calibration/priors.yaml";

    [CommandOption("--replications <N>"), Description("Replications per case (seeds base, base+1, ...). Default 30.")]
    public int Replications { get; init; } = 30;

    [CommandOption("--posterior <FILE>"), Description(ExperimentSettings.PosteriorHelp)]
    public string? Posterior { get; init; }

    [CommandOption("--cross-validate <K>"), Description("K-fold cross-validation by case: calibrate on the other folds (--priors, default data/calibration/priors.yaml; --particles, default 30; --generations, default 3), run each case with its fold's posterior, and compare with a base-rate null model.")]
    public int? CrossValidate { get; init; }

    public override ValidationResult Validate() =>
        Replications < 1 ? ValidationResult.Error("--replications must be at least 1")
        : Replications > ExperimentSettings.RunLimit ? ValidationResult.Error($"--replications must be at most {ExperimentSettings.RunLimit}")
        : CrossValidate is < 2 ? ValidationResult.Error("--cross-validate must be at least 2 folds")
        : CrossValidate is not null && Posterior is not null ? ValidationResult.Error("--cross-validate fits its own posteriors: it takes no --posterior")
        : CrossValidate is null && (Priors is not null || Particles is not null || Generations is not null)
            ? ValidationResult.Error("--priors, --particles and --generations go with --cross-validate (or sovsim calibrate)")
        : base.Validate();
}

/// <summary>
/// Runs every observed case's scenario with replications through the experiment pipeline and prints simulated
/// against observed. Missing the observed range is a measurement, not a failure: the exit code is 0 unless the
/// input is bad (2), a run failed (1) or the command was interrupted (130).
/// </summary>
public sealed class ValidateHistoryCommand : AsyncCommand<ValidateHistorySettings>
{
    public override async Task<int> ExecuteAsync(CommandContext context, ValidateHistorySettings settings, CancellationToken cancellation)
    {
        if (settings.CrossValidate is { } folds) return await CrossValidate(settings, folds, cancellation);
        if (!ExperimentCommand.TryLoadPosterior(settings.Posterior, out var posterior)) return ExitCodes.Usage;
        var loaded = ObservedLoader.Load(settings.Paths.Length > 0 ? settings.Paths : [CasesSettings.DefaultFolder]);
        if (!loaded.Ok)
        {
            foreach (var error in loaded.Errors) Console.Error.WriteLine(error.ToString());
            Console.Error.WriteLine($"validate-history: {loaded.Errors.Count} error(s); nothing was run.");
            return ExitCodes.Usage;
        }
        var plans = new List<(ObservedCase Case, ExperimentPlan Plan)>();
        foreach (var c in loaded.Cases)
        {
            var (plan, errors) = ExperimentPlan.Build(ExperimentKind.Replications, c.ScenarioPath, c.Spec.Overrides, s => s, [], [[]], settings.Replications,
                Provenance.Of(c.ScenarioPath, c.Spec.Overrides), posterior);
            if (plan is null)
            {
                foreach (var error in errors) Console.Error.WriteLine(error.ToString());
                return ExitCodes.Usage;
            }
            plans.Add((c, plan));
        }

        var outDir = settings.Out ?? Path.Combine("results", $"validate-history-x{settings.Replications}");
        using var claimed = OutputFolder.Claim(outDir, ResultsKind.Experiment, settings.Force);
        if (claimed is null) return ExitCodes.Usage;
        var compared = new List<(ObservedCase Case, string Folder, IReadOnlyList<FigureComparison> Figures)>();
        int code = ExitCodes.Ok;
        await using (var cluster = await ClusterConnection.OpenAsync(settings.Cluster, cancellation, Notices.ToConsole))
        {
            foreach (var (c, plan) in plans)
            {
                var folder = Path.Combine(outDir, "cases", c.Spec.Case);
                AnsiConsole.MarkupLineInterpolated($"[bold]{c.Spec.Case}[/]: {plan.Runs.Count} runs of {c.ScenarioPath}");
                var options = new ExperimentOptions(folder, settings.ParallelRuns);
                var (runCode, result) = await ExperimentCommand.RunOn(cluster.Client, plan, options, cancellation, cluster.Watch);
                if (runCode != ExitCodes.Ok) code = runCode;
                if (result is null || runCode == ExitCodes.Interrupted) return runCode;
                compared.Add((c, folder, HistoryComparison.Compare(c.Spec, result)));
            }
        }

        var rows = compared.SelectMany(c => c.Figures).ToList();
        HistoryComparison.ToTable(rows).WriteCsv(Path.Combine(outDir, "validation.csv"));
        await File.WriteAllTextAsync(Path.Combine(outDir, "validation.json"),
            HistoryComparison.Json(compared, settings.Replications).ToJsonString(SovereigntySim.Hosting.Outputs.Summary.Indented) + "\n", CancellationToken.None);
        Print(rows, settings.Replications);
        AnsiConsole.MarkupLineInterpolated($"{rows.Count(r => r.Pass)} of {rows.Count} figures pass; validation.csv and validation.json in {outDir}");
        return code;
    }

    private static async Task<int> CrossValidate(ValidateHistorySettings settings, int folds, CancellationToken cancellation)
    {
        var calibration = settings.Prepare("validate-history", settings.Priors ?? ValidateHistorySettings.DefaultPriors);
        if (calibration is null) return ExitCodes.Usage;
        if (folds > calibration.Cases.Count)
        {
            Console.Error.WriteLine($"validate-history: --cross-validate {folds} needs at least {folds} cases, found {calibration.Cases.Count}; nothing was run.");
            return ExitCodes.Usage;
        }
        var outDir = settings.Out ?? Path.Combine("results", $"crossvalidate-k{folds}");
        using var claimed = OutputFolder.Claim(outDir, ResultsKind.Experiment, settings.Force);
        if (claimed is null) return ExitCodes.Usage;
        var budget = settings.Options(outDir, particles: 30, generations: 3);
        var options = new CrossValidationOptions(outDir, folds, settings.Replications, settings.ParallelRuns);
        int code = ExitCodes.Ok;
        IReadOnlyList<CrossValidationRow>? rows;
        await using (var cluster = await ClusterConnection.OpenAsync(settings.Cluster, cancellation, Notices.ToConsole))
        {
            var runner = new CrossValidationRunner(
                async (training, fold) =>
                {
                    AnsiConsole.MarkupLineInterpolated($"[bold]calibrating on {string.Join(", ", training.Cases.Select(c => c.Spec.Case))}[/]");
                    var (fitCode, fitted) = await CalibrateCommand.Run(cluster.Client, cluster.Watch, training, fold, cancellation);
                    if (fitted is null && fitCode == ExitCodes.Failure) throw new CalibrationRunFailedException($"the calibration in {fold.OutputDirectory} failed");
                    if (fitted is null) throw new CalibrationFolderException($"the calibration in {fold.OutputDirectory} could not start");
                    return fitted;
                },
                async (plan, experiment) =>
                {
                    var (runCode, result) = await ExperimentCommand.RunOn(cluster.Client, plan, experiment, cancellation, cluster.Watch);
                    if (runCode != ExitCodes.Ok) code = runCode;
                    return result ?? throw new CalibrationFolderException($"{experiment.OutputDirectory} holds another experiment: choose another --out");
                });
            try { rows = await runner.RunAsync(calibration, budget, options); }
            catch (Exception e) when (e is CalibrationFolderException or CalibrationRunFailedException)
            {
                Console.Error.WriteLine($"sovsim: {SovereigntySim.Scenarios.SafeText.Excerpt(e.Message, 400)}");
                return e is CalibrationFolderException ? ExitCodes.Usage : ExitCodes.Failure;
            }
        }
        if (rows is null)
        {
            AnsiConsole.MarkupLineInterpolated($"[yellow]Interrupted: what finished is kept. Run the same command with --out {outDir} to continue.[/]");
            return ExitCodes.Interrupted;
        }
        CrossValidationRunner.ToTable(rows).WriteCsv(Path.Combine(outDir, "crossvalidation.csv"));
        await File.WriteAllTextAsync(Path.Combine(outDir, "crossvalidation.json"),
            CrossValidationRunner.Json(rows, calibration, budget, options).ToJsonString(SovereigntySim.Hosting.Outputs.Summary.Indented) + "\n", CancellationToken.None);
        PrintCrossValidation(rows, folds, settings.Replications);
        AnsiConsole.MarkupLineInterpolated($"crossvalidation.csv and crossvalidation.json in {outDir}");
        return code;
    }

    private static void PrintCrossValidation(IReadOnlyList<CrossValidationRow> rows, int folds, int replications)
    {
        static string P(double v) => double.IsNaN(v) ? "–" : v.ToString("P0");
        static string F(double v) => double.IsNaN(v) ? "–" : double.IsInfinity(v) ? (v > 0 ? "∞" : "−∞") : Math.Abs(v) >= 1000 ? v.ToString("N0") : v.ToString("G4");
        if (Console.IsOutputRedirected) AnsiConsole.Profile.Width = Math.Max(AnsiConsole.Profile.Width, 150);
        var figures = new Table().Border(TableBorder.Rounded).Title($"held-out cases: model against base rates ({folds} folds, {replications} replications)")
            .AddColumn("fold").AddColumn("case").AddColumn("figure").AddColumn("observed").AddColumn("model 5%–95%").AddColumn("in range").AddColumn("pass")
            .AddColumn("covered").AddColumn("null 5%–95%").AddColumn("null pass").AddColumn("null covered");
        static string Yes(bool b) => b ? "[green]yes[/]" : "[red]no[/]";
        foreach (var r in rows.Where(r => !r.InSample))
        {
            var m = r.Model;
            var observed = m.ObservedLo == m.ObservedHi ? F(m.ObservedLo) : $"{F(m.ObservedLo)} – {F(m.ObservedHi)}";
            figures.AddRow($"{r.Fold}", Markup.Escape(m.Case), Markup.Escape(m.Figure), Markup.Escape(observed), $"{F(m.Simulated.Q05)} – {F(m.Simulated.Q95)}",
                P(m.ShareInRange), Yes(m.Pass), Yes(r.Covered), r.Null.Values == 0 ? "–" : $"{F(r.Null.Q05)} – {F(r.Null.Q95)}", Yes(r.Null.Pass), Yes(r.Null.Covered));
        }
        AnsiConsole.Write(figures);
        var summary = new Table().Border(TableBorder.Rounded).Title("cross-validation: pass rate and coverage of the 90% predictive interval")
            .AddColumn("sample").AddColumn("figures").AddColumn("model pass").AddColumn("model coverage").AddColumn("null pass").AddColumn("null coverage");
        foreach (var s in CrossValidationRunner.Summarise(rows))
            summary.AddRow(s.Sample, $"{s.Figures}", P(s.ModelPass), P(s.ModelCoverage), P(s.NullPass), P(s.NullCoverage));
        AnsiConsole.Write(summary);
    }

    private static void Print(IReadOnlyList<FigureComparison> rows, int replications)
    {
        static string F(double v) => double.IsNaN(v) ? "–" : double.IsInfinity(v) ? (v > 0 ? "∞" : "−∞") : Math.Abs(v) >= 1000 ? v.ToString("N0") : v.ToString("G4");
        // A table this wide wraps badly at a pipe's default 80 columns.
        if (Console.IsOutputRedirected) AnsiConsole.Profile.Width = Math.Max(AnsiConsole.Profile.Width, 150);
        var table = new Table().Border(TableBorder.Rounded).Title($"simulated against observed ({replications} replications per case)")
            .AddColumn("case").AddColumn("figure").AddColumn("measure").AddColumn("observed").AddColumn("median").AddColumn("5%–95%")
            .AddColumn("in range").AddColumn("rel. error").AddColumn("pass");
        foreach (var r in rows)
        {
            var observed = r.ObservedValue is { } v ? $"{F(v)} (±{F((r.ObservedHi - r.ObservedLo) / 2)})"
                : r.ObservedLo == r.ObservedHi ? F(r.ObservedLo) : $"{F(r.ObservedLo)} – {F(r.ObservedHi)}";
            table.AddRow(Markup.Escape(r.Case), Markup.Escape(r.Figure), Markup.Escape(r.Measure), Markup.Escape(observed), F(r.Simulated.Median),
                r.Simulated.N == 0 ? "–" : $"{F(r.Simulated.Q05)} – {F(r.Simulated.Q95)}", double.IsNaN(r.ShareInRange) ? "–" : r.ShareInRange.ToString("P0"),
                double.IsNaN(r.RelativeError) ? "–" : r.RelativeError.ToString("+0.0%;-0.0%"), r.Pass ? "[green]yes[/]" : "[red]no[/]");
        }
        AnsiConsole.Write(table);
    }
}
