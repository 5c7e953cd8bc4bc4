using System.Diagnostics;
using Microsoft.Extensions.Logging;
using SovereigntySim.Domain.Scenario;
using SovereigntySim.Hosting;
using SovereigntySim.Hosting.Engines;
using SovereigntySim.Hosting.Outputs;
using SovereigntySim.Hosting.Runs;
using SovereigntySim.Scenarios;

namespace SovereigntySim.Web;

public static class LiveStatus
{
    public const string Running = "running", Paused = "paused", Completed = "completed", Failed = "failed", Stopped = "stopped";
}

/// <summary>
/// One run of the live server. It goes through <see cref="RunPipeline"/> like `sovsim run`; this object is the
/// pipeline's control point between slices (<see cref="IRunControl"/>): pause, resume, step a tick or a day, pace at
/// a speed, and apply interventions. Interventions only ever reach the kernel here, at a slice boundary, as scripted
/// events at the current tick, so the run stays deterministic and its export replays it.
/// </summary>
public sealed class LiveRun : IRunControl
{
    private readonly object _gate = new();
    private readonly ILogger _log;
    private readonly CancellationTokenSource _stop = new();
    private readonly List<Intervention> _interventions = [];
    private readonly Queue<(InterventionRequest Request, TaskCompletionSource<Intervention> Done)> _pending = new();
    private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private bool _paused;
    private long? _stepTo;
    private Speed _speed;
    // Pacing (the same as `sovsim run --speed`): anchored again whenever the speed or the pause changes.
    private readonly Pacer _pacer;

    public LiveRun(string id, string source, RunRequest request, Speed speed, bool paused, ILogger log, string folder, LiveOptions options, RunCheckpoint? from = null)
    {
        Id = id;
        Source = source;
        Request = request;
        Folder = folder;
        From = from;
        _speed = speed;
        _paused = paused;
        _log = log;
        Clock = new Domain.Simulation.SimClock(request.Spec.Start, request.Spec.Step, request.Spec.Duration);
        _pacer = new Pacer(Clock);
        _pacer.Set(speed.SimulatedSecondsPerSecond, 0);
        Sink = new LiveSink(this, options);
    }

    public string Id { get; }
    /// <summary>The run's folder (events.jsonl, summary.json, tables, and the checkpoint a stopped run leaves), as
    /// `sovsim run` writes one.</summary>
    public string Folder { get; }
    /// <summary>The checkpoint this run went on from (POST /api/runs/{id}/continue), or null.</summary>
    public RunCheckpoint? From { get; }
    /// <summary>Stopped or failed before its end with a checkpoint in its folder: it can go on from there.</summary>
    public bool Resumable => Result is { Completed: false } && _checkpoints?.LastTick is not null;
    private RunCheckpoints? _checkpoints;
    /// <summary>The shipped scenario's name or the uploaded file's name.</summary>
    public string Source { get; }
    public RunRequest Request { get; }
    public Domain.Simulation.SimClock Clock { get; }
    public LiveSink Sink { get; }
    public long Tick { get; private set; }
    public RunResult? Result { get; private set; }
    public string? Error { get; private set; }
    public Task Completion { get; private set; } = Task.CompletedTask;
    /// <summary>What failed the run (a slice, a checkpoint), or null.</summary>
    public Exception? Failure { get; private set; }
    /// <summary>On a cluster: the silos the run started with, to tell a lost silo from a failure of the run's own.</summary>
    public ClusterWatch? Silos { get; init; }
    public DateTimeOffset Started { get; } = DateTimeOffset.UtcNow;
    /// <summary>Seconds of wall time the paced run is behind its schedule at the last boundary (0 when on time).</summary>
    public double BehindSeconds { get; private set; }

    public string Status
    {
        get
        {
            lock (_gate)
            {
                if (Result is { } r) return r.Error is not null ? LiveStatus.Failed : r.Completed ? LiveStatus.Completed : LiveStatus.Stopped;
                if (Error is not null) return LiveStatus.Failed;
                return _paused ? LiveStatus.Paused : LiveStatus.Running;
            }
        }
    }

