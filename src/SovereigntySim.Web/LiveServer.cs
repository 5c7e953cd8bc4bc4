using System.Net;
using System.Reflection;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Orleans.Dashboard;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OpenTelemetry.Metrics;
using SovereigntySim.Hosting;
using SovereigntySim.Scenarios;

namespace SovereigntySim.Web;

/// <summary>Where and how `sovsim serve` listens.</summary>
public sealed record ServeOptions
{
    public string Host { get; init; } = "127.0.0.1";
    /// <summary>0: a free port chosen by the system (tests).</summary>
    public int Port { get; init; } = 5080;
    /// <summary>Required by every control and intervention call when set; required to listen beyond loopback.</summary>
    public string? Token { get; init; }
    public string? ScenariosDirectory { get; init; }
    /// <summary>Where ensembles write their experiment folders (runs.csv, aggregate.csv, daily.csv, ...).</summary>
    public string ResultsDirectory { get; init; } = Path.Combine("results", "serve");
    public int MaxActiveRuns { get; init; } = 8;
    public int MaxKeptRuns { get; init; } = 32;
    /// <summary>Ensembles running at once (each runs its replicates a few at a time on the run workers).</summary>
    public int MaxActiveEnsembles { get; init; } = 3;
    /// <summary>Largest request body (an uploaded scenario is at most 1 MiB of YAML, inside JSON).</summary>
    public long MaxRequestBytes { get; init; } = 2 * Limits.MaxFileBytes + 64 * 1024;
    public LogLevel LogLevel { get; init; } = LogLevel.Information;
    /// <summary>A PostgreSQL-backed cluster to run on (its connection string), as a client of its silos; null: the
    /// embedded silo in this process.</summary>
    public string? Cluster { get; init; }

    public bool Loopback => Host is "localhost" || (IPAddress.TryParse(Host, out var ip) && IPAddress.IsLoopback(ip));

    /// <summary>Why these options cannot serve (one line), or null.</summary>
    public string? Problem() =>
        Port is < 0 or > 65535 ? $"--port must be between 1 and 65535, found {Port}"
        : Host != "localhost" && !IPAddress.TryParse(Host, out _) ? $"--host must be an IP address or localhost, found '{SafeText.Excerpt(Host, 60)}'"
        : !Loopback && string.IsNullOrEmpty(Token) ? $"serve --host {Host} listens beyond this machine: give a token ({TokenVariable} or --token-file FILE; every control call and the live stream then need it)"
        : Token is { Length: > 0 and < 8 } ? "--token must have at least 8 characters"
        : null;

    /// <summary>The environment variable a token can come from (a command line is visible to every local user in ps).</summary>
    public const string TokenVariable = "SOVSIM_SERVE_TOKEN";

    /// <summary>A token from a file only its owner can read (mode 600 or stricter): the token (first line, trimmed), or
    /// the one-line problem.</summary>
    public static (string? Token, string? Problem) ReadTokenFile(string path)
    {
        try
        {
            if (!OperatingSystem.IsWindows() && (File.GetUnixFileMode(path) & (UnixFileMode.GroupRead | UnixFileMode.GroupWrite | UnixFileMode.GroupExecute
                    | UnixFileMode.OtherRead | UnixFileMode.OtherWrite | UnixFileMode.OtherExecute)) != 0)
                return (null, $"--token-file {SafeText.Excerpt(path, 120)}: other users can read it; make it readable by its owner only (chmod 600)");
            var token = File.ReadLines(path).FirstOrDefault()?.Trim();
            return string.IsNullOrEmpty(token) ? (null, $"--token-file {SafeText.Excerpt(path, 120)}: the file is empty") : (token, null);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            return (null, $"--token-file {SafeText.Excerpt(path, 120)}: cannot read it ({SafeText.Excerpt(e.Message, 120)})");
        }
    }

    /// <summary>The shipped scenarios: ./scenarios, else the nearest scenarios folder above the program.</summary>
    public static string? FindScenarios()
    {
        if (Directory.Exists("scenarios")) return Path.GetFullPath("scenarios");
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (Directory.Exists(Path.Combine(dir.FullName, "scenarios"))) return Path.Combine(dir.FullName, "scenarios");
        return null;
    }
}

