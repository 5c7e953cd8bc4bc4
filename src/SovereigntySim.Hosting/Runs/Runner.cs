using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using CsvHelper;
using SovereigntySim.Domain.Metrics;
using SovereigntySim.Domain.Scenario;
using SovereigntySim.Domain.Simulation;
using SovereigntySim.Hosting.Engines;

namespace SovereigntySim.Hosting.Runs;

/// <summary>Where the run is, for progress displays.</summary>
public sealed record RunProgress(long Tick, long EndTick, string SimulatedTime, long Events, double EventsPerSecond);

/// <summary>What a run produced.</summary>
public sealed record RunResult(
    string Scenario, long Seed, string Digest, double WallSeconds, long Events, long MigrantEvents, bool Completed,
    string SimulatedUntil, RunMetrics Metrics, string OutputDirectory, string Engine, long PeakRssBytes, long Rounds, long Deliveries,
    string? Error = null);

/// <summary>A run that stopped on an error; its outputs up to the last whole slice are written.</summary>
public sealed class RunFailedException(RunResult result, Exception cause)
    : Exception($"the run stopped at {result.SimulatedUntil}: {cause.GetType().Name}: {cause.Message} (outputs so far in {result.OutputDirectory})", cause)
{
    public RunResult Result { get; } = result;
}

/// <summary>
/// Drives an engine through a run and writes its outputs: events.jsonl (streamed as it goes), timeseries.csv and
/// summary.json. It stops between slices when cancelled and still writes everything computed so far.
/// </summary>
public static class Runner
{
    public static async Task<RunResult> RunAsync(
        ISimulationEngine engine, string outDir, double? speed = null, IProgress<RunProgress>? progress = null,
        CancellationToken cancellation = default)
    {
        var world = engine.World;
        var clock = world.Clock;
        Directory.CreateDirectory(outDir);
        var metrics = new MetricsAccumulator(clock);
        var wall = Stopwatch.StartNew();
        long tick = 0, rounds = 0, deliveries = 0;
        string digest;
        Exception? failure = null;
        await using (var file = new FileStream(Path.Combine(outDir, "events.jsonl"), FileMode.Create, FileAccess.Write, FileShare.Read, 1 << 20))
        using (var log = new EventLogWriter(file, clock))
        {
            // Paced runs advance one step at a time; otherwise a simulated day per slice keeps progress fresh.
            long sliceTicks = speed is > 0 ? 1 : clock.TicksPerDay;
            while (tick < clock.EndTick && !cancellation.IsCancellationRequested)
            {
                Slice slice;
                try { slice = await engine.RunAsync(Math.Min(clock.EndTick, tick + sliceTicks)); }
                catch (Exception e)
                {
                    // Keep what was computed: the outputs are written up to the last whole slice, then the error.
                    failure = e;
                    break;
                }
                log.Write(slice.Events);
                foreach (var e in slice.Events) metrics.Add(e);
                tick = slice.NextTick;
                rounds += slice.Rounds;
                deliveries += slice.Deliveries;
                progress?.Report(new RunProgress(tick, clock.EndTick, clock.Iso(tick), metrics.Events, metrics.Events / Math.Max(1e-9, wall.Elapsed.TotalSeconds)));
                if (speed is > 0) await Pace(clock, tick, speed.Value, wall, cancellation);
                if (slice.Finished) tick = clock.EndTick;
            }
            digest = log.Digest();
        }
        metrics.Finish(tick);
        wall.Stop();
        var summary = metrics.Summary();
        var result = new RunResult(world.Spec.Name, world.Seed, digest, wall.Elapsed.TotalSeconds, metrics.Events,
            (long)summary.Totals["migrantEvents"], tick >= clock.EndTick, clock.Iso(tick), summary, outDir, engine.Name, PeakRss(), rounds, deliveries,
            failure is null ? null : $"{failure.GetType().Name}: {failure.Message}");
        WriteTimeseries(Path.Combine(outDir, "timeseries.csv"), metrics.Rows);
        await File.WriteAllTextAsync(Path.Combine(outDir, "summary.json"), SummaryJson(result).ToJsonString(JsonOptions) + "\n", CancellationToken.None);
        if (failure is not null) throw new RunFailedException(result, failure);
        return result;
    }

    /// <summary>Peak resident set of this process so far (VmHWM on Linux).</summary>
    public static long PeakRss()
    {
        using var self = Process.GetCurrentProcess();
        return self.PeakWorkingSet64;
    }

    private static async Task Pace(SimClock clock, long tick, double speed, Stopwatch wall, CancellationToken cancellation)
    {
        double due = clock.Step.TotalSeconds * tick / speed;
        var wait = TimeSpan.FromSeconds(due - wall.Elapsed.TotalSeconds);
        if (wait <= TimeSpan.Zero) return;
        try { await Task.Delay(wait, cancellation); }
        catch (OperationCanceledException) { }
    }

