using System.Net;

namespace SovereigntySim.Web.Tests;

/// <summary>A server with a token: every control and intervention call needs it; reads do not.</summary>
public sealed class SecurityTests(TokenServerFixture server) : IClassFixture<TokenServerFixture>
{
    [Fact]
    public async Task Control_calls_without_the_token_are_refused_and_with_it_accepted()
    {
        var body = new { scenario = "mexico-flight-refusal", speed = "max", paused = true };
        var none = await server.Post("api/runs", body);
        Assert.Equal(HttpStatusCode.Unauthorized, none.StatusCode);
        Assert.Contains("token", await none.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.Unauthorized, (await server.Post("api/runs", body, token: "wrong-token-123")).StatusCode);
        Assert.Empty(System.Text.Json.Nodes.JsonNode.Parse(await server.Http.GetStringAsync("api/runs"))!.AsArray());

        var id = await server.StartAsync(body, TokenServerFixture.Secret);
        await server.WaitFor(id, s => LiveServerFixture.Status(s) == "paused", "the pause");
        foreach (var call in new[] { "pause", "resume", "step", "stop" })
            Assert.Equal(HttpStatusCode.Unauthorized, (await server.Post($"api/runs/{id}/{call}")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await server.Post($"api/runs/{id}/speed", new { speed = "1d/s" })).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await server.Post($"api/runs/{id}/interventions", new { kind = "setPressure", country = "MX", value = 0.5 })).StatusCode);
        // Nothing of that reached the run, which still waits at its start.
        var state = await server.Run(id);
        Assert.Equal("paused", LiveServerFixture.Status(state));
        Assert.Equal(0, LiveServerFixture.Tick(state));
        Assert.Empty(state["interventions"]!.AsArray());

        var ok = await server.Post($"api/runs/{id}/interventions", new { kind = "setPressure", country = "MX", value = 0.5 }, TokenServerFixture.Secret);
        Assert.True(ok.IsSuccessStatusCode, await ok.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.OK, (await server.Post($"api/runs/{id}/stop", token: TokenServerFixture.Secret)).StatusCode);
        Assert.Equal("stopped", LiveServerFixture.Status(await server.WaitForEnd(id)));
    }

    /// <summary>The live stream too (issue 18 item 5): without the token nobody watches a run or reports latencies.</summary>
    [Fact]
    public async Task The_live_stream_needs_the_token()
    {
        const string negotiate = "hub/negotiate?negotiateVersion=1";
        Assert.Equal(HttpStatusCode.Unauthorized, (await server.Http.PostAsync(negotiate, null)).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await server.Http.PostAsync(negotiate + "&access_token=wrong-token-123", null)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await server.Post(negotiate, token: TokenServerFixture.Secret)).StatusCode);
        // As a browser's WebSocket sends it.
        Assert.Equal(HttpStatusCode.OK, (await server.Http.PostAsync(negotiate + "&access_token=" + TokenServerFixture.Secret, null)).StatusCode);
    }

    [Fact]
    public async Task The_Orleans_dashboard_needs_the_token_too()
    {
        Assert.Equal(HttpStatusCode.Unauthorized, (await server.Http.GetAsync("orleans/")).StatusCode);
        using var request = new HttpRequestMessage(HttpMethod.Get, "orleans/");
        request.Headers.Add("Cookie", $"sovsim_token={TokenServerFixture.Secret}");
        Assert.Equal(HttpStatusCode.OK, (await server.Http.SendAsync(request)).StatusCode);
    }

    [Theory]
    [InlineData("serve --host 0.0.0.0", "give a token (SOVSIM_SERVE_TOKEN or --token-file FILE")]
    [InlineData("serve --host 10.1.2.3 --token short", "at least 8 characters")]
    [InlineData("serve --port 0", "--port must be between 1 and 65535")]
    [InlineData("serve --host example.org --token long-enough-token", "--host must be an IP address")]
    [InlineData("serve --prot 80", "did you mean --port?")]
    public async Task Serve_refuses_to_start_with_exit_code_2_and_one_line(string args, string message)
    {
        var (code, _, err) = await Repo.Sovsim(args.Split(' '));
        Assert.Equal(2, code);
        var line = Assert.Single(err.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains(message, line);
    }
}

/// <summary>Issue 18 item 5: the limits hold under a flood; a token comes from a private file or the environment.</summary>
public sealed class LimitTests(FloodServerFixture server) : IClassFixture<FloodServerFixture>
{
    [Fact]
    public async Task A_flood_of_starts_never_passes_the_limits()
    {
        // 60 runs and 30 ensembles asked for at once.
        var runs = Enumerable.Range(0, 60).Select(_ => server.Post("api/runs", new { scenario = "mexico-flight-refusal", paused = true }));
        var ensembles = Enumerable.Range(0, 30).Select(_ => server.Post("api/ensembles", new { scenario = "mexico-flight-refusal", replications = 2, parallel = 1 }));
        var answers = await Task.WhenAll(runs.Concat(ensembles));
        var started = answers.Take(60).Count(a => a.StatusCode == HttpStatusCode.Created);
        var ensemblesStarted = answers.Skip(60).Count(a => a.StatusCode == HttpStatusCode.Created);
        Assert.Equal(FloodServerFixture.Places, started);
        Assert.Equal(FloodServerFixture.EnsemblePlaces, ensemblesStarted);
        Assert.All(answers.Where(a => a.StatusCode != HttpStatusCode.Created), a => Assert.Equal(HttpStatusCode.BadRequest, a.StatusCode));
        var listed = System.Text.Json.Nodes.JsonNode.Parse(await server.Http.GetStringAsync("api/runs"))!.AsArray();
        Assert.Equal(FloodServerFixture.Places, listed.Count);
    }

    [Fact]
    public async Task A_token_file_others_can_read_is_refused_and_a_private_one_is_read()
    {
        var file = Path.Combine(Path.GetTempPath(), $"sovsim-token-{Guid.NewGuid():N}");
        File.WriteAllText(file, "a-token-from-a-file\n");
        try
        {
            File.SetUnixFileMode(file, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
            var (code, _, err) = await Repo.Sovsim("serve", "--token-file", file, "--port", "1");
            Assert.Equal(2, code);
            Assert.Contains("other users can read it", err);
            Assert.Contains("chmod 600", err);

            File.SetUnixFileMode(file, UnixFileMode.UserRead | UnixFileMode.UserWrite);
            Assert.Equal(("a-token-from-a-file", null), ServeOptions.ReadTokenFile(file));
        }
        finally { File.Delete(file); }
    }
}
