using SovereigntySim.Domain.Scenario;

namespace SovereigntySim.Hosting.Runs;

/// <summary>
/// Scales a scenario's volume by a factor: people detained at the start and arriving, beds, and flight frequency
/// move together, so a scaled run exercises the same code paths with proportionally more or less work. Used for
/// scaling curves (--scale) and for warm-up runs.
/// </summary>
public static class ScenarioScaling
{
    public static ScenarioSpec Scale(ScenarioSpec spec, double factor) => factor == 1 ? spec : spec with
    {
        Populations = spec.Populations.Select(p => p with { Initial = (int)Math.Round(p.Initial * factor), ArrivalsPerDay = p.ArrivalsPerDay * factor }).ToList(),
        Facilities = spec.Facilities.Select(f => f with { Capacity = Math.Max(1, (int)Math.Round(f.Capacity * factor)) }).ToList(),
        FlightPlans = spec.FlightPlans.Select(f => f with { IntervalHours = f.IntervalHours / factor }).ToList(),
    };

    /// <summary>A small copy (1% of the volume, at most 14 days) run before a measurement so the JIT has compiled
    /// the code paths the measured run takes.</summary>
    public static ScenarioSpec Warmup(ScenarioSpec spec)
    {
        var days = TimeSpan.FromDays(Math.Min(14, spec.Duration.TotalDays));
        return Scale(spec, 0.01) with
        {
            Name = spec.Name + "-warmup",
            Duration = TimeSpan.FromTicks(days.Ticks / spec.Step.Ticks * spec.Step.Ticks),
        };
    }
}
