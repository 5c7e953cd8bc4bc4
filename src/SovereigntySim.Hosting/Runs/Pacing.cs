using System.Diagnostics;
using SovereigntySim.Domain.Simulation;
using SovereigntySim.Hosting.Engines;

namespace SovereigntySim.Hosting.Runs;

/// <summary>
/// Pacing a run against the wall clock, the one way `sovsim run --speed` and the live server do it: a slice may start
/// when the wall clock reaches its first tick on the schedule set by the speed from an anchor (the wall time at
/// which the run was at a tick; set again whenever the speed changes or a pause ends), and a paced slice covers as
/// many steps as 50 ms of wall time do (so pacing stays smooth without a call per step), never past a day's end.
/// </summary>
public sealed class Pacer(SimClock clock)
{
    private readonly Stopwatch _wall = Stopwatch.StartNew();
    private double _anchorWall;
    private long _anchorTick;

    /// <summary>Simulated seconds per wall second; null: as fast as possible.</summary>
    public double? Speed { get; private set; }

    public void Set(double? speed, long tick)
    {
        Speed = speed;
        Anchor(tick);
    }

    public void Anchor(long tick)
    {
        _anchorWall = _wall.Elapsed.TotalSeconds;
        _anchorTick = tick;
    }

    /// <summary>Wall seconds until the slice starting at <paramref name="tick"/> is due (0 or less: due now).</summary>
    public double Wait(long tick) => Speed is { } speed
        ? _anchorWall + (tick - _anchorTick) * clock.Step.TotalSeconds / speed - _wall.Elapsed.TotalSeconds
        : 0;

    /// <summary>Where the slice starting at <paramref name="tick"/> ends: a day at full speed, else the steps 50 ms cover.</summary>
    public long SliceEnd(long tick)
    {
        if (Speed is not { } speed) return clock.NextDayStart(tick);
        long steps = Math.Max(1, (long)(speed * 0.05 / clock.Step.TotalSeconds));
        return Math.Min(tick + steps, clock.NextDayStart(tick));
    }
}

/// <summary>`sovsim run --speed X`: each slice starts when it is due at X simulated seconds per wall second, counted
/// from where the run starts (a resumed run is paced from its checkpoint).</summary>
public sealed class PacedRun(SimClock clock, double speed) : IRunControl
{
    private readonly Pacer _pacer = new(clock);
    private bool _started;

    public async Task<long> NextSliceAsync(ISimulationEngine engine, long tick, CancellationToken cancellation)
    {
        if (!_started)
        {
            _pacer.Set(speed, tick);
            _started = true;
        }
        double wait = _pacer.Wait(tick);
        if (wait > 0) await Task.Delay(TimeSpan.FromSeconds(wait), cancellation);
        return _pacer.SliceEnd(tick);
    }
}
