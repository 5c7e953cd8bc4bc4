using System.Net;
using System.Text.Json.Nodes;
using SovereigntySim.Domain.Simulation;
using SovereigntySim.Hosting.Engines;
using SovereigntySim.Hosting.Runs;
using SovereigntySim.Scenarios;

namespace SovereigntySim.Web.Tests;

/// <summary>The HTTP API against the real server: runs, controls, interventions, export, bad input.</summary>
[Collection(LiveCollection.Name)]
public sealed class ApiTests(LiveServerFixture server)
{
    private const string Scenario = "mexico-flight-refusal";

    /// <summary>A run of the scenario at full speed, stepped one day from a paused start and paused there (tick 24).</summary>
    private async Task<string> PausedAfterDayOne()
    {
        var id = await server.StartAsync(new { scenario = Scenario, speed = "max", paused = true });
        await server.WaitFor(id, s => LiveServerFixture.Status(s) == "paused", "the pause");
        await server.Post($"api/runs/{id}/step?by=day");
        await server.WaitFor(id, s => LiveServerFixture.Tick(s) == 24 && LiveServerFixture.Status(s) == "paused", "day 1");
        return id;
    }

    [Fact]
    public async Task Lists_the_shipped_scenarios()
    {
        var names = JsonNode.Parse(await server.Http.GetStringAsync("api/scenarios"))!.AsArray().Select(n => n!.GetValue<string>()).ToList();
        Assert.Contains(Scenario, names);
        Assert.Contains("us-removals-fy2024", names);
    }

    [Fact]
    public async Task A_run_at_full_speed_has_the_digest_of_sovsim_run()
    {
        var id = await server.StartAsync(new { scenario = Scenario, speed = "max" });
        var end = await server.WaitForEnd(id);
        Assert.Equal("completed", LiveServerFixture.Status(end));
        // The offers chart's bargaining space (issue 16): for the dyad that negotiated, the Pareto frontier (sending's
        // utility falling, receiving's rising), the reservation values at the start and the Nash point above both.
        var bargain = Assert.Single(end["bargains"]!.AsArray(), b => b!["dyad"]!.GetValue<string>() == "US-MX")!;
        var frontier = bargain["frontier"]!.AsArray().Select(p => (S: p![0]!.GetValue<double>(), R: p[1]!.GetValue<double>())).ToList();
        Assert.True(frontier.Count >= 2);
        Assert.All(frontier.Zip(frontier.Skip(1)), pair => Assert.True(pair.Second.S < pair.First.S && pair.Second.R > pair.First.R));
        double rs = bargain["reservationSending"]!.GetValue<double>(), rr = bargain["reservationReceiving"]!.GetValue<double>();
        var nash = bargain["nash"]!.AsArray().Select(v => v!.GetValue<double>()).ToArray();
        Assert.Contains(frontier, p => p.S == nash[0] && p.R == nash[1]);
        Assert.True(nash[0] > rs && nash[1] > rr);
        Assert.All(frontier.Where(p => p.S > rs && p.R > rr), p => Assert.True((p.S - rs) * (p.R - rr) <= (nash[0] - rs) * (nash[1] - rr) + 1e-12));
        var cli = Repo.TempDir("cli");
        var (code, _, err) = await Repo.Sovsim("run", Path.Combine(Repo.Root, "scenarios", Scenario + ".yaml"), "--out", cli);
        Assert.True(code == 0, err);
        Assert.Equal(Repo.DigestOf(cli), end["run"]!["digest"]!.GetValue<string>());
        // Each offer carries its author's reservation and aspiration, as offers.csv does.
        var offers = end["offers"]!.AsArray();
        Assert.NotEmpty(offers);
        var table = File.ReadAllLines(Path.Combine(cli, "offers.csv"));
        var header = table[0].Split(',').ToList();
        var firstRow = table[1].Split(',');
        Assert.Equal(double.Parse(firstRow[header.IndexOf("reservation")], System.Globalization.CultureInfo.InvariantCulture),
            offers[0]!["reservation"]!.GetValue<double>(), 6);
        Assert.All(offers, o => Assert.True(o!["aspiration"]!.GetValue<double>() >= o["reservation"]!.GetValue<double>() - 1e-9));
    }

