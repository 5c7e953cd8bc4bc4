using System.Text.Json.Nodes;

namespace SovereigntySim.Reports;

/// <summary>Section 4 (kind=sweep): per varied parameter and key outcome, the mean over runs with its 95% CI
/// against the parameter's value, from aggregate.csv. With several varied parameters, one curve per combination of
/// the others (at most <see cref="MaxCurves"/>).</summary>
internal static class SweepSection
{
    public const int MaxOutcomes = 4;
    public const int MaxCurves = 6;

    public static Section? Build(ReportInput input)
    {
        if (input.Kind != "sweep" || input.Aggregate is not { } agg) return null;
        var parameters = agg.Header.Where(h => h.StartsWith("param.", StringComparison.Ordinal)).ToList();
        if (parameters.Count == 0) return null;
        int metric = agg.Require("metric"), mean = agg.Require("mean"), low = agg.Require("ci95Low"), high = agg.Require("ci95High");
        var metrics = agg.Rows.Select(r => r[metric]).Distinct().ToList();
        var declared = input.Experiment?["outcomes"] is JsonArray a ? a.Select(o => o?.ToString() ?? "").Where(metrics.Contains).ToList() : [];
        var outcomes = (declared.Count > 0 ? declared : KeyMetrics.Order(metrics, MaxOutcomes)).Take(MaxOutcomes).ToList();

        var charts = new List<ChartSpec>();
        foreach (var p in parameters)
        {
            int x = agg.Require(p);
            var others = parameters.Where(q => q != p).Select(q => (Name: q["param.".Length..], Index: agg.Require(q))).ToList();
            bool numeric = agg.Rows.All(r => double.IsFinite(CsvTable.Number(r[x])));
            var categories = numeric ? null : agg.Rows.Select(r => r[x]).Distinct().ToList();
            foreach (var o in outcomes)
            {
                var curves = agg.Rows.Where(r => r[metric] == o)
                    .GroupBy(r => string.Join(", ", others.Select(q => $"{q.Name}={r[q.Index]}")))
                    .Take(MaxCurves).ToList();
                var series = new List<SeriesSpec>();
                foreach (var (curve, i) in curves.Select((c, i) => (c, i)))
                {
                    var rows = curve.OrderBy(r => numeric ? CsvTable.Number(r[x]) : categories!.IndexOf(r[x])).ToList();
                    List<Point> Line(int column) => rows.Select(r => new Point(numeric ? CsvTable.Number(r[x]) : categories!.IndexOf(r[x]),
                        CsvTable.Nullable(CsvTable.Number(r[column])))).ToList();
                    string name = curve.Key == "" ? "" : $" ({curve.Key})";
                    series.Add(new SeriesSpec($"95% CI low{name}", Styles.BandLow, i, Line(low), InLegend: false));
                    series.Add(new SeriesSpec($"mean, 95% CI{name}", Styles.BandHigh, i, Line(high), InLegend: curves.Count == 1));
                    series.Add(new SeriesSpec($"mean{name}", Styles.Line, i, Line(mean)));
                }
                string param = p["param.".Length..];
                charts.Add(new ChartSpec($"sweep-{Format.Slug(param)}-{Format.Slug(o)}", "line", $"{o} against {param}",
                    $"From aggregate.csv: the mean of {o} over the runs at each value of {param}, with its 95% confidence interval (band)" +
                    (others.Count > 0 ? "; one curve per combination of the other varied parameters" : "") +
                    (numeric ? "." : $". Values of {param} in order: {string.Join(", ", categories!.Select((c, k) => $"{k}={c}"))}."),
                    new Axis(param), new Axis(o), series));
            }
        }
        return new Section("sweep", "Sweep response curves",
            "How each key outcome responds to each varied parameter, the design points sorted by the parameter's value.", charts, []);
    }
}
