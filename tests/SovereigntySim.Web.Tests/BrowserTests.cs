using System.Text.Json.Nodes;
using Microsoft.Playwright;
using SovereigntySim.Reports.Tests;

namespace SovereigntySim.Web.Tests;

/// <summary>The page in headless Chromium against the real server: charts fill while a run goes, interventions
/// from the page reach the timeline and the run, the exported scenario replays, bad uploads are shown located.</summary>
[Collection(LiveCollection.Name)]
public sealed class BrowserTests(LiveServerFixture server, BrowserFixture browser)
{
    private const string Scenario = "mexico-flight-refusal";
    private static readonly float Patience = 180_000; // a safety limit for a loaded machine, not a measurement

    private async Task<(IPage Page, List<string> Errors, IBrowserContext Context)> Open(string fragment = "", int width = 1500, int height = 1800)
    {
        var context = await browser.Browser.NewContextAsync(new BrowserNewContextOptions { ViewportSize = new ViewportSize { Width = width, Height = height }, AcceptDownloads = true });
        var page = await context.NewPageAsync();
        var errors = new List<string>();
        page.Console += (_, m) => { if (m.Type == "error") errors.Add($"console: {m.Text}"); };
        page.PageError += (_, e) => errors.Add($"page error: {e}");
        await page.GotoAsync(server.Address + fragment);
        await page.WaitForFunctionAsync("() => document.getElementById('scenario').options.length > 0", null, new() { Timeout = Patience });
        return (page, errors, context);
    }

    private static Task<int> FlightPoints(IPage page) =>
        page.EvaluateAsync<int>("() => { const d = window.sovsim.charts.flights.data.datasets; return d.length ? d[0].data.length : 0; }");

    [Fact]
    public async Task Charts_receive_new_points_while_the_run_goes_for_every_observer()
    {
        // 1 simulated day a second: about thirty seconds for the scenario's 30 days. It starts paused so that both
        // observers are watching before it goes, however long a loaded machine takes to open them.
        var id = await server.StartAsync(new { scenario = Scenario, speed = "1d/s", paused = true });
        var (first, errors1, c1) = await Open($"#run={id}");
        var (second, errors2, c2) = await Open($"#run={id}");
        try
        {
            foreach (var page in new[] { first, second })
                await page.WaitForFunctionAsync("() => document.getElementById('status').dataset.status === 'paused'", null, new() { Timeout = Patience });
            Assert.Equal(0, await FlightPoints(first));
            Assert.Equal(System.Net.HttpStatusCode.OK, (await server.Post($"api/runs/{id}/resume")).StatusCode);
            // Both observers at once: each has points, then more points while the run is still going.
            await Task.WhenAll(new[] { first, second }.Select(async page =>
            {
                await page.WaitForFunctionAsync("() => window.sovsim.charts.flights.data.datasets.length > 0 && window.sovsim.charts.flights.data.datasets[0].data.length > 0", null, new() { Timeout = Patience });
                int before = await FlightPoints(page);
                await page.WaitForFunctionAsync($"() => window.sovsim.charts.flights.data.datasets[0].data.length > {before}", null, new() { Timeout = Patience });
                Assert.True(await page.EvaluateAsync<int>("() => window.sovsim.charts.people.data.datasets.length") >= 3);
            }));
            // The new points came while the run was still going, not all at its end.
            Assert.Equal("running", LiveServerFixture.Status(await server.Run(id)));
            await server.WaitForEnd(id);
            await first.WaitForFunctionAsync("() => document.getElementById('status').dataset.status === 'completed'", null, new() { Timeout = Patience });
            var offerSeries = await first.EvaluateAsync<string[]>("() => window.sovsim.charts.offers.data.datasets.map(d => d.label)");
            Assert.Contains("agreements", offerSeries);
            // The offers are drawn against the bargaining space (issue 16).
            Assert.Contains("Pareto frontier US-MX", offerSeries);
            Assert.Contains("reservations at the start US-MX", offerSeries);
            Assert.Contains("Nash point US-MX", offerSeries);
            Assert.True(await first.EvaluateAsync<int>("() => window.sovsim.charts.offers.data.datasets.find(d => d.label === 'Pareto frontier US-MX').data.length") >= 2);
            // Each side's reservation and aspiration at its offers, over the hours of talks.
            var floors = await first.EvaluateAsync<string[]>("() => window.sovsim.charts.floors.data.datasets.map(d => d.label)");
            Assert.Contains("#1 US-MX sending reservation", floors);
            Assert.Contains("#1 US-MX receiving aspiration", floors);
            Assert.True(await first.EvaluateAsync<int>("() => document.querySelectorAll('#negotiations tbody tr').length") > 0);
            Assert.Empty(errors1);
            Assert.Empty(errors2);
            if (Environment.GetEnvironmentVariable("SOVSIM_SCREENSHOT") is { Length: > 0 } shot)
                await first.ScreenshotAsync(new PageScreenshotOptions { Path = shot, FullPage = true });
        }
        finally
        {
            await c1.CloseAsync();
            await c2.CloseAsync();
        }
    }

