using System.ComponentModel;
using System.Globalization;
using Spectre.Console;
using Spectre.Console.Cli;
using SovereigntySim.Domain.Metrics;
using SovereigntySim.Experiments;
using SovereigntySim.Hosting;
using SovereigntySim.Hosting.Experiments;
using SovereigntySim.Hosting.Outputs;
using SovereigntySim.Hosting.Runs;

namespace SovereigntySim.Cli.Commands;

public sealed class CompareSettings : ExperimentSettings
{
    [CommandOption("--what-if <PATH=VALUE>"), Description("What the what-if changes from the baseline (the scenario with its --set): the same paths as --set (repeatable).")]
    public string[] WhatIf { get; init; } = [];

    [CommandOption("--replications <N>"), Description("Replications of each, with common seeds (base, base+1, ...): the differences are paired. Default 30.")]
    public int Replications { get; init; } = 30;

    [CommandOption("--posterior <FILE>"), Description(PosteriorHelp + " Both sides draw the same values for a seed.")]
    public string? Posterior { get; init; }

    public override ValidationResult Validate() =>
        base.Validate() is { Successful: false } invalid ? invalid
        : WhatIf.Length == 0 ? ValidationResult.Error("--what-if PATH=VALUE is required (repeatable): what the what-if changes")
        : WhatIf.FirstOrDefault(w => !w.Contains('=')) is { } bad ? ValidationResult.Error($"--what-if must be PATH=VALUE, found '{Scenarios.SafeText.Excerpt(bad, 60)}'")
        : Replications < 1 ? ValidationResult.Error("--replications must be at least 1")
        : ValidationResult.Success();
}

/// <summary>
/// A what-if against its baseline: both run with the same seeds and replications (common random numbers), so each
/// replicate's difference isolates the change; the table gives every outcome's baseline and what-if means and the
/// mean difference with its 95% confidence interval, and says when the difference is within the noise.
/// </summary>
public sealed class CompareCommand : AsyncCommand<CompareSettings>
{
    public const string ComparisonFile = "comparison.csv";

    public override async Task<int> ExecuteAsync(CommandContext context, CompareSettings settings, CancellationToken cancellation)
    {
        if (!ExperimentCommand.TryLoadPosterior(settings.Posterior, out var posterior)) return ExitCodes.Usage;
        var baseline = ExperimentCommand.ReplicationPlan(settings, settings.Overrides, settings.Replications, posterior);
        var whatIf = baseline is null ? null : ExperimentCommand.ReplicationPlan(settings, [.. settings.Overrides, .. settings.WhatIf], settings.Replications, posterior);
        if (baseline is null || whatIf is null) return ExitCodes.Usage;
        var outDir = settings.Out ?? RunFolder.DefaultDirectory(whatIf, "compare");
        using var folder = OutputFolder.Claim(outDir, ResultsKind.Experiment, settings.Force);
        if (folder is null) return ExitCodes.Usage;
        await File.WriteAllTextAsync(Path.Combine(outDir, ResultsFolder.ComparisonFile),
            new System.Text.Json.Nodes.JsonObject
            {
                ["scenario"] = baseline.Scenario, ["overrides"] = new System.Text.Json.Nodes.JsonArray([.. settings.Overrides.Select(o => System.Text.Json.Nodes.JsonValue.Create(o))]),
                ["whatIf"] = new System.Text.Json.Nodes.JsonArray([.. settings.WhatIf.Select(o => System.Text.Json.Nodes.JsonValue.Create(o))]),
                ["replications"] = settings.Replications, ["folders"] = new System.Text.Json.Nodes.JsonArray("baseline", "what-if"),
            }.ToJsonString(new System.Text.Json.JsonSerializerOptions { WriteIndented = true }) + "\n", cancellation);

        await using var cluster = await ClusterConnection.OpenAsync(settings.Cluster, cancellation, Notices.ToConsole);
        var results = new List<ExperimentResult>();
        foreach (var (plan, name) in new[] { (baseline, "baseline"), (whatIf, "what-if") })
        {
            var (code, result) = await ExperimentCommand.RunOn(cluster.Client, plan, new ExperimentOptions(Path.Combine(outDir, name), settings.ParallelRuns, settings.KeepRuns),
                cancellation, cluster.Watch);
            if (result is null || code != ExitCodes.Ok) return code;
            results.Add(result);
        }
        var rows = Compare(results[0], results[1]);
        Write(Path.Combine(outDir, ComparisonFile), rows);
        Print(baseline.Scenario, settings, rows);
        AnsiConsole.MarkupLineInterpolated($"{ComparisonFile}, baseline/ and what-if/ in {outDir}");
        return ExitCodes.Ok;
    }

