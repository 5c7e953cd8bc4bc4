using static SovereigntySim.Reports.Tests.ReportAssertions;

namespace SovereigntySim.Reports.Tests;

/// <summary>Each kind of result folder, reported and opened in headless Chromium: the charts exist, hold data and
/// hold the values written to the files, and the page has no errors.</summary>
[Collection(BrowserCollection.Name)]
public sealed class ReportBrowserTests(BrowserFixture browser)
{
    /// <summary>Reports on the folder, opens it, and checks it is well formed with exactly the expected charts.</summary>
    private async Task<(ReportPage Page, IReadOnlyList<ChartInfo> Charts)> Open(string dir, string[] expectedCharts)
    {
        var (page, charts) = await WriteAndOpenAsync(browser, dir);
        AssertChartIds(charts, expectedCharts);
        return (page, charts);
    }

    [Fact]
    public async Task Single_run_charts_totals_entities_and_negotiations()
    {
        var (page, charts) = await Open(ResultFolders.SingleRun(), ResultFolders.SingleRunCharts);
        await using var _ = page;

        var flights = charts.Chart("daily-flights");
        Assert.Equal(["flights.planned", "flights.cleared", "flights.refused"], flights.Datasets.Select(d => d.Label));
        Assert.All(flights.Datasets, d => Assert.Equal(ResultFolders.Days, d.Count));
        Assert.Equal((30.0, 3.0), flights.Dataset("flights.refused").Points[^1]);
        Assert.Equal("day of the run", flights.XTitle);

        var pressure = charts.Chart("series-pressure");
        Assert.Equal(["MX", "US"], pressure.Datasets.Select(d => d.Label));
        Assert.Equal(0.9, pressure.Dataset("MX").Points[^1].Y!.Value, 9);

        var plane = charts.Chart("negotiation-0-plane");
        Assert.Equal("scatter", plane.Type);
        Assert.Equal(4, plane.Dataset("offers by US (sending)").Count);
        Assert.Equal(4, plane.Dataset("offers by MX (receiving)").Count);
        Assert.Equal(ResultFolders.MexicoFrontier.Length, plane.Dataset("Pareto frontier").Count);
        Assert.Equal([(0.58, 0.61)], plane.Dataset("agreement").Points.Select(p => (p.X, p.Y!.Value)));
        Assert.Equal([(0.6, 0.6)], plane.Dataset("Nash point").Points.Select(p => (p.X, p.Y!.Value))); // computed from the frontier
        Assert.All(plane.Dataset("reservation of US").Points, p => Assert.Equal(ResultFolders.MexicoReservationSending, p.X));
        Assert.All(plane.Dataset("reservation of MX").Points, p => Assert.Equal(ResultFolders.MexicoReservationReceiving, p.Y));

        // A breakdown has no agreement point; its Nash point comes from the nashUtility columns.
        var breakdown = charts.Chart("negotiation-1-plane");
        Assert.DoesNotContain(breakdown.Datasets, d => d.Label == "agreement");
        Assert.Equal([(0.55, 0.5)], breakdown.Dataset("Nash point").Points.Select(p => (p.X, p.Y!.Value)));

        var rounds = charts.Chart("negotiation-0-rounds");
        Assert.Equal([1.0, 1.5, 2, 2.5, 3, 3.5, 4, 4.5], rounds.Dataset("utility to US").Points.Select(p => p.X));

        // Text from the files is shown as text: the hostile string is in the provenance block, inert.
        Assert.Contains("note=" + ResultFolders.Hostile.Replace("\"", "\\\""), await page.Page.InnerTextAsync("pre.provenance")); // as JSON text
        Assert.Null(await page.Page.EvaluateAsync<int?>("() => window.hacked ?? null"));
        Assert.Contains("escort, medical check", await page.Page.InnerTextAsync("#negotiations-table"));
        Assert.Equal("SovereigntySim report: mexico-flight-refusal", await page.Page.TitleAsync());
    }

