using System.Text.RegularExpressions;

namespace SovereigntySim.Reports.Tests;

/// <summary>Reports on validate-history folders (validation.csv, crossvalidation.csv), without a browser: the
/// counts, each figure's observed bounds and predicted interval in the chart data, escaping, located input errors.</summary>
public sealed class ValidationReportTests
{
    private static IReadOnlyList<(double? Lo, double? Hi, double? Mark)?> Bounds(ChartSpec chart, string series) =>
        chart.Series.Single(s => s.Label == series).Intervals!.Select(i => i is null ? ((double?, double?, double?)?)null : (i.Lo, i.Hi, i.Mark)).ToList();

    private static IReadOnlyList<string> Cells(Section section, string table, int row) => section.Tables.Single(t => t.Id == table).Rows[row];

    [Fact]
    public void A_validation_folder_draws_each_figure_observed_against_predicted()
    {
        var dir = ResultFolders.Validation();
        var model = ReportBuilder.Build(dir);
        var section = Assert.Single(model.Sections);
        Assert.Equal("validation", section.Id);
        Assert.Equal("SovereigntySim report: " + Path.GetFileName(dir) + " (validation)", model.Title);
        Assert.Contains(model.Provenance.Facts, f => f is { Label: "replications", Value: "20" });
        Assert.Contains("2 of 4 figures pass (50%)", section.Text);
        Assert.Equal(["colombia-2025", "3", "2"], Cells(section, "validation-cases", 0));
        Assert.Equal(["mexico-2025", "1", "0"], Cells(section, "validation-cases", 1));
        Assert.Equal(["all cases", "4", "2"], Cells(section, "validation-cases", 2));

        Assert.Equal(["validation-colombia-2025", "validation-mexico-2025"], section.Charts.Select(c => c.Id));
        var colombia = section.Charts[0];
        Assert.Equal(ChartSpec.IntervalChart, colombia.Type);
        Assert.Equal(["flights-turned-back: pass", "agreement: pass", "<script>: FAIL"], colombia.Labels);
        Assert.Equal([(2, 2, null), (1, null, null), (4_500_000, 5_500_000, 5_000_000)], Bounds(colombia, "observed"));
        Assert.Equal([(2, 3, 2), (0, 1, 1), (7_000_000, 11_000_000, 8_800_000)], Bounds(colombia, "model 5%–95%, median"));
        Assert.Equal([true, true, false], colombia.Series[1].Intervals!.Select(i => i!.Pass));
        Assert.Contains("detention.cost: cost, <b>bold</b>", colombia.Series[0].Intervals![2]!.Text); // measure and what in the tooltip

        // An open end reaches the axis edge; everything else lies on the row's own 0–1 span.
        var agreement = colombia.Series[0].Intervals![1]!;
        Assert.Equal(ValidationSection.AxisMax, agreement.To);
        var mexico = section.Charts[1];
        Assert.Equal([(null, 14, null)], Bounds(mexico, "observed"));
        Assert.Equal(ValidationSection.AxisMin, mexico.Series[0].Intervals![0]!.From);
        Assert.All(section.Charts.SelectMany(c => c.Series).SelectMany(s => s.Intervals!).OfType<Interval>(), i =>
        {
            Assert.InRange(i.From, ValidationSection.AxisMin, ValidationSection.AxisMax);
            Assert.InRange(i.To, i.From, ValidationSection.AxisMax);
        });

        // The table links http(s) sources only.
        var figures = section.Tables.Single(t => t.Id == "validation-figures");
        Assert.Equal(4, figures.Rows.Count);
        Assert.Equal(["colombia-2025", "<script>", "detention.cost", "5,000,000 (± 500,000)", "8,800,000", "7,000,000 – 11,000,000", "0%", "FAIL", "javascript:alert(1)"], figures.Rows[2]);
        Assert.Equal("https://example.org/colombia?a=1&b=2", figures.Links![0][^1]);
        Assert.Null(figures.Links[2][^1]);
        Assert.Equal("≤ 14", figures.Rows[3][3]);
    }

