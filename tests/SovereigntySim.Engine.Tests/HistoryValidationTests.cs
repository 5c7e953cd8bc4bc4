using System.Globalization;
using System.Text.Json.Nodes;
using SovereigntySim.Hosting.Validation;
using SovereigntySim.Scenarios;

namespace SovereigntySim.Engine.Tests;

/// <summary>validate-history: the comparison maths against hand-computed values, and the command end to end.</summary>
public sealed class HistoryValidationTests
{
    private static ObservedFigureSpec Figure(double? lo = null, double? hi = null, double? value = null, Expectation? expect = null) => new()
    {
        Id = "f", Measure = "migrants.removed", Lo = lo, Hi = hi, Value = value, Expect = expect,
        Source = new ObservedSourceSpec { Url = "https://example.org", Date = "2025" },
    };

    [Fact]
    public void Share_in_range_counts_closed_ends_and_counts_missing_values_against_the_share()
    {
        double[] values = [1, 2, 3, 4, double.NaN];
        Assert.Equal(3.0 / 5, HistoryComparison.ShareInRange(values, 2, 4)); // 2, 3, 4 of five runs
        Assert.Equal(1.0 / 5, HistoryComparison.ShareInRange(values, 4, double.PositiveInfinity));
        Assert.Equal(0, HistoryComparison.ShareInRange(values, 5, 9));
        Assert.True(double.IsNaN(HistoryComparison.ShareInRange([], 0, 1)));
    }

    [Fact]
    public void Relative_error_is_signed_against_the_observed_value()
    {
        Assert.Equal(0.1, HistoryComparison.RelativeError(110, 100), 12);
        Assert.Equal(-0.25, HistoryComparison.RelativeError(75, 100), 12);
        Assert.Equal(0.5, HistoryComparison.RelativeError(-50, -100), 12);
        Assert.True(double.IsNaN(HistoryComparison.RelativeError(3, 0)));
        Assert.True(double.IsNaN(HistoryComparison.RelativeError(double.NaN, 10)));
    }

    [Fact]
    public void A_figure_passes_by_share_or_by_relative_error_of_the_mean()
    {
        var observed = new ObservedCaseSpec { Case = "c", Target = 0.8, Tolerance = 0.15 };
        double[] values = [90, 100, 110, 120, 200];

        var range = HistoryComparison.Compare(observed, Figure(lo: 95, hi: 125), values);
        Assert.Equal(0.6, range.ShareInRange, 12); // 100, 110, 120
        Assert.False(range.Pass);
        Assert.Equal(110, range.Simulated.Median);
        Assert.True(double.IsNaN(range.RelativeError));

        // Mean 124 against 110: +12.7%, within 15%; the band 93.5-126.5 holds 100, 110, 120.
        var point = HistoryComparison.Compare(observed, Figure(value: 110), values);
        Assert.Equal((110 - 0.15 * 110, 110 + 0.15 * 110), (point.ObservedLo, point.ObservedHi));
        Assert.Equal((124 - 110) / 110.0, point.RelativeError, 12);
        Assert.Equal(0.6, point.ShareInRange, 12);
        Assert.True(point.Pass);

        var none = HistoryComparison.Compare(observed, Figure(expect: Expectation.None), [0, 0, 0, 0, 1]);
        Assert.Equal(0.8, none.ShareInRange, 12);
        Assert.True(none.Pass);
        var some = HistoryComparison.Compare(observed, Figure(expect: Expectation.Some), [0, 2, 1, double.NaN, 1]);
        Assert.Equal(0.6, some.ShareInRange, 12);
        Assert.False(some.Pass);
    }

    internal static List<Dictionary<string, string>> Csv(string path)
    {
        var lines = File.ReadAllLines(path);
        var header = lines[0].Split(',');
        // Sources and notes hold no commas in this test's file.
        return lines.Skip(1).Select(l => header.Zip(l.Split(',')).ToDictionary(p => p.First, p => p.Second)).ToList();
    }

