using System.ComponentModel;
using Spectre.Console;
using Spectre.Console.Cli;
using SovereigntySim.Hosting.Experiments;
using SovereigntySim.Hosting.Runs;
using SovereigntySim.Hosting.Validation;
using SovereigntySim.Scenarios;

namespace SovereigntySim.Cli.Commands;

public sealed class ValidateHistorySettings : CommandSettings
{
    public const string DefaultFolder = "data/observed";

    [CommandArgument(0, "[PATHS]"), Description("Observed-case files, or folders of them (default: data/observed).")]
    public string[] Paths { get; init; } = [];

    [CommandOption("--replications <N>"), Description("Replications per case (seeds base, base+1, ...). Default 30.")]
    public int Replications { get; init; } = 30;

    [CommandOption("--parallel <K>"), Description("Runs at a time (default: the number of cores).")]
    public int? Parallel { get; init; }

    [CommandOption("--out <DIR>"), Description("Output folder (default results/validate-history-xN): validation.csv, validation.json and one experiment folder per case.")]
    public string? Out { get; init; }

    [CommandOption("--cluster <CONNECTION>"), Description("Distribute the runs over a PostgreSQL-backed cluster instead of the embedded silo.")]
    public string? Cluster { get; init; }

    public override ValidationResult Validate() =>
        Replications < 1 ? ValidationResult.Error("--replications must be at least 1")
        : Replications > ExperimentSettings.RunLimit ? ValidationResult.Error($"--replications must be at most {ExperimentSettings.RunLimit}")
        : Parallel is < 1 or > 1024 ? ValidationResult.Error("--parallel must be between 1 and 1024")
        : ValidationResult.Success();
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
        var loaded = ObservedLoader.Load(settings.Paths.Length > 0 ? settings.Paths : [ValidateHistorySettings.DefaultFolder]);
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
                Provenance.Of(c.ScenarioPath, c.Spec.Overrides));
            if (plan is null)
            {
                foreach (var error in errors) Console.Error.WriteLine(error.ToString());
                return ExitCodes.Usage;
            }
            plans.Add((c, plan));
        }

        var outDir = settings.Out ?? Path.Combine("results", $"validate-history-x{settings.Replications}");
        Directory.CreateDirectory(outDir);
        var compared = new List<(ObservedCase Case, string Folder, IReadOnlyList<FigureComparison> Figures)>();
        int code = ExitCodes.Ok;
        await using (var cluster = await ClusterConnection.OpenAsync(settings.Cluster, cancellation))
        {
            foreach (var (c, plan) in plans)
            {
                var folder = Path.Combine(outDir, "cases", c.Spec.Case);
                AnsiConsole.MarkupLineInterpolated($"[bold]{c.Spec.Case}[/]: {plan.Runs.Count} runs of {c.ScenarioPath}");
                var options = new ExperimentOptions(folder, settings.Parallel ?? Environment.ProcessorCount);
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
