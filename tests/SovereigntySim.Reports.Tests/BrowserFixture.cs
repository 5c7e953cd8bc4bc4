using Microsoft.Playwright;

namespace SovereigntySim.Reports.Tests;

/// <summary>
/// One headless Chromium for every test of the "browser" collection: Debian's /usr/bin/chromium (scripts/test
/// installs it) driven by Playwright, whose node-based driver ships in the NuGet package (bin/.../.playwright).
/// Playwright's own browser download is never used. Public so that other test projects (an end-to-end test on real
/// outputs) can share it.
/// </summary>
public sealed class BrowserFixture : IAsyncLifetime
{
    public const string ChromiumPath = "/usr/bin/chromium";

    public static readonly string[] ChromiumArgs =
    [
        "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--no-first-run", "--disable-sync",
    ];

    private IPlaywright? _playwright;

    public IBrowser Browser { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        if (!File.Exists(ChromiumPath))
            throw new InvalidOperationException($"{ChromiumPath} is missing: apt-get install chromium (scripts/test does this when run as root)");
        _playwright = await Playwright.CreateAsync();
        Browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ChromiumPath,
            Headless = true,
            Args = ChromiumArgs,
        });
    }

    public async Task DisposeAsync()
    {
        if (Browser is not null) await Browser.CloseAsync();
        _playwright?.Dispose();
    }

    /// <summary>Opens an HTML file (file://) in a new page of its own, recording console errors and page errors
    /// from before the first script runs.</summary>
    public async Task<ReportPage> OpenAsync(string htmlPath)
    {
        var context = await Browser.NewContextAsync(new BrowserNewContextOptions { ViewportSize = new ViewportSize { Width = 1400, Height = 1000 } });
        var page = await context.NewPageAsync();
        var report = new ReportPage(context, page);
        page.Console += (_, message) => { if (message.Type == "error") report.Errors.Add($"console: {message.Text}"); };
        page.PageError += (_, error) => report.Errors.Add($"page error: {error}");
        page.RequestFailed += (_, request) => report.Errors.Add($"request failed: {request.Url}");
        await page.GotoAsync(new Uri(Path.GetFullPath(htmlPath)).AbsoluteUri, new PageGotoOptions { WaitUntil = WaitUntilState.Load });
        return report;
    }
}

[CollectionDefinition(Name)]
public sealed class BrowserCollection : ICollectionFixture<BrowserFixture>
{
    public const string Name = "browser";
}

/// <summary>A report opened in the browser, with the errors seen while loading and since.</summary>
public sealed class ReportPage(IBrowserContext context, IPage page) : IAsyncDisposable
{
    public IPage Page { get; } = page;

    public List<string> Errors { get; } = [];

    public ValueTask DisposeAsync() => new(context.CloseAsync());
}
