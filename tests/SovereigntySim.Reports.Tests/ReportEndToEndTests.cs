using static SovereigntySim.Reports.Tests.ReportAssertions;

namespace SovereigntySim.Reports.Tests;

/// <summary>Reports on folders that sovsim itself wrote (a run, replications, a sweep, a sensitivity analysis), opened
/// in headless Chromium: every chart renders with data from the real files.</summary>
[Collection(BrowserCollection.Name)]
public sealed class ReportEndToEndTests(BrowserFixture browser)
{
    private static string Mexico => Path.Combine(RepoRoot(), "scenarios", "mexico-flight-refusal.yaml");

    private static string RepoRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "SovereigntySim.sln"))) dir = dir.Parent;
        return dir!.FullName;
    }

    private static async Task<string> Sovsim(string name, params string[] args)
    {
        var dir = ResultFolders.TempDir(name);
        var (code, _, err) = await ReportCliTests.Sovsim([.. args, "--out", dir]);
        Assert.True(code == 0, err);
        return dir;
    }

    [Fact]
    public async Task A_real_run_reports_daily_totals_entities_and_its_negotiation()
    {
        var dir = await Sovsim("e2e-run", "run", Mexico, "--set", "duration=12d");
        var (page, charts) = await WriteAndOpenAsync(browser, dir);
        await using var _ = page;
        Assert.Contains(charts, c => c.Id == "daily-flights");
        Assert.Contains(charts, c => c.Id == "series-pressure");
        var plane = charts.Chart("negotiation-0-plane");
        Assert.True(plane.Dataset("Pareto frontier").Count > 3);
        Assert.Single(plane.Dataset("agreement").Points);
    }

    [Fact]
    public async Task Real_replications_sweeps_and_sensitivity_report_bands_distributions_curves_and_bars()
    {
        var replications = await Sovsim("e2e-replications", "run", Mexico, "--set", "duration=6d", "--replications", "6");
        var (page, charts) = await WriteAndOpenAsync(browser, replications);
        await using (page)
        {
            Assert.Contains(charts, c => c.Id.StartsWith("band-", StringComparison.Ordinal));
            Assert.Contains(charts, c => c.Id.StartsWith("hist-", StringComparison.Ordinal));
        }

        var sweep = await Sovsim("e2e-sweep", "sweep", Mexico, "--set", "duration=4d", "--vary", "agencies.screening.INM.irregularityThreshold=0.05,0.25,0.5");
        (page, charts) = await WriteAndOpenAsync(browser, sweep);
        await using (page) Assert.Contains(charts, c => c.Id.StartsWith("sweep-", StringComparison.Ordinal) && c.Datasets.Any(d => d.Count == 3));

        var sensitivity = await Sovsim("e2e-morris", "sensitivity", Mexico, "--set", "duration=4d", "--trajectories", "2",
            "--param", "agencies.screening.INM.irregularityThreshold=0.05:0.5", "--param", "negotiation.roundHours=1.0:12");
        (page, charts) = await WriteAndOpenAsync(browser, sensitivity);
        await using (page) Assert.Contains(charts, c => c.Id.StartsWith("sensitivity-", StringComparison.Ordinal) && c.Datasets.Count >= 2);
    }
}
