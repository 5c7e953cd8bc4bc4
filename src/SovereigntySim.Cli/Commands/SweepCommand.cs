using System.ComponentModel;
using Spectre.Console;
using Spectre.Console.Cli;
using SovereigntySim.Experiments;
using SovereigntySim.Hosting.Experiments;
using SovereigntySim.Hosting.Outputs;
using SovereigntySim.Hosting.Runs;

namespace SovereigntySim.Cli.Commands;

public sealed class SweepSettings : ExperimentSettings
{
    [CommandOption("--vary <PATH=RANGE>"), Description("A parameter to vary: path=a:b:step or path=v1,v2,... (repeatable; the same paths as --set).")]
    public string[] Vary { get; init; } = [];

    [CommandOption("--design <DESIGN>"), Description("grid (default: every combination) or lhs (Latin hypercube of --samples points).")]
    public string Design { get; init; } = "grid";

    [CommandOption("--samples <M>"), Description("Points of a Latin hypercube design.")]
    public int? Samples { get; init; }

    [CommandOption("--replications <N>"), Description("Replications per point (seeds base, base+1, ...; the same at every point). Default 1.")]
    public int Replications { get; init; } = 1;

    [CommandOption("--posterior <FILE>"), Description(PosteriorHelp)]
    public string? Posterior { get; init; }

    public override ValidationResult Validate() =>
        base.Validate() is { Successful: false } invalid ? invalid
        : Design is not ("grid" or "lhs") ? ValidationResult.Error($"--design must be grid or lhs, found '{Design}'")
        : Design == "lhs" && Samples is null ? ValidationResult.Error("--design lhs needs --samples M")
        : Samples is < 1 ? ValidationResult.Error("--samples must be at least 1")
        : Design == "grid" && Samples is not null ? ValidationResult.Error("--samples goes with --design lhs")
        : Replications < 1 ? ValidationResult.Error("--replications must be at least 1")
        : ValidationResult.Success();
}

/// <summary>Runs a scenario over a grid or Latin hypercube of parameter values and writes one tidy table.</summary>
public sealed class SweepCommand : AsyncCommand<SweepSettings>
{
    public override async Task<int> ExecuteAsync(CommandContext context, SweepSettings settings, CancellationToken cancellation)
    {
        var parameters = ExperimentCommand.Parameters("--vary", settings.Vary);
        if (parameters is null) return ExitCodes.Usage;
        var baseSpec = settings.Load();
        if (baseSpec is null) return ExitCodes.Usage;
        Design design;
        try
        {
            design = settings.Design == "lhs"
                ? LatinHypercubeDesign.Create(parameters, settings.Samples!.Value, baseSpec.Seed)
                : GridDesign.Create(parameters);
        }
        catch (ArgumentException e)
        {
            Console.Error.WriteLine($"--vary: {e.Message}");
            return ExitCodes.Usage;
        }
        if (!ExperimentCommand.TryLoadPosterior(settings.Posterior, out var posterior)) return ExitCodes.Usage;
        var plan = ExperimentCommand.Plan(settings, ExperimentKind.Sweep, design, settings.Replications, posterior);
        if (plan is null) return ExitCodes.Usage;
        var outDir = settings.Out ?? RunFolder.DefaultDirectory(plan, "sweep");
        var (code, result) = await ExperimentCommand.Run(settings, plan, outDir, cancellation);
        if (result is not null && result.Outcomes.Count > 0) ExperimentCommand.PrintPoints(result);
        if (result is not null) AnsiConsole.MarkupLineInterpolated($"{plan.Points} points × {plan.Replications} replication(s): runs.csv, runs.parquet, aggregate.csv in {outDir}");
        return code;
    }
}
