using SovereigntySim.Domain.Scenario;
using static SovereigntySim.Scenarios.Tests.Scenarios;

namespace SovereigntySim.Scenarios.Tests;

public class OverrideTests
{
    [Theory]
    [InlineData("countries[1].acceptance.weeklyFlightCap=3")]
    [InlineData("countries.1.acceptance.weeklyFlightCap=3")]
    [InlineData("countries.MX.acceptance.weeklyFlightCap=3")]
    public void List_items_are_addressed_by_index_or_id(string set)
    {
        var spec = LoadOk(Base, set);
        Assert.Equal(3, spec.Countries[1].Acceptance.WeeklyFlightCap);
        Assert.Equal(0, spec.Countries[0].Acceptance.WeeklyFlightCap);
    }

    [Fact]
    public void Values_are_yaml_scalars_lists_and_mappings_and_a_whole_item_can_be_replaced()
    {
        var spec = LoadOk(Base,
            "countries.MX.acceptance.civilianAircraftOnly=true",
            "countries.MX.politics.domesticPressure=0.25",
            "agencies.advocacy.aclu.watches=[minors, medical]",
            "countries.US.acceptance={weeklyFlightCap: 7, documentationStandard: verified}",
            "events[0].at=day 2 06:30",
            "relations[0]={from: MX, to: US, tension: 0.6}");
        var mx = spec.Countries[1];
        Assert.True(mx.Acceptance.CivilianAircraftOnly);
        Assert.Equal(0.25, mx.Politics.DomesticPressure);
        Assert.Equal([TreatmentConcern.Minors, TreatmentConcern.Medical], spec.Agencies.Advocacy[0].Watches);
        Assert.Equal(7, spec.Countries[0].Acceptance.WeeklyFlightCap);
        Assert.Equal(DocumentStandard.Verified, spec.Countries[0].Acceptance.DocumentationStandard);
        Assert.Equal(TimeSpan.FromDays(1) + new TimeSpan(6, 30, 0), spec.Events[0].At.Offset);
        Assert.Equal(("MX", "US", 0.6), (spec.Relations[0].From, spec.Relations[0].To, spec.Relations[0].Tension));
    }

    [Fact]
    public void Missing_keys_are_created_including_intermediate_mappings()
    {
        var spec = LoadOk(Minimal, "description=from the command line", "output.migrantEvents=compact", "countries.MX.politics.domesticPressure=0.9");
        Assert.Equal("from the command line", spec.Description);
        Assert.Equal(MigrantEventLog.Compact, spec.Output.MigrantEvents);
        Assert.Equal(0.9, spec.Countries[1].Politics.DomesticPressure);
    }

    [Fact]
    public void Descending_through_an_empty_key_makes_it_a_mapping()
    {
        var spec = LoadOk(Minimal.Edit("duration: 30d", "duration: 30d\noutput:"), "output.migrantEvents=compact");
        Assert.Equal(MigrantEventLog.Compact, spec.Output.MigrantEvents);
    }

    [Fact]
    public void Later_overrides_win()
    {
        Assert.Equal(9, LoadOk(Minimal, "seed=3", "seed=9").Seed);
    }

    [Fact]
    public void Created_unknown_key_is_rejected_at_its_position_in_the_argument()
    {
        var error = SingleError(Minimal, "countries.MX.acceptance.weeklyCap=3");
        Assert.Equal(("--set", 1, 25), (error.File, error.Line, error.Column));
        Assert.Equal("countries[1].acceptance.weeklyCap", error.Path);
        Assert.StartsWith("one of: documentationStandard, civilianAircraftOnly,", error.Expected);
        Assert.Equal("'weeklyCap'", error.Found);
    }

