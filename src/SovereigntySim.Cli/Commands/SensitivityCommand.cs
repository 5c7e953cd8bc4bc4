using System.ComponentModel;
using Spectre.Console;
using Spectre.Console.Cli;
using SovereigntySim.Domain.Metrics;
using SovereigntySim.Experiments;
using SovereigntySim.Hosting.Experiments;
using SovereigntySim.Hosting.Outputs;
using SovereigntySim.Hosting.Runs;

namespace SovereigntySim.Cli.Commands;

public sealed class SensitivitySettings : ExperimentSettings
{
    [CommandOption("--method <METHOD>"), Description("morris (elementary effects: mu*, sigma) or sobol (first-order and total indices).")]
    public string Method { get; init; } = "morris";

    [CommandOption("--param <PATH=LO:HI>"), Description("A parameter and its range, path=lo:hi (repeatable; the same paths as --set).")]
    public string[] Param { get; init; } = [];

    [CommandOption("--outcome <NAME>"), Description("Outcome to analyse (repeatable; default flights.refused, migrants.removed, cost.total).")]
    public string[] Outcome { get; init; } = [];

    [CommandOption("--trajectories <R>"), Description("Morris trajectories (default 10).")]
    public int Trajectories { get; init; } = 10;

    [CommandOption("--levels <P>"), Description("Morris grid levels (default 4).")]
    public int Levels { get; init; } = 4;

    [CommandOption("--samples <N>"), Description("Sobol base samples N; the design has N(k+2) runs (default 64).")]
    public int Samples { get; init; } = 64;

    public const int MinSobolSamples = 8;

    public override ValidationResult Validate() =>
        base.Validate() is { Successful: false } invalid ? invalid
        : Method is not ("morris" or "sobol") ? ValidationResult.Error($"--method must be morris or sobol, found '{Method}'")
        : Trajectories < 2 ? ValidationResult.Error("--trajectories must be at least 2")
        : Levels < 2 ? ValidationResult.Error("--levels must be at least 2")
        : Samples < MinSobolSamples ? ValidationResult.Error($"--samples must be at least {MinSobolSamples} (Sobol' indices from fewer base samples are noise)")
        // The scenario's own measures (measure.<id>) are checked once it is loaded.
        : Outcome.FirstOrDefault(o => !Outcomes.Columns.Contains(o) && !o.StartsWith(MeasureFold.Prefix, StringComparison.Ordinal)) is { } bad
            ? ValidationResult.Error($"--outcome {bad}: not an outcome; choose from {string.Join(", ", Outcomes.Columns)} or measure.<id> of the scenario's own measures")
        : ValidationResult.Success();
}

/// <summary>Global sensitivity of chosen outcomes to parameters: Morris screening or Sobol indices (Saltelli sampling,
/// Jansen estimators). Every run uses the scenario's seed, so the indices measure the parameters, not the noise.</summary>
public sealed class SensitivityCommand : AsyncCommand<SensitivitySettings>
{
    private static readonly string[] DefaultOutcomes = ["flights.refused", "migrants.removed", "cost.total"];

