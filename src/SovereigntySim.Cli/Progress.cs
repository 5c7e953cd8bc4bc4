using Spectre.Console;
using SovereigntySim.Hosting.Engines;
using SovereigntySim.Hosting.Runs;

namespace SovereigntySim.Cli;

/// <summary>Shows simulated time and events per second on a terminal; stays quiet when output is redirected.</summary>
public static class Progress
{
    public static async Task<RunResult> Run(ISimulationEngine engine, string outDir, double? speed, CancellationToken cancellation)
    {
        if (Console.IsOutputRedirected || !AnsiConsole.Profile.Capabilities.Interactive)
            return await Runner.RunAsync(engine, outDir, speed, null, cancellation);
        RunResult? result = null;
        await AnsiConsole.Progress()
            .AutoClear(true)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn())
            .StartAsync(async ctx =>
            {
                var task = ctx.AddTask($"{engine.World.Spec.Name}", maxValue: engine.World.Clock.EndTick);
                var progress = new Progress<RunProgress>(p =>
                {
                    task.Value = p.Tick;
                    task.Description = $"{engine.World.Spec.Name} {p.SimulatedTime} {p.Events:N0} events ({p.EventsPerSecond:N0}/s)";
                });
                result = await Runner.RunAsync(engine, outDir, speed, progress, cancellation);
            });
        return result!;
    }
}
