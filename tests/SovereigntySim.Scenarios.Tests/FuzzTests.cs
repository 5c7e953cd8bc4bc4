using System.Diagnostics;
using System.Text;

namespace SovereigntySim.Scenarios.Tests;

/// <summary>
/// A seeded fuzzer: the shipped scenarios, broken in many ways (deleted and duplicated lines, swapped types, deep
/// nesting, alias bombs and cycles, binary junk, huge values), plus bad --set values. Every case must end in a
/// scenario or in located errors (file:line:column or --set:1:column), quickly, and never in an exception.
/// SOVSIM_FUZZ_CASES (default 1,500) and SOVSIM_FUZZ_SEED (default fixed) widen or vary the search; a failure
/// names its seed and case so it reproduces.
/// </summary>
public sealed class FuzzTests
{
    /// <summary>A guard against hangs (deep nesting and alias bombs used to hang for minutes), not a speed target: the
    /// first cases of a cold process pay for JIT, and a loaded machine must not fail the test.</summary>
    private static readonly TimeSpan PerCase = TimeSpan.FromSeconds(30);

    private static string RepoRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "SovereigntySim.sln"))) dir = dir.Parent;
        return dir?.FullName ?? throw new InvalidOperationException("SovereigntySim.sln not found");
    }

    private static readonly string[] Shipped = Directory.GetFiles(Path.Combine(RepoRoot(), "scenarios"), "*.yaml").Order().Select(File.ReadAllText).ToArray();

    private static int Env(string name, int fallback) => int.TryParse(Environment.GetEnvironmentVariable(name), out var v) ? v : fallback;

    [Fact]
    public void Broken_scenarios_and_overrides_end_in_a_scenario_or_located_errors()
    {
        int cases = Env("SOVSIM_FUZZ_CASES", 1500), seed = Env("SOVSIM_FUZZ_SEED", 20261202);
        int ok = 0, refused = 0;
        var slowest = TimeSpan.Zero;
        for (int i = 0; i < cases; i++)
        {
            // Not HashCode.Combine: it is randomised per process, and a failure must reproduce from its seed and case.
            var random = new Random(unchecked(seed * 1_000_003 + i));
            var (yaml, sets) = Generate(random);
            var clock = Stopwatch.StartNew();
            var task = Task.Run(() => ScenarioLoader.LoadText(yaml, "fuzz.yaml", sets));
            Assert.True(task.Wait(PerCase), $"case {i} (seed {seed}) took over {PerCase.TotalSeconds} s");
            slowest = clock.Elapsed > slowest ? clock.Elapsed : slowest;
            var result = task.Result;
            if (result.Ok) { ok++; continue; }
            refused++;
            Assert.NotEmpty(result.Errors);
            foreach (var e in result.Errors)
            {
                string where = $"case {i} (seed {seed}): {e}";
                Assert.True(e.File is "fuzz.yaml" or "--set", where);
                Assert.True(e.Line >= 1 && e.Column >= 1 && (e.File != "--set" || e.Line == 1), where);
                Assert.True(!e.Found.Contains("an internal error"), where);
                var text = e.ToString();
                Assert.True(text.Length < 1000, where);
                Assert.DoesNotContain(text, char.IsControl);
            }
        }
        Assert.True(ok > 0 && refused > cases / 2, $"{ok} valid, {refused} refused: the generator should make both");
        Assert.True(slowest < PerCase, $"slowest case {slowest.TotalSeconds:N1} s");
    }

    private static (string Yaml, string[] Sets) Generate(Random r)
    {
        var lines = Shipped[r.Next(Shipped.Length)].Split('\n').ToList();
        int mutations = r.Next(4); // 0: the file as shipped, with only --set values broken
        for (int m = 0; m < mutations; m++) Mutate(lines, r);
        var sets = Enumerable.Range(0, r.Next(3)).Select(_ => BadSet(r)).ToArray();
        return (string.Join('\n', lines), sets);
    }

    private static readonly string[] Values =
    [
        "[]", "{}", "~", "null", "''", "\"\"", "true", "-1", "0", "1e308", "-1e308", "1e-320", "NaN", ".inf", "99999999999999999999",
        "2147483648", "x", "[1, [2, [3]]]", "{a: 1}", "day 99999999", "99999999999d", "0.5", "1", "|\n  text", "!!binary AAAA",
        "!custom 3", "\"\\u0000\"", "'\u001b[31mred'", "%", "@", "`", "*nowhere", "&a 1", "? x", "- a",
    ];

    private static string Value(Random r) => r.Next(10) switch
    {
        0 => new string('9', r.Next(20, 400)),
        1 => new string('x', r.Next(1000, 200_000)),
        2 => new string('[', r.Next(33, 50_000)) + new string(']', r.Next(0, 10)),
        3 => new string('{', r.Next(33, 20_000)),
        4 => Junk(r, r.Next(1, 64)),
        _ => Values[r.Next(Values.Length)],
    };

    private static string Junk(Random r, int length)
    {
        var sb = new StringBuilder();
        for (int i = 0; i < length; i++) sb.Append((char)(r.Next(3) == 0 ? r.Next(0, 32) : r.Next(0, 0xFFFF)));
        return sb.ToString();
    }

    private const string Punctuation = ":-[]{}\"'#&*!|>%@`?,\t";

    private static void Mutate(List<string> lines, Random r)
    {
        if (lines.Count == 0) { lines.Add(Value(r)); return; }
        int at = r.Next(lines.Count);
        switch (r.Next(10))
        {
            case 0: // delete a block of lines
                lines.RemoveRange(at, Math.Min(lines.Count - at, 1 + r.Next(8)));
                break;
            case 1: // duplicate a block of lines
                lines.InsertRange(at, lines.Skip(at).Take(1 + r.Next(8)).ToList());
                break;
            case 2: // swap a value's type
            {
                int colon = lines[at].IndexOf(": ", StringComparison.Ordinal);
                if (colon > 0) lines[at] = lines[at][..(colon + 2)] + Value(r);
                else lines[at] += " " + Value(r);
                break;
            }
            case 3: // deep block nesting
            {
                int depth = r.Next(20, 400);
                var sb = new StringBuilder();
                for (int d = 0; d < depth; d++) sb.Append(new string(' ', d)).Append("k").Append(d).Append(":\n");
                lines.Insert(at, sb.ToString().TrimEnd('\n'));
                break;
            }
            case 4: // an alias bomb or a cycle
                lines.Insert(at, r.Next(2) == 0
                    ? "a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n" + string.Join("\n", Enumerable.Range(1, 12).Select(k =>
                        $"a{k}: &a{k} [{string.Join(", ", Enumerable.Repeat($"*a{k - 1}", 10))}]"))
                    : "loop: &loop [1, *loop]");
                break;
            case 5: // binary junk
                lines.Insert(at, Junk(r, r.Next(1, 300)));
                break;
            case 6: // a huge value or key
                lines[at] = r.Next(2) == 0 ? lines[at] + new string('9', r.Next(100, 300_000)) : new string('k', r.Next(100, 100_000)) + ": 1";
                break;
            case 7: // random YAML punctuation
            {
                var chars = lines[at].ToCharArray();
                if (chars.Length > 0) chars[r.Next(chars.Length)] = Punctuation[r.Next(Punctuation.Length)];
                lines[at] = new string(chars);
                break;
            }
            case 8: // shift indentation
                lines[at] = new string(' ', r.Next(1, 9)) + lines[at];
                break;
            default: // truncate the file
                lines.RemoveRange(at, lines.Count - at);
                break;
        }
    }

    private static readonly string[] Paths =
    [
        "seed", "name", "duration", "step", "start", "countries.MX.acceptance.weeklyFlightCap", "countries[0].id", "countries.US.politics",
        "negotiation.roundHours", "negotiation.enabled", "populations[0].initial", "populations[0].arrivalsPerDay", "output.migrantEvents",
        "agencies.ministries[0].beta", "flightPlans[0].first", "events[0].at", "facilities[0].capacity", "nope.nope", "countries[999]",
        "countries[-1].id", "a..b", "[0]", "countries.", "x[", "countries.MX.acceptance.weeklyFlightCap.deeper",
    ];

    private static string BadSet(Random r) => r.Next(8) switch
    {
        0 => Junk(r, r.Next(0, 40)),
        1 => Paths[r.Next(Paths.Length)],
        2 => "=" + Value(r),
        _ => Paths[r.Next(Paths.Length)] + "=" + Value(r),
    };
}
