namespace SovereigntySim.Reports;

/// <summary>Section 1: daily series. A run: cumulative totals (timeseries.csv) and per-entity series (series.csv).
/// An experiment: median with q05–q95 band and the mean's 95% CI (daily.csv), per key metric or, for a sweep, one
/// band per design point for the first key metric.</summary>
internal static class DailySection
{
    public const int MaxEntities = 8;
    public const int MaxSeriesMetrics = 6;
    public const int MaxBandMetrics = 6;
    public const int MaxSweepPoints = 8;

    public static Section? Build(ReportInput input)
    {
        var charts = new List<ChartSpec>();
        if (input.Timeseries is { } ts) charts.AddRange(Totals(ts));
        if (input.Series is { } series) charts.AddRange(PerEntity(series));
        if (input.Daily is { } daily) charts.AddRange(input.Kind == "sweep" ? SweepBands(daily, input) : Bands(daily, input));
        if (charts.Count == 0) return null;
        return new Section("daily", "Daily series",
            (input.IsExperiment ? "How the runs unfold day by day, summarised over runs. " : "How the run unfolds day by day. ") +
            "Totals are cumulative from the start of the run unless the metric is a level (people detained now, tension, pressure).",
            charts, []);
    }

    private static IEnumerable<ChartSpec> Totals(CsvTable t)
    {
        int day = t.Require("day");
        var numeric = t.Header.Where(h => h is not ("day" or "date")).ToList();
        var groups = KeyMetrics.Groups
            .Select(g => (g.Title, g.Unit, Columns: g.Columns.Where(t.Has).ToList()))
            .Where(g => g.Columns.Count > 0).ToList();
        if (groups.Count == 0) // none of the known columns: one chart per prefix (flights.*, migrants.* ...)
            groups = numeric.GroupBy(c => c.Split('.')[0]).Select(g => (g.Key, "value", g.ToList())).Take(6).ToList();
        var shown = groups.SelectMany(g => g.Columns).ToHashSet();
        var others = numeric.Where(c => !shown.Contains(c)).ToList();
        foreach (var (title, unit, columns) in groups)
        {
            var series = columns.Select((c, i) => new SeriesSpec(c, Styles.Line, i, Line(t.Rows, day, t.Require(c)))).ToList();
            yield return new ChartSpec($"daily-{Format.Slug(title)}", "line", $"{title} by day",
                $"From timeseries.csv: {string.Join(", ", columns)}, one point per simulated day." +
                (others.Count > 0 && title == groups[^1].Title ? $" Also in the file, not charted: {string.Join(", ", others)}." : ""),
                new Axis("day of the run"), new Axis(unit, BeginAtZero: true), series);
        }
    }

    private static IEnumerable<ChartSpec> PerEntity(CsvTable t)
    {
        int day = t.Require("day"), entity = t.Require("entity"), metric = t.Require("metric"), value = t.Require("value");
        var metrics = t.Rows.Select(r => r[metric]).Distinct().ToList();
        var ordered = metrics.Where(m => m == "tension").Concat(metrics.Where(m => m == "pressure"))
            .Concat(metrics.Where(m => m is not ("tension" or "pressure"))).Take(MaxSeriesMetrics);
        foreach (var m in ordered)
        {
            var byEntity = t.Rows.Where(r => r[metric] == m).GroupBy(r => r[entity]).ToList();
            var kept = byEntity
                .OrderByDescending(g => g.Max(r => Math.Abs(CsvTable.Number(r[value])) is var a && double.IsFinite(a) ? a : 0))
                .ThenBy(g => g.Key, StringComparer.Ordinal).Take(MaxEntities).OrderBy(g => g.Key, StringComparer.Ordinal).ToList();
            var series = kept.Select((g, i) => new SeriesSpec(g.Key, Styles.Line, i,
                Points: g.Select(r => new Point(CsvTable.Number(r[day]), CsvTable.Nullable(CsvTable.Number(r[value]))))
                    .Where(p => double.IsFinite(p.X)).OrderBy(p => p.X).ToList())).ToList();
            string entities = kept.Any(g => g.Key.Contains("->")) ? "dyad (sending->receiving)" : "entity";
            yield return new ChartSpec($"series-{Format.Slug(m)}", "line", $"{m} by {entities}",
                $"From series.csv: the daily value of {m} for each {entities}" +
                (byEntity.Count > kept.Count ? $"; the {kept.Count} of {byEntity.Count} with the largest values are shown." : "."),
                new Axis("day of the run"), new Axis(m), series);
        }
    }

