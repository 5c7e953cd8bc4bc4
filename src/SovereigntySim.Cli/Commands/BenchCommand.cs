using System.ComponentModel;
using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;
using Spectre.Console;
using Spectre.Console.Cli;

namespace SovereigntySim.Cli.Commands;

public sealed class BenchSettings : ScenarioSettings
{
    [CommandOption("--out <DIR>"), Description("Output folder (default results/bench-<scenario>-<seed>).")]
    public string? Out { get; init; }

    [CommandOption("--replications <N>"), Description("Time an experiment of N replications instead (wall, runs per second, overhead, peak memory).")]
    public int? Replications { get; init; }

    [CommandOption("--parallel <K>"), Description("Runs at a time in an experiment bench (default: the number of cores).")]
    public int? Parallel { get; init; }

    public override Spectre.Console.ValidationResult Validate() =>
        base.Validate() is { Successful: false } invalid ? invalid
        : Replications is < 1 ? Spectre.Console.ValidationResult.Error("--replications must be at least 1")
        : Parallel is < 1 ? Spectre.Console.ValidationResult.Error("--parallel must be at least 1")
        : Spectre.Console.ValidationResult.Success();
}

/// <summary>
/// Runs the scenario on the Orleans engine and on the reference runner, each in a fresh process of its own (so peak
/// memory is that run's alone) after a warm-up run, and compares time, memory and digests.
/// </summary>
public sealed class BenchCommand : AsyncCommand<BenchSettings>
{
    public override async Task<int> ExecuteAsync(CommandContext context, BenchSettings settings, CancellationToken cancellation)
    {
        var spec = settings.Load();
        if (spec is null) return ExitCodes.Usage;
        var outDir = settings.Out ?? Path.Combine("results", $"bench-{spec.Name}-{spec.Seed}" + (settings.Scale is { } f ? $"-x{f}" : "")
            + (settings.Replications is { } n ? $"-r{n}" : ""));
        // The bench's own folder: its children write into it (with --force: they replace the last bench's runs).
        using var folder = OutputFolder.Claim(outDir, Hosting.Outputs.ResultsKind.Continuation, force: false);
        if (folder is null) return ExitCodes.Usage;
        if (settings.Replications is { } replications) return await Experiment(settings, spec.Name, replications, outDir, cancellation);
        var runs = new Dictionary<string, JsonNode>();
        foreach (var engine in new[] { "orleans", "reference" })
        {
            AnsiConsole.MarkupLineInterpolated($"[grey]bench: {engine} engine...[/]");
            var dir = Path.Combine(outDir, engine);
            // The engines alone: checkpoint costs are measured apart (docs/performance.md).
            var args = new List<string> { "run", settings.File, "--engine", engine, "--warmup", "--out", dir, "--checkpoint-every", "off", "--force" };
            foreach (var s in settings.Set) args.AddRange(["--set", s]);
            if (settings.Seed is { } seed) args.AddRange(["--seed", seed.ToString()]);
            if (settings.Scale is { } scale) args.AddRange(["--scale", scale.ToString("R", System.Globalization.CultureInfo.InvariantCulture)]);
            int code = await RunChild(args, cancellation);
            if (code != 0)
            {
                Console.Error.WriteLine($"bench: the {engine} run failed (exit {code})");
                return code == ExitCodes.Interrupted ? code : ExitCodes.Failure;
            }
            runs[engine] = JsonNode.Parse(await File.ReadAllTextAsync(Path.Combine(dir, "summary.json"), cancellation))!;
        }
        var o = runs["orleans"];
        var r = runs["reference"];
        double wall = o["wallSeconds"]!.GetValue<double>();
        double refWall = r["wallSeconds"]!.GetValue<double>();
        long migrantEvents = o["migrantEvents"]!.GetValue<long>();
        var bench = new JsonObject
        {
            ["scenario"] = spec.Name,
            ["seed"] = spec.Seed,
            ["migrants"] = o["metrics"]!["migrants"]!["detained"]!.GetValue<double>(),
            ["events"] = o["events"]!.GetValue<long>(),
            ["migrantEvents"] = migrantEvents,
            ["wallSeconds"] = wall,
            ["peakRssBytes"] = o["peakRssBytes"]!.GetValue<long>(),
            ["migrantEventsPerSecond"] = Math.Round(migrantEvents / Math.Max(wall, 1e-9)),
            ["referenceWallSeconds"] = refWall,
            ["referencePeakRssBytes"] = r["peakRssBytes"]!.GetValue<long>(),
            ["ratio"] = Math.Round(wall / Math.Max(refWall, 1e-9), 3),
            ["digestsEqual"] = o["digest"]!.GetValue<string>() == r["digest"]!.GetValue<string>(),
            ["digest"] = o["digest"]!.GetValue<string>(),
            ["processorCount"] = Environment.ProcessorCount,
        };
        return await Report(outDir, bench, $"bench {spec.Name}", cancellation);
    }

