using SovereigntySim.Domain.Scenario;
using static SovereigntySim.Scenarios.Tests.Scenarios;

namespace SovereigntySim.Scenarios.Tests;

public class BindingTests
{
    [Fact]
    public void Minimal_scenario_binds_its_values_and_keeps_defaults()
    {
        var spec = LoadOk(Minimal);

        Assert.Equal("minimal", spec.Name);
        Assert.Equal(new DateTimeOffset(2025, 1, 20, 0, 0, 0, TimeSpan.Zero), spec.Start);
        Assert.Equal(TimeSpan.FromDays(30), spec.Duration);
        Assert.Equal(["US", "MX"], spec.Countries.Select(c => c.Id));
        // Defaults of the records survive binding.
        Assert.Equal(1, spec.Seed);
        Assert.Equal(TimeSpan.FromHours(1), spec.Step);
        Assert.Equal(MigrantEventLog.Full, spec.Output.MigrantEvents);
        Assert.Equal(DocumentStandard.Partial, spec.Countries[1].Acceptance.DocumentationStandard);
        Assert.Equal(135, spec.Countries[1].Acceptance.MaxPassengersPerFlight);
        Assert.Equal(0.3, spec.Countries[0].Politics.DomesticPressure);
        Assert.True(spec.Negotiation.Enabled);
        Assert.Empty(spec.Events);
        Assert.Empty(spec.Agencies.Enforcement);
    }

    [Fact]
    public void Nested_records_lists_enums_times_and_nullables_bind()
    {
        var yaml = Base
            .Edit("step: 1h", "step: 15m\nseed: 42\noutput:\n  migrantEvents: compact")
            .Edit("    first: day 1 10:00", "    first: day 1 10:00\n    aircraft: receivingState\n    restraints: false\n    seats: 80")
            .Edit("      country: US\n  observers:", "      country: US\n      watches: [minors, dueProcess]\n  observers:")
            + """

              - at: 2025-01-25T12:30:00Z
                kind: setPolicy
                country: MX
                policy:
                  civilianAircraftOnly: true
                  weeklyFlightCap: 4
                  documentationStandard: verified
              - at: day 5
                kind: setPressure
                country: MX
                value: 0.75
                instrument: null
            """;
        var spec = LoadOk(yaml);

        Assert.Equal(42, spec.Seed);
        Assert.Equal(TimeSpan.FromMinutes(15), spec.Step);
        Assert.Equal(MigrantEventLog.Compact, spec.Output.MigrantEvents);
        Assert.Equal(InstrumentKind.VisaSanctions, spec.Countries[0].Instruments.Single().Kind);
        Assert.Equal(10, spec.Countries[1].Acceptance.WeeklyFlightCap);
        var plan = spec.FlightPlans.Single();
        Assert.Equal(AircraftKind.ReceivingState, plan.Aircraft);
        Assert.False(plan.Restraints);
        Assert.Equal(80, plan.Seats);
        Assert.Equal(TimeSpan.FromHours(10), plan.First.Offset);
        Assert.Equal([TreatmentConcern.Minors, TreatmentConcern.DueProcess], spec.Agencies.Advocacy[0].Watches);

        Assert.Equal(3, spec.Events.Count);
        Assert.Equal(ScriptedEventKind.Threaten, spec.Events[0].Kind);
        Assert.Equal(TimeSpan.FromDays(2) + TimeSpan.FromHours(8), spec.Events[0].At.Offset);
        var policy = spec.Events[1].Policy!;
        Assert.Equal(new DateTimeOffset(2025, 1, 25, 12, 30, 0, TimeSpan.Zero), spec.Events[1].At.Absolute);
        Assert.True(policy.CivilianAircraftOnly);
        Assert.Equal(4, policy.WeeklyFlightCap);
        Assert.Equal(DocumentStandard.Verified, policy.DocumentationStandard);
        Assert.Null(policy.MaxPassengersPerFlight); // not given: stays null, i.e. unchanged by the patch
        Assert.Equal(0.75, spec.Events[2].Value);
        Assert.Null(spec.Events[2].Instrument);
    }

