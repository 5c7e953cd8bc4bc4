using System.ComponentModel.DataAnnotations;
using System.Globalization;
using System.Reflection;
using CsCheck;
using SovereigntySim.Domain.Scenario;
using SovereigntySim.Domain.Simulation;
using SovereigntySim.Hosting.Engines;
using SovereigntySim.Hosting.Runs;
using SovereigntySim.Scenarios;

namespace SovereigntySim.Engine.Tests;

/// <summary>
/// Issue 18 item 3: what validates, runs. CsCheck draws a shipped scenario and up to four settings the schema gives a
/// range, each at an end of its range or inside it (for every item of a list: `*`), and the run must either complete
/// or be refused by the loader with located errors, never fail. SOVSIM_PROPERTY_CASES (default 40) widens it; a
/// failure prints the scenario and the overrides, shrunk, and CsCheck's seed to replay it.
/// </summary>
public sealed class PropertyTests(Xunit.Abstractions.ITestOutputHelper output)
{
    /// <summary>Small scenarios that between them have every kind of agent and list (the large ones only cost time).</summary>
    private static readonly string[] Scenarios =
    [
        "mexico-flight-refusal.yaml", "colombia-2025.yaml", "brazil-2025.yaml", "honduras-2025.yaml", "visa-sanctions-243d.yaml",
        "history/costa-rica-2025.yaml", "history/gambia-2016.yaml", "history/ghana-2019.yaml", "history/cuba-2017.yaml",
    ];

    /// <summary>Counts (people, beds, seats) are drawn up to this above their floor: larger values run, only slowly.</summary>
    private const double CountSpan = 1000;

    private sealed record Setting(string Path, double Lo, double Hi, bool Integer);

    /// <summary>Every numeric setting with a range, as a --set path, from the scenario records by reflection.</summary>
    private static readonly Setting[] Settings = [.. Walk(typeof(ScenarioSpec), "", 0)];

    private static IEnumerable<Setting> Walk(Type type, string prefix, int depth)
    {
        if (depth > 6) yield break;
        foreach (var p in type.GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.CanWrite))
        {
            string path = prefix + char.ToLowerInvariant(p.Name[0]) + p.Name[1..];
            var t = Nullable.GetUnderlyingType(p.PropertyType) ?? p.PropertyType;
            if (p.GetCustomAttribute<RangeAttribute>() is { } range && (t == typeof(double) || t == typeof(int) || t == typeof(long)))
            {
                double lo = Convert.ToDouble(range.Minimum, CultureInfo.InvariantCulture), hi = Convert.ToDouble(range.Maximum, CultureInfo.InvariantCulture);
                bool integer = t != typeof(double);
                yield return new Setting(path, lo, integer ? Math.Min(hi, lo + CountSpan) : hi, integer);
                continue;
            }
            var item = t.IsGenericType && t.GetGenericTypeDefinition() == typeof(List<>) ? t.GetGenericArguments()[0] : null;
            var record = item ?? t;
            if (record.Namespace != typeof(ScenarioSpec).Namespace || !record.IsClass || record == typeof(string)) continue;
            foreach (var s in Walk(record, path + (item is null ? "." : ".*."), depth + 1)) yield return s;
        }
    }

    private static string Value(Setting s, int end, double u)
    {
        double v = end switch { 0 => s.Lo, 1 => s.Hi, _ => s.Lo + u * (s.Hi - s.Lo) };
        return s.Integer ? ((long)Math.Round(v)).ToString(CultureInfo.InvariantCulture) : v.ToString("R", CultureInfo.InvariantCulture);
    }

    [Fact]
    public void Every_value_the_schema_accepts_runs_or_is_refused_with_its_location()
    {
        Assert.True(Settings.Length > 100, $"only {Settings.Length} settings found");
        int cases = int.TryParse(Environment.GetEnvironmentVariable("SOVSIM_PROPERTY_CASES"), out var n) ? n : 40;
        int ran = 0, refused = 0;
        var overrides = Gen.Select(Gen.Int[0, Settings.Length - 1], Gen.Int[0, 2], Gen.Double[0, 1])
            .Select((i, end, u) => $"{Settings[i].Path}={Value(Settings[i], end, u)}").Array[1, 4];
        Gen.Select(Gen.Int[0, Scenarios.Length - 1], overrides).Sample((scenario, sets) =>
        {
            var loaded = ScenarioLoader.Load(Repo.Scenario(Scenarios[scenario]), sets);
            if (!loaded.Ok)
            {
                // Refused: every error located, none of them an internal message.
                Interlocked.Increment(ref refused);
                Assert.All(loaded.Errors, e => Assert.True(e.Line >= 1 && e.Column >= 1 && !e.Found.Contains("internal"), e.ToString()));
                return;
            }
            Interlocked.Increment(ref ran);
            // Runs: to its end, or as far as a few seconds take it (a huge value may only be slow); never an error.
            using var budget = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            var engine = new ReferenceEngine(new World(loaded.Spec!));
            var result = RunPipeline.RunAsync(engine, new RunRequest(loaded.Spec!, Provenance.Of(null, sets)), [], cancellation: budget.Token).GetAwaiter().GetResult();
            Assert.Null(result.Error);
        }, iter: cases, threads: 1, print: t => $"{Scenarios[t.Item1]} --set {string.Join(" --set ", t.Item2)}");
        output.WriteLine($"{Settings.Length} settings; {ran} cases ran, {refused} were refused with located errors");
        Assert.True(ran > cases / 4, $"{ran} ran, {refused} refused: the generator should make runs");
    }
}
