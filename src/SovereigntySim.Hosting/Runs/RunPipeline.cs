using System.Diagnostics;
using SovereigntySim.Domain.Metrics;
using SovereigntySim.Domain.Simulation;
using SovereigntySim.Hosting.Engines;

namespace SovereigntySim.Hosting.Runs;

/// <summary>
/// Receives a run as it goes: the events of each slice with their exact log bytes, then the result. Sinks combine:
/// the event log file, the run folder's tables, a progress display, an experiment's outcome table.
/// </summary>
public interface IRunSink
{
    void Begin(RunRequest request, World world) { }
    void Write(Slice slice, ReadOnlySpan<byte> logLines) { }
    /// <summary>After a slice's events are folded into the run's metrics: live views read them here.</summary>
    void Folded(Slice slice, MetricsAccumulator metrics) { }
    /// <summary>Called once at the end, also when the run was interrupted or failed: what was computed is kept.</summary>
    Task EndAsync(RunResult result, MetricsAccumulator metrics) => Task.CompletedTask;
}

/// <summary>
/// The point between slices where a run is steered: it may wait (paused, or paced: <see cref="PacedRun"/>), apply
/// interventions through the engine (only here, at a slice boundary, so the kernel sees them as scripted events),
/// and says where the next slice ends. Without one, the pipeline runs a day per slice.
/// </summary>
public interface IRunControl
{
    /// <summary>The tick the next slice runs to (beyond <paramref name="tick"/>), once the run may go on.</summary>
    Task<long> NextSliceAsync(ISimulationEngine engine, long tick, CancellationToken cancellation);

    /// <summary>What the run is now, for a checkpoint: the request with the events the control added while it ran
    /// (the live server's interventions), so a run resumed from it goes on as this one would.</summary>
    RunRequest Effective(RunRequest request) => request;
}

