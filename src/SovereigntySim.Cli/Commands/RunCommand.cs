using System.ComponentModel;
using Spectre.Console;
using Spectre.Console.Cli;
using SovereigntySim.Hosting;
using SovereigntySim.Hosting.Engines;
using SovereigntySim.Hosting.Runs;

namespace SovereigntySim.Cli.Commands;

public sealed class RunSettings : ScenarioSettings
{
    [CommandOption("--out <DIR>"), Description("Output folder (default results/<scenario>-<seed>).")]
    public string? Out { get; init; }

    [CommandOption("--speed <X>"), Description("Pace the run: simulated seconds per wall second (default: as fast as possible).")]
    public double? Speed { get; init; }

    [CommandOption("--engine <ENGINE>"), Description("orleans (default) or reference (the plain single-threaded runner).")]
    public string Engine { get; init; } = "orleans";

    [CommandOption("--migrant <ID>"), Description("At the end, write this migrant's state and history to migrants.json and show it (repeatable).")]
    public long[] Migrants { get; init; } = [];

    [CommandOption("--cluster <CONNECTION>"), Description("Run on a PostgreSQL-backed cluster instead of the embedded silo (its connection string).")]
    public string? Cluster { get; init; }

    [CommandOption("--warmup"), Description("First run a small copy of the scenario (1% of the people, 14 days) to warm up the JIT; used by bench.")]
    public bool Warmup { get; init; }

    public override ValidationResult Validate() =>
        base.Validate() is { Successful: false } invalid ? invalid
        : Speed is { } x && !(double.IsFinite(x) && x > 0) ? ValidationResult.Error("--speed must be a positive number of simulated seconds per wall second")
        : Engine is not ("orleans" or "reference") ? ValidationResult.Error($"--engine must be orleans or reference, found '{Engine}'")
        : Cluster is not null && Engine == "reference" ? ValidationResult.Error("--cluster runs on Orleans; it cannot be combined with --engine reference")
        : ValidationResult.Success();
}

public sealed class RunCommand : AsyncCommand<RunSettings>
{
    public override async Task<int> ExecuteAsync(CommandContext context, RunSettings settings, CancellationToken cancellation)
    {
        var spec = settings.Load();
        if (spec is null) return ExitCodes.Usage;
        var outDir = settings.Out ?? Runner.DefaultOutputDirectory(spec);
        if (settings.Warmup)
        {
            var warmDir = Path.Combine(Path.GetTempPath(), $"sovsim-warmup-{Environment.ProcessId}");
            await using (var warm = await Start(settings, ScenarioScaling.Warmup(spec))) await Runner.RunAsync(warm, warmDir);
            Directory.Delete(warmDir, recursive: true);
        }
        await using var engine = await Start(settings, spec);
        var result = await Progress.Run(engine, outDir, settings.Speed, cancellation);
        SummaryTable.Print(result);
        if (settings.Migrants.Length > 0) await MigrantReport.Write(engine, settings.Migrants, outDir);
        if (!result.Completed)
        {
            AnsiConsole.MarkupLineInterpolated($"[yellow]Interrupted at {result.SimulatedUntil}; results so far are in {outDir}.[/]");
            return ExitCodes.Interrupted;
        }
        return ExitCodes.Ok;
    }

    private static async Task<ISimulationEngine> Start(RunSettings settings, Domain.Scenario.ScenarioSpec spec)
    {
        if (settings.Engine == "reference") return new ReferenceEngine(new Domain.Simulation.World(spec));
        if (settings.Cluster is { } db) return await Owning(await PostgresCluster.ConnectAsync(db), c => c.Client, spec);
        return await Owning(await EmbeddedCluster.StartAsync(), c => c.Client, spec);
    }

    /// <summary>Starts the run on a silo or client the engine then owns; disposes it if the run cannot start.</summary>
    private static async Task<ISimulationEngine> Owning<T>(T owner, Func<T, IClusterClient> client, Domain.Scenario.ScenarioSpec spec) where T : IAsyncDisposable
    {
        try { return await OrleansEngine.StartAsync(client(owner), spec, owned: owner); }
        catch
        {
            await owner.DisposeAsync();
            throw;
        }
    }
}