    public Speed Speed { get { lock (_gate) return _speed; } }

    public IReadOnlyList<Intervention> Interventions { get { lock (_gate) return [.. _interventions]; } }

    public bool Finished => Result is not null || Error is not null;

    /// <summary>Runs the pipeline on <paramref name="engine"/> in the background; the engine is disposed at the end.</summary>
    public void Start(ISimulationEngine engine, Action<LiveRun> ended)
    {
        // The run outlives the request that started it: it must not carry that request's logging scopes.
        using var detached = ExecutionContext.SuppressFlow();
        Completion = Task.Run(async () =>
        {
            using var scope = _log.BeginScope("RunId:{RunId}", Id);
            _log.LogInformation("run {RunId} started: {Scenario} seed {Seed}, speed {Speed}{Paused}", Id, Request.Spec.Name, Request.Spec.Seed, _speed, _paused ? ", paused" : "");
            try
            {
                await using (engine)
                {
                    RunResult result;
                    // Checkpoints as `sovsim run` takes them by default (a simulated week, within 10% of the time), and one
                    // on stop: a stopped run goes on from where it stopped, one whose silo or server died from its last.
                    _checkpoints = CheckpointPlan.Auto(Request.Spec).Checkpoints(Folder, From);
                    var sinks = (IReadOnlyList<IRunSink>)[.. RunFolder.Sinks(Folder, From?.Header.LogOffset ?? 0), Sink];
                    try { result = await RunPipeline.RunAsync(engine, Request, sinks, cancellation: _stop.Token, checkpoints: _checkpoints, control: this); }
                    catch (RunFailedException failed)
                    {
                        result = failed.Result;
                        Failure = failed.InnerException;
                    }
                    // The last slice's point and totals are in place before the run shows as ended: an observer who
                    // sees "completed" reads the whole run, not the state of the last periodic push.
                    Sink.PushNow();
                    Result = result;
                }
                _log.LogInformation("run {RunId} ended at {Time}: {Status}, digest {Digest}, {Events} events{Error}", Id, Result.SimulatedUntil, Status, Result.Digest, Result.Events,
                    Result.Error is null ? "" : $", error {Result.Error}");
            }
            catch (Exception e)
            {
                Error = $"{e.GetType().Name}: {e.Message.Split('\n')[0]}";
                _log.LogError(e, "run {RunId} failed: {Error}", Id, Error);
            }
            finally
            {
                FailPending(new LiveInputException("the run has ended"));
                Sink.PushNow();
                ended(this);
            }
        });
    }

    public void Stop()
    {
        _stop.Cancel();
        Signal();
    }

    public void Pause()
    {
        lock (_gate) { _paused = true; _stepTo = null; }
        Signal();
    }

    public void Resume()
    {
        lock (_gate) { _paused = false; _stepTo = null; Anchor(); }
        Signal();
    }

    /// <summary>Runs one step, or to the end of the current simulated day, then pauses.</summary>
    public void Step(bool day)
    {
        lock (_gate)
        {
            long to = day ? Clock.NextDayStart(Tick) : Tick + 1;
            _stepTo = Math.Min(to, Clock.EndTick);
            _paused = false;
            Anchor();
        }
        Signal();
    }

    public void SetSpeed(Speed speed)
    {
        lock (_gate) { _speed = speed; _pacer.Set(speed.SimulatedSecondsPerSecond, Tick); }
        Signal();
    }

    /// <summary>Queues an intervention for the next slice boundary and waits until it has been applied (or refused).</summary>
    public Task<Intervention> InterveneAsync(InterventionRequest request)
    {
        var done = new TaskCompletionSource<Intervention>(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_gate)
        {
            if (Finished) throw new LiveInputException($"the run has ended ({Status}); interventions go into a running or paused run");
            _pending.Enqueue((request, done));
        }
        Signal();
        return done.Task;
    }

    public RunRequest Effective(RunRequest request) => request with { Spec = ExportSpec() };

