namespace SovereigntySim.Reports.Tests;

/// <summary>The parts of the report that need no browser: binning, the Nash point, escaping, bad input.</summary>
public sealed class ReportBuilderTests
{
    [Fact]
    public void Integer_outcomes_get_one_bin_per_value()
    {
        var bins = Histogram.Of([0, 1, 1, 2, 5]);
        Assert.Equal("one bin per value", bins.Rule);
        Assert.Equal([1, 2, 1, 0, 0, 1], bins.Counts);
    }

    [Fact]
    public void Continuous_outcomes_use_freedman_diaconis_and_count_every_value_once()
    {
        var values = Enumerable.Range(0, 200).Select(i => Math.Sqrt(i) * 1000.5).ToList();
        var bins = Histogram.Of(values);
        Assert.Equal("Freedman–Diaconis", bins.Rule);
        Assert.Equal(200, bins.Total);
        Assert.Equal(values.Min(), bins.Edges[0]);
        Assert.True(bins.Edges[^1] >= values.Max());
    }

    [Fact]
    public void Zero_iqr_falls_back_to_sturges()
    {
        var values = Enumerable.Repeat(5.5, 30).Append(1.25).Append(9.75).ToList();
        var bins = Histogram.Of(values);
        Assert.Equal("Sturges", bins.Rule);
        Assert.Equal(Math.Ceiling(Math.Log2(32)) + 1, bins.Counts.Count);
        Assert.Equal(32, bins.Total);
    }

    [Fact]
    public void Nash_point_maximises_the_product_above_the_reservations()
    {
        var nash = NegotiationSection.NashPoint(double.NaN, double.NaN, ResultFolders.MexicoFrontier, 0.3, 0.2);
        Assert.Equal((0.6, 0.6), nash);
        Assert.Equal((0.55, 0.5), NegotiationSection.NashPoint(0.55, 0.5, ResultFolders.MexicoFrontier, 0.3, 0.2));
        Assert.Null(NegotiationSection.NashPoint(double.NaN, double.NaN, ResultFolders.MexicoFrontier, 0.95, 0.95));
    }

    [Fact]
    public void Data_cannot_close_the_script_element()
    {
        var dir = ResultFolders.SingleRun();
        var html = File.ReadAllText(ReportBuilder.Write(dir));
        int data = html.IndexOf("<script type=\"application/json\" id=\"report-data\">", StringComparison.Ordinal);
        int end = html.IndexOf("</script>", data, StringComparison.Ordinal);
        var json = html[data..end];
        Assert.DoesNotContain("<", json["<script".Length..]);
        Assert.Contains("\\u003C/script\\u003E", json);
        Assert.Contains("Chart.js v4.6.1", html);
        Assert.Contains("The MIT License (MIT)", html);
        Assert.DoesNotMatch(@"\{\{[A-Z_]+\}\}", html); // every placeholder filled
        Assert.Single(System.Text.RegularExpressions.Regex.Matches(json, "\"id\":\"negotiation-0-plane\"")); // each chart once
    }

    [Fact]
    public void Missing_column_is_a_one_line_input_error()
    {
        var dir = ResultFolders.TempDir("bad");
        File.WriteAllText(Path.Combine(dir, "series.csv"), "day,date,entity,value\n1,2025-01-21,MX,0.5\n");
        var e = Assert.Throws<ReportInputException>(() => ReportBuilder.Write(dir));
        Assert.Equal("series.csv, line 1: missing column 'metric' (columns: day,date,entity,value)", e.Message);
    }

    [Fact]
    public void A_two_parameter_sweep_gets_one_curve_per_value_of_the_other_parameter()
    {
        var dir = ResultFolders.TempDir("sweep2");
        File.WriteAllText(Path.Combine(dir, "experiment.json"), """{ "kind": "sweep", "scenario": "s", "parameters": [{ "path": "a" }, { "path": "b" }], "outcomes": ["y"] }""");
        ResultFolders.Csv(dir, "aggregate.csv", ["point", "param.a", "param.b", "metric", "n", "mean", "sd", "ci95Low", "ci95High"],
            from a in new[] { 1.0, 2, 3 } from b in new[] { "low", "high" }
            select new object[] { $"{a}{b}", a, b, "y", 4, a * 10, 1.0, a * 10 - 1, a * 10 + 1 });
        var charts = ReportBuilder.Build(dir).Charts.ToDictionary(c => c.Id);
        Assert.Equal(["sweep-a-y", "sweep-b-y"], charts.Keys.Order());
        var byA = charts["sweep-a-y"];
        Assert.Equal(["mean (b=low)", "mean (b=high)"], byA.Series.Where(s => s.Style == Styles.Line).Select(s => s.Label));
        Assert.Equal([1.0, 2, 3], byA.Series.First(s => s.Style == Styles.Line).Points!.Select(p => p.X));
        // b is not numeric: its values are placed at 0, 1, ... in order of appearance, and the text says which is which.
        Assert.Contains("0=low, 1=high", charts["sweep-b-y"].Text);
    }

    [Fact]
    public void Unknown_timeseries_columns_are_charted_by_prefix()
    {
        var dir = ResultFolders.TempDir("prefix");
        ResultFolders.Csv(dir, "timeseries.csv", ["day", "date", "ships.sailed", "ships.sunk", "ports.open"],
            Enumerable.Range(1, 5).Select(d => new object[] { d, $"2025-01-0{d}", d * 2.0, 0.0, 3.0 }));
        var charts = ReportBuilder.Build(dir).Charts.ToList();
        Assert.Equal(["daily-ships", "daily-ports"], charts.Select(c => c.Id));
        Assert.Equal(["ships.sailed", "ships.sunk"], charts[0].Series.Select(s => s.Label));
    }

    [Fact]
    public void Only_the_sections_whose_files_exist_appear()
    {
        var dir = ResultFolders.TempDir("only-summary");
        File.WriteAllText(Path.Combine(dir, "summary.json"), """{ "scenario": "colombia-2025", "seed": 7, "digest": "abc" }""");
        var model = ReportBuilder.Build(dir);
        Assert.Empty(model.Sections);
        Assert.Contains(model.Provenance.Facts, f => f is { Label: "seed", Value: "7" });
    }
}
