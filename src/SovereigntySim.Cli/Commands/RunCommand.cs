using System.ComponentModel;
using Spectre.Console;
using Spectre.Console.Cli;
using SovereigntySim.Hosting;
using SovereigntySim.Hosting.Engines;
using SovereigntySim.Hosting.Experiments;
using SovereigntySim.Hosting.Outputs;
using SovereigntySim.Hosting.Runs;
using SovereigntySim.Scenarios;

namespace SovereigntySim.Cli.Commands;

public sealed class RunSettings : ExperimentSettings
{
    [CommandOption("--speed <X>"), Description("Pace the run: simulated seconds per wall second (default: as fast as possible).")]
    public double? Speed { get; init; }

    [CommandOption("--engine <ENGINE>"), Description("orleans (default) or reference (the plain single-threaded runner).")]
    public string Engine { get; init; } = "orleans";

    [CommandOption("--migrant <ID>"), Description("At the end, write this migrant's state and history to migrants.json and show it (repeatable).")]
    public long[] Migrants { get; init; } = [];

    [CommandOption("--warmup"), Description("First run a small copy of the scenario (1% of the people, 14 days) to warm up the JIT; used by bench.")]
    public bool Warmup { get; init; }

    [CommandOption("--microdata"), Description("At the end, write every migrant's state to migrants.parquet (one row per person).")]
    public bool Microdata { get; init; }

    [CommandOption("--replications <N>"), Description("Run N replications (seeds base, base+1, ...) and aggregate every outcome.")]
    public int? Replications { get; init; }

    public const double MinSpeed = 0.001, MaxSpeed = 1e9;

    public override ValidationResult Validate() =>
        base.Validate() is { Successful: false } invalid ? invalid
        : Speed is { } x && !(x >= MinSpeed && x <= MaxSpeed)
            ? ValidationResult.Error($"--speed must be between {MinSpeed} and {MaxSpeed:0.#e0} simulated seconds per wall second")
        : Engine is not ("orleans" or "reference") ? ValidationResult.Error($"--engine must be orleans or reference, found '{Engine}'")
        : Cluster is not null && Engine == "reference" ? ValidationResult.Error("--cluster runs on Orleans; it cannot be combined with --engine reference")
        : Replications is < 1 ? ValidationResult.Error("--replications must be at least 1")
        : Replications is not null && (Speed is not null || Migrants.Length > 0 || Microdata || Engine != "orleans" || Warmup)
            ? ValidationResult.Error("--replications cannot be combined with --speed, --migrant, --microdata, --engine or --warmup")
        : Replications is null && (Parallel is not null || KeepRuns) ? ValidationResult.Error("--parallel and --keep-runs go with --replications")
        : ValidationResult.Success();
}

public sealed class RunCommand : AsyncCommand<RunSettings>
{
    public override async Task<int> ExecuteAsync(CommandContext context, RunSettings settings, CancellationToken cancellation)
    {
        if (settings.Replications is { } n) return await Replicate(settings, n, cancellation);
        var request = settings.Request();
        if (request is null) return ExitCodes.Usage;
        var outDir = settings.Out ?? RunFolder.DefaultDirectory(request.Spec, settings.Variant);
        if (OutputFolder.Problem(outDir) is { } problem)
        {
            Console.Error.WriteLine($"sovsim: {problem}; nothing was run.");
            return ExitCodes.Usage;
        }
        if (settings.Warmup)
        {
            var warm = request with { Spec = ScenarioScaling.Warmup(request.Spec) };
            await using var engine = await Start(settings, warm, cancellation);
            await RunPipeline.RunAsync(engine, warm, []);
        }
        await using (var engine = await Start(settings, request, cancellation))
        {
            RunResult result;
            try { result = await Progress.Run(engine, request, RunFolder.Sinks(outDir), settings.Speed, cancellation); }
            catch (RunFailedException failed)
            {
                // One line: what failed, where, and where the partial results are (summary.json says completed: false).
                Console.Error.WriteLine($"sovsim: the run failed at {failed.Result.SimulatedUntil}: {SafeText.Excerpt((failed.InnerException?.Message ?? failed.Message).Split('\n')[0].TrimEnd(), 400)}");
                Console.Error.WriteLine($"sovsim: results up to then are in {outDir} (summary.json: completed false, with the error)");
                return ExitCodes.Failure;
            }
            SummaryTable.Print(result, outDir);
            if (settings.Migrants.Length > 0) await MigrantReport.Write(engine, settings.Migrants, outDir);
            if (settings.Microdata)
                AnsiConsole.MarkupLineInterpolated($"{await MicrodataFile.WriteAsync(engine, outDir):N0} migrants in {Path.Combine(outDir, MicrodataFile.Name)}");
            if (!result.Completed)
            {
                AnsiConsole.MarkupLineInterpolated($"[yellow]Interrupted at {result.SimulatedUntil}; results so far are in {outDir}.[/]");
                return ExitCodes.Interrupted;
            }
        }
        return ExitCodes.Ok;
    }

    private static async Task<int> Replicate(RunSettings settings, int replications, CancellationToken cancellation)
    {
        var (plan, errors) = ExperimentPlan.Build(ExperimentKind.Replications, settings.File, settings.Overrides, settings.Adjust, [], [[]],
            replications, Provenance.Of(settings.File, settings.Overrides));
        if (plan is null)
        {
            settings.PrintErrors(errors);
            return ExitCodes.Usage;
        }
        var first = plan.Runs[0].Request.Spec;
        var outDir = settings.Out ?? RunFolder.DefaultDirectory(first, settings.Variant) + $"-x{replications}";
        var (code, result) = await ExperimentCommand.Run(settings, plan, outDir, cancellation);
        if (result is not null && result.Outcomes.Count > 0) ExperimentCommand.PrintAggregate(result);
        return code;
    }

    private static async Task<ISimulationEngine> Start(RunSettings settings, RunRequest request, CancellationToken cancellation)
    {
        if (settings.Engine == "reference") return new ReferenceEngine(new Domain.Simulation.World(request.Spec));
        if (settings.Cluster is { } db)
        {
            var client = await PostgresCluster.ConnectAsync(db, cancellation);
            return await Owning(client, c => c.Client, request.Spec, async c => await c.WatchAsync(cancellation));
        }
        return await Owning(await EmbeddedCluster.StartAsync(cancellation), c => c.Client, request.Spec);
    }

    /// <summary>Starts the run on a silo or client the engine then owns; disposes it if the run cannot start.</summary>
    private static async Task<ISimulationEngine> Owning<T>(T owner, Func<T, IClusterClient> client, Domain.Scenario.ScenarioSpec spec,
        Func<T, Task<ClusterWatch>>? watch = null) where T : IAsyncDisposable
    {
        try { return await OrleansEngine.StartAsync(client(owner), spec, owned: owner, watch: watch is null ? null : await watch(owner)); }
        catch
        {
            await owner.DisposeAsync();
            throw;
        }
    }
}