/// <summary>
/// The live server: one ASP.NET Core application co-hosting the embedded Orleans silo (as the Orleans samples do),
/// so runs, the SignalR hub, the HTTP API, /metrics and the Orleans dashboard share one process and container; or,
/// with <see cref="ServeOptions.Cluster"/>, a client of a PostgreSQL-backed cluster whose silos run the runs.
/// </summary>
public static class LiveServer
{
    public static readonly JsonSerializerOptions Json = Configure(new JsonSerializerOptions(JsonSerializerDefaults.Web));

    private static JsonSerializerOptions Configure(JsonSerializerOptions o)
    {
        o.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.CamelCase, allowIntegerValues: false));
        // A misspelt key is an error with its name, not a silently ignored value.
        o.UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow;
        return o;
    }

    public static WebApplication Build(ServeOptions options)
    {
        if (options.Problem() is { } problem) throw new ArgumentException(problem);
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = [] });
        builder.Logging.ClearProviders().AddSimpleConsole(o => { o.IncludeScopes = true; o.SingleLine = true; o.TimestampFormat = "HH:mm:ss "; })
            .SetMinimumLevel(LogLevel.Warning).AddFilter("SovereigntySim", options.LogLevel);
        builder.WebHost.ConfigureKestrel(k =>
        {
            k.Limits.MaxRequestBodySize = options.MaxRequestBytes;
            k.Listen(options.Host == "localhost" ? IPAddress.Loopback : IPAddress.Parse(options.Host), options.Port);
        });
        if (options.Cluster is { } cluster) builder.UseOrleansClient(client => PostgresCluster.ConfigureClient(client, cluster));
        else
        {
            var (siloPort, gatewayPort) = EmbeddedCluster.FreePorts();
            builder.UseOrleans(silo => silo.ConfigureSovereigntySim()
                .AddMemoryGrainStorageAsDefault()
                .UseLocalhostClustering(siloPort: siloPort, gatewayPort: gatewayPort)
                .AddDashboard());
        }
        // sovsim handles Ctrl-C itself (it stops the server, and the runs between slices).
        builder.Services.AddSingleton<IHostLifetime, QuietLifetime>();
        builder.Services.AddSingleton(options);
        builder.Services.AddSingleton(Options.Create(Settings.Bind<LiveOptions>(LiveOptions.Section)));
        builder.Services.AddSingleton(Settings.FaultTolerance);
        builder.Services.AddSingleton<RunManager>();
        builder.Services.Configure<JsonOptions>(o => Configure(o.SerializerOptions));
        builder.Services.AddSignalR().AddJsonProtocol(o => o.PayloadSerializerOptions.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.CamelCase)));
        builder.Services.AddOpenTelemetry().WithMetrics(m => m.AddMeter(LiveMetrics.MeterName).AddPrometheusExporter());

        var app = builder.Build();
        MapPage(app);
        MapApi(app, options);
        app.MapHub<LiveHub>("/hub");
        app.MapPrometheusScrapingEndpoint("/metrics");
        // The live stream and the Orleans dashboard are not route handlers (endpoint filters would not run): a
        // middleware guards them. Without the token nobody watches a run or reports latencies.
        app.Use(async (http, next) =>
        {
            if ((http.Request.Path.StartsWithSegments("/orleans") || http.Request.Path.StartsWithSegments("/hub")) && !Authorized(http, options))
                await Unauthorized().ExecuteAsync(http);
            else await next(http);
        });
        // The Orleans dashboard lives with a silo: a client of a cluster has none to show.
        if (options.Cluster is null) app.MapOrleansDashboard(routePrefix: "/orleans");
        else app.MapGet("/orleans/{**rest}", () => Results.Text("This server is a client of a cluster (serve --cluster): the Orleans dashboard is served where a silo is co-hosted (sovsim serve without --cluster).\n",
            "text/plain; charset=utf-8", statusCode: 404));
        return app;
    }

    /// <summary>The address the server listens on, once started.</summary>
    public static string Address(WebApplication app) =>
        app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First().TrimEnd('/') + "/";

    private static void MapPage(WebApplication app)
    {
        app.MapGet("/", () => Resource("live/index.html", "text/html; charset=utf-8"));
        app.MapGet("/live.js", () => Resource("live/live.js", "text/javascript; charset=utf-8"));
        app.MapGet("/live.css", () => Resource("live/live.css", "text/css; charset=utf-8"));
        app.MapGet("/lib/chart.umd.min.js", () => Resource("live/lib/chart.umd.min.js", "text/javascript; charset=utf-8"));
        app.MapGet("/lib/signalr.min.js", () => Resource("live/lib/signalr.min.js", "text/javascript; charset=utf-8"));
        app.MapGet("/lib/chartjs-chart-geo.umd.min.js", () => Resource("live/lib/chartjs-chart-geo.umd.min.js", "text/javascript; charset=utf-8"));
        app.MapGet("/lib/countries-110m.json", () => Resource("live/lib/countries-110m.json", "application/json"));
        app.MapGet("/lib/places.json", () => Results.Bytes(Places.Value, "application/json"));
        app.MapGet("/lib/LICENSES.txt", () => Results.Text(
            "Chart.js 4.6.1 (npm chart.js), MIT licence:\n\n" + Text("live/lib/chart.LICENSE.md")
            + "\n\n@microsoft/signalr 10.0.11 (npm), MIT licence, Copyright (c) .NET Foundation and Contributors.\n"
            + "\n\nchartjs-chart-geo 4.3.6 (npm), MIT licence:\n\n" + Text("live/lib/chartjs-chart-geo.LICENSE")
            + "\n\nworld-atlas 2.0.2 (npm; country outlines from Natural Earth, public domain), ISC licence:\n\n" + Text("live/lib/world-atlas.LICENSE")
            + "\n\n/lib/places.json is drawn from world-countries 5.1.0 (npm, https://github.com/mledoze/countries): its cca2, ccn3, "
            + "common name and latlng fields, made available under the Open Database License (ODbL) 1.0, "
            + "https://opendatacommons.org/licenses/odbl/1-0/ ; places.json is likewise under the ODbL.\n", "text/plain; charset=utf-8"));
    }

    /// <summary>For the route map: each country's ISO 3166 alpha-2 code (the scenarios' ids), its numeric code (the
    /// outlines' ids) and a point to draw its routes from, taken once from world-countries (1.4 MB) down to what the
    /// page needs (about 20 KB).</summary>
    private static readonly Lazy<byte[]> Places = new(() =>
    {
        using var countries = JsonDocument.Parse(Bytes("live/lib/world-countries.json"));
        var places = countries.RootElement.EnumerateArray()
            .Where(c => c.TryGetProperty("latlng", out var ll) && ll.GetArrayLength() == 2)
            .Select(c => new
            {
                id = c.GetProperty("cca2").GetString(),
                numeric = c.GetProperty("ccn3").GetString(),
                name = c.GetProperty("name").GetProperty("common").GetString(),
                lat = c.GetProperty("latlng")[0].GetDouble(),
                lon = c.GetProperty("latlng")[1].GetDouble(),
            });
        return JsonSerializer.SerializeToUtf8Bytes(places);
    });

    private static IResult Resource(string name, string type)
    {
        using var s = typeof(LiveServer).Assembly.GetManifestResourceStream(name) ?? throw new InvalidOperationException($"resource {name} is missing from the build");
        using var copy = new MemoryStream();
        s.CopyTo(copy);
        return Results.Bytes(copy.ToArray(), type);
    }

    private static ReadOnlyMemory<byte> Bytes(string name) => ((Microsoft.AspNetCore.Http.HttpResults.FileContentHttpResult)Resource(name, "application/octet-stream")).FileContents;

    private static string Text(string name) => Encoding.UTF8.GetString(Bytes(name).Span);

    private static void MapApi(WebApplication app, ServeOptions options)
    {
        var token = TokenFilter(options);
        var api = app.MapGroup("/api");
        api.MapGet("/scenarios", (RunManager runs) => Results.Json(runs.Scenarios().Keys, Json));
        // The form controls of a shipped scenario's parameters (a scenario that no longer loads says why, located).
        api.MapGet("/scenarios/{name}/parameters", async (string name, RunManager runs) => await Guard(() => Task.FromResult(
            runs.Scenarios().ContainsKey(name) ? Results.Json(runs.Parameters(name), Json)
                : Results.Json(new { error = $"no scenario '{SafeText.Excerpt(name, 80)}'" }, Json, statusCode: StatusCodes.Status404NotFound))));
        api.MapGet("/runs", (RunManager runs) => Results.Json(runs.Runs.Select(r => r.Sink.Snapshot().Run), Json));
        api.MapGet("/runs/{id}", (string id, RunManager runs) => runs.Get(id) is { } r ? Results.Json(r.Sink.Snapshot(), Json) : NoRun(id));
        api.MapGet("/runs/{id}/export", (string id, RunManager runs) => runs.Get(id) is { } r
            ? Results.File(Encoding.UTF8.GetBytes(r.ExportYaml()), "application/yaml; charset=utf-8", $"{r.Request.Spec.Name}-live-{r.Id[^12..]}.yaml")
            : NoRun(id));
        // What can change while this run goes, at the values it started with.
        api.MapGet("/runs/{id}/parameters", (string id, RunManager runs) => runs.Get(id) is { } r
            ? Results.Json(ScenarioParameters.Of(r.Request.Spec).Select(ParameterView.Of).Where(p => p.Live), Json)
            : NoRun(id));
        api.MapGet("/runs/{id}/interventions", (string id, RunManager runs) => runs.Get(id) is { } r
            ? Results.Json(r.Interventions.Select(i => new InterventionView(i.Number, i.Tick, i.Time, i.Description, i.Set)), Json)
            : NoRun(id));
        api.MapGet("/ensembles", (RunManager runs) => Results.Json(runs.Ensembles.Select(e => e.Snapshot() with { Bands = new Dictionary<string, Band>(), Days = [] }), Json));
        api.MapGet("/ensembles/{id}", (string id, RunManager runs) => runs.GetEnsemble(id) is { } e ? Results.Json(e.Snapshot(), Json) : NoRun(id));
        api.MapGet("/stats", (RunManager runs) =>
        {
            var (n, p50, p95, max) = runs.Latency();
            return Results.Json(new { pushLatency = new { count = n, p50Ms = Num(p50), p95Ms = Num(p95), maxMs = Num(max) } }, Json);
        });

        var control = api.MapGroup("").AddEndpointFilter(token);
        control.MapPost("/stats/reset", (RunManager runs) => { runs.ResetLatency(); return Results.NoContent(); });
        control.MapPost("/runs", async (HttpRequest http, RunManager runs) => await Guard(async () =>
        {
            var request = await Read<StartRunRequest>(http);
            var run = await runs.StartAsync(request);
            return Results.Json(run.Sink.Snapshot().Run, Json, statusCode: StatusCodes.Status201Created);
        }));
        control.MapPost("/ensembles", async (HttpRequest http, RunManager runs) => await Guard(async () =>
        {
            var ensemble = runs.StartEnsemble(await Read<StartEnsembleRequest>(http));
            return Results.Json(ensemble.Snapshot(), Json, statusCode: StatusCodes.Status201Created);
        }));
        control.MapPost("/ensembles/{id}/stop", (string id, RunManager runs) =>
        {
            if (runs.GetEnsemble(id) is not { } e) return NoRun(id);
            e.Stop();
            return Results.Json(new { id = e.Id }, Json);
        });
        control.MapPost("/runs/{id}/pause", (string id, RunManager runs) => Control(runs, id, r => r.Pause()));
        control.MapPost("/runs/{id}/resume", (string id, RunManager runs) => Control(runs, id, r => r.Resume()));
        control.MapPost("/runs/{id}/stop", (string id, RunManager runs) => Control(runs, id, r => r.Stop()));
        // A stopped run goes on from the checkpoint its stop left in its folder, under the same id.
        control.MapPost("/runs/{id}/continue", async (string id, string? speed, bool? paused, RunManager runs) => await Guard(async () =>
        {
            var run = await runs.ContinueAsync(id, speed, paused ?? false);
            return Results.Json(run.Sink.Snapshot().Run, Json, statusCode: StatusCodes.Status201Created);
        }));
        control.MapPost("/runs/{id}/step", (string id, string? by, RunManager runs) => by is null or "tick" or "day"
            ? Control(runs, id, r => r.Step(day: by == "day"))
            : Bad($"by: expected tick or day, found '{SafeText.Excerpt(by, 40)}'"));
        control.MapPost("/runs/{id}/speed", async (string id, HttpRequest http, RunManager runs) => await Guard(async () =>
        {
            var body = await Read<SpeedRequest>(http);
            if (!Speed.TryParse(body.Speed, out var speed, out var error)) return Bad($"speed: expected {error}");
            return Control(runs, id, r => r.SetSpeed(speed));
        }));
        control.MapPost("/runs/{id}/interventions", async (string id, HttpRequest http, RunManager runs) => await Guard(async () =>
        {
            if (runs.Get(id) is not { } run) return NoRun(id);
            var request = await Read<InterventionRequest>(http);
            var done = await run.InterveneAsync(request).WaitAsync(TimeSpan.FromMinutes(2));
            return Results.Json(new InterventionView(done.Number, done.Tick, done.Time, done.Description, done.Set), Json);
        }));
    }

    private sealed record SpeedRequest(string? Speed);

    private static double? Num(double v) => double.IsNaN(v) ? null : Math.Round(v, 1);

    private static IResult Control(RunManager runs, string id, Action<LiveRun> act)
    {
        if (runs.Get(id) is not { } run) return NoRun(id);
        if (run.Finished) return Bad($"the run has ended ({run.Status})");
        act(run);
        return Results.Json(new { id = run.Id, status = run.Status, speed = run.Speed.ToString() }, Json);
    }

    private static IResult NoRun(string id) => Results.Json(new { error = $"no run '{SafeText.Excerpt(id, 80)}'" }, Json, statusCode: StatusCodes.Status404NotFound);

    private static IResult Bad(string reason, IReadOnlyList<ScenarioError>? errors = null) => Results.Json(new
    {
        error = reason,
        errors = (errors ?? []).Take(50).Select(e => new { file = e.File, line = e.Line, column = e.Column, path = e.Path, expected = e.Expected, found = e.Found, message = e.ToString() }),
    }, Json, statusCode: StatusCodes.Status400BadRequest);

    /// <summary>Bad input of any kind is a 400 with the reason; it never reaches a run.</summary>
    private static async Task<IResult> Guard(Func<Task<IResult>> action)
    {
        try { return await action(); }
        catch (LiveInputException e) { return Bad(e.Message, e.Errors); }
        catch (LiveNotFoundException e) { return Results.Json(new { error = e.Message }, Json, statusCode: StatusCodes.Status404NotFound); }
        catch (JsonException e) { return Bad($"the request body is not valid JSON for this call: {SafeText.Excerpt(e.Message, 300)}"); }
        catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge) { return Results.Json(new { error = e.Message }, Json, statusCode: 413); }
        catch (TimeoutException) { return Bad("the run did not reach a slice boundary within 2 minutes; try again"); }
    }

    private static async Task<T> Read<T>(HttpRequest http)
    {
        if (http.ContentType is not { } type || !type.StartsWith("application/json", StringComparison.OrdinalIgnoreCase))
            throw new LiveInputException("the request body must be JSON (Content-Type: application/json)");
        return await JsonSerializer.DeserializeAsync<T>(http.Body, Json) ?? throw new LiveInputException("the request body is empty (null)");
    }

    /// <summary>With a token, a call must carry it: `Authorization: Bearer T`, or the `sovsim_token` cookie the page
    /// sets when the token is typed into it. Compared in constant time.</summary>
    private static Func<EndpointFilterInvocationContext, EndpointFilterDelegate, ValueTask<object?>> TokenFilter(ServeOptions options) => async (context, next) =>
        Authorized(context.HttpContext, options) ? await next(context) : Unauthorized();

    private static bool Authorized(HttpContext http, ServeOptions options)
    {
        if (string.IsNullOrEmpty(options.Token)) return true;
        // A browser's WebSocket cannot set headers: SignalR sends the token as access_token on the hub's connection.
        string? given = http.Request.Headers.Authorization.ToString() is { } auth && auth.StartsWith("Bearer ", StringComparison.Ordinal) ? auth[7..].Trim()
            : http.Request.Cookies["sovsim_token"] ?? (http.Request.Path.StartsWithSegments("/hub") ? http.Request.Query["access_token"].FirstOrDefault() : null);
        return given is not null && CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(given), Encoding.UTF8.GetBytes(options.Token));
    }

    private static IResult Unauthorized() =>
        Results.Json(new { error = "this server needs its token for control calls and the live stream (Authorization: Bearer <token>)" }, Json, statusCode: StatusCodes.Status401Unauthorized);
}