    [Fact]
    public void Load_reads_a_file_and_names_it_in_errors()
    {
        string dir = Directory.CreateTempSubdirectory("sovsim-").FullName;
        try
        {
            string good = Path.Combine(dir, "good.yaml"), bad = Path.Combine(dir, "bad.yaml");
            File.WriteAllText(good, Minimal);
            File.WriteAllText(bad, Minimal.Edit("duration: 30d", "duration: 30 days"));

            Assert.Equal("minimal", ScenarioLoader.Load(good, []).Spec?.Name);
            var error = Assert.Single(ScenarioLoader.Load(bad, []).Errors);
            Assert.Equal(bad, error.File);
            Assert.Equal((3, 11), (error.Line, error.Column));
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }

    [Fact]
    public void Missing_file_is_an_error_not_an_exception()
    {
        var result = ScenarioLoader.Load("/nonexistent/dir/none.yaml", []);
        var error = Assert.Single(result.Errors);
        Assert.False(result.Ok);
        Assert.Equal("/nonexistent/dir/none.yaml", error.File);
        Assert.Equal("a readable scenario file", error.Expected);
    }

    [Fact]
    public void Error_text_is_file_line_column_path_expected_found()
    {
        var error = new ScenarioError("s.yaml", 7, 5, "countries[1].acceptance.weeklyFlightCap", "an integer from 1 to 1000 or none (no cap)", "'2000'");
        Assert.Equal("s.yaml:7:5: countries[1].acceptance.weeklyFlightCap: expected an integer from 1 to 1000 or none (no cap), found '2000'", error.ToString());
    }

    [Fact]
    public void Yaml_syntax_error_is_reported_at_its_position()
    {
        var yaml = Minimal.Edit("  - id: MX", "  - id: MX\n    name: 'Mexico");
        var error = SingleError(yaml);
        AssertAt(error, Where(yaml, "'Mexico"), "countries[1]", "expected valid YAML, found a syntax error");
    }

    [Fact]
    public void Unclosed_flow_list_is_a_syntax_error_with_a_position()
    {
        // YamlDotNet throws a bare InvalidOperationException here; it must still become an error.
        var error = SingleError("name: x\nseed: [1, 2\nstep: 1h\n");
        Assert.Equal(FileName, error.File);
        Assert.Equal(2, error.Line);
        Assert.Contains("syntax error", error.Found);
    }

    [Fact]
    public void Duplicate_keys_are_all_reported()
    {
        var yaml = Minimal.Edit("duration: 30d", "duration: 30d\nname: again").Edit("  - id: MX", "  - id: MX\n    id: CA");
        var errors = Load(yaml).Errors;
        Assert.Equal(2, errors.Count);
        AssertAt(errors[0], Where(yaml, "name: again"), "name", "expected each key once in a mapping, found 'name' again");
        AssertAt(errors[1], Where(yaml, "id: CA"), "countries[1].id", "found 'id' again");
    }

    [Fact]
    public void Unknown_key_lists_the_allowed_keys()
    {
        var yaml = Minimal.Edit("  - id: MX", "  - id: MX\n    acceptance:\n      weeklyCap: 3");
        var error = SingleError(yaml);
        AssertAt(error, Where(yaml, "weeklyCap"), "countries[1].acceptance.weeklyCap",
            "expected one of: documentationStandard, civilianAircraftOnly, advanceNoticeHours, weeklyFlightCap, maxPassengersPerFlight, "
            + "restraintsAllowed, healthScreeningRequired, acceptThirdCountryNationals, monitoringRequired, caseByCaseReview, found 'weeklyCap'");
    }

    [Theory]
    [InlineData("seed: abc", "abc", "seed", "expected an integer, found 'abc'")]
    [InlineData("seed: 1.5", "1.5", "seed", "expected an integer, found '1.5'")]
    [InlineData("output: [1]", "[1]", "output", "expected a mapping, found a list")]
    [InlineData("relations: none", "none", "relations", "expected a list, found 'none'")]
    [InlineData("description: [a]", "[a]", "description", "expected a string, found a list")]
    [InlineData("negotiation: {enabled: yes}", "yes", "negotiation.enabled", "expected true or false, found 'yes'")]
    [InlineData("negotiation: {roundHours: four}", "four", "negotiation.roundHours", "expected a number, found 'four'")]
    [InlineData("description: ~", "~", "description", "expected a string, found null")]
    [InlineData("output:", "\n", "output", "expected a mapping, found null")]
    [InlineData("relations:", "\n", "relations", "expected a list, found null")]
    [InlineData("step: 99999999999d", "99999999999d", "step", "expected a duration such as 30d, 36h, 90m or 2d12h of a representable size")]
    public void Wrong_types_are_reported_at_the_value(string line, string at, string path, string message)
    {
        var yaml = Minimal.Edit("duration: 30d", "duration: 30d\n" + line);
        AssertAt(SingleError(yaml), Where(yaml, at, after: line), path, message);
    }

    [Fact]
    public void Bad_enum_value_lists_the_camelCase_values()
    {
        var yaml = Minimal.Edit("  - id: MX", "  - id: MX\n    instruments:\n      - kind: VisaSanctions");
        AssertAt(SingleError(yaml), Where(yaml, "VisaSanctions"), "countries[1].instruments[0].kind",
            "expected one of: visaSanctions, tariff, aidSuspension, counterTariff, licences, economicSanctions, militaryCooperation, flightSuspension, found 'VisaSanctions'");
    }

    [Theory]
    [InlineData("countries[1].acceptance.weeklyFlightCap", "    acceptance: {weeklyFlightCap: 2000}", "2000", "expected an integer from 1 to 1000 or none (no cap), found '2000'")]
    [InlineData("countries[1].politics.domesticPressure", "    politics: {domesticPressure: 1.5}", "1.5", "expected a number from 0 to 1, found '1.5'")]
    [InlineData("countries[1].instruments[0].rate", "    instruments: [{kind: tariff, rate: -0.1}]", "-0.1", "expected a number from 0 to 5, found '-0.1'")]
    public void Range_violations_are_reported(string path, string insert, string at, string message)
    {
        var yaml = Minimal.Edit("  - id: MX", "  - id: MX\n" + insert);
        AssertAt(SingleError(yaml), Where(yaml, at, after: "- id: MX"), path, message);
    }

    [Fact]
    public void Range_applies_to_long_and_nullable_properties()
    {
        var yaml = Base.Edit("step: 1h", "step: 1h\nseed: -1")
            + "\n  - at: day 2\n    kind: setPolicy\n    country: MX\n    policy: {maxPassengersPerFlight: 0}\n";
        var errors = Load(yaml).Errors;
        Assert.Equal(2, errors.Count);
        AssertAt(errors[0], Where(yaml, "-1"), "seed", "expected an integer of at least 0, found '-1'");
        AssertAt(errors[1], Where(yaml, "0}"), "events[1].policy.maxPassengersPerFlight", "expected an integer from 1 to 500, found '0'");
    }

    [Fact]
    public void Missing_required_keys_are_reported_at_their_mapping()
    {
        var yaml = Minimal.Edit("name: minimal\n", "").Edit("  - id: MX", "  - name: Mexico");
        var errors = Load(yaml).Errors;
        Assert.Equal(2, errors.Count);
        AssertAt(errors[0], (1, 1), "name", "expected required key 'name', found a mapping without it");
        AssertAt(errors[1], Where(yaml, "name: Mexico"), "countries[1].id", "expected required key 'id'");
    }

    [Fact]
    public void Required_strings_must_not_be_empty()
    {
        var yaml = Minimal.Edit("- id: MX", "- id: ''");
        AssertAt(SingleError(yaml), Where(yaml, "''"), "countries[1].id", "expected a non-empty string, found ''");
    }

    [Theory]
    [InlineData("30 days")]
    [InlineData("30")]
    [InlineData("1w")]
    [InlineData("-3d")]
    public void Bad_durations_are_reported(string duration)
    {
        var yaml = Minimal.Edit("duration: 30d", $"duration: {duration}");
        AssertAt(SingleError(yaml), (3, 11), "duration", $"expected a duration such as 30d, 36h, 90m or 2d12h, found '{duration}'");
    }

    [Theory]
    [InlineData("2d12h", 60)]
    [InlineData("90m", 1.5)]
    [InlineData("1.5d", 36)]
    public void Durations_parse_with_units(string duration, double hours)
    {
        Assert.Equal(TimeSpan.FromHours(hours), LoadOk(Minimal.Edit("duration: 30d", $"duration: {duration}\nstep: 30m")).Duration);
    }

    [Theory]
    [InlineData("day 0", "day numbers start at 1")]
    [InlineData("day 3 25:00", "a time of day HH:MM")]
    [InlineData("tomorrow", "'day N' or 'day N HH:MM'")]
    [InlineData("20/01/2025", "'day N' or 'day N HH:MM'")]
    public void Bad_scenario_times_are_reported(string time, string message)
    {
        var yaml = Base.Edit("at: day 3 08:00", $"at: {time}");
        AssertAt(SingleError(yaml), Where(yaml, time, after: "events:"), "events[0].at", $"expected a scenario time: {message}");
    }

    [Theory]
    [InlineData("20 Jan 2025")]
    [InlineData("2025-01-20 midnight")]
    public void Bad_start_timestamps_are_reported(string start)
    {
        var yaml = Minimal.Edit("start: 2025-01-20T00:00:00Z", $"start: {start}");
        AssertAt(SingleError(yaml), (2, 8), "start", "expected an ISO 8601 timestamp");
    }

    [Fact]
    public void All_errors_are_reported_sorted_by_line_then_column()
    {
        var yaml = """
            name: x
            start: 2025-01-20T00:00:00Z
            duration: 30d
            countries:
              - {id: US, acceptance: {weeklyFlightCap: -1, maxPassengersPerFlight: 0}}
              - id: MX
                colour: green
            seed: abc
            """;
        var errors = Load(yaml).Errors;
        Assert.Equal(
            ["5:44 countries[0].acceptance.weeklyFlightCap", "5:72 countries[0].acceptance.maxPassengersPerFlight", "7:5 countries[1].colour", "8:7 seed"],
            errors.Select(e => $"{e.Line}:{e.Column} {e.Path}"));
    }

    [Fact]
    public void Semantic_rules_wait_for_a_cleanly_bound_scenario()
    {
        // The dangling agency reference is only reported once the type error is fixed, to avoid cascades.
        var yaml = Base.Edit("agency: ice\npopulations", "agency: nobody\npopulations");
        var typeError = yaml.Edit("step: 1h", "step: often");
        Assert.Equal("step", SingleError(typeError).Path);
        Assert.Equal("facilities[0].agency", SingleError(yaml).Path);
    }

    [Theory]
    [InlineData("", "(root)", "expected a mapping, found an empty document")]
    [InlineData("# nothing here\n", "(root)", "expected a mapping, found an empty document")]
    [InlineData("- a\n- b\n", "(root)", "expected a mapping, found a list")]
    [InlineData("just text\n", "(root)", "expected a mapping, found text that is not a scenario")]
    [InlineData("name: a\n---\nname: b\n", "(root)", "expected a single YAML document")]
    [InlineData("name: *nowhere\n", "name", "expected an alias to an anchor defined earlier, found *nowhere")]
    public void Documents_that_are_not_one_mapping_are_errors(string yaml, string path, string message)
    {
        var error = SingleError(yaml);
        Assert.Equal(path, error.Path);
        Assert.Contains(message, error.ToString());
    }

    [Fact]
    public void Anchors_and_aliases_are_followed()
    {
        var spec = LoadOk(Minimal.Edit("  - id: MX", "  - id: MX\n    politics: &calm {domesticPressure: 0.1}\n  - id: GT\n    politics: *calm"));
        Assert.Equal(0.1, spec.Countries[2].Politics.DomesticPressure);
    }
}
