using static SovereigntySim.Scenarios.Tests.Scenarios;
using SovereigntySim.Domain.Scenario;

namespace SovereigntySim.Scenarios.Tests;

public class ValidationTests
{
    [Fact]
    public void Base_scenario_is_valid() => LoadOk(Base);

    /// <summary>Applies the edit, then asserts exactly one error has <paramref name="path"/>, placed at
    /// <paramref name="at"/> (searched after the edited text) and saying <paramref name="message"/>.</summary>
    private static void AssertRule(string from, string to, string path, string at, string message)
    {
        var yaml = Base.Edit(from, to);
        var result = Load(yaml);
        Assert.False(result.Ok);
        var error = Assert.Single(result.Errors, e => e.Path == path);
        AssertAt(error, Where(yaml, at, after: to), path, message);
    }

    [Theory]
    [InlineData("agencies:", "  - id: US\nagencies:", "countries[2].id", "US",
        "expected a unique country id, found 'US', already used at countries[0].id")]
    [InlineData("    - id: unhcr\n      assesses", "    - id: ice\n      assesses", "agencies.observers[0].id", "ice",
        "expected a unique agency id (all agencies share one set of ids), found 'ice', already used at agencies.enforcement[0].id")]
    [InlineData("populations:", "  - id: dilley\n    agency: ice\npopulations:", "facilities[1].id", "dilley",
        "expected a unique facility id, found 'dilley', already used at facilities[0].id")]
    [InlineData("flightPlans:", "  - id: mx-dilley\n    facility: dilley\n    destination: US\nflightPlans:", "populations[1].id", "mx-dilley",
        "expected a unique population id, found 'mx-dilley'")]
    [InlineData("events:", "  - {id: mx-daily, agency: ice, facility: dilley, destination: MX, first: day 2}\nevents:", "flightPlans[1].id", "mx-daily",
        "expected a unique flight plan id, found 'mx-daily'")]
    public void Ids_are_unique(string from, string to, string path, string at, string message) => AssertRule(from, to, path, at, message);

    [Theory]
    [InlineData("      country: US\n  screening", "      country: CA\n  screening", "agencies.enforcement[0].country")]
    [InlineData("      country: MX\n  ministries", "      country: CA\n  ministries", "agencies.screening[0].country")]
    [InlineData("    - id: sre\n      country: MX", "    - id: sre\n      country: CA", "agencies.ministries[1].country")]
    [InlineData("      country: US\n  observers", "      country: CA\n  observers", "agencies.advocacy[0].country")]
    [InlineData("assesses: US", "assesses: CA", "agencies.observers[0].assesses")]
    [InlineData("  - from: US", "  - from: CA", "relations[0].from")]
    [InlineData("    to: MX", "    to: CA", "relations[0].to")]
    [InlineData("destination: MX\nflightPlans", "destination: CA\nflightPlans", "populations[0].destination")]
    [InlineData("destination: MX\n    first", "destination: CA\n    first", "flightPlans[0].destination")]
    [InlineData("    country: US\n    against: MX", "    country: CA\n    against: MX", "events[0].country")]
    [InlineData("    against: MX", "    against: CA", "events[0].against")]
    public void Country_references_must_exist(string from, string to, string path) =>
        AssertRule(from, to, path, "CA", "expected a country id defined in countries (US, MX), found 'CA'");

    [Theory]
    [InlineData("    agency: ice\npopulations", "    agency: inm\npopulations", "facilities[0].agency", "inm")]
    [InlineData("  - id: mx-daily\n    agency: ice", "  - id: mx-daily\n    agency: aclu", "flightPlans[0].agency", "aclu")]
    public void Agency_references_must_be_enforcement_agencies(string from, string to, string path, string id) =>
        AssertRule(from, to, path, id, $"expected an enforcement agency id defined in agencies.enforcement (ice), found '{id}'");