    /// <summary>Issue 16: on a 1400 x 900 screen, a watched run shows its charts on the first screen (the start form
    /// folds away), and the 0-1 axes say what they measure.</summary>
    [Fact]
    public async Task A_watched_run_shows_its_charts_on_the_first_screen()
    {
        var id = await server.StartAsync(new { scenario = Scenario, speed = "max", paused = true });
        var (page, errors, context) = await Open($"#run={id}", 1400, 900);
        try
        {
            await page.WaitForFunctionAsync($"() => window.sovsim.runId === '{id}' && document.getElementById('status').dataset.status === 'paused'", null, new() { Timeout = Patience });
            Assert.False(await page.EvaluateAsync<bool>("() => document.getElementById('start-details').open"));
            foreach (var chart in new[] { "#chart-flights", "#chart-people", "#chart-costs" })
            {
                var box = await page.Locator(chart).BoundingBoxAsync();
                Assert.NotNull(box);
                Assert.True(box!.Y + box.Height / 2 < 900, $"{chart} is at y={box.Y}, below the first screen");
            }
            var tension = await page.Locator("#chart-tension").Locator("xpath=..").InnerTextAsync();
            Assert.Contains("0 calm, 1 crisis", tension);
            Assert.Equal("0 calm – 1 crisis", await page.EvaluateAsync<string>("() => window.sovsim.charts.tension.options.scales.y.title.text"));
            Assert.Empty(errors);
        }
        finally
        {
            await context.CloseAsync();
            await server.Post($"api/runs/{id}/stop");
        }
    }

    /// <summary>Issue 16: a map of the run's routes and flights, drawn over outlines served by this server (no tiles or
    /// other sites fetched), with the run's own figures. SOVSIM_UPDATE_SCREENSHOTS=1 writes the README's screenshot.</summary>
    [Fact]
    public async Task The_route_map_draws_the_runs_routes_over_bundled_outlines_and_fetches_nothing_elsewhere()
    {
        var id = await server.StartAsync(new { scenario = Scenario, speed = "max" });
        var end = await server.WaitForEnd(id);
        var (page, errors, context) = await Open($"#run={id}", 1400, 900);
        try
        {
            var requests = new List<string>();
            page.Request += (_, r) => requests.Add(r.Url);
            await page.ReloadAsync();
            await page.WaitForFunctionAsync("() => window.sovsim.charts.map && window.sovsim.map.routes['US->MX']", null, new() { Timeout = Patience });
            var landed = await page.EvaluateAsync<double>("() => window.sovsim.map.routes['US->MX']['flights.landed']");
            Assert.True(landed > 0);
            Assert.Equal(end["totals"]!["routes"]!["US->MX"]!["flights.landed"]!.GetValue<double>(), landed);
            // Mexico is shaded by the people removed to it; a country outside the scenario is not shaded.
            var shades = await page.EvaluateAsync<System.Text.Json.JsonElement>("""
                () => {
                  const points = window.sovsim.charts.map.data.datasets[0].data;
                  const of = iso => points.find(p => p.feature.properties.iso === iso);
                  return { features: points.length, mx: of('MX').value, fr: of('FR').value };
                }
                """);
            Assert.True(shades.GetProperty("features").GetInt32() > 170);
            Assert.Equal(end["totals"]!["removedByDestination"]!["MX"]!.GetValue<double>(), shades.GetProperty("mx").GetDouble());
            Assert.Equal(System.Text.Json.JsonValueKind.Null, shades.GetProperty("fr").ValueKind);
            // The route's ends fall on the map where the two countries are.
            var inside = await page.EvaluateAsync<bool>("""
                () => {
                  const chart = window.sovsim.charts.map, projection = chart.scales.projection.projection, a = chart.chartArea;
                  return ['US', 'MX'].every(iso => {
                    const place = window.sovsim.map.places.get(iso), [x, y] = projection([place.lon, place.lat]);
                    return x > a.left && x < a.right && y > a.top && y < a.bottom;
                  });
                }
                """);
            Assert.True(inside);
            Assert.NotEmpty(requests);
            Assert.All(requests, url => Assert.StartsWith(server.Address, url));
            if (Environment.GetEnvironmentVariable("SOVSIM_UPDATE_SCREENSHOTS") == "1")
                await page.ScreenshotAsync(new() { Path = Path.Combine(Repo.Root, "docs", "live-dashboard.png") });
            Assert.Empty(errors);
        }
        finally { await context.CloseAsync(); }
    }

