namespace SovereigntySim.Reports;

/// <summary>Section 2: a histogram of each outcome of runs.csv that takes at least two distinct values, and the
/// summary statistics of aggregate.csv at the first design point.</summary>
internal static class OutcomeSection
{
    public static Section? Build(ReportInput input)
    {
        var charts = input.Runs is { } runs ? Histograms(runs, input).ToList() : [];
        var tables = input.Aggregate is { } agg ? new List<TableSpec> { Summary(agg, input) } : [];
        if (charts.Count + tables.Count == 0) return null;
        return new Section("outcomes", "Outcome distributions",
            "How the outcomes vary across runs. Histograms pool every run of the experiment" +
            (input.Kind is "sweep" or "sensitivity" ? " (all design points together)" : "") + ". " +
            $"Bins: one per value for integer outcomes spanning at most {Histogram.MaxIntegerBins} values; otherwise the " +
            "Freedman–Diaconis rule (width 2·IQR/∛n), or Sturges (⌈log₂ n⌉+1 bins) when the IQR is 0 or that would " +
            $"give more than {Histogram.MaxBins} bins.", charts, tables);
    }

    /// <summary>The outcome columns of runs.csv: every column after digest (or completed), except param.* columns.</summary>
    public static IReadOnlyList<string> OutcomeColumns(CsvTable runs)
    {
        int start = Math.Max(runs.IndexOf("digest"), runs.IndexOf("completed"));
        if (start < 0) start = runs.Header.ToList().FindLastIndex(h => h is "run" or "point" or "replicate" or "seed" || h.StartsWith("param.", StringComparison.Ordinal));
        return runs.Header.Skip(start + 1).Where(h => !h.StartsWith("param.", StringComparison.Ordinal)).ToList();
    }

    private static IEnumerable<ChartSpec> Histograms(CsvTable runs, ReportInput input)
    {
        foreach (var outcome in OutcomeColumns(runs))
        {
            int col = runs.Require(outcome);
            var values = runs.Rows.Select(r => CsvTable.Number(r[col])).ToList();
            var finite = values.Where(double.IsFinite).ToList();
            if (finite.Distinct().Count() < 2) continue;
            var bins = Histogram.Of(finite);
            int missing = values.Count - finite.Count;
            var labels = bins.Rule == "one bin per value"
                ? bins.Edges.Take(bins.Counts.Count).Select(e => Format.Number(e + 0.5)).ToList()
                : bins.Edges.Zip(bins.Edges.Skip(1), (a, b) => $"{Format.Number(a)}–{Format.Number(b)}").ToList();
            yield return new ChartSpec($"hist-{Format.Slug(outcome)}", "bar", $"Distribution of {outcome}",
                $"From runs.csv: how many of the {finite.Count} runs with a value ended with each value of {outcome} " +
                $"({bins.Rule}, {bins.Counts.Count} bins)" +
                (missing > 0 ? $"; {missing} run(s) have no value (e.g. no agreement) and are not counted." : "."),
                new Axis(outcome), new Axis("runs", BeginAtZero: true),
                [new SeriesSpec("runs", Styles.Bar, 0, Values: bins.Counts.Select(n => (double?)n).ToList(), InLegend: false)],
                labels);
        }
    }

    private static TableSpec Summary(CsvTable agg, ReportInput input)
    {
        string[] columns = ["metric", "n", "mean", "sd", "ci95Low", "ci95High", "median", "q05", "q25", "q75", "q95", "min", "max"];
        int metric = agg.Require("metric"), pointColumn = agg.IndexOf("point");
        var present = columns.Where(agg.Has).Select(c => (Name: c, Index: agg.Require(c))).ToList();
        var point = pointColumn >= 0 ? ReportInput.FirstPoint(agg) : null;
        var rows = agg.Rows.Where(r => point is null || r[pointColumn] == point)
            .Select(r => (IReadOnlyList<string>)present.Select(c => c.Index == metric ? r[metric] : Format.Number(CsvTable.Number(r[c.Index]))).ToList())
            .ToList();
        string where = point is null ? "" : input.PointLabels().TryGetValue(point, out var l) ? $" at design point {point} ({l})" : $" at design point {point}";
        return new TableSpec("aggregate-summary", "Summary statistics" + where,
            $"From aggregate.csv: per outcome, the number of runs with a value (n), mean, standard deviation, the mean's 95% " +
            "confidence interval, and quantiles over runs.", present.Select(c => c.Name).ToList(), rows);
    }
}