    [Theory]
    [InlineData("    facility: dilley\n    destination: MX\nflightPlans", "    facility: nowhere\n    destination: MX\nflightPlans", "populations[0].facility")]
    [InlineData("    facility: dilley\n    destination: MX\n    first", "    facility: nowhere\n    destination: MX\n    first", "flightPlans[0].facility")]
    public void Facility_references_must_exist(string from, string to, string path) =>
        AssertRule(from, to, path, "nowhere", "expected a facility id defined in facilities (dilley), found 'nowhere'");

    [Fact]
    public void Relations_join_two_different_countries() =>
        AssertRule("    to: MX", "    to: US", "relations[0].to", "US", "expected a country other than from ('US'), found 'US'");

    [Theory]
    [InlineData("threaten", "    country: US", "against")]
    [InlineData("impose", "    country: US", "against")]
    [InlineData("lift", "    country: US", "against")]
    [InlineData("openNegotiation", "    country: US", "against")]
    [InlineData("openNegotiation", "    against: MX", "country")]
    [InlineData("setPolicy", "    country: MX", "policy")]
    [InlineData("setPolicy", "    policy: {weeklyFlightCap: 3}", "country")]
    [InlineData("setPressure", "    country: MX", "value")]
    [InlineData("setPressure", "    value: 0.4", "country")]
    [InlineData("revokeClearances", "    against: US", "country")]
    public void Event_kinds_need_their_fields(string kind, string fields, string missing)
    {
        var yaml = Base.Edit("    kind: threaten\n    country: US\n    against: MX", $"    kind: {kind}\n{fields}");
        AssertAt(SingleError(yaml), Where(yaml, "at: day 3"), $"events[0].{missing}",
            $"expected key '{missing}' (kind {kind} needs it), found an event without it");
    }

    [Theory]
    [InlineData("revokeClearances", "    country: MX")]
    [InlineData("setPressure", "    country: MX\n    value: 0.4")]
    [InlineData("setPolicy", "    country: MX\n    policy: {}")]
    [InlineData("lift", "    country: US\n    against: MX")]
    public void Events_with_their_fields_are_valid(string kind, string fields) =>
        LoadOk(Base.Edit("    kind: threaten\n    country: US\n    against: MX", $"    kind: {kind}\n{fields}"));

    [Fact]
    public void One_population_per_facility_and_destination() =>
        AssertRule("flightPlans:", "  - id: more\n    facility: dilley\n    destination: MX\nflightPlans:", "populations[1]", "id: more",
            "expected at most one population per facility and destination, found a second one for facility 'dilley' and destination 'MX' (the first is populations[0])");

    [Fact]
    public void Flight_plans_need_a_population_to_fly() =>
        AssertRule("events:", "  - {id: us-back, agency: ice, facility: dilley, destination: US, first: day 2}\nevents:", "flightPlans[1].destination", "US",
            "expected a population with facility 'dilley' and destination 'US' in populations, found none");

    [Theory]
    [InlineData("documents: {verified: 0.5}", "populations[0].documents", "found 0.9 (verified 0.5 + partial 0.25 + missing 0.1 + disputed 0.05)")]
    [InlineData("legalStatus: {finalOrder: 0.9}", "populations[0].legalStatus", "found 1.05 (finalOrder 0.9 + pendingAppeal 0.1 + asylumClaim 0.05)")]
    public void Mixes_sum_to_one(string mix, string path, string message) =>
        AssertRule("destination: MX\nflightPlans", $"destination: MX\n    {mix}\nflightPlans", path, "{", "expected shares summing to 1, " + message);

    [Fact]
    public void Mixes_may_differ_from_one_by_rounding_only()
    {
        var spec = LoadOk(Base.Edit("destination: MX\nflightPlans",
            "destination: MX\n    documents: {verified: 0.7, partial: 0.15, missing: 0.1, disputed: 0.05}\n    legalStatus: {finalOrder: 0.3333333, pendingAppeal: 0.3333333, asylumClaim: 0.3333334}\nflightPlans"));
        Assert.Equal(0.7, spec.Populations[0].Documents.Verified);
    }

