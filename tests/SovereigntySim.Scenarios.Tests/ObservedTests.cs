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

    [Fact]
    public void A_figure_without_a_source_is_an_error_at_the_figure()
    {
        var text = Good.Replace("    source: { url: \"https://example.org/a\", date: 2025-01-26 }\n", "");
        var error = Single(text, "figures[0].source");
        Assert.Equal(Where(text, "id: refused"), (error.Line, error.Column));
        Assert.Contains("expected required key 'source'", error.ToString());
    }

    [Fact]
    public void A_source_without_an_address_or_date_is_an_error_where_it_is_written()
    {
        var text = Good.Replace("url: \"https://example.org/b\"", "url: \"example.org/b\"");
        var error = Single(text, "figures[1].source.url");
        Assert.Equal(Where(text, "\"example.org/b\""), (error.Line, error.Column));
        Assert.Contains("expected an http or https address, found 'example.org/b'", error.ToString());

        text = Good.Replace("date: 2024", "date: last year");
        error = Single(text, "figures[2].source.date");
        Assert.Contains("expected a date YYYY, YYYY-MM or YYYY-MM-DD, found 'last year'", error.ToString());
    }

    [Fact]
    public void An_unknown_measure_is_an_error_at_the_measure()
    {
        var text = Good.Replace("measure: flights.refused", "measure: flights.refusd");
        var error = Single(text, "figures[0].measure");
        Assert.Equal(Where(text, "flights.refusd"), (error.Line, error.Column));
        Assert.Contains("expected an outcome measure: one of flights.planned", error.ToString());
        Assert.EndsWith("found 'flights.refusd'", error.ToString());

        // removed.<country> must name a country of the scenario.
        text = Good.Replace("measure: removed.MX", "measure: removed.CA");
        error = Single(text, "figures[2].measure");
        Assert.EndsWith("found 'removed.CA'", error.ToString());
    }

    [Fact]
    public void An_empty_range_is_an_error_at_its_upper_end()
    {
        var text = Good.Replace("lo: 1\n    hi: 2", "lo: 5\n    hi: 2");
        var error = Single(text, "figures[0].hi");
        Assert.Equal(Where(text, "hi: 2") is var (l, c) ? (l, c + 4) : default, (error.Line, error.Column));
        Assert.Contains("expected a non-empty range: hi at least lo (5), found 2", error.ToString());
    }

    [Fact]
    public void A_figure_with_no_range_or_both_a_range_and_an_expectation_is_an_error()
    {
        var text = Good.Replace("    lo: 1\n    hi: 2\n", "");
        Assert.Contains("expected an observed range (lo, hi or both), expect: none | some, or a point value, found none of them",
            Single(text, "figures[0]").ToString());
        text = Good.Replace("    expect: none\n", "    expect: none\n    lo: 0\n");
        Assert.Contains("expected either expect or lo/hi, not both", Single(text, "figures[1].expect").ToString());
    }

    [Fact]
    public void A_missing_scenario_file_is_an_error_at_the_scenario()
    {
        var text = Good.Replace("scenarios/s.yaml", "scenarios/nowhere.yaml");
        var error = Single(text, "scenario");
        Assert.Equal(Where(text, "scenarios/nowhere.yaml"), (error.Line, error.Column));
        Assert.Contains("expected an existing scenario file", error.ToString());
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

    [Fact]
    public void Unknown_keys_and_bad_values_are_located_by_the_shared_binder()
    {
        var text = Good.Replace("expect: none", "expect: never");
        var error = Single(text, "figures[1].expect");
        Assert.Contains("expected one of: none, some, found 'never'", error.ToString());
        text = Good.Replace("title: a test", "titel: a test");
        Assert.Contains("found 'titel'", Single(text, "titel").ToString());
    }
}
