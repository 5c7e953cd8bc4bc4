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

    [Fact]
    public async Task The_Orleans_dashboard_needs_the_token_too()
    {
        Assert.Equal(HttpStatusCode.Unauthorized, (await server.Http.GetAsync("orleans/")).StatusCode);
        using var request = new HttpRequestMessage(HttpMethod.Get, "orleans/");
        request.Headers.Add("Cookie", $"sovsim_token={TokenServerFixture.Secret}");
        Assert.Equal(HttpStatusCode.OK, (await server.Http.SendAsync(request)).StatusCode);
    }

    [Theory]
    [InlineData("serve --host 0.0.0.0", "give --token")]
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