    [Theory]
    [InlineData("duration: 30d\nstep: 7h", "step", "7h", "expected a step that divides one day exactly (e.g. 15m, 1h, 6h, 1d), found '7h'")]
    [InlineData("duration: 30d\nstep: 2d", "step", "2d", "expected a step that divides one day exactly")]
    [InlineData("duration: 30d\nstep: 0m", "step", "0m", "expected a positive duration, found a zero duration")]
    [InlineData("step: 1h\nduration: 0h", "duration", "0h", "expected a positive duration")]
    [InlineData("step: 6h\nduration: 3d3h", "duration", "3d3h", "expected a whole multiple of step (6h), found '75h'")]
    public void Clock_step_and_duration_fit_together(string clock, string path, string at, string message)
    {
        var yaml = Base.Edit("duration: 30d\nstep: 1h", clock).Edit("first: day 1 10:00", "first: day 1 00:00").Edit("at: day 3 08:00", "at: day 1 00:00");
        var error = Assert.Single(Load(yaml).Errors, e => e.Path == path);
        AssertAt(error, Where(yaml, at, after: path + ":"), path, message);
    }

    [Fact]
    public void Duration_not_a_multiple_of_the_default_step_is_reported()
    {
        var yaml = Minimal.Edit("duration: 30d", "duration: 90m");
        AssertAt(SingleError(yaml), Where(yaml, "90m"), "duration", "expected a whole multiple of step (1h), found '90m'");
    }

    [Theory]
    [InlineData("at: day 31 00:00", "events[0].at", "'day 31 00:00'")]
    [InlineData("at: 2025-01-19T23:00:00Z", "events[0].at", "'2025-01-19T23:00:00+00:00'")]
    [InlineData("first: day 45 06:00", "flightPlans[0].first", "'day 45 06:00'")]
    public void Times_fall_within_the_scenario(string time, string path, string found)
    {
        var from = time.StartsWith("at") ? "at: day 3 08:00" : "first: day 1 10:00";
        AssertRule(from, time, path, time.Split(": ")[1],
            "expected a time within the scenario, from day 1 00:00 (2025-01-20T00:00:00+00:00) to before day 31 00:00 (2025-02-19T00:00:00+00:00), found " + found);
    }

    [Theory]
    [InlineData("day 30 23:59")]
    [InlineData("day 1")]
    [InlineData("2025-02-18T23:00:00Z")]
    public void Times_at_the_edges_of_the_scenario_are_valid(string time)
    {
        var spec = LoadOk(Base.Edit("at: day 3 08:00", $"at: {time}"));
        Assert.InRange(spec.Events[0].At.OffsetFrom(spec.Start), TimeSpan.Zero, spec.Duration - TimeSpan.FromMinutes(1));
    }

    // ---- country ids and the negotiation's issue space ----------------------------------------------------------

    [Theory]
    [InlineData("U-S")]
    [InlineData("A/B")]
    [InlineData("M X")]
    [InlineData("MÉX")]
    public void Country_ids_are_letters_digits_or_underscore(string id) =>
        AssertRule("agencies:", $"  - id: {id}\nagencies:", "countries[2].id", id,
            $"expected a country id of letters, digits or '_' (e.g. MX), found '{id}'");

    [Fact]
    public void A_country_id_with_a_dash_is_reported_even_when_used_consistently()
    {
        // 'U-S' would make negotiation/U-S-MX ambiguous, even if every reference agrees.
        var yaml = Base.Replace("US", "U-S");
        AssertAt(SingleError(yaml), Where(yaml, "U-S"), "countries[0].id", "letters, digits or '_'");
    }

    [Theory]
    [InlineData("GT_2")]
    [InlineData("c1")]
    [InlineData("_")]
    public void Country_ids_of_letters_digits_and_underscores_are_valid(string id) =>
        Assert.Equal(id, LoadOk(Base.Edit("agencies:", $"  - id: {id}\nagencies:")).Countries[2].Id);

