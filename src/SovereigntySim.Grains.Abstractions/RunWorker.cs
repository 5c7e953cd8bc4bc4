using Orleans.Concurrency;
using SovereigntySim.Domain.Metrics;
using SovereigntySim.Domain.Scenario;

namespace SovereigntySim.Grains;

/// <summary>One whole run of an experiment: the effective scenario, where it came from, and (optionally) a folder on
/// the silo's machine to write its full outputs to.</summary>
[GenerateSerializer, Immutable, Alias("sovsim.RunWork")]
public sealed record RunWork(
    [property: Id(0)] ScenarioSpec Spec,
    [property: Id(1)] string? ScenarioFile,
    [property: Id(2)] string? ScenarioSha256,
    [property: Id(3)] string[] Overrides,
    [property: Id(4)] string CommandLine,
    [property: Id(5)] string? OutputDirectory);

/// <summary>What an experiment keeps of a run: its digest and result, metrics and daily totals (not its event log).</summary>
[GenerateSerializer, Immutable, Alias("sovsim.RunOutcome")]
public sealed record RunOutcome(
    [property: Id(0)] string Digest,
    [property: Id(1)] bool Completed,
    [property: Id(2)] string? Error,
    [property: Id(3)] double WallSeconds,
    [property: Id(4)] double SimulationSeconds,
    [property: Id(5)] long Events,
    [property: Id(6)] string SimulatedUntil,
    [property: Id(7)] RunMetrics Metrics,
    [property: Id(8)] IReadOnlyList<DayRow> Days,
    [property: Id(9)] string Engine,
    [property: Id(10)] string? Silo = null);

/// <summary>
/// Runs whole runs for experiments. Experiments distribute runs over the silos, not the agents of one run: a run's
/// agents talk many times a tick, while runs never talk to each other.
/// </summary>
[Alias("sovsim.IRunWorkerGrain")]
public interface IRunWorkerGrain : IGrainWithStringKey
{
    [Alias("Run")] Task<RunOutcome> Run(RunWork work, CancellationToken cancellation = default);
}

/// <summary>What a silo runs a whole run with (the hosting layer provides it), so the grain stays a thin host.</summary>
public interface IRunExecutor
{
    Task<RunOutcome> ExecuteAsync(RunWork work, CancellationToken cancellation);
}
