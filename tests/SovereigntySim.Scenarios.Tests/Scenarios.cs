using SovereigntySim.Domain.Scenario;

namespace SovereigntySim.Scenarios.Tests;

/// <summary>Scenario texts and helpers shared by the tests.</summary>
internal static class Scenarios
{
    public const string FileName = "test.yaml";

    public const string Minimal = """
        name: minimal
        start: 2025-01-20T00:00:00Z
        duration: 30d
        countries:
          - id: US
          - id: MX
        """;

    /// <summary>Every kind of entity and reference once, valid.</summary>
    public const string Base = """
        name: base
        start: 2025-01-20T00:00:00Z
        duration: 30d
        step: 1h
        countries:
          - id: US
            instruments:
              - kind: visaSanctions
          - id: MX
            acceptance:
              weeklyFlightCap: 10
        agencies:
          enforcement:
            - id: ice
              country: US
          screening:
            - id: inm
              country: MX
          ministries:
            - id: state
              country: US
            - id: sre
              country: MX
          advocacy:
            - id: aclu
              country: US
          observers:
            - id: unhcr
              assesses: US
        relations:
          - from: US
            to: MX
        facilities:
          - id: dilley
            agency: ice
        populations:
          - id: mx-dilley
            facility: dilley
            destination: MX
        flightPlans:
          - id: mx-daily
            agency: ice
            facility: dilley
            destination: MX
            first: day 1 10:00
        events:
          - at: day 3 08:00
            kind: threaten
            country: US
            against: MX
        """;

    public static ScenarioLoadResult Load(string yaml, params string[] overrides) => ScenarioLoader.LoadText(yaml, FileName, overrides);

    public static ScenarioSpec LoadOk(string yaml, params string[] overrides)
    {
        var result = Load(yaml, overrides);
        Assert.True(result.Ok, string.Join("\n", result.Errors));
        Assert.Empty(result.Errors);
        return result.Spec!;
    }

    /// <summary>Loads and asserts exactly one error, returning it.</summary>
    public static ScenarioError SingleError(string yaml, params string[] overrides)
    {
        var result = Load(yaml, overrides);
        Assert.False(result.Ok);
        Assert.Null(result.Spec);
        Assert.True(result.Errors.Count == 1, "expected one error, got:\n" + string.Join("\n", result.Errors));
        return result.Errors[0];
    }

    /// <summary>Replaces text that must be present, so a test can't silently stop testing anything.</summary>
    public static string Edit(this string yaml, string from, string to)
    {
        Assert.Contains(from, yaml);
        return yaml.Replace(from, to);
    }

    /// <summary>1-based line and column where <paramref name="text"/> first occurs (after <paramref name="after"/>).</summary>
    public static (int Line, int Column) Where(string yaml, string text, string? after = null)
    {
        int start = after is null ? 0 : yaml.IndexOf(after, StringComparison.Ordinal);
        Assert.True(start >= 0, $"'{after}' not in the scenario");
        int index = yaml.IndexOf(text, start, StringComparison.Ordinal);
        Assert.True(index >= 0, $"'{text}' not in the scenario");
        int line = yaml[..index].Count(c => c == '\n') + 1;
        int lineStart = index == 0 ? 0 : yaml.LastIndexOf('\n', index - 1) + 1;
        return (line, index - lineStart + 1);
    }

    public static void AssertAt(ScenarioError error, (int Line, int Column) at, string path, string messagePart)
    {
        Assert.Equal(FileName, error.File);
        Assert.Equal(at, (error.Line, error.Column));
        Assert.Equal(path, error.Path);
        Assert.Contains(messagePart, error.ToString());
    }
}
