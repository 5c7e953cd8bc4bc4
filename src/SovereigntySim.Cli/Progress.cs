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
                var name = Markup.Escape(engine.World.Spec.Name);
                var task = ctx.AddTask(name, maxValue: engine.World.Clock.EndTick);
                var progress = new Progress<RunProgress>(p =>
                {
                    task.Value = p.Tick;
                    task.Description = $"{name} {p.SimulatedTime} {p.Events:N0} events ({p.EventsPerSecond:N0}/s)";
                });
                result = await Runner.RunAsync(engine, outDir, speed, progress, cancellation);
            });
        return result!;
    }
}
