using System.Net;
using System.Text.Json.Nodes;
using Microsoft.Playwright;
using SovereigntySim.Domain.Simulation;
using SovereigntySim.Hosting.Engines;
using SovereigntySim.Hosting.Runs;
using SovereigntySim.Reports.Tests;
using SovereigntySim.Scenarios;

namespace SovereigntySim.Web.Tests;

/// <summary>The ensemble view: a replicated run watched as replicates finish, with each series' median and band.</summary>
[Collection(LiveCollection.Name)]
public sealed class EnsembleTests(LiveServerFixture server, BrowserFixture browser)
{
    private const string Scenario = "colombia-2025";

    private async Task<JsonNode> WaitForEnsemble(string id)
    {
        var limit = DateTime.UtcNow + TimeSpan.FromMinutes(3);
        JsonNode state;
        while ((state = JsonNode.Parse(await server.Http.GetStringAsync($"api/ensembles/{id}"))!)["status"]!.GetValue<string>() == "running")
        {
            if (DateTime.UtcNow > limit) Assert.Fail($"ensemble {id} did not end: {state.ToJsonString()[..200]}");
            await Task.Delay(100);
        }
        return state;
    }

    [Fact]
    public async Task The_bands_are_the_median_and_quantiles_of_the_replicates()
    {
        var response = await server.Post("api/ensembles", new { scenario = Scenario, replications = 5, parallel = 2, seed = 11 });
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.Created, text);
        var id = JsonNode.Parse(text)!["id"]!.GetValue<string>();
        var end = await WaitForEnsemble(id);
        Assert.Equal("completed", end["status"]!.GetValue<string>());
        Assert.Equal(5, end["finished"]!.GetValue<int>());

        // Each replicate r is the plain run with seed 11 + r: its final removals, by the reference runner here.
        var finals = new List<double>();
        for (int r = 0; r < 5; r++)
        {
            var spec = ScenarioLoader.Load(Path.Combine(Repo.Root, "scenarios", Scenario + ".yaml"), [$"seed={11 + r}"]).Spec!;
            var result = await RunPipeline.RunAsync(new ReferenceEngine(new World(spec)), new RunRequest(spec, Provenance.Of(null, [])), []);
            finals.Add(result.Metrics.Totals["migrants.removed"]);
        }
        finals.Sort();
        var removed = end["bands"]!["migrants.removed"]!;
        var median = removed["median"]!.AsArray().Select(v => v!.GetValue<double>()).ToArray();
        var q05 = removed["q05"]!.AsArray().Select(v => v!.GetValue<double>()).ToArray();
        var q95 = removed["q95"]!.AsArray().Select(v => v!.GetValue<double>()).ToArray();
        Assert.Equal(end["days"]!.AsArray().Count, median.Length);
        Assert.Equal(finals[2], median[^1]);
        // R type 7 on 5 values: the 5% quantile is 20% of the way from the smallest to the next.
        Assert.Equal(finals[0] + 0.2 * (finals[1] - finals[0]), q05[^1], 6);
        Assert.Equal(finals[3] + 0.8 * (finals[4] - finals[3]), q95[^1], 6);
        Assert.All(Enumerable.Range(0, median.Length), d => Assert.True(q05[d] <= median[d] && median[d] <= q95[d], $"day {d + 1}"));