    [Theory]
    [InlineData("seed=abc", 6, "seed", "expected an integer, found 'abc'")]
    [InlineData("countries.MX.acceptance.weeklyFlightCap=5000", 41, "countries[1].acceptance.weeklyFlightCap", "expected an integer from 1 to 1000 or none (no cap), found '5000'")]
    [InlineData("countries[1].acceptance={weeklyFlightCap: -1}", 43, "countries[1].acceptance.weeklyFlightCap", "expected an integer from 1 to 1000 or none (no cap), found '-1'")]
    [InlineData("countries.MX.acceptance.weeklyFlightCap=0", 41, "countries[1].acceptance.weeklyFlightCap", "expected an integer from 1 to 1000 or none (no cap), found '0'")]
    [InlineData("output.migrantEvents=Compact", 22, "output.migrantEvents", "expected one of: full, compact, found 'Compact'")]
    [InlineData("duration=30 days", 10, "duration", "expected a duration")]
    [InlineData("countries.MX.name=[a", 21, "countries.MX.name", "expected valid YAML, found a syntax error")]
    [InlineData("countries.MX.id=US", 17, "countries[1].id", "expected a unique country id, found 'US', already used at countries[0].id")]
    public void Errors_in_override_values_point_into_the_argument(string set, int column, string path, string message)
    {
        var error = SingleError(Minimal, set);
        Assert.Equal(("--set", 1, column), (error.File, error.Line, error.Column));
        Assert.Equal(path, error.Path);
        Assert.Contains(message, error.ToString());
    }

    [Theory]
    [InlineData("seed", 1, "(root)", "expected path=value")]
    [InlineData("=3", 1, "(root)", "expected path=value")]
    [InlineData("countries..id=x", 11, "countries", "expected a key name, found '.'")]
    [InlineData("countries.=x", 11, "countries", "expected a key name after '.'")]
    [InlineData("countries[x].id=x", 11, "countries", "expected a list index (0, 1, ...) in brackets, found 'x'")]
    [InlineData("countries[1.id=x", 10, "countries", "expected a closing ']'")]
    [InlineData("countries[1]id=x", 13, "countries[1]", "expected '.', '[' or '=', found 'i'")]
    [InlineData("countries.CA.name=x", 11, "countries.CA", "expected an index from 0 to 1, an id (US, MX) or '*' (every item), found 'CA'")]
    [InlineData("countries[5].name=x", 11, "countries[5]", "expected an index from 0 to 1, an id (US, MX) or '*' (every item), found '5'")]
    [InlineData("name.first=x", 6, "name.first", "expected a mapping or list to descend into at name, found 'minimal'")]
    [InlineData("relations.0.from=US", 11, "relations.0", "expected an item of relations, which is empty")]
    [InlineData("countries[0][1]=x", 14, "countries[0][1]", "expected a key name (this is a mapping, not a list), found [1]")]
    public void Malformed_or_unmatched_paths_are_errors(string set, int column, string path, string message)
    {
        var result = Load(Minimal.Edit("duration: 30d", "duration: 30d\noutput: {}\nrelations: []"), set);
        var error = result.Errors[0];
        Assert.Equal(("--set", 1, column), (error.File, error.Line, error.Column));
        Assert.Equal(path, error.Path);
        Assert.Contains(message, error.ToString());
    }

    [Fact]
    public void Override_errors_come_before_file_errors_and_all_are_reported()
    {
        var result = Load(Minimal.Edit("duration: 30d", "duration: 30 days"), "seed=x", "nothing");
        Assert.Equal(["--set:1:1", "--set:1:6", "test.yaml:3:11"], result.Errors.Select(e => $"{e.File}:{e.Line}:{e.Column}"));
    }

    /// <summary>No cap is written none in a file, in --set and in the effective scenario a run writes back (issue 16).</summary>
    [Fact]
    public void No_cap_is_none_and_round_trips()
    {
        var loaded = ScenarioLoader.LoadText(Base, "s.yaml", ["countries.MX.acceptance.weeklyFlightCap=none"]);
        Assert.True(loaded.Ok, string.Join("\n", loaded.Errors));
        Assert.Equal(0, loaded.Spec!.Countries[1].Acceptance.WeeklyFlightCap);
        var written = ScenarioWriter.Write(loaded.Spec);
        Assert.Contains("weeklyFlightCap: none", written);
        Assert.Equal(0, ScenarioLoader.LoadText(written, "again.yaml", []).Spec!.Countries[1].Acceptance.WeeklyFlightCap);
        var capped = ScenarioLoader.LoadText(Base, "s.yaml", ["countries.MX.acceptance.weeklyFlightCap=3"]);
        Assert.Contains("weeklyFlightCap: 3", ScenarioWriter.Write(capped.Spec!));
    }
}