    private static double D(string s) => s.Length == 0 ? double.NaN : double.Parse(s, CultureInfo.InvariantCulture);

    [Fact]
    public async Task Validate_history_runs_a_case_and_its_shares_agree_with_its_runs()
    {
        var dir = Repo.TempDir();
        var observed = Path.Combine(dir, "brazil.yaml");
        File.WriteAllText(observed, $$"""
            case: brazil-small
            scenario: {{Repo.Scenario("brazil-2025.yaml")}}
            overrides: ["populations.brazilians.documents.verified=0.8", "populations.brazilians.documents.disputed=0.2"]
            figures:
              - id: diverted
                measure: flights.diverted
                lo: 1
                hi: 1
                source: { url: "https://www.nation.com.pk/27-Jan-2025/brazil-slams-us-after-dozens-of-deportees-arrive-handcuffed", date: 2025-01-27 }
              - id: removed
                measure: migrants.removed
                value: 80
                source: { url: "https://example.org/test", date: 2025 }
              - id: removed-br
                measure: removed.BR
                lo: 70
                hi: 88
                source: { url: "https://example.org/test", date: 2025 }
            """);
        var outDir = Path.Combine(dir, "out");
        var r = await CliTests.Run("validate-history", observed, "--replications", "4", "--parallel", "2", "--out", outDir);
        Assert.True(r.ExitCode == 0, r.Err + r.Out);
        Assert.Contains("simulated against observed", r.Out);

        var rows = Csv(Path.Combine(outDir, "validation.csv"));
        Assert.Equal(["diverted", "removed", "removed-br"], rows.Select(x => x["figure"]));
        Assert.All(rows, x => Assert.InRange(D(x["shareInRange"]), 0, 1));
        Assert.All(rows, x => Assert.Equal("4", x["runs"]));

        // The shares and the mean follow from the case's own runs.csv.
        var runs = Csv(Path.Combine(outDir, "cases", "brazil-small", "runs.csv"));
        Assert.Equal(4, runs.Count);
        var removed = runs.Select(x => D(x["migrants.removed"])).ToArray();
        Assert.Equal(removed.Count(v => v >= 68 && v <= 92) / 4.0, D(rows[1]["shareInRange"]), 9);
        Assert.Equal((removed.Average() - 80) / 80, D(rows[1]["relativeError"]), 6);
        Assert.Equal(runs.Count(x => D(x["flights.diverted"]) == 1) / 4.0, D(rows[0]["shareInRange"]), 9);
        // Every person removed flew to Brazil, so removed.BR is migrants.removed.
        Assert.Equal(removed.Count(v => v >= 70 && v <= 88) / 4.0, D(rows[2]["shareInRange"]), 9);

        var json = JsonNode.Parse(File.ReadAllText(Path.Combine(outDir, "validation.json")))!;
        Assert.Equal(4, (int)json["replications"]!);
        Assert.Equal(3, json["cases"]![0]!["figures"]!.AsArray().Count);
    }

    [Fact]
    public async Task Validate_history_refuses_a_figure_without_a_source_with_exit_code_2()
    {
        var dir = Repo.TempDir();
        var observed = Path.Combine(dir, "bad.yaml");
        File.WriteAllText(observed, $$"""
            case: bad
            scenario: {{Repo.Scenario("brazil-2025.yaml")}}
            figures:
              - id: diverted
                measure: flights.diverted
                lo: 1
            """);
        var r = await CliTests.Run("validate-history", observed, "--replications", "2", "--out", Path.Combine(dir, "out"));
        Assert.Equal(2, r.ExitCode);
        Assert.Contains($"{observed}:4:5: figures[0].source: expected required key 'source'", r.Err);
        Assert.False(Directory.Exists(Path.Combine(dir, "out")));
    }
}

/// <summary>Issue 16 item 5 end to end: a measure of one's own (--measure, or measures+= in a case's overrides) is
/// reported like the built-in outcomes by run, replications, validate-history and sensitivity.</summary>
public sealed class OwnMeasureTests
{
    private const string SecondLanding = "{id: secondLanding, what: days until the second flight lands, of: first, event: flight.landed, nth: 2}";