    private sealed record DailyColumns(int Point, int Day, int Metric, int Mean, int Median, int Q05, int Q95, int CiLow, int CiHigh)
    {
        public static DailyColumns Of(CsvTable t) => new(t.Require("point"), t.Require("day"), t.Require("metric"), t.Require("mean"),
            t.Require("median"), t.Require("q05"), t.Require("q95"), t.Require("ci95Low"), t.Require("ci95High"));
    }

    private static List<Point> Line(IEnumerable<string[]> rows, int day, int column) =>
        rows.Select(r => new Point(CsvTable.Number(r[day]), CsvTable.Nullable(CsvTable.Number(r[column]))))
            .Where(p => double.IsFinite(p.X)).OrderBy(p => p.X).ToList();

    private static IEnumerable<ChartSpec> Bands(CsvTable t, ReportInput input)
    {
        var c = DailyColumns.Of(t);
        var point = ReportInput.FirstPoint(t);
        var rows = t.Rows.Where(r => r[c.Point] == point).ToList();
        string where = input.PointLabels().TryGetValue(point, out var label) && !label.StartsWith("point ", StringComparison.Ordinal)
            ? $" at design point {point} ({label})" : "";
        foreach (var m in KeyMetrics.Order(rows.Select(r => r[c.Metric]), MaxBandMetrics))
        {
            var mine = rows.Where(r => r[c.Metric] == m).ToList();
            yield return new ChartSpec($"band-{Format.Slug(m)}", "line", $"{m} across runs by day",
                $"From daily.csv{where}: the median over runs (line), the band holding the middle 90% of runs (q05 to q95), " +
                "and the mean with its 95% confidence interval (dashed line and inner band).",
                new Axis("day of the run"), new Axis(m, BeginAtZero: true),
            [
                new SeriesSpec("q05", Styles.BandLow, 0, Line(mine, c.Day, c.Q05), InLegend: false),
                new SeriesSpec("q05–q95 (90% of runs)", Styles.BandHigh, 0, Line(mine, c.Day, c.Q95)),
                new SeriesSpec("median", Styles.Line, 0, Line(mine, c.Day, c.Median)),
                new SeriesSpec("mean 95% CI low", Styles.BandLow, 1, Line(mine, c.Day, c.CiLow), InLegend: false),
                new SeriesSpec("mean, 95% CI", Styles.BandHigh, 1, Line(mine, c.Day, c.CiHigh)),
                new SeriesSpec("mean", Styles.Dashed, 1, Line(mine, c.Day, c.Mean)),
            ]);
        }
    }

    private static IEnumerable<ChartSpec> SweepBands(CsvTable t, ReportInput input)
    {
        var c = DailyColumns.Of(t);
        var metric = KeyMetrics.Order(t.Rows.Select(r => r[c.Metric]), 1).FirstOrDefault();
        if (metric is null) yield break;
        var labels = input.PointLabels();
        var points = t.Rows.Where(r => r[c.Metric] == metric).GroupBy(r => r[c.Point])
            .OrderBy(g => CsvTable.Number(g.Key)).ThenBy(g => g.Key, StringComparer.Ordinal).ToList();
        var series = new List<SeriesSpec>();
        foreach (var (g, i) in points.Take(MaxSweepPoints).Select((g, i) => (g, i)))
        {
            var name = labels.GetValueOrDefault(g.Key, $"point {g.Key}");
            series.Add(new SeriesSpec($"{name}: q05", Styles.BandLow, i, Line(g, c.Day, c.Q05), InLegend: false));
            series.Add(new SeriesSpec($"{name}: q05–q95", Styles.BandHigh, i, Line(g, c.Day, c.Q95), InLegend: false));
            series.Add(new SeriesSpec(name, Styles.Line, i, Line(g, c.Day, c.Median)));
        }
        yield return new ChartSpec($"band-points-{Format.Slug(metric)}", "line", $"{metric} by day at each design point",
            $"From daily.csv: for each design point of the sweep, the median over its runs (line, named in the legend) and " +
            $"the band from q05 to q95 in the same colour" +
            (points.Count > MaxSweepPoints ? $"; the first {MaxSweepPoints} of {points.Count} points are shown." : "."),
            new Axis("day of the run"), new Axis(metric, BeginAtZero: true), series);
    }
}