    [Fact]
    public async Task Upload_with_an_error_is_a_400_with_line_and_column()
    {
        var yaml = File.ReadAllText(Path.Combine(Repo.Root, "scenarios", Scenario + ".yaml"));
        // Break one value on a known line: the duration.
        var lines = yaml.Split('\n');
        int at = Array.FindIndex(lines, l => l.StartsWith("duration:", StringComparison.Ordinal));
        Assert.True(at >= 0);
        lines[at] = "duration: thirty days";
        var response = await server.Post("api/runs", new { yaml = string.Join('\n', lines), fileName = "broken.yaml" });
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        var error = body["errors"]!.AsArray()[0]!;
        Assert.Equal("broken.yaml", error["file"]!.GetValue<string>());
        Assert.Equal(at + 1, error["line"]!.GetValue<int>());
        Assert.Equal("duration: ".Length + 1, error["column"]!.GetValue<int>());
        Assert.Contains($"broken.yaml:{at + 1}:11:", error["message"]!.GetValue<string>());
    }

    [Theory]
    [InlineData("""{"scenario":"no-such-scenario"}""", "scenario: expected one of")]
    [InlineData("""{"scenario":"mexico-flight-refusal","speed":"fast"}""", "speed: expected a speed such as 1d/s")]
    [InlineData("""{"scenario":"mexico-flight-refusal","overrides":["countries.MX.acceptance.weeklyFlightCap=-3"]}""", "--set:1:")]
    [InlineData("""{"scenario":"mexico-flight-refusal","sped":"max"}""", "sped")]
    [InlineData("""{"scenario":""", "not valid JSON")]
    [InlineData("""{"scenario":"mexico-flight-refusal","yaml":"name: x"}""", "either scenario")]
    public async Task Bad_start_requests_are_400_with_the_reason(string json, string reason) =>
        await server.AssertBadRequest("api/runs", json, reason);

    [Fact]
    public async Task Oversized_upload_is_refused()
    {
        var big = new string('#', 3 * 1024 * 1024);
        var response = await server.Post("api/runs", new { yaml = big });
        Assert.True(response.StatusCode is HttpStatusCode.RequestEntityTooLarge or HttpStatusCode.BadRequest, $"{response.StatusCode}");
    }

