using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using SovereigntySim.Web;

namespace SovereigntySim.Web.Tests;

/// <summary>A real `sovsim serve` in this process: Kestrel on a free loopback port, the embedded silo co-hosted.</summary>
public class LiveServerFixture : IAsyncLifetime
{
    private WebApplication? _app;

    protected virtual string? Token => null;
    protected virtual int MaxActiveRuns => new ServeOptions().MaxActiveRuns;
    protected virtual int MaxActiveEnsembles => new ServeOptions().MaxActiveEnsembles;

    public string Address { get; private set; } = "";
    public HttpClient Http { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        _app = LiveServer.Build(new ServeOptions
        {
            Port = 0, Token = Token, MaxActiveRuns = MaxActiveRuns, MaxActiveEnsembles = MaxActiveEnsembles, ResultsDirectory = Path.Combine(Path.GetTempPath(), $"sovsim-serve-{Guid.NewGuid():N}"), ScenariosDirectory = Path.Combine(Repo.Root, "scenarios"), LogLevel = Microsoft.Extensions.Logging.LogLevel.Warning,
        });
        await _app.StartAsync();
        Address = LiveServer.Address(_app);
        Http = new HttpClient { BaseAddress = new Uri(Address), Timeout = TimeSpan.FromMinutes(3) };
    }

    public async Task DisposeAsync()
    {
        Http?.Dispose();
        if (_app is null) return;
        if (_app.Services.GetService(typeof(RunManager)) is RunManager runs) await runs.StopAllAsync();
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    /// <summary>Starts a run; the body is sent as JSON. Returns the run id.</summary>
    public async Task<string> StartAsync(object body, string? token = null)
    {
        var response = await Post("api/runs", body, token);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == System.Net.HttpStatusCode.Created, $"{(int)response.StatusCode}: {text}");
        return JsonNode.Parse(text)!["id"]!.GetValue<string>();
    }

    public async Task<HttpResponseMessage> Post(string path, object? body = null, string? token = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = body is null ? null : JsonContent.Create(body) };
        if (token is not null) request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return await Http.SendAsync(request);
    }

    /// <summary>Posts raw JSON and checks the answer is a 400 whose body names <paramref name="reason"/>.</summary>
    public async Task AssertBadRequest(string path, string json, string reason)
    {
        var response = await Http.PostAsync(path, new StringContent(json, System.Text.Encoding.UTF8, "application/json"));
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == System.Net.HttpStatusCode.BadRequest, text);
        Assert.Contains(reason, text);
    }

    public async Task<JsonNode> Run(string id) => JsonNode.Parse(await Http.GetStringAsync($"api/runs/{id}"))!;

    /// <summary>Polls the run until <paramref name="done"/> holds; fails (with the last state) after a generous
    /// safety limit, which is no measurement of speed: a slow shared machine only makes the test take longer.</summary>
    public async Task<JsonNode> WaitFor(string id, Func<JsonNode, bool> done, string what)
    {
        var limit = DateTime.UtcNow + TimeSpan.FromMinutes(3);
        JsonNode state;
        while (!done(state = await Run(id)))
        {
            if (DateTime.UtcNow > limit) Assert.Fail($"run {id}: {what} did not happen; last state {state["run"]!.ToJsonString()}");
            await Task.Delay(100);
        }
        return state;
    }

    public Task<JsonNode> WaitForEnd(string id) =>
        WaitFor(id, s => s["run"]!["status"]!.GetValue<string>() is "completed" or "failed" or "stopped", "the end of the run");

    public static long Tick(JsonNode state) => state["run"]!["tick"]!.GetValue<long>();
    public static string Status(JsonNode state) => state["run"]!["status"]!.GetValue<string>();
}

public sealed class TokenServerFixture : LiveServerFixture
{
    public const string Secret = "s3cret-token-for-tests";
    protected override string? Token => Secret;
}

/// <summary>A server of its own for the flood test: few places, so the limit is what is tested.</summary>
public sealed class FloodServerFixture : LiveServerFixture
{
    public const int Places = 3, EnsemblePlaces = 2;
    protected override int MaxActiveRuns => Places;
    protected override int MaxActiveEnsembles => EnsemblePlaces;
}

[CollectionDefinition(Name)]
public sealed class LiveCollection : ICollectionFixture<LiveServerFixture>, ICollectionFixture<SovereigntySim.Reports.Tests.BrowserFixture>
{
    public const string Name = "live";
}

public static class Repo
{
    public static string Root { get; } = FindRoot();

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "SovereigntySim.sln"))) return dir.FullName;
        throw new InvalidOperationException("SovereigntySim.sln not found above the test binaries");
    }

    public static string TempDir(string name)
    {
        var dir = Path.Combine(Path.GetTempPath(), "sovsim-web-tests", $"{name}-{Guid.NewGuid():N}");
        Directory.CreateDirectory(dir);
        return dir;
    }

    /// <summary>`sovsim ARGS` as a user runs it: the built program in its own process. Returns the exit code and output.</summary>
    public static async Task<(int Code, string Out, string Err)> Sovsim(params string[] args)
    {
        var start = new System.Diagnostics.ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "sovsim.dll"));
        foreach (var a in args) start.ArgumentList.Add(a);
        using var process = System.Diagnostics.Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return (process.ExitCode, await stdout, await stderr);
    }

    public static string DigestOf(string runFolder) =>
        JsonDocument.Parse(File.ReadAllText(Path.Combine(runFolder, "summary.json"))).RootElement.GetProperty("digest").GetString()!;
}
