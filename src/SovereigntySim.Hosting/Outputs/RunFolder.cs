using System.Text.Json;
using System.Text.Json.Nodes;
using SovereigntySim.Domain.Metrics;
using SovereigntySim.Domain.Scenario;
using SovereigntySim.Domain.Simulation;
using SovereigntySim.Hosting.Runs;
using SovereigntySim.Scenarios;

namespace SovereigntySim.Hosting.Outputs;

/// <summary>Streams the canonical event log to events.jsonl, one slice at a time, so `tail -f` sees whole lines. A resumed
/// run cuts the file at the checkpoint's offset (<paramref name="resumeAt"/>) and appends from there.</summary>
public sealed class EventLogFile(string path, long resumeAt = 0) : IRunSink
{
    private FileStream? _file;

    public void Begin(RunRequest request, World world)
    {
        _file = new FileStream(path, resumeAt > 0 ? FileMode.Open : FileMode.Create, FileAccess.Write, FileShare.Read, 1 << 20);
        if (resumeAt <= 0) return;
        _file.SetLength(resumeAt);
        _file.Seek(0, SeekOrigin.End);
    }

    public void Write(Slice slice, ReadOnlySpan<byte> logLines)
    {
        _file!.Write(logLines);
        _file.Flush();
    }

    public async Task EndAsync(RunResult result, MetricsAccumulator metrics)
    {
        if (_file is not null) await _file.DisposeAsync();
    }
}

/// <summary>
/// A run's folder: events.jsonl, summary.json, the effective scenario (scenario.yaml, which reproduces the run by
/// itself), and the tidy tables (timeseries.csv, series.csv, negotiations.csv, offers.csv, frontier.csv).
/// </summary>
public sealed class RunFolder : IRunSink
{
    public const string ScenarioFile = "scenario.yaml";
    private readonly string _dir;
    private RunRequest? _request;
    private World? _world;

    private RunFolder(string dir) => _dir = dir;

    /// <summary>The sinks that make a run folder: the streamed event log and the files written at the end.</summary>
    public static IReadOnlyList<IRunSink> Sinks(string dir, long resumeAt = 0)
    {
        Directory.CreateDirectory(dir);
        return [new EventLogFile(Path.Combine(dir, "events.jsonl"), resumeAt), new RunFolder(dir)];
    }

    /// <summary>Where a run goes by default: results/&lt;scenario&gt;-&lt;seed&gt;, plus a short hash of the overrides when
    /// there are any, so runs with different overrides never overwrite each other.</summary>
    /// <summary>results/NAME-SEED-HASH: the hash is of everything the run is made of (the effective scenario, with
    /// its overrides, seed and scale, and the engine), so different inputs never share a folder and the same
    /// inputs find their own.</summary>
    public static string DefaultDirectory(RunRequest request, string engine) =>
        Path.Combine("results", $"{request.Spec.Name}-{request.Spec.Seed}-{OverridesHash([EffectiveScenario(request), engine])}");

    /// <summary>results/NAME-KIND-HASH for an experiment: the plan's hash covers the scenario's content, the overrides
    /// and every run.</summary>
    public static string DefaultDirectory(Experiments.ExperimentPlan plan, string kind) =>
        Path.Combine("results", $"{plan.Scenario}-{kind}-{plan.Hash()[..8]}");

    public static string OverridesHash(IReadOnlyList<string> overrides) =>
        Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(string.Join('\n', overrides))))[..8];

    public void Begin(RunRequest request, World world)
    {
        _request = request;
        _world = world;
        File.WriteAllText(Path.Combine(_dir, ScenarioFile), EffectiveScenario(request));
    }

    public static string EffectiveScenario(RunRequest request) => ScenarioWriter.Write(request.Spec,
        $"The effective scenario of a SovereigntySim run (file, overrides and seed applied): `sovsim run {ScenarioFile}` reproduces it.\n"
        + $"From: {request.Provenance.ScenarioFile ?? "(no file)"}"
        + (request.Provenance.Overrides.Count > 0 ? $" with {string.Join(" ", request.Provenance.Overrides.Select(o => "--set " + o))}" : ""));

    public async Task EndAsync(RunResult result, MetricsAccumulator metrics)
    {
        RunTables.Timeseries(metrics).WriteCsv(Path.Combine(_dir, "timeseries.csv"));
        RunTables.Series(metrics).WriteCsv(Path.Combine(_dir, "series.csv"));
        RunTables.Negotiations(result.Metrics, _world!).WriteCsv(Path.Combine(_dir, "negotiations.csv"));
        RunTables.Offers(metrics).WriteCsv(Path.Combine(_dir, "offers.csv"));
        RunTables.FrontierTable(result.Metrics, _world!).WriteCsv(Path.Combine(_dir, "frontier.csv"));
        await File.WriteAllTextAsync(Path.Combine(_dir, "summary.json"), Summary.Json(result, _request!).ToJsonString(Summary.Indented) + "\n");
    }
}

