using System.Reflection;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using SovereigntySim.Domain.Metrics;
using SovereigntySim.Domain.Scenario;
using SovereigntySim.Scenarios;

namespace SovereigntySim.Hosting.Runs;

/// <summary>Where a run came from: enough to tell, from its results alone, what produced them.</summary>
public sealed record Provenance(string? ScenarioFile, string? ScenarioSha256, IReadOnlyList<string> Overrides, string CommandLine)
{
    /// <summary>The program's version, with the git commit it was built from where known (1.0.0+commit).</summary>
    public static string Version { get; } =
        (Assembly.GetEntryAssembly() ?? typeof(Provenance).Assembly).GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "unknown";

    public static string? Commit => Version.IndexOf('+') is var plus and > 0 ? Version[(plus + 1)..] : null;

    /// <summary>Provenance of a scenario file run with these overrides, from this process's command line.</summary>
    public static Provenance Of(string? file, IReadOnlyList<string> overrides)
    {
        string? hash = null;
        if (file is not null && File.Exists(file))
            hash = Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(file)));
        return new Provenance(file is null ? null : Path.GetFullPath(file), hash, overrides, string.Join(' ', Environment.GetCommandLineArgs().Skip(1).Select(Quote)));
    }

    public static string Quote(string arg) => arg.Length > 0 && arg.All(c => char.IsLetterOrDigit(c) || "-_./=:,+@".Contains(c)) ? arg : $"'{arg.Replace("'", "'\\''")}'";

    public JsonObject ToJson(ScenarioSpec effective) => new()
    {
        ["scenarioFile"] = ScenarioFile,
        ["scenarioSha256"] = ScenarioSha256,
        ["overrides"] = new JsonArray([.. Overrides.Select(o => JsonValue.Create(o))]),
        ["effectiveScenarioSha256"] = Convert.ToHexStringLower(SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(ScenarioWriter.Write(effective)))),
        ["version"] = Version,
        ["commit"] = Commit,
        ["commandLine"] = CommandLine,
    };
}

/// <summary>One run to make: the effective scenario (file, overrides, seed and scale applied) and where it came from.</summary>
public sealed record RunRequest(ScenarioSpec Spec, Provenance Provenance);

/// <summary>Where a run is, for progress displays.</summary>
public sealed record RunProgress(long Tick, long EndTick, string SimulatedTime, long Events, double EventsPerSecond);

/// <summary>What a run produced. <see cref="SimulationSeconds"/> is the time spent inside the engine; the rest of
/// <see cref="WallSeconds"/> is the pipeline's own overhead (start, outputs).</summary>
public sealed record RunResult(
    string Scenario, long Seed, string Digest, double WallSeconds, double SimulationSeconds, long Events, long MigrantEvents, bool Completed,
    string SimulatedUntil, RunMetrics Metrics, string Engine, long PeakRssBytes, long Rounds, long Deliveries, Provenance Provenance,
    string? Error = null);

/// <summary>A run that stopped on an error; whatever its sinks had received is written.</summary>
public sealed class RunFailedException(RunResult result, Exception cause)
    : Exception($"the run stopped at {result.SimulatedUntil}: {cause.GetType().Name}: {cause.Message}", cause)
{
    public RunResult Result { get; } = result;
}
