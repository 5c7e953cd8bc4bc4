using System.Text.Json;

namespace SovereigntySim.Reports.Tests;

/// <summary>What a Chart.js chart on the page holds, read from Chart.js's own registry (Chart.instances).</summary>
public sealed record ChartInfo(string Id, string Type, string Title, string XTitle, string YTitle, bool Legend, IReadOnlyList<DatasetInfo> Datasets)
{
    public DatasetInfo Dataset(string label) =>
        Datasets.SingleOrDefault(d => d.Label == label) ?? throw new Xunit.Sdk.XunitException(
            $"chart {Id} has no dataset '{label}' (it has: {string.Join(" | ", Datasets.Select(d => d.Label))})");
}

/// <summary>One dataset: its label and data as Chart.js holds them (numbers for bars, {x, y} objects otherwise).</summary>
public sealed record DatasetInfo(string Label, bool InLegend, JsonElement Data)
{
    public int Count => Data.GetArrayLength();

    public IReadOnlyList<double?> Values => Data.EnumerateArray().Select(v => v.ValueKind == JsonValueKind.Number ? v.GetDouble() : (double?)null).ToList();

    public IReadOnlyList<(double X, double? Y)> Points => Data.EnumerateArray()
        .Select(p => (p.GetProperty("x").GetDouble(), p.GetProperty("y").ValueKind == JsonValueKind.Number ? p.GetProperty("y").GetDouble() : (double?)null))
        .ToList();
}

/// <summary>Assertions on a report opened in the browser, for these tests and for end-to-end tests on real outputs.</summary>
public static class ReportAssertions
{
    private const string ReadCharts = """
        () => Object.values(Chart.instances).map(c => ({
          id: c.canvas.id,
          type: c.config.type,
          title: String(c.options.plugins.title.text ?? ''),
          titleShown: c.options.plugins.title.display === true,
          xTitle: String(c.options.scales.x?.title?.text ?? ''),
          yTitle: String(c.options.scales.y?.title?.text ?? ''),
          legend: c.options.plugins.legend.display !== false,
          datasets: c.data.datasets.map(d => ({ label: String(d.label), inLegend: d.inLegend !== false, data: d.data })),
        }))
        """;

    /// <summary>Writes DIR/report.html, opens it, checks it is well formed (<see cref="AssertWellFormedAsync"/>) and
    /// returns the page (dispose it) and its charts.</summary>
    public static async Task<(ReportPage Page, IReadOnlyList<ChartInfo> Charts)> WriteAndOpenAsync(BrowserFixture browser, string dir)
    {
        var html = ReportBuilder.Write(dir);
        Assert.Equal(Path.Combine(dir, ReportBuilder.FileName), html);
        var page = await browser.OpenAsync(html);
        return (page, await AssertWellFormedAsync(page));
    }

    /// <summary>Every chart on the page, in the order they were created.</summary>
    public static async Task<IReadOnlyList<ChartInfo>> ChartsAsync(ReportPage report)
    {
        var json = await report.Page.EvaluateAsync<JsonElement>(ReadCharts);
        return json.EnumerateArray().Select(c =>
        {
            Assert.True(c.GetProperty("titleShown").GetBoolean(), $"chart {c.GetProperty("id")} does not show its title");
            return new ChartInfo(c.GetProperty("id").GetString()!, c.GetProperty("type").GetString()!, c.GetProperty("title").GetString()!,
                c.GetProperty("xTitle").GetString()!, c.GetProperty("yTitle").GetString()!, c.GetProperty("legend").GetBoolean(),
                c.GetProperty("datasets").EnumerateArray().Select(d => new DatasetInfo(d.GetProperty("label").GetString()!, d.GetProperty("inLegend").GetBoolean(), d.GetProperty("data").Clone())).ToList());
        }).ToList();
    }

    /// <summary>The page loaded without console errors, page errors or failed requests; every chart has a title,
    /// both axis titles, at least one dataset, data in each dataset, and a legend when it has several datasets.</summary>
    public static async Task<IReadOnlyList<ChartInfo>> AssertWellFormedAsync(ReportPage report)
    {
        var charts = await ChartsAsync(report);
        Assert.True(report.Errors.Count == 0, "errors on the page:\n" + string.Join("\n", report.Errors));
        Assert.NotEmpty(charts);
        Assert.Equal(charts.Count, charts.Select(c => c.Id).Distinct().Count());
        foreach (var c in charts)
        {
            Assert.False(string.IsNullOrWhiteSpace(c.Title), $"chart {c.Id} has no title");
            Assert.False(string.IsNullOrWhiteSpace(c.XTitle), $"chart {c.Id} has no x-axis title");
            Assert.False(string.IsNullOrWhiteSpace(c.YTitle), $"chart {c.Id} has no y-axis title");
            Assert.NotEmpty(c.Datasets);
            foreach (var d in c.Datasets) Assert.True(d.Count >= 1, $"chart {c.Id}: dataset '{d.Label}' is empty");
            if (c.Datasets.Count(d => d.InLegend) > 1)
                Assert.True(c.Legend, $"chart {c.Id} has several series but no legend");
        }
        return charts;
    }

    /// <summary>The charts are exactly these ids (order ignored).</summary>
    public static void AssertChartIds(IReadOnlyList<ChartInfo> charts, params string[] expected) =>
        Assert.Equal(expected.Order(StringComparer.Ordinal), charts.Select(c => c.Id).Order(StringComparer.Ordinal));

    public static ChartInfo Chart(this IReadOnlyList<ChartInfo> charts, string id) =>
        charts.SingleOrDefault(c => c.Id == id) ?? throw new Xunit.Sdk.XunitException($"no chart '{id}' (there are: {string.Join(", ", charts.Select(c => c.Id))})");
}