/// <summary>summary.json: the run's result, its metrics and its provenance.</summary>
public static class Summary
{
    public static readonly JsonSerializerOptions Indented = new() { WriteIndented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static JsonObject Json(RunResult r, RunRequest request)
    {
        var t = r.Metrics.Totals;
        JsonObject Group(params (string Name, string Key)[] items)
        {
            var o = new JsonObject();
            foreach (var (name, key) in items) o[name] = Table.Round(t[key]);
            return o;
        }
        JsonObject Map<T>(IReadOnlyDictionary<string, T> d)
        {
            var o = new JsonObject();
            foreach (var (k, v) in d) o[k] = v is double x ? JsonValue.Create(Table.Round(x)) : JsonValue.Create(v);
            return o;
        }
        var negotiations = new JsonArray();
        foreach (var n in r.Metrics.Negotiations)
            negotiations.Add(new JsonObject
            {
                ["dyad"] = n.Dyad, ["outcome"] = n.Outcome, ["opened"] = n.Opened, ["closed"] = n.Closed, ["rounds"] = n.Rounds,
                ["agreementDay"] = n.AgreementDay, ["agreedAt"] = n.AgreedAt, ["hoursOpen"] = n.HoursOpen, ["terms"] = n.Terms,
                ["utilitySending"] = n.UtilitySending, ["utilityReceiving"] = n.UtilityReceiving, ["nashProduct"] = n.NashProduct,
            });
        return new JsonObject
        {
            ["scenario"] = r.Scenario,
            ["seed"] = r.Seed,
            ["digest"] = r.Digest,
            ["wallSeconds"] = Math.Round(r.WallSeconds, 3),
            ["simulationSeconds"] = Math.Round(r.SimulationSeconds, 3),
            ["events"] = r.Events,
            [MetricKeys.MigrantEvents] = r.MigrantEvents,
            ["completed"] = r.Completed,
            ["error"] = r.Error,
            ["engine"] = r.Engine,
            ["peakRssBytes"] = r.PeakRssBytes,
            ["kernel"] = new JsonObject { ["rounds"] = r.Rounds, ["deliveries"] = r.Deliveries },
            ["simulatedUntil"] = r.SimulatedUntil,
            ["provenance"] = request.Provenance.ToJson(request.Spec),
            ["metrics"] = new JsonObject
            {
                ["flights"] = Group(("planned", MetricKeys.FlightsPlanned), ("cancelled", MetricKeys.FlightsCancelled), ("cleared", MetricKeys.FlightsCleared),
                    ("partiallyCleared", MetricKeys.FlightsPartiallyCleared), ("refused", MetricKeys.FlightsRefused), ("turnedBack", MetricKeys.FlightsTurnedBack),
                    ("diverted", MetricKeys.FlightsDiverted), ("landed", MetricKeys.FlightsLanded), ("flightHours", MetricKeys.FlightsHours), ("flightCost", MetricKeys.FlightsCost)),
                ["migrants"] = Group(("detained", MetricKeys.MigrantsDetained), ("removed", MetricKeys.MigrantsRemoved), ("refused", MetricKeys.MigrantsRefused),
                    ("releasedAtLimit", MetricKeys.MigrantsReleasedAtLimit), ("reliefGranted", MetricKeys.MigrantsRelief), ("deferredArrests", MetricKeys.MigrantsDeferredArrests)),
                ["detainedAtEnd"] = r.Metrics.DetainedAtEnd,
                ["detention"] = Group(("bedDays", MetricKeys.DetentionBedDays), ("cost", MetricKeys.DetentionCost)),
                ["refusalReasons"] = new JsonObject { ["flights"] = Map(r.Metrics.FlightRefusalReasons), ["people"] = Map(r.Metrics.PersonRefusalReasons) },
                ["firstRefusal"] = r.Metrics.FirstRefusal,
                ["daysFromFirstRefusalToAgreement"] = r.Metrics.DaysFromFirstRefusalToAgreement is { } days ? Table.Round(days) : null,
                ["negotiationRounds"] = t[MetricKeys.NegotiationRounds],
                ["negotiations"] = negotiations,
                ["escalations"] = Group(("threatened", MetricKeys.EscalationsThreatened), ("applied", MetricKeys.EscalationsApplied)),
                ["threatenedByInstrument"] = Map(r.Metrics.ThreatenedByInstrument),
                ["appliedByInstrument"] = Map(r.Metrics.AppliedByInstrument),
                ["tensionAtEnd"] = Map(r.Metrics.TensionAtEnd),
                ["pressureAtEnd"] = Map(r.Metrics.PressureAtEnd),
                ["advocacyAlerts"] = t[MetricKeys.AdvocacyAlerts],
                ["observerAssessments"] = t[MetricKeys.ObserverAssessments],
                // The scenario's own measures (measure.<id>), null for a time that never came.
                ["measures"] = new JsonObject(r.Metrics.Measures.Select(m => KeyValuePair.Create(m.Name, (JsonNode?)(m.Value is { } v ? JsonValue.Create(Table.Round(v)) : null)))),
            },
        };
    }
}