    /// <summary>Issue 16: a scenario error is shown once, with where it is, not once in the summary and again in the list.</summary>
    [Fact]
    public async Task A_bad_override_is_shown_once_with_its_place()
    {
        var (page, errors, context) = await Open();
        try
        {
            await page.SelectOptionAsync("#scenario", Scenario);
            await page.FillAsync("#overrides", "negotiation.roundHours=abc");
            await page.ClickAsync("#start");
            await page.WaitForFunctionAsync("() => document.getElementById('start-errors').textContent.length > 0", null, new() { Timeout = Patience });
            var shown = await page.InnerTextAsync("#start-errors");
            Assert.StartsWith("1 error(s) in the scenario:", shown);
            Assert.Single(System.Text.RegularExpressions.Regex.Matches(shown, "--set:1:"));
            Assert.Contains("roundHours", shown);
            // The page's own code raised nothing (the browser logs the 400 itself).
            Assert.DoesNotContain(errors, e => e.StartsWith("page error", StringComparison.Ordinal));
        }
        finally { await context.CloseAsync(); }
    }

    [Fact]
    public async Task An_intervention_from_the_page_reaches_the_timeline_and_the_run_and_the_export_replays()
    {
        var (page, errors, context) = await Open();
        try
        {
            await page.SelectOptionAsync("#scenario", Scenario);
            await page.FillAsync("#start-speed", "max");
            await page.CheckAsync("#start-paused");
            await page.ClickAsync("#start");
            await page.WaitForFunctionAsync("() => document.getElementById('status').dataset.status === 'paused'", null, new() { Timeout = Patience });
            await page.ClickAsync("#step-day");
            await page.WaitForFunctionAsync("() => document.getElementById('status').textContent.includes('(tick 24 of') && document.getElementById('status').dataset.status === 'paused'", null, new() { Timeout = Patience });
            var id = await page.EvaluateAsync<string>("() => window.sovsim.runId");

            await page.FillAsync("#set-text", "countries.MX.acceptance.weeklyFlightCap=1");
            await page.ClickAsync("#set-send");
            await page.WaitForSelectorAsync("#timeline tbody tr.intervention", new() { Timeout = Patience });
            Assert.Contains("weeklyFlightCap", await page.InnerTextAsync("#timeline tbody tr.intervention"));
            Assert.Contains("(tick 24)", await page.InnerTextAsync("#interventions"));
            await page.SelectOptionAsync("#ev-kind", "impose");
            await page.FillAsync("#ev-country", "US");
            await page.FillAsync("#ev-against", "MX");
            await page.SelectOptionAsync("#ev-instrument", "tariff");
            await page.ClickAsync("#ev-send");
            await page.WaitForFunctionAsync("() => document.querySelectorAll('#interventions li').length === 2", null, new() { Timeout = Patience });
            // A bad one is shown with its reason and changes nothing.
            await page.FillAsync("#ev-against", "ZZ");
            await page.ClickAsync("#ev-send");
            await page.WaitForFunctionAsync("() => document.getElementById('intervene-errors').textContent.length > 0", null, new() { Timeout = Patience });
            Assert.Contains("against", await page.InnerTextAsync("#intervene-errors"));

            // What follows changes: the next day shows the new policy and the tariff applied at the intervention's tick
            // (the day's agreement over documents then lifts it).
            await page.ClickAsync("#step-day");
            await page.WaitForFunctionAsync("() => document.getElementById('status').textContent.includes('(tick 48 of')", null, new() { Timeout = Patience });
            var cap = await page.InnerTextAsync("#policies tbody tr:has(td:text-is('weeklyFlightCap'))");
            var header = await page.EvaluateAsync<string[]>("() => [...document.querySelectorAll('#policies thead th')].map(th => th.textContent)");
            Assert.Equal("1", cap.Split('\t')[Array.IndexOf(header, "MX")].Trim());
            await page.SelectOptionAsync("#filter-kind", "instrument.applied");
            var applied = await page.InnerTextAsync("#timeline tbody");
            // Told in a sentence, as sovsim explain tells it (issue 16).
            Assert.Contains("United States applied tariff against Mexico", applied);

            await page.ClickAsync("#resume");
            await page.WaitForFunctionAsync("() => document.getElementById('status').dataset.status === 'completed'", null, new() { Timeout = Patience });
            var live = (await server.Run(id))["run"]!["digest"]!.GetValue<string>();
            Assert.Contains(live, await page.InnerTextAsync("#status"));

            var download = await page.RunAndWaitForDownloadAsync(() => page.ClickAsync("#export"));
            var file = Path.Combine(Repo.TempDir("download"), "exported.yaml");
            await download.SaveAsAsync(file);
            var outDir = Repo.TempDir("replay");
            var (code, _, err) = await Repo.Sovsim("run", file, "--out", outDir);
            Assert.True(code == 0, err);
            Assert.Equal(live, Repo.DigestOf(outDir));
            // The browser logs the refused intervention's 400 as a console error: that one was asked for.
            Assert.Single(errors, e => e.Contains("status of 400"));
            Assert.DoesNotContain(errors, e => !e.Contains("status of 400"));
        }
        finally { await context.CloseAsync(); }
    }