    /// <summary>
    /// Times an experiment in a fresh process: the child runs the replications and records its wall time and peak
    /// memory; each run records its own time. The overhead is what the experiment adds to its runs: wall time × runs
    /// at a time − the runs' own time, over the runs' own time.
    /// </summary>
    private static async Task<int> Experiment(BenchSettings settings, string scenario, int replications, string outDir, CancellationToken cancellation)
    {
        var dir = Path.Combine(outDir, "experiment");
        if (Directory.Exists(dir)) Directory.Delete(dir, recursive: true);
        int parallel = settings.Parallel ?? Environment.ProcessorCount;
        var args = new List<string> { "run", settings.File, "--replications", replications.ToString(), "--parallel", parallel.ToString(), "--out", dir, "--force" };
        foreach (var s in settings.Set) args.AddRange(["--set", s]);
        if (settings.Seed is { } seed) args.AddRange(["--seed", seed.ToString()]);
        if (settings.Scale is { } scale) args.AddRange(["--scale", scale.ToString("R", System.Globalization.CultureInfo.InvariantCulture)]);
        var clock = Stopwatch.StartNew();
        int code = await RunChild(args, cancellation, quiet: true);
        clock.Stop();
        if (code != 0)
        {
            Console.Error.WriteLine($"bench: the experiment failed (exit {code})");
            return code == ExitCodes.Interrupted ? code : ExitCodes.Failure;
        }
        var experiment = JsonNode.Parse(await File.ReadAllTextAsync(Path.Combine(dir, "experiment.json"), cancellation))!;
        var header = (await File.ReadAllLinesAsync(Path.Combine(dir, "runs.csv"), cancellation))[0].Split(',');
        var rows = (await File.ReadAllLinesAsync(Path.Combine(dir, "runs.csv"), cancellation)).Skip(1).Select(l => l.Split(',')).ToList();
        double Sum(string column) => rows.Sum(r => double.Parse(r[Array.IndexOf(header, column)], System.Globalization.CultureInfo.InvariantCulture));
        double wall = experiment["wallSeconds"]!.GetValue<double>();
        double runs = Sum("wallSeconds"), simulation = Sum("simulationSeconds");
        var bench = new JsonObject
        {
            ["scenario"] = scenario,
            ["replications"] = replications,
            ["parallel"] = parallel,
            ["processWallSeconds"] = Math.Round(clock.Elapsed.TotalSeconds, 3),
            ["experimentWallSeconds"] = wall,
            ["runsPerSecond"] = Math.Round(replications / wall, 2),
            ["runSeconds"] = Math.Round(runs, 3),
            ["engineSeconds"] = Math.Round(simulation, 3),
            ["meanRunSeconds"] = Math.Round(runs / replications, 4),
            ["overheadShare"] = Math.Round((wall * parallel - runs) / runs, 4),
            ["peakRssBytes"] = experiment["peakRssBytes"]!.GetValue<long>(),
            ["processorCount"] = Environment.ProcessorCount,
        };
        return await Report(outDir, bench, $"bench {scenario}: {replications} replications", cancellation);
    }

    /// <summary>Writes bench.json and shows the same figures as a table.</summary>
    private static async Task<int> Report(string outDir, JsonObject bench, string title, CancellationToken cancellation)
    {
        await File.WriteAllTextAsync(Path.Combine(outDir, "bench.json"), bench.ToJsonString(new JsonSerializerOptions { WriteIndented = true }) + "\n", cancellation);
        var table = new Table().Border(TableBorder.Rounded).Title(Markup.Escape(title)).AddColumn("metric").AddColumn("value");
        foreach (var (k, v) in bench) table.AddRow(Markup.Escape(k), Markup.Escape(v?.ToJsonString() ?? ""));
        AnsiConsole.Write(table);
        return ExitCodes.Ok;
    }

    private static async Task<int> RunChild(IEnumerable<string> args, CancellationToken cancellation, bool quiet = false)
    {
        var psi = new ProcessStartInfo(Environment.ProcessPath!) { UseShellExecute = false, RedirectStandardOutput = quiet };
        // Under `dotnet sovsim.dll` the process path is dotnet itself: pass the assembly first.
        if (Path.GetFileNameWithoutExtension(Environment.ProcessPath!) == "dotnet") psi.ArgumentList.Add(typeof(Program).Assembly.Location);
        foreach (var a in args) psi.ArgumentList.Add(a);
        using var child = Process.Start(psi)!;
        // The child's aggregate table is not the bench's result: read it away.
        var drained = quiet ? child.StandardOutput.ReadToEndAsync(CancellationToken.None) : Task.FromResult("");
        try { await child.WaitForExitAsync(cancellation); }
        catch (OperationCanceledException) { await child.WaitForExitAsync(CancellationToken.None); }
        await drained;
        return child.ExitCode;
    }
}