        // The ensemble is the CLI's replications experiment: its folder holds the same tables, one row per replicate.
        var folder = end["folder"]!.GetValue<string>();
        var runs = File.ReadAllLines(Path.Combine(folder, "runs.csv"));
        Assert.Equal(6, runs.Length);
        Assert.True(File.Exists(Path.Combine(folder, "aggregate.csv")));
    }

    /// <summary>Issue 16: "Start ensemble" replicates the run being watched, with its interventions, from its seed:
    /// replicate r is the exported scenario run with the live seed + r.</summary>
    [Fact]
    public async Task An_ensemble_of_the_watched_run_replicates_it_with_its_interventions()
    {
        var id = await server.StartAsync(new { scenario = Scenario, speed = "max", paused = true, seed = 5 });
        await server.WaitFor(id, s => LiveServerFixture.Status(s) == "paused", "the pause");
        var impose = await server.Post($"api/runs/{id}/interventions", new { kind = "impose", country = "US", against = "CO", instrument = "visaSanctions" });
        Assert.True(impose.IsSuccessStatusCode, await impose.Content.ReadAsStringAsync());
        var both = await server.Post("api/ensembles", new { run = id, scenario = Scenario, replications = 2 });
        Assert.Equal(HttpStatusCode.BadRequest, both.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await server.Post("api/ensembles", new { run = "no-such-run", replications = 2 })).StatusCode);

        var response = await server.Post("api/ensembles", new { run = id, replications = 3, parallel = 2 });
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.Created, text);
        var ensembleId = JsonNode.Parse(text)!["id"]!.GetValue<string>();
        // Several ensembles go at once: a what-if of the scenario beside the watched run's, each listed with what it replicates.
        var other = await server.Post("api/ensembles", new { scenario = Scenario, replications = 2, parallel = 1, overrides = new[] { "countries.CO.acceptance.weeklyFlightCap=1" } });
        var otherText = await other.Content.ReadAsStringAsync();
        Assert.True(other.StatusCode == HttpStatusCode.Created, otherText);
        var otherId = JsonNode.Parse(otherText)!["id"]!.GetValue<string>();
        var listed = JsonNode.Parse(await server.Http.GetStringAsync("api/ensembles"))!.AsArray();
        Assert.Equal(id, listed.Single(e => e!["id"]!.GetValue<string>() == ensembleId)!["run"]!.GetValue<string>());
        Assert.Null(listed.Single(e => e!["id"]!.GetValue<string>() == otherId)!["run"]);
        var end = await WaitForEnsemble(ensembleId);
        Assert.Equal("completed", end["status"]!.GetValue<string>());
        Assert.Equal("completed", (await WaitForEnsemble(otherId))["status"]!.GetValue<string>());
        await server.Post($"api/runs/{id}/stop");

        var exported = ScenarioLoader.LoadText(await server.Http.GetStringAsync($"api/runs/{id}/export"), "export.yaml", []).Spec!;
        Assert.Equal(5, exported.Seed);
        var rows = File.ReadAllLines(Path.Combine(end["folder"]!.GetValue<string>(), "runs.csv"));
        var header = rows[0].Split(',').ToList();
        for (int r = 0; r < 3; r++)
        {
            var spec = exported with { Seed = 5 + r };
            var reference = await RunPipeline.RunAsync(new ReferenceEngine(new World(spec)), new RunRequest(spec, Provenance.Of(null, [])), []);
            var row = rows.Skip(1).Select(l => l.Split(',')).Single(f => f[header.IndexOf("replicate")] == r.ToString());
            Assert.Equal(reference.Digest, row[header.IndexOf("digest")]);
        }
    }

    [Theory]
    [InlineData("""{"scenario":"colombia-2025","replications":1}""", "replications: expected 2 to 200")]
    [InlineData("""{"scenario":"colombia-2025","replications":5,"parallel":0}""", "parallel: expected 1 to")]
    [InlineData("""{"scenario":"colombia-2025","replications":5,"overrides":["nope=1"]}""", "--set:1:")]
    public async Task Bad_ensemble_requests_are_400_with_the_reason(string json, string reason) =>
        await server.AssertBadRequest("api/ensembles", json, reason);

    [Fact]
    public async Task The_page_draws_the_band_as_replicates_finish()
    {
        var context = await browser.Browser.NewContextAsync();
        try
        {
            var page = await context.NewPageAsync();
            var errors = new List<string>();
            page.PageError += (_, e) => errors.Add(e);
            await page.GotoAsync(server.Address);
            await page.WaitForFunctionAsync("() => document.getElementById('scenario').options.length > 0", null, new() { Timeout = 180_000 });
            await page.SelectOptionAsync("#scenario", Scenario);
            await page.FillAsync("#ens-replications", "4");
            await page.FillAsync("#ens-parallel", "1");
            await page.ClickAsync("#ens-start");
            await page.WaitForFunctionAsync("() => window.sovsim.ensemble && window.sovsim.ensemble.status === 'completed'", null, new() { Timeout = 180_000 });
            Assert.Contains("4 of 4 replicates finished", await page.InnerTextAsync("#ens-status"));
            var labels = await page.EvaluateAsync<string[]>("() => window.sovsim.ensembleChart.data.datasets.map(d => d.label)");
            Assert.Equal(["5%", "95% (band: 5-95%)", "median"], labels);
            Assert.True(await page.EvaluateAsync<int>("() => window.sovsim.ensembleChart.data.datasets[2].data.length") > 0);

            // Pinned as the baseline, it stays on the chart beside a what-if's ensemble, which says how far it moved.
            var first = await page.EvaluateAsync<string>("() => window.sovsim.ensemble.id");
            await page.ClickAsync("#ens-pin");
            await page.SelectOptionAsync("#ens-of", "form");
            await page.FillAsync("#overrides", "countries.CO.acceptance.weeklyFlightCap=1");
            await page.ClickAsync("#ens-start");
            await page.WaitForFunctionAsync($"() => window.sovsim.ensemble && window.sovsim.ensemble.id !== '{first}' && window.sovsim.ensemble.status === 'completed'", null, new() { Timeout = 180_000 });
            labels = await page.EvaluateAsync<string[]>("() => window.sovsim.ensembleChart.data.datasets.map(d => d.label)");
            Assert.Equal(["5%", "95% (band: 5-95%)", "median", "baseline 5%", "baseline 95%", "baseline median"], labels);
            var compare = await page.InnerTextAsync("#ens-compare");
            Assert.Contains("against the baseline's", compare);
            Assert.True(compare.Contains("within the noise") || compare.Contains("more than the noise"), compare);
            Assert.Empty(errors);
        }
        finally { await context.CloseAsync(); }
    }

    /// <summary>Issue 16: the ensembles of the watched run, and the pinned baseline, come back after a reload (the
    /// address names them); a link with the run alone shows its newest ensemble.</summary>
    [Fact]
    public async Task The_watched_runs_ensembles_and_baseline_come_back_after_a_reload()
    {
        var id = await server.StartAsync(new { scenario = Scenario, speed = "max", paused = true, seed = 11 });
        var context = await browser.Browser.NewContextAsync();
        try
        {
            var page = await context.NewPageAsync();
            var errors = new List<string>();
            page.PageError += (_, e) => errors.Add(e);
            await page.GotoAsync($"{server.Address}#run={id}");
            await page.WaitForFunctionAsync("() => document.getElementById('status').dataset.status === 'paused'", null, new() { Timeout = 180_000 });
            await page.FillAsync("#ens-replications", "3");
            await page.FillAsync("#ens-parallel", "1");
            await page.ClickAsync("#ens-start");
            await page.WaitForFunctionAsync("() => window.sovsim.ensemble && window.sovsim.ensemble.status === 'completed'", null, new() { Timeout = 180_000 });
            var baseline = await page.EvaluateAsync<string>("() => window.sovsim.ensemble.id");
            await page.ClickAsync("#ens-pin");
            await page.FillAsync("#ens-replications", "2");
            await page.ClickAsync("#ens-start");
            await page.WaitForFunctionAsync($"() => window.sovsim.ensemble && window.sovsim.ensemble.id !== '{baseline}' && window.sovsim.ensemble.status === 'completed'", null, new() { Timeout = 180_000 });
            var whatIf = await page.EvaluateAsync<string>("() => window.sovsim.ensemble.id");
            // Both are in the list of ensembles, each naming the run it replicates.
            var listed = await page.EvaluateAsync<string[]>("() => [...document.getElementById('ensembles').options].map(o => o.value)");
            Assert.Superset(new HashSet<string> { baseline, whatIf }, listed.ToHashSet());

            await page.ReloadAsync();
            await page.WaitForFunctionAsync($"() => window.sovsim.runId === '{id}' && window.sovsim.ensemble && window.sovsim.ensemble.id === '{whatIf}' && window.sovsim.ensemble.status === 'completed' && window.sovsim.baseline && window.sovsim.baseline.id === '{baseline}'",
                null, new() { Timeout = 180_000 });
            await page.WaitForFunctionAsync("() => window.sovsim.ensembleChart.data.datasets.some(d => d.label === 'baseline median')", null, new() { Timeout = 180_000 });
            Assert.Equal($"#run={id}&ensemble={whatIf}&baseline={baseline}", await page.EvaluateAsync<string>("() => decodeURIComponent(location.hash)"));

            // The run alone: its newest ensemble is drawn.
            var fresh = await context.NewPageAsync();
            await fresh.GotoAsync($"{server.Address}#run={id}");
            await fresh.WaitForFunctionAsync($"() => window.sovsim.ensemble && window.sovsim.ensemble.id === '{whatIf}' && window.sovsim.ensemble.status === 'completed'", null, new() { Timeout = 180_000 });
            Assert.Empty(errors);
        }
        finally
        {
            await context.CloseAsync();
            await server.Post($"api/runs/{id}/stop");
        }
    }
}
