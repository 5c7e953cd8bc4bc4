using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SovereigntySim.Hosting;
using SovereigntySim.Hosting.Engines;
using SovereigntySim.Hosting.Experiments;
using SovereigntySim.Hosting.Runs;
using SovereigntySim.Scenarios;

namespace SovereigntySim.Web;

/// <summary>How to start a run: a shipped scenario by name or an uploaded YAML text, with a seed, --set overrides,
/// a speed and whether it starts paused.</summary>
public sealed record StartRunRequest
{
    public string? Scenario { get; init; }
    public string? Yaml { get; init; }
    public string? FileName { get; init; }
    public long? Seed { get; init; }
    public string[]? Overrides { get; init; }
    public string? Speed { get; init; }
    public bool Paused { get; init; }
}

/// <summary>The live server's runs, side by side, on the co-hosted silo. Runs go through the same RunPipeline as
/// `sovsim run`, on the Orleans engine.</summary>
public sealed class RunManager(IClusterClient client, IHubContext<LiveHub> hub, ServeOptions options, IOptions<LiveOptions> live, IOptions<Grains.FaultToleranceOptions> faults,
    ILoggerFactory logs)
{
    private readonly SiloLoss _loss = new(faults.Value);
    private readonly ConcurrentDictionary<string, LiveRun> _runs = new(StringComparer.Ordinal);
    private readonly ILogger _log = logs.CreateLogger<RunManager>();
    private readonly Lock _latencyGate = new();
    private readonly List<double> _latencies = [];

    public IEnumerable<LiveRun> Runs => _runs.Values.OrderBy(r => r.Started);

    public LiveRun? Get(string id) => _runs.GetValueOrDefault(id);

    /// <summary>The shipped scenarios (name → file), from the scenarios folder.</summary>
    public IReadOnlyDictionary<string, string> Scenarios()
    {
        var dir = options.ScenariosDirectory;
        if (dir is null || !Directory.Exists(dir)) return new Dictionary<string, string>();
        return Directory.EnumerateFiles(dir, "*.yaml").OrderBy(f => f, StringComparer.Ordinal)
            .ToDictionary(f => Path.GetFileNameWithoutExtension(f), f => f, StringComparer.Ordinal);
    }

    public async Task<LiveRun> StartAsync(StartRunRequest request)
    {
        var speed = SpeedOf(request.Speed);
        var (spec, provenance, source, _) = Load(request.Scenario, request.Yaml, request.FileName, request.Seed, request.Overrides);
        return await LaunchAsync(async () =>
        {
            Forget();
            var silos = await SilosAsync();
            var engine = await RunHost.StartOnAsync(client, spec, watch: silos);
            return (new LiveRun(engine.RunId, source, new RunRequest(spec, provenance), speed, request.Paused, logs.CreateLogger<LiveRun>(), FolderOf(engine.RunId), live.Value)
                { Silos = silos }, engine);
        });
    }

    private static Speed SpeedOf(string? text) =>
        text is null ? Speed.OneDayPerSecond
        : Speed.TryParse(text, out var speed, out var error) ? speed : throw new LiveInputException($"speed: expected {error}");

    /// <summary>Takes a place among the active runs, starts the run <paramref name="start"/> makes and publishes it. The
    /// limit counts runs that are starting too: checking and taking a place is one step, so a flood of requests cannot
    /// all pass the check before any of them is counted.</summary>
    private async Task<LiveRun> LaunchAsync(Func<Task<(LiveRun Run, ISimulationEngine Engine)>> start)
    {
        lock (_gate)
        {
            if (_runs.Values.Count(r => !r.Finished) + _starting >= options.MaxActiveRuns)
                throw new LiveInputException($"at most {options.MaxActiveRuns} runs at a time: stop one first");
            _starting++;
        }
        try
        {
            var (run, engine) = await start();
            run.Sink.Publish = update => Send(run.Id, update);
            _runs[run.Id] = run;
            LiveMetrics.RunsActive.Add(1);
            run.Start(engine, ended =>
            {
                LiveMetrics.RunsActive.Add(-1);
                _ = GoOnAfterLossAsync(ended);
            });
            return run;
        }
        finally
        {
            lock (_gate) _starting--;
        }
    }

    /// <summary>On a cluster, the silos active now (a run started now lives on one of them); null on the embedded silo.</summary>
    private async Task<ClusterWatch?> SilosAsync() => options.Cluster is { } db ? await ClusterWatch.StartAsync(db) : null;

    private readonly ConcurrentDictionary<string, int> _losses = new(StringComparer.Ordinal);

    /// <summary>A run on a cluster whose silo was lost goes on by itself from its last checkpoint, on the silos left, under
    /// the same id, as `sovsim run --cluster` does (the rule of <see cref="SiloLoss"/>); any other failure stays a failure,
    /// which a user may continue.</summary>
    private async Task GoOnAfterLossAsync(LiveRun run)
    {
        if (run.Failure is not { } failure || run.Silos is not { } silos || !run.Resumable) return;
        try
        {
            int attempt = _losses.AddOrUpdate(run.Id, 0, (_, n) => n + 1);
            if (await _loss.VerdictAsync(failure, attempt, silos.LostSiloWithinAsync, CancellationToken.None) is not { } lost) return;
            _log.LogWarning("run {RunId}: {Lost}; going on from its last checkpoint on the silos left", run.Id, lost);
            await ContinueAsync(run.Id, null, paused: false, speed: run.Speed);
        }
        catch (Exception e)
        {
            _log.LogError(e, "run {RunId} could not go on after a lost silo", run.Id);
        }
    }

    /// <summary>A live run's folder: results/serve/runs/ID, as `sovsim run` writes one.</summary>
    private string FolderOf(string id) => Path.Combine(options.ResultsDirectory, "runs", id);

    /// <summary>Goes on with a stopped run from the checkpoint its stop left in its folder, under the same id, paused
    /// or at <paramref name="speed"/>; it ends with the digest it would have had without the stop. Works on a run
    /// this server no longer lists (or an earlier server started), from its folder alone.</summary>
    public async Task<LiveRun> ContinueAsync(string id, string? speedText, bool paused, Speed? speed = null)
    {
        var pace = speed ?? SpeedOf(speedText);
        if (_runs.TryGetValue(id, out var running) && !running.Finished)
            throw new LiveInputException($"run {id} is still {running.Status}: stop it first");
        var folder = FolderOf(id);
        if (id.Length == 0 || id.Any(c => !(char.IsAsciiLetterOrDigit(c) || c is '-' or '_')) || !Directory.Exists(folder))
            throw new LiveNotFoundException($"no run {SafeText.Excerpt(id, 60)} in {options.ResultsDirectory}");
        var store = new FolderCheckpointStore(folder);
        RunCheckpoint checkpoint;
        try
        {
            checkpoint = await store.LoadAsync() ?? throw new LiveInputException($"run {id} left no checkpoint: it completed, or ended before its first");
        }
        catch (Domain.Checkpoints.CheckpointException e) { throw new LiveInputException($"run {id}'s checkpoint cannot be read: {e.Message}"); }
        var spec = checkpoint.Spec(store.Where);
        return await LaunchAsync(async () =>
        {
            var silos = await SilosAsync();
            var engine = await RunHost.StartOnAsync(client, spec, checkpoint.Snapshot, silos);
            return (new LiveRun(id, running?.Source ?? spec.Name, new RunRequest(spec, checkpoint.Header.Provenance), pace, paused, logs.CreateLogger<LiveRun>(), folder, live.Value, checkpoint)
                { Silos = silos }, engine);
        });
    }

    private readonly object _gate = new();
    private int _starting;

    /// <summary>A shipped scenario or an uploaded text, with overrides and seed, validated like `sovsim run`; with the
    /// text it was read from (an ensemble plans its replicates on it).</summary>
    private (Domain.Scenario.ScenarioSpec Spec, Provenance Provenance, string Source, string Text) Load(string? scenario, string? yamlText, string? fileName, long? seed, string[]? extra)
    {
        if ((scenario is null) == (yamlText is null))
            throw new LiveInputException("give either scenario (the name of a shipped scenario) or yaml (the text of a scenario file)");
        if (seed is < 0) throw new LiveInputException("seed: expected a seed of 0 or more");
        var overrides = (extra ?? []).Concat(seed is { } s ? [$"seed={s}"] : []).ToList();
        ScenarioLoadResult loaded;
        Provenance provenance;
        string source, text;
        if (scenario is { } name)
        {
            if (!Scenarios().TryGetValue(name, out var file))
                throw new LiveInputException($"scenario: expected one of {string.Join(", ", Scenarios().Keys)}, found '{SafeText.Excerpt(name, 60)}'");
            var (read, refused) = ScenarioLoader.Read(file);
            text = read ?? "";
            loaded = refused ?? ScenarioLoader.LoadText(text, file, overrides);
            provenance = Provenance.Of(file, overrides) with { CommandLine = "sovsim serve" };
            source = name;
        }
        else
        {
            var yaml = text = yamlText!;
            source = SafeName(fileName);
            int bytes = Encoding.UTF8.GetByteCount(yaml);
            loaded = bytes > Limits.MaxFileBytes
                ? new ScenarioLoadResult(null, [new ScenarioError(source, 1, 1, "(root)", $"a scenario file of at most {Limits.MaxFileBytes / 1024:N0} KiB", $"{bytes / 1024:N0} KiB")])
                : ScenarioLoader.LoadText(yaml, source, overrides);
            provenance = new Provenance(source, Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(yaml))), overrides, "sovsim serve (uploaded)");
        }
        if (!loaded.Ok) throw new LiveInputException($"the scenario has {loaded.Errors.Count} error(s); first: {loaded.Errors[0]}", loaded.Errors);
        return (loaded.Spec!, provenance, source, text);
    }

    /// <summary>The parameters of a shipped scenario the page draws as form controls, each marked when it can also change
    /// while a run goes.</summary>
    public IReadOnlyList<ParameterView> Parameters(string scenario) =>
        ScenarioParameters.Of(Load(scenario, null, null, null, null).Spec).Select(ParameterView.Of).ToList();

    private readonly ConcurrentDictionary<string, LiveEnsemble> _ensembles = new(StringComparer.Ordinal);

    public LiveEnsemble? GetEnsemble(string id) => _ensembles.GetValueOrDefault(id);

    public IEnumerable<LiveEnsemble> Ensembles => _ensembles.Values.OrderBy(e => e.Started);

    /// <summary>Starts a replicated run for the ensemble view (at most one running at a time: it takes the cores).</summary>
    public LiveEnsemble StartEnsemble(StartEnsembleRequest request)
    {
        if (request.Replications is < 2 or > LiveEnsemble.MaxReplications)
            throw new LiveInputException($"replications: expected 2 to {LiveEnsemble.MaxReplications}, found {request.Replications}");
        if (request.Parallel < 1 || request.Parallel > Math.Max(1, Environment.ProcessorCount))
            throw new LiveInputException($"parallel: expected 1 to {Math.Max(1, Environment.ProcessorCount)} (the cores), found {request.Parallel}");
        if (request.Run is { } runId && (request.Scenario ?? request.Yaml) is not null)
            throw new LiveInputException("give run (a live run to replicate) or a scenario, not both");
        var watched = request.Run is { } named ? Get(named) ?? throw new LiveNotFoundException($"no run '{SafeText.Excerpt(named, 80)}'") : null;
        var (spec, provenance, source, text) = watched is null
            ? Load(request.Scenario, request.Yaml, request.FileName, request.Seed, request.Overrides)
            : Load(null, watched.ExportYaml(), $"{watched.Source}-live-{watched.Id[^Math.Min(12, watched.Id.Length)..]}.yaml", request.Seed, request.Overrides);
        // The replications experiment of `sovsim run --replications`, planned on the same text and overrides.
        var (plan, errors) = ExperimentPlan.BuildFromText(ExperimentKind.Replications, text, provenance.ScenarioFile ?? source, provenance.Overrides, s => s, [], [[]],
            request.Replications, provenance);
        if (plan is null) throw new LiveInputException($"the scenario has {errors.Count} error(s); first: {errors[0]}", errors);
        var id = $"{spec.Name}-{spec.Seed}-x{request.Replications}-{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(4))}";
        var ensemble = new LiveEnsemble(id, source, watched?.Id, plan, Path.Combine(options.ResultsDirectory, id), request.Parallel, logs.CreateLogger<LiveEnsemble>());
        ensemble.Publish = update => hub.Clients.Group(EnsembleGroup(id)).SendAsync("ensemble", update).ContinueWith(
            t => _log.LogWarning(t.Exception, "ensemble {EnsembleId}: push failed", id), TaskContinuationOptions.OnlyOnFaulted);
        // One check, add and start: two requests cannot both find no ensemble running (one not yet started would
        // look finished).
        lock (_gate)
        {
            if (_ensembles.Values.Count(e => !e.Finished) >= options.MaxActiveEnsembles)
                throw new LiveInputException($"{options.MaxActiveEnsembles} ensembles are running, the most at a time: stop one first");
            foreach (var old in _ensembles.Values.Where(e => e.Finished).OrderBy(e => e.Started).SkipLast(7).ToList()) _ensembles.TryRemove(old.Id, out _);
            _ensembles[id] = ensemble;
            ensemble.Start(client);
        }
        return ensemble;
    }

    public static string EnsembleGroup(string id) => $"ensemble:{id}";

    /// <summary>Finished runs stay viewable; beyond <see cref="ServeOptions.MaxKeptRuns"/> the oldest finished go.</summary>
    private void Forget()
    {
        foreach (var old in _runs.Values.Where(r => r.Finished).OrderBy(r => r.Started).SkipLast(options.MaxKeptRuns - 1).ToList())
            _runs.TryRemove(old.Id, out _);
    }

    private void Send(string runId, LiveUpdate update) =>
        hub.Clients.Group(runId).SendAsync("update", update).ContinueWith(
            t => _log.LogWarning(t.Exception, "run {RunId}: push failed", runId), TaskContinuationOptions.OnlyOnFaulted);

    private static string SafeName(string? name)
    {
        var n = Path.GetFileName(name ?? "");
        n = new string([.. n.Where(c => char.IsLetterOrDigit(c) || c is '.' or '_' or '-').Take(100)]);
        return n.Length == 0 ? "upload.yaml" : n;
    }

    /// <summary>A push latency the page measured (ms), for /metrics and the latency percentiles.</summary>
    public void RecordLatency(double ms)
    {
        if (!(ms >= 0 && ms < 600_000)) return;
        LiveMetrics.PushLatency.Record(ms);
        lock (_latencyGate)
        {
            _latencies.Add(ms);
            if (_latencies.Count > 100_000) _latencies.RemoveRange(0, 50_000);
        }
    }

    public (int Count, double P50, double P95, double Max) Latency()
    {
        double[] sorted;
        lock (_latencyGate) sorted = [.. _latencies.Order()];
        if (sorted.Length == 0) return (0, double.NaN, double.NaN, double.NaN);
        double Q(double q) => sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(q * sorted.Length) - 1)];
        return (sorted.Length, Q(0.5), Q(0.95), sorted[^1]);
    }

    public void ResetLatency()
    {
        lock (_latencyGate) _latencies.Clear();
    }

    public async Task StopAllAsync()
    {
        foreach (var r in _runs.Values) r.Stop();
        foreach (var e in _ensembles.Values) e.Stop();
        await Task.WhenAll(_runs.Values.Select(r => r.Completion).Concat(_ensembles.Values.Select(e => e.Completion)));
    }
}