    [Fact]
    public async Task Replications_show_bands_histograms_and_the_summary_table()
    {
        var (page, charts) = await Open(ResultFolders.Replications(), ResultFolders.ReplicationCharts);
        await using var _ = page;

        var band = charts.Chart("band-flights-refused");
        Assert.Equal(["q05", "q05–q95 (90% of runs)", "median", "mean 95% CI low", "mean, 95% CI", "mean"], band.Datasets.Select(d => d.Label));
        Assert.Contains((10.0, (double?)ResultFolders.BandQ95Day10), band.Dataset("q05–q95 (90% of runs)").Points);

        var refused = charts.Chart("hist-flights-refused");
        Assert.Equal("bar", refused.Type);
        var counts = refused.Dataset("runs").Values;
        Assert.Equal(ResultFolders.Replicates, counts.Sum());
        Assert.Equal(7, counts.Count); // one bin per value 0..6
        Assert.Equal(Enumerable.Range(0, ResultFolders.Replicates).Count(r => ResultFolders.Refused(r) == 3), counts[3]);

        // Runs without an agreement have no value and are not counted.
        int agreed = Enumerable.Range(0, ResultFolders.Replicates).Count(r => double.IsFinite(ResultFolders.DaysToAgreement(r)));
        Assert.Equal(agreed, charts.Chart("hist-daystoagreement").Dataset("runs").Values.Sum());
        Assert.Equal(ResultFolders.Replicates, charts.Chart("hist-detention-cost").Dataset("runs").Values.Sum());

        var table = await page.Page.InnerTextAsync("#aggregate-summary");
        Assert.Contains("migrants.removed", table);
        Assert.Contains("1,350", table); // mean 1349.5, thousands grouped
        Assert.Contains("40 (40 completed)", await page.Page.InnerTextAsync("#report-header"));
    }

    [Fact]
    public async Task Sweep_shows_a_band_per_point_and_sorted_response_curves()
    {
        var (page, charts) = await Open(ResultFolders.Sweep(), ResultFolders.SweepCharts);
        await using var _ = page;

        var bands = charts.Chart("band-points-flights-refused");
        Assert.Equal(3 * ResultFolders.Caps.Length, bands.Datasets.Count);
        Assert.Contains(bands.Datasets, d => d.Label == "countries.MX.acceptance.weeklyFlightCap=6");

        var curve = charts.Chart("sweep-countries-mx-acceptance-weeklyflightcap-flights-refused");
        var mean = curve.Dataset("mean").Points;
        Assert.Equal(ResultFolders.Caps, mean.Select(p => p.X));
        Assert.Equal(ResultFolders.Caps.Select(ResultFolders.SweepMean), mean.Select(p => p.Y!.Value));
        Assert.Equal(ResultFolders.Caps.Select(c => ResultFolders.SweepMean(c) + 2), curve.Dataset("mean, 95% CI").Points.Select(p => p.Y!.Value));
        Assert.Equal("countries.MX.acceptance.weeklyFlightCap", curve.XTitle);
    }

    [Fact]
    public async Task Sensitivity_shows_grouped_bars_per_outcome_and_method()
    {
        var (page, charts) = await Open(ResultFolders.Sensitivity(), ResultFolders.SensitivityCharts);
        await using var _ = page;

        var morris = charts.Chart("sensitivity-morris-flights-refused");
        Assert.Equal(["μ* (mean |elementary effect|)", "σ (sd of elementary effects)"], morris.Datasets.Select(d => d.Label));
        Assert.Equal(ResultFolders.CapMuStar, morris.Datasets[0].Values[0]);
        Assert.Equal(ResultFolders.SensitivityParameters.Length, morris.Datasets[1].Count);
        var sobol = charts.Chart("sensitivity-sobol-flights-refused");
        Assert.Equal(["S1 (first order)", "ST (total order)"], sobol.Datasets.Select(d => d.Label));
        Assert.Equal(0.7, sobol.Datasets[1].Values[0]);
        Assert.Contains("\"git\": \"4b2562d\"", await page.Page.InnerTextAsync("pre.provenance"));
    }

    [Fact]
    public async Task Validation_and_cross_validation_draw_an_interval_chart_per_case()
    {
        var (page, charts) = await Open(ResultFolders.Validation(), ["validation-colombia-2025", "validation-mexico-2025"]);
        await using (page)
        {
            var colombia = charts.Chart("validation-colombia-2025");
            Assert.Equal("bar", colombia.Type);
            Assert.Equal([3, 3], colombia.Datasets.Select(d => d.Count));
            Assert.Null(await page.Page.EvaluateAsync<int?>("() => window.hacked ?? null"));
            Assert.Contains("<script>", await page.Page.InnerTextAsync("#validation-figures"));
            Assert.Equal(["https://example.org/colombia?a=1&b=2", "https://example.org/deal", "https://example.org/mexico"],
                await page.Page.EvalOnSelectorAllAsync<string[]>("#validation-figures a", "links => links.map(a => a.href)"));
        }

        (page, charts) = await Open(ResultFolders.CrossValidation(), ["crossvalidation-colombia-2025", "crossvalidation-mexico-2025"]);
        await using (page) Assert.Equal(["observed", "model 5%–95%, median (held out)", "null model 5%–95%"], charts.Chart("crossvalidation-colombia-2025").Datasets.Select(d => d.Label));
    }
}
