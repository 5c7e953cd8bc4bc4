using Spectre.Console;
using SovereigntySim.Hosting.Calibration;
using SovereigntySim.Hosting.Engines;
using SovereigntySim.Hosting.Experiments;
using SovereigntySim.Hosting.Runs;

namespace SovereigntySim.Cli;

/// <summary>Shows progress on a terminal; stays quiet when output is redirected.</summary>
public static class Progress
{
    private static bool Interactive => !Console.IsOutputRedirected && AnsiConsole.Profile.Capabilities.Interactive;

    public static async Task<RunResult> Run(ISimulationEngine engine, RunRequest request, IReadOnlyList<IRunSink> sinks, double? speed, CancellationToken cancellation,
        RunCheckpoints? checkpoints = null)
    {
        var pacing = speed is { } s ? new PacedRun(engine.World.Clock, s) : null;
        if (!Interactive) return await RunPipeline.RunAsync(engine, request, sinks, cancellation, checkpoints, pacing);
        RunResult? result = null;
        await Bar(async ctx =>
        {
            var name = Markup.Escape(engine.World.Spec.Name);
            var task = ctx.AddTask(name, maxValue: engine.World.Clock.EndTick);
            var progress = new Progress<RunProgress>(p =>
            {
                task.Value = p.Tick;
                task.Description = $"{name} {p.SimulatedTime} {p.Events:N0} events ({p.EventsPerSecond:N0}/s)";
            });
            result = await RunPipeline.RunAsync(engine, request, [.. sinks, new ProgressSink(progress)], cancellation, checkpoints, pacing);
        });
        return result!;
    }

    public static async Task<ExperimentResult> Run(ExperimentRunner runner, ExperimentPlan plan, ExperimentOptions options, CancellationToken cancellation)
    {
        if (!Interactive) return await runner.RunAsync(plan, options, null, cancellation);
        ExperimentResult? result = null;
        await Bar(async ctx =>
        {
            var task = ctx.AddTask(Markup.Escape($"{plan.Scenario}: {plan.Runs.Count} runs"), maxValue: plan.Runs.Count);
            var progress = new Progress<ExperimentProgress>(p =>
            {
                task.Value = p.Finished;
                task.Description = Markup.Escape($"{plan.Scenario}: {p.Finished}/{p.Total} runs" + (p.Failed > 0 ? $", {p.Failed} failed" : ""));
            });
            result = await runner.RunAsync(plan, options, progress, cancellation);
        });
        return result!;
    }

    public static async Task<CalibrationResult> Run(CalibrationRunner runner, Calibration calibration, CalibrationOptions options, CancellationToken cancellation)
    {
        if (!Interactive) return await runner.RunAsync(calibration, options, null, cancellation);
        CalibrationResult? result = null;
        await Bar(async ctx =>
        {
            var task = ctx.AddTask("calibration", maxValue: options.Generations * options.Particles);
            var progress = new Progress<CalibrationProgress>(p =>
            {
                task.Value = p.Generation * p.Particles + p.Accepted;
                var epsilon = double.IsFinite(p.Epsilon) ? p.Epsilon.ToString("G3") : "∞";
                task.Description = Markup.Escape($"generation {p.Generation}/{p.Generations - 1}: {p.Accepted}/{p.Particles} accepted of {p.Simulated} simulated, ε {epsilon}; runs {p.RunsFinished}/{p.RunsTotal}");
            });
            result = await runner.RunAsync(calibration, options, progress, cancellation);
        });
        return result!;
    }

    private static Task Bar(Func<ProgressContext, Task> body) => AnsiConsole.Progress()
        .AutoClear(true)
        .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn())
        .StartAsync(body);
}