    /// <summary>The effective scenario plus the interventions as timed events: `sovsim run` replays this run from it.</summary>
    public ScenarioSpec ExportSpec()
    {
        lock (_gate) return Request.Spec with { Events = [.. Request.Spec.Events, .. _interventions.Select(i => i.Event)] };
    }

    public string ExportYaml()
    {
        var interventions = Interventions;
        var header = $"Exported by sovsim serve from live run {Id} ({Source}, seed {Request.Spec.Seed}).\n"
                     + "The run's effective scenario; the interventions made while it ran are its last "
                     + $"{interventions.Count} event(s):\n"
                     + string.Join("\n", interventions.Select(i => $"  {i.Number}. {i.Time} (tick {i.Tick}): {i.Description}"))
                     + (Result is { Completed: true } r ? $"\nLive digest: {r.Digest}" : "");
        return ScenarioWriter.Write(ExportSpec(), header);
    }

    private void Anchor() => _pacer.Anchor(Tick);

    private void Signal()
    {
        TaskCompletionSource changed;
        lock (_gate)
        {
            changed = _changed;
            _changed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }
        changed.TrySetResult();
    }

    private void FailPending(Exception e)
    {
        lock (_gate)
            while (_pending.TryDequeue(out var p)) p.Done.TrySetException(e);
    }

    public async Task<long> NextSliceAsync(ISimulationEngine engine, long tick, CancellationToken cancellation)
    {
        lock (_gate)
        {
            if (_paused || _speed.IsMax) Anchor();
            Tick = tick;
        }
        while (true)
        {
            cancellation.ThrowIfCancellationRequested();
            await ApplyPending(engine, tick);
            Task changed;
            double wait = 0;
            lock (_gate)
            {
                changed = _changed.Task;
                if (_stepTo is { } to && tick >= to)
                {
                    _paused = true;
                    _stepTo = null;
                }
                if (!_paused)
                {
                    if (_stepTo is not null || _speed.IsMax) return SliceEnd(tick);
                    // Paced: this slice may start when the wall clock reaches its tick on the schedule.
                    wait = _pacer.Wait(tick);
                    BehindSeconds = Math.Max(0, -wait);
                    if (wait <= 0) return SliceEnd(tick);
                }
            }
            if (_paused) Sink.PushNow(); // observers see the pause, and where it stopped
            var sleep = wait > 0 ? Task.Delay(TimeSpan.FromSeconds(wait), cancellation) : Task.Delay(Timeout.Infinite, cancellation);
            await Task.WhenAny(changed, sleep);
        }
    }

    /// <summary>Where the slice starting at <paramref name="tick"/> ends: a step target, or as the pacing says.</summary>
    private long SliceEnd(long tick) => _stepTo is { } to ? to : _pacer.SliceEnd(tick);

    private async Task ApplyPending(ISimulationEngine engine, long tick)
    {
        while (true)
        {
            (InterventionRequest Request, TaskCompletionSource<Intervention> Done) next;
            lock (_gate) if (!_pending.TryDequeue(out next)) return;
            try
            {
                var e = InterventionRules.ToEvent(ExportSpec(), next.Request, tick);
                await engine.InjectAsync(e);
                Intervention recorded;
                lock (_gate)
                {
                    recorded = new Intervention(_interventions.Count + 1, tick, Clock.Iso(tick), InterventionRules.Describe(e), e, next.Request.Set);
                    _interventions.Add(recorded);
                }
                _log.LogInformation("run {RunId}: intervention {Number} at {Time}: {Description}", Id, recorded.Number, recorded.Time, recorded.Description);
                Sink.Intervened(recorded);
                next.Done.TrySetResult(recorded);
            }
            catch (Exception e)
            {
                // Bad input is the caller's answer (400); the run goes on.
                _log.LogInformation("run {RunId}: intervention refused: {Reason}", Id, e.Message);
                next.Done.TrySetException(e is LiveInputException ? e : new LiveInputException(e.Message));
            }
        }
    }
}