    [Fact]
    public async Task Pause_step_and_resume_move_the_run_by_exactly_what_was_asked()
    {
        var id = await server.StartAsync(new { scenario = Scenario, speed = "max", paused = true });
        var paused = await server.WaitFor(id, s => LiveServerFixture.Status(s) == "paused", "the pause");
        Assert.Equal(0, LiveServerFixture.Tick(paused));
        Assert.Equal(HttpStatusCode.OK, (await server.Post($"api/runs/{id}/step?by=tick")).StatusCode);
        var one = await server.WaitFor(id, s => LiveServerFixture.Tick(s) == 1 && LiveServerFixture.Status(s) == "paused", "one step");
        Assert.Equal(1, LiveServerFixture.Tick(one));
        Assert.Equal(HttpStatusCode.OK, (await server.Post($"api/runs/{id}/step?by=day")).StatusCode);
        var day = await server.WaitFor(id, s => LiveServerFixture.Tick(s) == 24 && LiveServerFixture.Status(s) == "paused", "the rest of the day");
        Assert.Equal("2025-01-21T00:00:00Z", day["run"]!["time"]!.GetValue<string>());
        Assert.NotEmpty(day["points"]!.AsArray());
        Assert.Equal(HttpStatusCode.BadRequest, (await server.Post($"api/runs/{id}/step?by=week")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await server.Post($"api/runs/{id}/speed", new { speed = "max" })).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await server.Post($"api/runs/{id}/resume")).StatusCode);
        Assert.Equal("completed", LiveServerFixture.Status(await server.WaitForEnd(id)));
    }

    [Fact]
    public async Task Interventions_are_recorded_with_their_tick_and_the_export_replays_to_the_live_digest()
    {
        var id = await PausedAfterDayOne();

        // A parameter change (through the --set loader) and an event, at tick 24.
        var set = await server.Post($"api/runs/{id}/interventions", new { set = "countries.MX.acceptance.weeklyFlightCap=1" });
        var setText = await set.Content.ReadAsStringAsync();
        Assert.True(set.IsSuccessStatusCode, setText);
        Assert.Equal(24, JsonNode.Parse(setText)!["tick"]!.GetValue<long>());
        var impose = await server.Post($"api/runs/{id}/interventions", new { kind = "impose", country = "US", against = "MX", instrument = "tariff", note = "students impose the tariff" });
        Assert.True(impose.IsSuccessStatusCode, await impose.Content.ReadAsStringAsync());

        // Bad interventions are 400s with the reason, and the run goes on.
        var unknown = await server.Post($"api/runs/{id}/interventions", new { kind = "threaten", country = "US", against = "XX" });
        Assert.Equal(HttpStatusCode.BadRequest, unknown.StatusCode);
        Assert.Contains("against", await unknown.Content.ReadAsStringAsync());
        var notLive = await server.Post($"api/runs/{id}/interventions", new { set = "negotiation.roundHours=2" });
        Assert.Equal(HttpStatusCode.BadRequest, notLive.StatusCode);
        Assert.Contains("cannot change while a run goes", await notLive.Content.ReadAsStringAsync());
        var badValue = await server.Post($"api/runs/{id}/interventions", new { set = "countries.MX.acceptance.weeklyFlightCap=-1" });
        Assert.Equal(HttpStatusCode.BadRequest, badValue.StatusCode);
        Assert.Contains("--set:1:", await badValue.Content.ReadAsStringAsync());

        await server.Post($"api/runs/{id}/step?by=day");
        var after = await server.WaitFor(id, s => LiveServerFixture.Tick(s) == 48, "day 2");
        // The policy in force changed and the instrument applied at the intervention's tick, through the domain.
        Assert.Equal("1", after["totals"]!["policies"]!["MX"]!["weeklyFlightCap"]!.GetValue<string>());
        Assert.Contains(after["timeline"]!.AsArray(), e => e!["kind"]!.GetValue<string>() == "instrument.applied" && e["tick"]!.GetValue<long>() == 24
                                                            && e["actor"]!.GetValue<string>() == "country/US"
                                                            && e["story"]!.GetValue<string>().StartsWith("United States applied tariff against Mexico"));
        Assert.Equal(2, after["interventions"]!.AsArray().Count);

        await server.Post($"api/runs/{id}/resume");
        var end = await server.WaitForEnd(id);
        Assert.Equal("completed", LiveServerFixture.Status(end));
        var live = end["run"]!["digest"]!.GetValue<string>();

        // The export is a scenario file: the original plus the interventions as timed events.
        var yaml = await server.Http.GetStringAsync($"api/runs/{id}/export");
        var loaded = ScenarioLoader.LoadText(yaml, "export.yaml", []);
        Assert.True(loaded.Ok, string.Join('\n', loaded.Errors));
        var original = ScenarioLoader.Load(Path.Combine(Repo.Root, "scenarios", Scenario + ".yaml"), []).Spec!;
        Assert.Equal(original.Events.Count + 2, loaded.Spec!.Events.Count);
        Assert.Equal("day 2 00:00", loaded.Spec.Events[^1].At.ToString());

        // Replayed by the reference runner in this process, and by `sovsim run` as a user would.
        var replay = await RunPipeline.RunAsync(new ReferenceEngine(new World(loaded.Spec)), new RunRequest(loaded.Spec, Provenance.Of(null, [])), []);
        Assert.Equal(live, replay.Digest);
        var file = Path.Combine(Repo.TempDir("export"), "export.yaml");
        File.WriteAllText(file, yaml);
        var cli = Repo.TempDir("replay");
        var (code, _, err) = await Repo.Sovsim("run", file, "--out", cli);
        Assert.True(code == 0, err);
        Assert.Equal(live, Repo.DigestOf(cli));

        // And the interventions changed the run: the same scenario and seed without them ends elsewhere.
        var plain = await RunPipeline.RunAsync(new ReferenceEngine(new World(original)), new RunRequest(original, Provenance.Of(null, [])), []);
        Assert.NotEqual(plain.Digest, live);
    }

    /// <summary>Issue 15: a run started from the web server is checkpointed and resumed like a CLI run. Stopping it
    /// leaves a checkpoint in its folder (with the interventions made so far); continuing it goes on under the same
    /// id and ends with the digest of the uninterrupted run, which its export replays.</summary>
    [Fact]
    public async Task A_stopped_run_continues_from_its_checkpoint_to_the_uninterrupted_digest()
    {
        var id = await PausedAfterDayOne();
        var impose = await server.Post($"api/runs/{id}/interventions", new { kind = "impose", country = "US", against = "MX", instrument = "visaSanctions", note = "before the stop" });
        Assert.True(impose.IsSuccessStatusCode, await impose.Content.ReadAsStringAsync());
        await server.Post($"api/runs/{id}/step?by=day");
        await server.WaitFor(id, s => LiveServerFixture.Tick(s) == 48 && LiveServerFixture.Status(s) == "paused", "day 2");
        await server.Post($"api/runs/{id}/stop");
        var stopped = await server.WaitForEnd(id);
        Assert.Equal("stopped", LiveServerFixture.Status(stopped));
        Assert.True(stopped["run"]!["resumable"]!.GetValue<bool>());
        var folder = stopped["run"]!["folder"]!.GetValue<string>();
        Assert.True(File.Exists(Path.Combine(folder, "events.jsonl")));

        // Not while it runs, not an unknown one; then on under its id, from tick 48.
        Assert.Equal(HttpStatusCode.NotFound, (await server.Post("api/runs/no-such-run/continue")).StatusCode);
        var continued = await server.Post($"api/runs/{id}/continue?speed=max");
        var text = await continued.Content.ReadAsStringAsync();
        Assert.True(continued.StatusCode == HttpStatusCode.Created, text);
        Assert.Equal(48, JsonNode.Parse(text)!["continuedFromTick"]!.GetValue<long>());
        Assert.Equal(HttpStatusCode.BadRequest, (await server.Post($"api/runs/{id}/continue")).StatusCode);
        var end = await server.WaitForEnd(id);
        Assert.Equal("completed", LiveServerFixture.Status(end));
        var digest = end["run"]!["digest"]!.GetValue<string>();
        Assert.False(end["run"]!["resumable"]!.GetValue<bool>());
        // Its folder's log is the whole run's, as `sovsim run` leaves it.
        Assert.Equal(digest, Repo.DigestOf(folder));

        // The uninterrupted run: the scenario with the intervention at its tick, run by the reference runner.
        var yaml = await server.Http.GetStringAsync($"api/runs/{id}/export");
        var loaded = ScenarioLoader.LoadText(yaml, "export.yaml", []);
        Assert.True(loaded.Ok, string.Join('\n', loaded.Errors));
        Assert.Equal("before the stop", loaded.Spec!.Events[^1].Note);
        var whole = await RunPipeline.RunAsync(new ReferenceEngine(new World(loaded.Spec)), new RunRequest(loaded.Spec, Provenance.Of(null, [])), []);
        Assert.Equal(whole.Digest, digest);
        // A completed run has no checkpoint to go on from.
        Assert.Equal(HttpStatusCode.BadRequest, (await server.Post($"api/runs/{id}/continue")).StatusCode);
    }

    [Fact]
    public async Task A_late_observer_gets_the_whole_state()
    {
        var id = await server.StartAsync(new { scenario = Scenario, speed = "max" });
        var end = await server.WaitForEnd(id);
        var points = end["points"]!.AsArray();
        Assert.True(points.Count >= 2, $"{points.Count} points");
        Assert.Equal(0.0, points.Select(p => p!["day"]!.GetValue<double>()).Zip(points.Skip(1).Select(p => p!["day"]!.GetValue<double>())).Count(x => x.First >= x.Second));
        Assert.Equal(720, points[^1]!["tick"]!.GetValue<long>());
        Assert.True(end["totals"]!["negotiations"]!.AsArray().Count > 0);
        // Each agreement's accepted offer is flagged, though the answer came after the offer was first pushed.
        int agreements = end["totals"]!["negotiations"]!.AsArray().Count(n => n!["outcome"]?.GetValue<string>() == "agreement");
        Assert.True(agreements > 0);
        Assert.Equal(agreements, end["offers"]!.AsArray().Count(o => o!["accepted"]!.GetValue<bool>()));
        Assert.True(end["timeline"]!.AsArray().Count > 0);
    }

    [Fact]
    public async Task Unknown_runs_are_404_and_ended_runs_refuse_controls()
    {
        Assert.Equal(HttpStatusCode.NotFound, (await server.Http.GetAsync("api/runs/nope")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await server.Post("api/runs/nope/pause")).StatusCode);
        var id = await server.StartAsync(new { scenario = Scenario, speed = "max" });
        await server.WaitForEnd(id);
        var late = await server.Post($"api/runs/{id}/interventions", new { kind = "setPressure", country = "MX", value = 0.9 });
        Assert.Equal(HttpStatusCode.BadRequest, late.StatusCode);
        Assert.Contains("has ended", await late.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Metrics_and_the_Orleans_dashboard_are_served()
    {
        var id = await server.StartAsync(new { scenario = Scenario, speed = "max" });
        await server.WaitForEnd(id);
        var metrics = await server.Http.GetStringAsync("metrics");
        Assert.Contains("sovsim_events_total", metrics);
        // Each run's series are labelled with the run and its scenario (issue 16).
        Assert.Contains(metrics.Split('\n'), l => l.StartsWith("sovsim_events_total{", StringComparison.Ordinal) && l.Contains($"run=\"{id}\""));
        Assert.Contains("sovsim_rounds_total", metrics);
        Assert.Contains("sovsim_simulated_days_total", metrics);
        Assert.Contains("sovsim_runs_active", metrics);
        var dashboard = await server.Http.GetAsync("orleans/");
        Assert.Equal(HttpStatusCode.OK, dashboard.StatusCode);
        Assert.Contains("<html", (await dashboard.Content.ReadAsStringAsync()).ToLowerInvariant());
    }
}