    [Fact]
    public void Min_passengers_above_max_passengers_is_reported()
    {
        var yaml = Base + "\nnegotiation:\n  minPassengers: 100\n  maxPassengers: 60\n";
        AssertAt(SingleError(yaml), Where(yaml, "100", after: "minPassengers"), "negotiation.minPassengers",
            "negotiation.minPassengers: expected at most maxPassengers (60), found 100");
    }

    [Fact]
    public void Max_passengers_below_the_default_minimum_is_reported_at_the_negotiation()
    {
        // minPassengers is left at its default (50): the error falls back to the nearest written node, the
        // negotiation mapping (which starts at its first key).
        var yaml = Base + "\nnegotiation:\n  maxPassengers: 40\n";
        AssertAt(SingleError(yaml), Where(yaml, "maxPassengers: 40"), "negotiation.minPassengers",
            "expected at most maxPassengers (40), found 50");
    }

    [Theory]
    [InlineData(60, 60)]
    [InlineData(1, 500)]
    public void A_passenger_range_from_min_to_max_is_valid(int min, int max)
    {
        var spec = LoadOk(Base + $"\nnegotiation:\n  minPassengers: {min}\n  maxPassengers: {max}\n");
        Assert.Equal((min, max), (spec.Negotiation.MinPassengers, spec.Negotiation.MaxPassengers));
    }

    [Fact]
    public void Max_notice_hours_must_be_at_least_one()
    {
        var yaml = Base + "\nnegotiation:\n  maxNoticeHours: 0\n";
        AssertAt(SingleError(yaml), Where(yaml, "0", after: "maxNoticeHours:"), "negotiation.maxNoticeHours",
            "expected a number from 1 to 720, found '0'");
        Assert.Equal(1, LoadOk(Base + "\nnegotiation:\n  maxNoticeHours: 1\n").Negotiation.MaxNoticeHours);
    }

    // ---- new settings bind -----------------------------------------------------------------------------------------

    [Fact]
    public void Third_country_nationalities_bind_as_a_list_of_strings()
    {
        var spec = LoadOk(Base.Edit("destination: MX\nflightPlans",
            "destination: MX\n    thirdCountryShare: 0.4\n    thirdCountryNationalities: [VE, CU, HT]\nflightPlans"));
        var population = spec.Populations[0];
        Assert.Equal(0.4, population.ThirdCountryShare);
        Assert.Equal(["VE", "CU", "HT"], population.ThirdCountryNationalities);
        // Block style binds the same; left out it is empty ('other').
        var block = LoadOk(Base.Edit("destination: MX\nflightPlans", "destination: MX\n    thirdCountryNationalities:\n      - VE\n      - CU\nflightPlans"));
        Assert.Equal(["VE", "CU"], block.Populations[0].ThirdCountryNationalities);
        Assert.Empty(LoadOk(Base).Populations[0].ThirdCountryNationalities);
    }

    [Fact]
    public void Third_country_nationalities_must_be_a_list()
    {
        var yaml = Base.Edit("destination: MX\nflightPlans", "destination: MX\n    thirdCountryNationalities: VE\nflightPlans");
        AssertAt(SingleError(yaml), Where(yaml, "VE", after: "thirdCountryNationalities"), "populations[0].thirdCountryNationalities",
            "expected a list, found 'VE'");
    }

    [Fact]
    public void Charter_cost_per_hour_binds_and_defaults_to_8577()
    {
        Assert.Equal(8577, LoadOk(Base).Agencies.Enforcement[0].CharterCostPerHour);
        var spec = LoadOk(Base.Edit("      country: US\n  screening", "      country: US\n      charterCostPerHour: 12500.5\n  screening"));
        Assert.Equal(12500.5, spec.Agencies.Enforcement[0].CharterCostPerHour);
        var yaml = Base.Edit("      country: US\n  screening", "      country: US\n      charterCostPerHour: -1\n  screening");
        AssertAt(SingleError(yaml), Where(yaml, "-1"), "agencies.enforcement[0].charterCostPerHour", "expected a number from 0 to 1000000, found '-1'");
    }

