using System.Globalization;

namespace SovereigntySim.Domain.Simulation;

/// <summary>Simulated time: tick n is Start + n·Step. Nothing here reads the wall clock.</summary>
public sealed class SimClock(DateTimeOffset start, TimeSpan step, TimeSpan duration)
{
    public DateTimeOffset Start { get; } = start;
    public TimeSpan Step { get; } = step;
    public long EndTick { get; } = duration.Ticks / step.Ticks;
    public long TicksPerDay { get; } = TimeSpan.TicksPerDay / step.Ticks;

    public DateTimeOffset TimeOf(long tick) => Start + TimeSpan.FromTicks(tick * Step.Ticks);
    public string Iso(long tick) => TimeOf(tick).UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    /// <summary>Ticks covering at least the given hours (never zero for a positive delay).</summary>
    public long TicksFor(double hours) => hours <= 0 ? 0 : Math.Max(1, (long)Math.Ceiling(hours * TimeSpan.TicksPerHour / Step.Ticks - 1e-9));
    public long TicksForDays(double days) => TicksFor(days * 24);
    public long TickAt(TimeSpan offset) => (long)Math.Ceiling((double)offset.Ticks / Step.Ticks - 1e-9);

    public int DayIndex(long tick) => (int)(tick / TicksPerDay);
    public long NextDayStart(long tick) => (tick / TicksPerDay + 1) * TicksPerDay;
    /// <summary>The last tick of the day that contains <paramref name="tick"/> (or of the run, if it ends mid-day):
    /// daily book-keeping happens there, so every simulated day, the last one included, is accounted within itself.</summary>
    public long DayEnd(long tick) => Math.Min(NextDayStart(tick) - 1, EndTick - 1);

    /// <summary>The end of the next day after <paramref name="tick"/>; never, once the run's last tick is reached.</summary>
    public long NextDayEnd(long tick) => tick + 1 >= EndTick ? long.MaxValue : DayEnd(tick + 1);
    public double Days(long ticks) => (double)ticks / TicksPerDay;
    public double Hours(long ticks) => ticks * Step.TotalHours;

    /// <summary>ISO week number used for weekly flight caps.</summary>
    public int Week(long tick)
    {
        var t = TimeOf(tick).UtcDateTime;
        return ISOWeek.GetYear(t) * 100 + ISOWeek.GetWeekOfYear(t);
    }
}
