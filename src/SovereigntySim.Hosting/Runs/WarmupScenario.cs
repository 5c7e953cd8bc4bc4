using SovereigntySim.Domain.Scenario;

namespace SovereigntySim.Hosting.Runs;

/// <summary>A small copy of a scenario (1% of the people, at most 14 days) that exercises the same code paths,
/// run before a measurement so the JIT has compiled them.</summary>
public static class WarmupScenario
{
    public static ScenarioSpec From(ScenarioSpec spec)
    {
        var days = TimeSpan.FromDays(Math.Min(14, spec.Duration.TotalDays));
        return spec with
        {
            Name = spec.Name + "-warmup",
            Duration = TimeSpan.FromTicks(days.Ticks / spec.Step.Ticks * spec.Step.Ticks),
            Populations = spec.Populations.Select(p => p with { Initial = p.Initial / 100, ArrivalsPerDay = p.ArrivalsPerDay / 100 }).ToList(),
        };
    }
}