/// <summary>The SignalR hub: an observer watches a run (it gets the run's whole state at once, then every update)
/// and reports how late each update arrived.</summary>
public sealed class LiveHub(RunManager runs) : Hub
{
    public async Task<LiveUpdate> Watch(string runId)
    {
        var run = runs.Get(runId) ?? throw new HubException($"no run '{SafeText.Excerpt(runId, 80)}'");
        await Groups.AddToGroupAsync(Context.ConnectionId, run.Id);
        return run.Sink.Snapshot();
    }

    public Task Unwatch(string runId) => Groups.RemoveFromGroupAsync(Context.ConnectionId, runId);

    public async Task<EnsembleUpdate> WatchEnsemble(string ensembleId)
    {
        var ensemble = runs.GetEnsemble(ensembleId) ?? throw new HubException($"no ensemble '{SafeText.Excerpt(ensembleId, 80)}'");
        await Groups.AddToGroupAsync(Context.ConnectionId, RunManager.EnsembleGroup(ensemble.Id));
        return ensemble.Snapshot();
    }

    public Task UnwatchEnsemble(string ensembleId) => Groups.RemoveFromGroupAsync(Context.ConnectionId, RunManager.EnsembleGroup(ensembleId));

    public void Received(double latencyMs) => runs.RecordLatency(latencyMs);
}