    private static readonly JsonSerializerOptions JsonOptions = new() { WriteIndented = true };

    public static string DefaultOutputDirectory(ScenarioSpec spec) => Path.Combine("results", $"{spec.Name}-{spec.Seed}");

    public static JsonObject SummaryJson(RunResult r)
    {
        var t = r.Metrics.Totals;
        JsonObject Group(params (string Name, string Key)[] items)
        {
            var o = new JsonObject();
            foreach (var (name, key) in items) o[name] = t[key];
            return o;
        }
        JsonObject Map<T>(IReadOnlyDictionary<string, T> d)
        {
            var o = new JsonObject();
            foreach (var (k, v) in d) o[k] = JsonValue.Create(v);
            return o;
        }
        var negotiations = new JsonArray();
        foreach (var n in r.Metrics.Negotiations)
            negotiations.Add(new JsonObject
            {
                ["dyad"] = n.Dyad, ["outcome"] = n.Outcome, ["opened"] = n.Opened, ["rounds"] = n.Rounds, ["agreementDay"] = n.AgreementDay,
                ["agreedAt"] = n.AgreedAt, ["hoursOpen"] = n.HoursOpen, ["terms"] = n.Terms, ["utilitySending"] = n.UtilitySending,
                ["utilityReceiving"] = n.UtilityReceiving, ["nashProduct"] = n.NashProduct,
            });
        return new JsonObject
        {
            ["scenario"] = r.Scenario,
            ["seed"] = r.Seed,
            ["digest"] = r.Digest,
            ["wallSeconds"] = Math.Round(r.WallSeconds, 3),
            ["events"] = r.Events,
            ["migrantEvents"] = r.MigrantEvents,
            ["completed"] = r.Completed,
            ["error"] = r.Error,
            ["engine"] = r.Engine,
            ["peakRssBytes"] = r.PeakRssBytes,
            ["kernel"] = new JsonObject { ["rounds"] = r.Rounds, ["deliveries"] = r.Deliveries },
            ["simulatedUntil"] = r.SimulatedUntil,
            ["metrics"] = new JsonObject
            {
                ["flights"] = Group(("planned", "flights.planned"), ("cancelled", "flights.cancelled"), ("cleared", "flights.cleared"),
                    ("partiallyCleared", "flights.partiallyCleared"), ("refused", "flights.refused"), ("turnedBack", "flights.turnedBack"),
                    ("diverted", "flights.diverted"), ("landed", "flights.landed"), ("flightHours", "flights.hours"), ("flightCost", "flights.cost")),
                ["migrants"] = Group(("detained", "migrants.detained"), ("removed", "migrants.removed"), ("refused", "migrants.refused"),
                    ("releasedAtLimit", "migrants.releasedAtLimit"), ("reliefGranted", "migrants.relief"), ("deferredArrests", "migrants.deferredArrests")),
                ["detainedAtEnd"] = r.Metrics.DetainedAtEnd,
                ["detention"] = Group(("bedDays", "detention.bedDays"), ("cost", "detention.cost")),
                ["refusalReasons"] = new JsonObject { ["flights"] = Map(r.Metrics.FlightRefusalReasons), ["people"] = Map(r.Metrics.PersonRefusalReasons) },
                ["negotiationRounds"] = t["negotiation.rounds"],
                ["negotiations"] = negotiations,
                ["escalations"] = Group(("threatened", "escalations.threatened"), ("applied", "escalations.applied")),
                ["tensionAtEnd"] = Map(r.Metrics.TensionAtEnd),
                ["pressureAtEnd"] = Map(r.Metrics.PressureAtEnd),
                ["advocacyAlerts"] = t["advocacy.alerts"],
                ["observerAssessments"] = t["observer.assessments"],
            },
        };
    }

    private static void WriteTimeseries(string path, IReadOnlyList<DayRow> rows)
    {
        using var writer = new StreamWriter(path);
        using var csv = CsvWriter.Create(writer, new CsvWriterOptions(), leaveOpen: false);
        csv.WriteField("day");
        csv.WriteField("date");
        foreach (var c in MetricsAccumulator.Counters) csv.WriteField(c);
        csv.WriteField("migrants.detainedNow");
        csv.WriteField("tension.max");
        csv.EndRecord();
        foreach (var row in rows)
        {
            csv.WriteField(row.Day);
            csv.WriteField(row.Date);
            foreach (var v in row.Counters) csv.WriteField(v.ToString("R", CultureInfo.InvariantCulture));
            csv.WriteField(row.Detained.ToString("R", CultureInfo.InvariantCulture));
            csv.WriteField(row.MaxTension.ToString("R", CultureInfo.InvariantCulture));
            csv.EndRecord();
        }
    }
}