    /// <summary>One outcome compared: the means of each side, and the paired difference (what-if − baseline).</summary>
    public sealed record Row(string Outcome, double Baseline, double WhatIf, Distribution Difference)
    {
        /// <summary>What the difference says: none at all, within the noise (its 95% CI holds 0), or a direction.</summary>
        public string Verdict => Difference.N == 0 ? "–"
            : Difference.Min == 0 && Difference.Max == 0 ? "no difference"
            : Difference.N < 2 ? "one replicate: noise unknown"
            : Difference.CiLow <= 0 && Difference.CiHigh >= 0 ? "within the noise"
            : Difference.Mean > 0 ? "higher" : "lower";
    }

    /// <summary>Pairs the two sides' runs by replicate (the same seed) and describes each outcome's differences.</summary>
    public static IReadOnlyList<Row> Compare(ExperimentResult baseline, ExperimentResult whatIf)
    {
        var rows = new List<Row>();
        var pairs = baseline.Plan.Runs.Join(whatIf.Plan.Runs, b => b.Replicate, w => w.Replicate, (b, w) => (B: baseline.Values(b.Run), W: whatIf.Values(w.Run)))
            .Where(p => p.B is not null && p.W is not null).ToList();
        // Outcomes both sides have (the built-in ones, and the scenario's own measures they share), by name.
        var whatIfColumns = whatIf.Plan.OutcomeColumns.ToList();
        foreach (var (name, c) in baseline.Plan.OutcomeColumns.Select((name, c) => (name, c)))
        {
            int w = whatIfColumns.IndexOf(name);
            if (w < 0) continue;
            var both = pairs.Select(p => (B: p.B![c], W: p.W![w])).Where(p => double.IsFinite(p.B) && double.IsFinite(p.W)).ToList();
            if (both.Count == 0) continue;
            rows.Add(new Row(name, both.Average(p => p.B), both.Average(p => p.W), Descriptive.Describe(both.Select(p => p.W - p.B))));
        }
        return rows;
    }

    private static void Write(string file, IReadOnlyList<Row> rows)
    {
        var t = new Hosting.Outputs.Table(["outcome", "baseline", "whatIf", "difference", "ciLow", "ciHigh", "n", "verdict"]);
        foreach (var r in rows) t.Add(r.Outcome, r.Baseline, r.WhatIf, r.Difference.Mean, r.Difference.CiLow, r.Difference.CiHigh, r.Difference.N, r.Verdict);
        t.WriteCsv(file);
    }

    /// <summary>The outcomes that moved first, then those within the noise; outcomes that are 0 on both sides are left to the file.</summary>
    private static void Print(string scenario, CompareSettings settings, IReadOnlyList<Row> rows)
    {
        static string F(double v) => double.IsNaN(v) ? "–" : Math.Abs(v) >= 1000 ? v.ToString("N0", CultureInfo.InvariantCulture) : v.ToString("G4", CultureInfo.InvariantCulture);
        var table = new Spectre.Console.Table().Border(TableBorder.Rounded)
            .Title(Markup.Escape($"{scenario}: {string.Join(", ", settings.WhatIf)} against the baseline, {settings.Replications} paired replicate(s)"))
            .AddColumn("outcome").AddColumn("baseline").AddColumn("what-if").AddColumn("difference (95% CI)").AddColumn("verdict");
        var shown = rows.Where(r => !(r.Baseline == 0 && r.WhatIf == 0))
            .OrderBy(r => r.Verdict is "higher" or "lower" ? 0 : r.Verdict == "within the noise" ? 1 : 2).ToList();
        foreach (var r in shown)
            table.AddRow(Markup.Escape(r.Outcome), F(r.Baseline), F(r.WhatIf),
                r.Difference.N >= 2 ? $"{F(r.Difference.Mean)} ({F(r.Difference.CiLow)} – {F(r.Difference.CiHigh)})" : F(r.Difference.Mean), Markup.Escape(r.Verdict));
        int moved = rows.Count(r => r.Verdict is "higher" or "lower");
        table.Caption(moved == 0 ? "No outcome moved beyond the noise of these replicates." : $"{moved} outcome(s) moved beyond the noise.");
        AnsiConsole.Write(table);
    }
}
