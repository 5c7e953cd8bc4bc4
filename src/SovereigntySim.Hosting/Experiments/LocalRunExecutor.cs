using SovereigntySim.Domain.Metrics;
using SovereigntySim.Domain.Simulation;
using SovereigntySim.Grains;
using SovereigntySim.Hosting.Engines;
using SovereigntySim.Hosting.Outputs;
using SovereigntySim.Hosting.Runs;

namespace SovereigntySim.Hosting.Experiments;

/// <summary>
/// Runs a whole run inside one silo through the run pipeline, with the domain kernel delivering to agents in this
/// process (runs of an experiment are independent, so each is one sequential task and they run side by side). The
/// event log is hashed for the digest; it is written only when the work names a folder.
/// </summary>
public sealed class LocalRunExecutor : IRunExecutor
{
    public const string EngineName = "run-worker";

    public async Task<RunOutcome> ExecuteAsync(RunWork work, CancellationToken cancellation)
    {
        var request = new RunRequest(work.Spec, new Provenance(work.ScenarioFile, work.ScenarioSha256, work.Overrides, work.CommandLine));
        var days = new DaysSink();
        var sinks = new List<IRunSink> { days };
        if (work.OutputDirectory is { } dir) sinks.AddRange(RunFolder.Sinks(dir));
        await using var engine = new ReferenceEngine(new World(work.Spec), EngineName);
        RunResult result;
        try { result = await RunPipeline.RunAsync(engine, request, sinks, cancellation: cancellation); }
        catch (RunFailedException failed) { result = failed.Result; }
        return new RunOutcome(result.Digest, result.Completed, result.Error, result.WallSeconds, result.SimulationSeconds, result.Events,
            result.SimulatedUntil, result.Metrics, days.Rows, result.Engine);
    }

    private sealed class DaysSink : IRunSink
    {
        public IReadOnlyList<DayRow> Rows { get; private set; } = [];

        public Task EndAsync(RunResult result, MetricsAccumulator metrics)
        {
            Rows = metrics.Rows.ToArray();
            return Task.CompletedTask;
        }
    }
}