/// <summary>
/// The one way a run is made, shared by `sovsim run`, experiments and run workers: scenario (request) -> engine ->
/// sinks. It asks the engine for one slice at a time, hashes the canonical log, folds metrics, feeds the sinks, and
/// stops between slices when cancelled.
/// </summary>
public static class RunPipeline
{
    public static async Task<RunResult> RunAsync(
        ISimulationEngine engine, RunRequest request, IReadOnlyList<IRunSink> sinks, CancellationToken cancellation = default,
        RunCheckpoints? checkpoints = null, IRunControl? control = null)
    {
        var world = engine.World;
        var clock = world.Clock;
        var metrics = MetricsAccumulator.For(world);
        var wall = Stopwatch.StartNew();
        var simulation = new Stopwatch();
        long tick = 0, rounds = 0, deliveries = 0;
        Exception? failure = null;
        using var log = new EventLogWriter(clock);
        if (checkpoints?.From is { } from)
        {
            // Resuming: the log up to the checkpoint, checked against its hash, continues the digest and refolds the
            // metrics; the engine was started from the checkpoint's snapshot.
            var prefix = RunCheckpoints.VerifiedPrefix(checkpoints.Directory, from.Header);
            log.Continue(prefix);
            foreach (var e in EventLogReader.Read(prefix)) metrics.Add(e);
            if (metrics.Events != from.Header.Events)
                throw new Domain.Checkpoints.CheckpointException($"the log up to the checkpoint holds {metrics.Events} events, the checkpoint says {from.Header.Events}");
            tick = from.Header.Tick;
        }
        // Checkpoints fall on multiples of the period from the run's start, resumed or not.
        long NextCheckpoint() => checkpoints is null || checkpoints.EveryTicks == long.MaxValue ? long.MaxValue : (tick / checkpoints.EveryTicks + 1) * checkpoints.EveryTicks;
        long nextCheckpoint = NextCheckpoint();
        foreach (var sink in sinks) sink.Begin(request, world);
        // Without a control point, a simulated day per slice keeps progress fresh (a paced run has one: PacedRun).
        long sliceTicks = clock.TicksPerDay;
        while (tick < clock.EndTick && !cancellation.IsCancellationRequested)
        {
            long until = Math.Min(clock.EndTick, tick + sliceTicks);
            if (control is not null)
            {
                try { until = Math.Clamp(await control.NextSliceAsync(engine, tick, cancellation), tick + 1, clock.EndTick); }
                catch (OperationCanceledException) when (cancellation.IsCancellationRequested) { break; }
            }
            Slice slice;
            simulation.Start();
            try { slice = await engine.RunAsync(until); }
            catch (Exception e)
            {
                // Keep what was computed: the sinks get everything up to the last whole slice, then the error.
                failure = e;
                break;
            }
            finally { simulation.Stop(); }
            ReadOnlyMemory<byte> lines;
            try { lines = log.Write(slice.Events); }
            catch (InvalidDataException e)
            {
                // A slice that cannot be logged is not kept; everything before it is.
                failure = e;
                break;
            }
            checkpoints?.Logged(lines.Span);
            foreach (var sink in sinks) sink.Write(slice, lines.Span);
            foreach (var e in slice.Events) metrics.Add(e);
            foreach (var sink in sinks) sink.Folded(slice, metrics);
            tick = slice.NextTick;
            rounds += slice.Rounds;
            deliveries += slice.Deliveries;
            if (slice.Finished) tick = clock.EndTick;
            // A checkpoint at the period, and on Ctrl-C so the run can be resumed from where it stopped.
            if (checkpoints is not null && tick < clock.EndTick && (tick >= nextCheckpoint || cancellation.IsCancellationRequested))
            {
                try { await checkpoints.SaveAsync(engine, control?.Effective(request) ?? request, tick, log, metrics.Events, force: cancellation.IsCancellationRequested); }
                catch (Exception e)
                {
                    failure = e;
                    break;
                }
                nextCheckpoint = NextCheckpoint();
            }
        }
        // Stopped between slices (a paused live run): the checkpoint is taken where it stopped.
        if (failure is null && checkpoints is not null && cancellation.IsCancellationRequested && tick < clock.EndTick && checkpoints.LastTick != tick)
        {
            try { await checkpoints.SaveAsync(engine, control?.Effective(request) ?? request, tick, log, metrics.Events, force: true); }
            catch (Exception e) { failure = e; }
        }
        // A checkpoint still being stored may fail now (the database went away meanwhile): that fails the run like a
        // slice would, after the sinks have everything computed; the store's last whole checkpoint is the one to resume.
        if (checkpoints is not null)
        {
            try { await checkpoints.EndAsync(completed: failure is null && tick >= clock.EndTick); }
            catch (Exception e) { failure ??= e; }
        }
        metrics.Finish(tick);
        var summary = metrics.Summary();
        var result = new RunResult(world.Spec.Name, world.Seed, log.Digest(), wall.Elapsed.TotalSeconds, simulation.Elapsed.TotalSeconds,
            metrics.Events, (long)summary.Totals["migrantEvents"], tick >= clock.EndTick, clock.Iso(tick), summary, engine.Name, PeakRss(),
            rounds, deliveries, request.Provenance, failure is null ? null : $"{failure.GetType().Name}: {failure.Message.Split('\n')[0].TrimEnd()}");
        foreach (var sink in sinks) await sink.EndAsync(result, metrics);
        if (failure is not null) throw new RunFailedException(result, failure);
        return result;
    }

    /// <summary>Peak resident set of this process so far (VmHWM on Linux).</summary>
    public static long PeakRss()
    {
        using var self = Process.GetCurrentProcess();
        return self.PeakWorkingSet64;
    }

}

/// <summary>Reports progress after each slice.</summary>
public sealed class ProgressSink(IProgress<RunProgress> progress) : IRunSink
{
    private readonly Stopwatch _wall = new();
    private long _events, _endTick;
    private SimClock? _clock;

    public void Begin(RunRequest request, World world)
    {
        _clock = world.Clock;
        _endTick = world.Clock.EndTick;
        _wall.Restart();
    }

    public void Write(Slice slice, ReadOnlySpan<byte> logLines)
    {
        _events += slice.Events.Count;
        progress.Report(new RunProgress(slice.NextTick, _endTick, _clock!.Iso(slice.NextTick), _events, _events / Math.Max(1e-9, _wall.Elapsed.TotalSeconds)));
    }
}
