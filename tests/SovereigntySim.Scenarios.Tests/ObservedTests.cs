namespace SovereigntySim.Scenarios.Tests;

/// <summary>Observed-case files: the shipped ones load, and each kind of bad file gets one located error.</summary>
public class ObservedTests
{
    private const string Good = """
        case: test-case
        title: a test
        scenario: scenarios/s.yaml
        figures:
          - id: refused
            measure: flights.refused
            lo: 1
            hi: 2
            source: { url: "https://example.org/a", date: 2025-01-26 }
          - id: no-tariff
            measure: applied.tariff
            expect: none
            source: { url: "https://example.org/b", date: 2025-01 }
          - id: removed-mx
            measure: removed.MX
            value: 100
            source: { url: "https://example.org/c", date: 2024 }
        """;

    /// <summary>A repository-like folder: scenarios/s.yaml and data/observed/case.yaml (the scenario is found by
    /// walking up from the observed file's folder).</summary>
    private static string Write(string observed)
    {
        var root = Path.Combine(Path.GetTempPath(), "sovsim-observed-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Path.Combine(root, "scenarios"));
        Directory.CreateDirectory(Path.Combine(root, "data", "observed"));
        File.WriteAllText(Path.Combine(root, "scenarios", "s.yaml"), Scenarios.Minimal);
        var file = Path.Combine(root, "data", "observed", "case.yaml");
        File.WriteAllText(file, observed);
        return file;
    }

    private static ScenarioError Single(string observed, string path)
    {
        var file = Write(observed);
        var result = ObservedLoader.Load([file]);
        Assert.False(result.Ok);
        var error = Assert.Single(result.Errors);
        Assert.Equal(file, error.File);
        Assert.Equal(path, error.Path);
        return error;
    }

    private static (int Line, int Column) Where(string text, string needle)
    {
        var lines = text.Split('\n');
        for (int i = 0; i < lines.Length; i++)
            if (lines[i].IndexOf(needle, StringComparison.Ordinal) is var c and >= 0) return (i + 1, c + 1);
        throw new InvalidOperationException($"'{needle}' not in the text");
    }

    [Fact]
    public void A_good_file_loads_with_its_scenario_resolved_above_its_folder()
    {
        var file = Write(Good);
        var result = ObservedLoader.Load([Path.GetDirectoryName(file)!]);
        Assert.True(result.Ok, string.Join("\n", result.Errors));
        var c = Assert.Single(result.Cases);
        Assert.Equal("test-case", c.Spec.Case);
        Assert.True(File.Exists(c.ScenarioPath));
        Assert.Equal((1, 2), c.Spec.Figures[0].RangeWith(0.15));
        Assert.Equal((0, 0), c.Spec.Figures[1].RangeWith(0.15));
        Assert.Equal((85, 115), c.Spec.Figures[2].RangeWith(0.15));
    }

    [Fact]
    public void The_shipped_observed_cases_load()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "SovereigntySim.sln"))) dir = dir.Parent;
        Assert.NotNull(dir);
        var result = ObservedLoader.Load([Path.Combine(dir.FullName, "data", "observed")]);
        Assert.True(result.Ok, string.Join("\n", result.Errors));
        Assert.True(result.Cases.Count >= 6);
        Assert.All(result.Cases.SelectMany(c => c.Spec.Figures), f => Assert.False(string.IsNullOrEmpty(f.Source?.Url)));
    }

    /// <summary>Each bad edit of the good file gives exactly one error, with <paramref name="path"/>, placed where
    /// <paramref name="at"/> is written (plus <paramref name="shift"/> columns), saying <paramref name="message"/>.</summary>
    [Theory]
    [InlineData("    source: { url: \"https://example.org/a\", date: 2025-01-26 }\n", "", "figures[0].source", "id: refused", 0,
        "expected required key 'source', found a mapping without it")]
    [InlineData("url: \"https://example.org/b\"", "url: \"example.org/b\"", "figures[1].source.url", "\"example.org/b\"", 0,
        "expected an http or https address, found 'example.org/b'")]
    [InlineData("date: 2024", "date: last year", "figures[2].source.date", "last year", 0,
        "expected a date YYYY, YYYY-MM or YYYY-MM-DD, found 'last year'")]
    [InlineData("measure: flights.refused", "measure: flights.refusd", "figures[0].measure", "flights.refusd", 0,
        "or an outcome measure: one of flights.planned")]
    [InlineData("measure: removed.MX", "measure: removed.CA", "figures[2].measure", "removed.CA", 0,
        "expected removed.<country id of the scenario>, measure.<id of one of the scenario's measures> or an outcome measure: one of flights.planned")]
    [InlineData("measure: flights.refused", "measure: measure.secondLanding", "figures[0].measure", "measure.secondLanding", 0,
        "expected removed.<country id of the scenario>, measure.<id of one of the scenario's measures> or an outcome measure")]
    [InlineData("lo: 1\n    hi: 2", "lo: 5\n    hi: 2", "figures[0].hi", "hi: 2", 4,
        "expected a non-empty range: hi at least lo (5), found 2")]
    [InlineData("    lo: 1\n    hi: 2\n", "", "figures[0]", "id: refused", 0,
        "expected an observed range (lo, hi or both), expect: none | some, or a point value, found none of them")]
    [InlineData("    expect: none\n", "    expect: none\n    lo: 0\n", "figures[1].expect", "none", 0,
        "expected either expect or lo/hi, not both")]
    [InlineData("expect: none", "expect: never", "figures[1].expect", "never", 0, "expected one of: none, some, found 'never'")]
    [InlineData("scenarios/s.yaml", "scenarios/nowhere.yaml", "scenario", "scenarios/nowhere.yaml", 0, "expected an existing scenario file")]
    [InlineData("title: a test", "titel: a test", "titel", "titel", 0, "found 'titel'")]
    public void A_bad_file_gets_one_located_error(string from, string to, string path, string at, int shift, string message)
    {
        Assert.Contains(from, Good);
        var text = Good.Replace(from, to);
        var error = Single(text, path);
        var (line, column) = Where(text, at);
        Assert.Equal((line, column + shift), (error.Line, error.Column));
        Assert.Contains(message, error.ToString());
    }

    [Fact]
    public void A_scenario_that_does_not_load_with_the_overrides_reports_both_files()
    {
        var text = Good.Replace("figures:", "overrides: [\"countries.XX.acceptance.weeklyFlightCap=3\"]\nfigures:");
        var result = ObservedLoader.Load([Write(text)]);
        Assert.False(result.Ok);
        Assert.Contains(result.Errors, e => e.Path == "scenario" && e.Found.Contains("error(s) in scenarios/s.yaml"));
        Assert.Contains(result.Errors, e => e.File == "--set");
    }
}
