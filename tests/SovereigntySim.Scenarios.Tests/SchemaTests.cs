using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using SovereigntySim.Domain.Scenario;
using static SovereigntySim.Scenarios.Tests.Scenarios;

namespace SovereigntySim.Scenarios.Tests;

public class SchemaTests
{
    private static readonly JsonNode Schema = JsonNode.Parse(ScenarioSchema.Generate())!;

    private static JsonNode Def(string name) => Schema["$defs"]![name]!;

    [Fact]
    public void Checked_in_schema_matches_the_model()
    {
        string path = Path.Combine(RepositoryRoot(), "docs", ScenarioSchema.FileName);
        string generated = ScenarioSchema.Generate();
        if (Environment.GetEnvironmentVariable("SOVSIM_UPDATE_SCHEMA") == "1") File.WriteAllText(path, generated);

        string checkedIn = File.Exists(path) ? File.ReadAllText(path).Replace("\r\n", "\n") : "";
        Assert.True(checkedIn == generated,
            $"docs/{ScenarioSchema.FileName} is out of date with the scenario records. Regenerate it with "
            + $"`sovsim schema > docs/{ScenarioSchema.FileName}` (or run this test with SOVSIM_UPDATE_SCHEMA=1) and commit the result.");
    }

    [Fact]
    public void Generation_is_deterministic() => Assert.Equal(ScenarioSchema.Generate(), ScenarioSchema.Generate());

    [Fact]
    public void Root_describes_the_scenario_record()
    {
        Assert.Equal("https://json-schema.org/draft/2020-12/schema", (string?)Schema["$schema"]);
        Assert.Equal("object", (string?)Schema["type"]);
        Assert.False((bool)Schema["additionalProperties"]!);
        Assert.Equal(["name", "start", "duration", "countries"], Schema["required"]!.AsArray().Select(n => (string)n!));
        Assert.Equal("#/$defs/CountrySpec", (string?)Schema["properties"]!["countries"]!["items"]!["$ref"]);
        Assert.Equal("Short name; used for the default output folder.", (string?)Schema["properties"]!["name"]!["description"]);
        Assert.Equal(1, (int)Schema["properties"]!["name"]!["minLength"]!);
        Assert.Equal("1h", (string?)Schema["properties"]!["step"]!["default"]);
    }

    [Fact]
    public void Every_object_forbids_unknown_keys_and_lists_the_model_properties()
    {
        foreach (var (name, def) in Schema["$defs"]!.AsObject())
        {
            Assert.False((bool)def!["additionalProperties"]!, name);
            var type = typeof(ScenarioSpec).Assembly.GetType($"SovereigntySim.Domain.Scenario.{name}")!;
            var expected = type.GetProperties().Where(p => p.CanWrite).Select(p => char.ToLowerInvariant(p.Name[0]) + p.Name[1..]).Order();
            Assert.Equal(expected, def["properties"]!.AsObject().Select(p => p.Key).Order());
        }
    }

    [Fact]
    public void Ranges_enums_and_nullables_are_carried_over()
    {
        // No cap is the word none (the default), never 0 (issue 16).
        var capProperty = Def("AcceptancePolicySpec")["properties"]!["weeklyFlightCap"]!;
        var cap = capProperty["anyOf"]![0]!;
        Assert.Equal(("integer", 1L, 1000L), ((string)cap["type"]!, (long)cap["minimum"]!, (long)cap["maximum"]!));
        Assert.Equal("none", (string)capProperty["anyOf"]![1]!["const"]!);
        Assert.Equal("none", (string)capProperty["default"]!);
        var pressure = Def("PoliticsSpec")["properties"]!["domesticPressure"]!;
        Assert.Equal(("number", 0.0, 1.0, 0.3), ((string)pressure["type"]!, (double)pressure["minimum"]!, (double)pressure["maximum"]!, (double)pressure["default"]!));
        Assert.Equal(["military", "charter", "receivingState"], Def("FlightPlanSpec")["properties"]!["aircraft"]!["enum"]!.AsArray().Select(n => (string)n!));
        Assert.Equal(["restraints", "minors", "medical", "dueProcess"], Def("AdvocacySpec")["properties"]!["watches"]!["default"]!.AsArray().Select(n => (string)n!));

        var value = Def("ScriptedEventSpec")["properties"]!["value"]!;
        Assert.Equal(["number", "null"], value["type"]!.AsArray().Select(n => (string)n!));
        var instrument = Def("ScriptedEventSpec")["properties"]!["instrument"]!;
        Assert.Contains(null, instrument["enum"]!.AsArray());
        Assert.Equal("#/$defs/PolicyPatchSpec", (string?)Def("ScriptedEventSpec")["properties"]!["policy"]!["anyOf"]![0]!["$ref"]);
        Assert.Null(Schema["properties"]!["seed"]!["maximum"]); // long.MaxValue means "no upper bound"
    }

    [Theory]
    [InlineData("30d", true)]
    [InlineData("36h", true)]
    [InlineData("90m", true)]
    [InlineData("2d12h", true)]
    [InlineData("1.5d", true)]
    [InlineData("30", false)]
    [InlineData("30 days", false)]
    [InlineData("h", false)]
    [InlineData("", false)]
    public void Duration_pattern_agrees_with_the_parser(string text, bool valid)
    {
        var pattern = (string)Schema["properties"]!["duration"]!["pattern"]!;
        Assert.Equal(valid, Regex.IsMatch(text, pattern));
        Assert.Equal(valid, DurationText.TryParse(text, out _));
    }

    [Theory]
    [InlineData("day 3 08:00", true)]
    [InlineData("day 1", true)]
    [InlineData("Day 2 23:59", true)]
    [InlineData("2025-01-25T12:30:00Z", true)]
    [InlineData("2025-01-25T12:30:00+01:00", true)]
    [InlineData("tomorrow", false)]
    [InlineData("25/01/2025", false)]
    public void Time_pattern_agrees_with_the_loader(string text, bool valid)
    {
        var pattern = (string)Def("ScriptedEventSpec")["properties"]!["at"]!["pattern"]!;
        Assert.Equal(valid, Regex.IsMatch(text, pattern));
        Assert.Equal(valid, Load(Base.Edit("at: day 3 08:00", $"at: '{text}'")).Errors.All(e => e.Path != "events[0].at"));
    }

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "SovereigntySim.sln"))) return dir.FullName;
        throw new InvalidOperationException("SovereigntySim.sln not found above " + AppContext.BaseDirectory);
    }
}