    [Fact]
    public async Task A_measure_of_ones_own_reaches_the_summary_runs_csv_validation_and_sensitivity()
    {
        var dir = Repo.TempDir();
        // One run: the console, summary.json and the event log agree on when the second flight landed.
        var one = Path.Combine(dir, "one");
        var r = await CliTests.Run("run", "scenarios/colombia-2025.yaml", "--measure", SecondLanding, "--out", one);
        Assert.True(r.ExitCode == 0, r.Err);
        var landed = File.ReadLines(Path.Combine(one, "events.jsonl")).Select(l => JsonNode.Parse(l)!)
            .Where(e => (string)e["kind"]! == "flight.landed").Select(e => (long)e["tick"]!).ToList();
        Assert.True(landed.Count >= 2);
        var spec = Repo.Load("colombia-2025.yaml");
        double expected = (double)landed[1] / new SovereigntySim.Domain.Simulation.World(spec).Clock.TicksPerDay;
        var summary = JsonNode.Parse(File.ReadAllText(Path.Combine(one, "summary.json")))!;
        Assert.Equal(expected, (double)summary["metrics"]!["measures"]!["measure.secondLanding"]!, 6);
        Assert.Contains("measure.secondLanding", r.Out);

        // Replications: a column of runs.csv and a row of aggregate.csv, like any outcome.
        var reps = Path.Combine(dir, "reps");
        r = await CliTests.Run("run", "scenarios/colombia-2025.yaml", "--measure", SecondLanding, "--replications", "3", "--out", reps);
        Assert.True(r.ExitCode == 0, r.Err);
        var runs = HistoryValidationTests.Csv(Path.Combine(reps, "runs.csv"));
        Assert.Equal(3, runs.Count);
        Assert.All(runs, x => Assert.True(double.Parse(x["measure.secondLanding"], CultureInfo.InvariantCulture) > 0));
        Assert.Contains(File.ReadLines(Path.Combine(reps, "aggregate.csv")), l => l.Contains(",measure.secondLanding,"));

        // validate-history: a figure on the case's own measure, added by its overrides.
        var observed = Path.Combine(dir, "colombia.yaml");
        File.WriteAllText(observed, $$"""
            case: colombia-own-measure
            scenario: {{Repo.Scenario("colombia-2025.yaml")}}
            overrides: ["measures+={{SecondLanding}}"]
            figures:
              - id: second-landing
                measure: measure.secondLanding
                lo: 0
                hi: 30
                source: { url: "https://example.org/test", date: 2025 }
            """);
        r = await CliTests.Run("validate-history", observed, "--replications", "2", "--out", Path.Combine(dir, "vh"));
        Assert.True(r.ExitCode == 0, r.Err + r.Out);
        var figure = Assert.Single(HistoryValidationTests.Csv(Path.Combine(dir, "vh", "validation.csv")));
        Assert.Equal("measure.secondLanding", figure["measure"]);
        Assert.Equal("1", figure["shareInRange"]);

        // Sensitivity on it; an unknown measure of one's own is refused once the scenario is loaded (exit 2).
        r = await CliTests.Run("sensitivity", "scenarios/colombia-2025.yaml", "--measure", SecondLanding, "--param", "negotiation.typeSpread=0.1:0.5",
            "--trajectories", "2", "--outcome", "measure.secondLanding", "--out", Path.Combine(dir, "sens"));
        Assert.True(r.ExitCode == 0, r.Err + r.Out);
        Assert.Contains(File.ReadLines(Path.Combine(dir, "sens", "sensitivity.csv")), l => l.Contains("measure.secondLanding"));
        r = await CliTests.Run("sensitivity", "scenarios/colombia-2025.yaml", "--param", "negotiation.typeSpread=0.1:0.5", "--outcome", "measure.nothing", "--out", Path.Combine(dir, "bad"));
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("the scenario defines no such measure", r.Err);
    }
}