    [Fact]
    public void Figure_names_are_escaped_in_the_html()
    {
        var html = File.ReadAllText(ReportBuilder.Write(ResultFolders.Validation()));
        Assert.Equal(3, Regex.Matches(html, "<script").Count); // the template's own: data, Chart.js, report.js
        Assert.DoesNotContain("<b>bold</b>", html);
        Assert.Contains("\\u003Cscript\\u003E: FAIL", html);
    }

    [Fact]
    public void A_cross_validation_folder_draws_held_out_predictions_beside_the_null_model()
    {
        var model = ReportBuilder.Build(ResultFolders.CrossValidation());
        var section = Assert.Single(model.Sections);
        Assert.Equal("crossvalidation", section.Id);
        Assert.Contains("2 of 3 held-out figures pass (67%); the null model passes 1", section.Text);
        Assert.Contains(model.Provenance.Facts, f => f is { Label: "folds", Value: "2" });
        Assert.Equal(["in-sample", "3", "100%", "100%", "33%", "33%"], Cells(section, "crossvalidation-rates", 0));
        Assert.Equal(["out-of-sample", "3", "67%", "67%", "33%", "67%"], Cells(section, "crossvalidation-rates", 1));
        Assert.Equal(["colombia-2025", "0", "2", "2", "0"], Cells(section, "crossvalidation-cases", 0));
        Assert.Equal(["mexico-2025", "1", "1", "0", "1"], Cells(section, "crossvalidation-cases", 1));

        Assert.Equal(["crossvalidation-colombia-2025", "crossvalidation-mexico-2025"], section.Charts.Select(c => c.Id));
        var colombia = section.Charts[0];
        Assert.Equal([(2, 2, null), (1, null, null)], Bounds(colombia, "observed"));
        Assert.Equal([(1, 3, 2), (0, 1, 1)], Bounds(colombia, "model 5%–95%, median (held out)"));
        Assert.Equal([(0, 4, null), null], Bounds(colombia, "null model 5%–95%")); // no other case observed agreements
        var mexico = section.Charts[1];
        Assert.Equal([(16, 30, 21)], Bounds(mexico, "model 5%–95%, median (held out)"));
        Assert.Equal([(1, 2, null)], Bounds(mexico, "null model 5%–95%"));
        Assert.Equal(["days-to-agreement: FAIL"], mexico.Labels);
        Assert.Equal(3, section.Tables.Single(t => t.Id == "crossvalidation-figures").Rows.Count);
    }

    /// <summary>The error of a report on a folder holding only this file.</summary>
    private static ReportInputException Rejected(string file, string csv)
    {
        var dir = ResultFolders.TempDir("validation-bad");
        File.WriteAllText(Path.Combine(dir, file), csv);
        return Assert.Throws<ReportInputException>(() => ReportBuilder.Build(dir));
    }

    [Fact]
    public void A_missing_column_names_the_file_and_the_header_line() =>
        Assert.StartsWith("validation.csv, line 1: missing column 'simulatedQ95' (columns: case,figure,",
            Rejected("validation.csv", ResultFolders.ValidationCsv.Replace(",simulatedQ95,", ",q95,")).Message);

    [Fact]
    public void An_unparsable_cell_names_the_file_line_and_column()
    {
        Assert.Equal("validation.csv, line 4, column 'simulatedMedian': expected a number, found '8.8e6x'",
            Rejected("validation.csv", ResultFolders.ValidationCsv.Replace(",8800000,", ",8.8e6x,")).Message);
        Assert.Equal("crossvalidation.csv, line 2, column 'pass': expected true or false, found 'maybe'",
            Rejected("crossvalidation.csv", ResultFolders.CrossValidationCsv.Replace("0.7,true,", "0.7,maybe,")).Message);
    }
}