    [Fact]
    public void An_event_against_its_own_country_is_reported()
    {
        var yaml = Base.Replace("    against: MX", "    against: US");
        AssertAt(SingleError(yaml), Where(yaml, "US", after: "against:"), "events[0].against", "expected a country other than country ('US'), found 'US'");
    }

    [Fact]
    public void A_named_instrument_must_be_on_the_countrys_ladder()
    {
        var yaml = Base.Replace("    against: MX", "    against: MX\n    instrument: tariff");
        AssertAt(SingleError(yaml), Where(yaml, "tariff", after: "instrument:"), "events[0].instrument",
            "expected an instrument on US's ladder (visaSanctions), found 'tariff'");
        Assert.Equal(InstrumentKind.VisaSanctions, LoadOk(Base.Replace("    against: MX", "    against: MX\n    instrument: visaSanctions")).Events[0].Instrument);
    }

    /// <summary>A relation can link only instruments on either country's ladder (by id, or by kind).</summary>
    [Fact]
    public void A_linked_instrument_must_exist()
    {
        var yaml = Base.Replace("    to: MX\n", "    to: MX\n    links: [visaSanctions, soto-cano]\n");
        Assert.Contains("soto-cano", yaml);
        AssertAt(SingleError(yaml), Where(yaml, "soto-cano"), "relations[0].links[1]",
            "expected an instrument on US's or MX's ladder (visaSanctions), found 'soto-cano'");
        var named = yaml.Replace("  - id: MX\n", "  - id: MX\n    instruments:\n      - {kind: militaryCooperation, id: soto-cano}\n");
        Assert.Equal(["visaSanctions", "soto-cano"], LoadOk(named).Relations[0].Links);
    }

    /// <summary>A red line names a term of the issue list; anything else is a located error listing the terms.</summary>
    [Fact]
    public void A_red_line_on_an_unknown_term_is_reported()
    {
        var yaml = Base.Replace("    - id: sre\n      country: MX\n", "    - id: sre\n      country: MX\n      redLines: [restraints, sovereignty]\n");
        Assert.Contains("sovereignty", yaml);
        AssertAt(SingleError(yaml), Where(yaml, "sovereignty"), "agencies.ministries[1].redLines[1]",
            "expected one of: aircraft, restraints, notice, weeklyCap, passengersPerFlight, documentation, thirdCountryNationals, monitoring, health, assurances, caseByCase, payment, found 'sovereignty'");
        Assert.Equal([Issue.WeeklyCap], LoadOk(yaml.Replace("[restraints, sovereignty]", "[weeklyCap]")).Agencies.Ministries[1].RedLines);
    }

    [Fact]
    public void A_flight_plan_must_be_flown_by_the_agency_that_runs_its_facility()
    {
        var yaml = Base
            .Replace("    - id: ice\n      country: US\n", "    - id: ice\n      country: US\n    - id: cbp\n      country: US\n")
            .Replace("  - id: mx-daily\n    agency: ice\n", "  - id: mx-daily\n    agency: cbp\n");
        AssertAt(SingleError(yaml), Where(yaml, "cbp", after: "mx-daily"), "flightPlans[0].agency",
            "expected the agency that runs facility 'dilley' ('ice'), found 'cbp'");
    }

    [Fact]
    public void Scenario_names_are_plain_file_names()
    {
        var error = SingleError(Base, "name=../escape");
        Assert.Equal(("--set", "name"), (error.File, error.Path));
        Assert.Contains("starting with a letter or digit", error.ToString());
        Assert.Equal("fy2024.v2_run-a", LoadOk(Base, "name=fy2024.v2_run-a").Name);
    }

    [Fact]
    public void A_run_of_more_than_ten_million_steps_is_reported()
    {
        var error = SingleError(Base, "step=1m", "duration=7000d");
        Assert.Equal("duration", error.Path);
        Assert.Contains("at most 10,000,000 steps", error.ToString());
    }
}