    public override async Task<int> ExecuteAsync(CommandContext context, SensitivitySettings settings, CancellationToken cancellation)
    {
        var parameters = ExperimentCommand.Parameters("--param", settings.Param);
        if (parameters is null) return ExitCodes.Usage;
        if (parameters.FirstOrDefault(p => p is not RangeParameter) is { } list)
        {
            Console.Error.WriteLine($"--param {list.Path}: sensitivity needs a numeric range lo:hi");
            return ExitCodes.Usage;
        }
        if (parameters.OfType<RangeParameter>().FirstOrDefault(p => !(p.Lo < p.Hi)) is { } empty)
        {
            Console.Error.WriteLine($"--param {empty.Path}: sensitivity needs lo < hi, found {empty.Lo:R}:{empty.Hi:R} (a parameter that does not vary has no effect to measure)");
            return ExitCodes.Usage;
        }
        var baseSpec = settings.Load();
        if (baseSpec is null) return ExitCodes.Usage;
        if (settings.Outcome.FirstOrDefault(o => !Outcomes.ColumnsFor(baseSpec).Contains(o)) is { } unknown)
        {
            Console.Error.WriteLine($"--outcome {unknown}: the scenario defines no such measure (its own: {(baseSpec.Measures.Count == 0 ? "none" : string.Join(", ", MeasureFold.Columns(baseSpec)))})");
            return ExitCodes.Usage;
        }
        Design design;
        try
        {
            design = settings.Method == "morris"
                ? MorrisDesign.Create(parameters, settings.Trajectories, settings.Levels, baseSpec.Seed)
                // Sobol' low-discrepancy points estimate the indices far better than pseudo-random ones for the same runs.
                : SaltelliDesign.Create(parameters, settings.Samples, baseSpec.Seed, SaltelliSampling.Sobol);
        }
        catch (ArgumentException e)
        {
            Console.Error.WriteLine($"sensitivity: {e.Message}");
            return ExitCodes.Usage;
        }
        var plan = ExperimentCommand.Plan(settings, ExperimentKind.Sensitivity, design, 1);
        if (plan is null) return ExitCodes.Usage;
        var outDir = settings.Out ?? RunFolder.DefaultDirectory(plan, settings.Method);
        var (code, result) = await ExperimentCommand.Run(settings, plan, outDir, cancellation);
        if (result is null || code != ExitCodes.Ok) return code;

        var outcomes = settings.Outcome.Length > 0 ? settings.Outcome : DefaultOutcomes;
        bool undefined = false;
        var table = new Hosting.Outputs.Table(["method", "outcome", "parameter", "muStar", "mu", "sigma", "s1", "st"]);
        var shown = new Spectre.Console.Table().Border(TableBorder.Rounded).Title(Markup.Escape($"{settings.Method} sensitivity, {plan.Runs.Count} runs"))
            .AddColumn("outcome").AddColumn("parameter").AddColumn(settings.Method == "morris" ? "mu*" : "S1").AddColumn(settings.Method == "morris" ? "sigma" : "ST");
        foreach (var outcome in outcomes)
        {
            var y = result.Output(outcome);
            try
            {
                if (design is MorrisDesign morris)
                    foreach (var i in MorrisAnalysis.Estimate(morris, y))
                    {
                        table.Add("morris", outcome, i.Path, i.MuStar, i.Mu, i.Sigma, double.NaN, double.NaN);
                        shown.AddRow(Markup.Escape(outcome), Markup.Escape(i.Path), Index(i.MuStar), Index(i.Sigma));
                    }
                else
                    foreach (var i in SobolAnalysis.Estimate((SaltelliDesign)design, y).Indices)
                    {
                        table.Add("sobol", outcome, i.Path, double.NaN, double.NaN, double.NaN, i.First, i.Total);
                        shown.AddRow(Markup.Escape(outcome), Markup.Escape(i.Path), Index(i.First), Index(i.Total));
                    }
            }
            catch (ArgumentException e)
            {
                AnsiConsole.MarkupLineInterpolated($"[yellow]{outcome}: {e.Message}[/]");
            }
        }
        table.WriteCsv(Path.Combine(outDir, "sensitivity.csv"));
        AnsiConsole.Write(shown);
        if (undefined) AnsiConsole.MarkupLine("– : undefined, the outcome does not vary over the design (sensitivity.csv: NaN)");
        return ExitCodes.Ok;

        // An index of an outcome that does not vary is 0/0: shown as a dash, never as NaN.
        string Index(double v)
        {
            if (double.IsFinite(v)) return v.ToString("G4", System.Globalization.CultureInfo.InvariantCulture);
            undefined = true;
            return "–";
        }
    }
}