    /// <summary>Issue 16: parameters are form controls generated from the schema (bounds, choices, meanings on hover),
    /// a changed control starts the run with that value, and a live policy changes from its own control.</summary>
    [Fact]
    public async Task Parameters_are_controls_that_start_a_run_with_the_changed_value_and_change_a_live_policy()
    {
        var (page, errors, context) = await Open();
        try
        {
            await page.SelectOptionAsync("#scenario", Scenario);
            const string cap = "[data-path='countries.MX.acceptance.weeklyFlightCap']";
            await page.ClickAsync("#params-details > summary");
            await page.WaitForSelectorAsync($"#params input.param{cap}", new() { Timeout = Patience });
            // What a name means is on hover, from the schema; a bounded number has a slider; a choice lists its values.
            Assert.Contains("Flights cleared per ISO week", await page.GetAttributeAsync($"#params label{cap}", "title"));
            Assert.Equal("none", await page.InputValueAsync($"#params input.param{cap}"));
            Assert.Equal(1, await page.Locator("label[data-path='agencies.ministries.STATE.reservationValue'] input[type=range]").CountAsync());
            var standards = await page.EvaluateAsync<string[]>(
                "() => [...document.querySelector(\"select.param[data-path='countries.MX.acceptance.documentationStandard']\").options].map(o => o.value)");
            Assert.Equal(["any", "partial", "verified"], standards);
            Assert.Equal(1, await page.Locator($"#params label{cap} span.live").CountAsync());
            // The filter narrows the controls to what matches.
            await page.FillAsync("#param-filter", "negotiation");
            Assert.True(await page.Locator($"#params label{cap}").IsHiddenAsync());
            await page.FillAsync("#param-filter", "");

            await page.FillAsync($"#params input.param{cap}", "3");
            Assert.Contains("changed", await page.GetAttributeAsync($"#params input.param{cap}", "class"));
            await page.FillAsync("#start-speed", "max");
            await page.CheckAsync("#start-paused");
            await page.ClickAsync("#start");
            await page.WaitForFunctionAsync("() => document.getElementById('status').dataset.status === 'paused'", null, new() { Timeout = Patience });
            var id = await page.EvaluateAsync<string>("() => window.sovsim.runId");
            var export = await server.Http.GetStringAsync($"api/runs/{id}/export");
            Assert.Matches(@"(?m)^\s+weeklyFlightCap: 3\s*$", export);

            // The watched run's acceptance policies change from their controls, at the current simulated time.
            const string live = "#live-params label[data-path='countries.MX.acceptance.weeklyFlightCap']";
            await page.WaitForSelectorAsync($"{live} input.param", new() { Timeout = Patience });
            Assert.Equal("3", await page.InputValueAsync($"{live} input.param"));
            Assert.Equal(0, await page.Locator("#live-params [data-path^='negotiation.']").CountAsync());
            await page.FillAsync($"{live} input.param", "1");
            await page.ClickAsync($"{live} button");
            await page.WaitForSelectorAsync("#timeline tbody tr.intervention", new() { Timeout = Patience });
            var interventions = JsonNode.Parse(await server.Http.GetStringAsync($"api/runs/{id}/interventions"))!.AsArray();
            Assert.Equal("countries.MX.acceptance.weeklyFlightCap=1", Assert.Single(interventions)!["set"]!.GetValue<string>());
            Assert.DoesNotContain("changed", await page.GetAttributeAsync($"{live} input.param", "class") ?? "");
            await server.Post($"api/runs/{id}/stop");
            Assert.Empty(errors);
        }
        finally { await context.CloseAsync(); }
    }

    /// <summary>Issue 16: the words of the charts (tension, pressure, utility, reservation ...) explain themselves on
    /// hover from one glossary, and a click opens the glossary at the word.</summary>
    [Fact]
    public async Task The_terms_of_the_charts_show_their_glossary_entry_on_hover_and_open_it_on_click()
    {
        var (page, errors, context) = await Open(width: 1400, height: 900);
        try
        {
            var terms = await page.EvaluateAsync<string[]>("() => [...document.querySelectorAll('abbr.term')].map(t => t.dataset.term)");
            Assert.Superset(new HashSet<string> { "tension", "pressure", "utility", "reservation", "aspiration", "band" }, terms.ToHashSet());
            foreach (var term in terms)
            {
                var entry = await page.TextContentAsync($"#glossary dd[data-term='{term}']") ?? "";
                Assert.True(entry.Length > 40, $"{term}: '{entry}'");
                Assert.Equal(entry, await page.GetAttributeAsync($"abbr.term[data-term='{term}']", "title"));
            }
            Assert.False(await page.EvaluateAsync<bool>("() => document.getElementById('glossary-details').open"));
            await page.ClickAsync("abbr.term[data-term='tension']");
            Assert.True(await page.EvaluateAsync<bool>("() => document.getElementById('glossary-details').open"));
            Assert.True(await page.Locator("#g-tension").IsVisibleAsync());
            Assert.Empty(errors);
        }
        finally { await context.CloseAsync(); }
    }

    [Fact]
    public async Task A_bad_upload_shows_the_error_with_line_and_column()
    {
        var (page, _, context) = await Open();
        try
        {
            var yaml = File.ReadAllText(Path.Combine(Repo.Root, "scenarios", Scenario + ".yaml")).Split('\n');
            int at = Array.FindIndex(yaml, l => l.StartsWith("step:", StringComparison.Ordinal));
            Assert.True(at >= 0);
            yaml[at] = "step: 7h";
            await page.SetInputFilesAsync("#upload", new FilePayload { Name = "bad-step.yaml", MimeType = "application/yaml", Buffer = System.Text.Encoding.UTF8.GetBytes(string.Join('\n', yaml)) });
            await page.ClickAsync("#start");
            await page.WaitForFunctionAsync("() => document.getElementById('start-errors').textContent.length > 0", null, new() { Timeout = Patience });
            var text = await page.InnerTextAsync("#start-errors");
            Assert.Contains($"bad-step.yaml:{at + 1}:", text);
            Assert.Contains("step", text);
            Assert.Equal("no run watched", await page.InnerTextAsync("#status"));
        }
        finally { await context.CloseAsync(); }
    }
}
