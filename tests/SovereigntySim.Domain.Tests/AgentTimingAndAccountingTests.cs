using SovereigntySim.Domain.Screening;
using System.Globalization;
using SovereigntySim.Domain.Agents;
using SovereigntySim.Domain.Metrics;
using SovereigntySim.Domain.Scenario;
using SovereigntySim.Domain.Simulation;

namespace SovereigntySim.Domain.Tests;

/// <summary>More agent behaviour seen through small kernel runs: when screening decides, what enforcement learns from
/// announced policies, what flights cost after an agreement, which way advocacy pushes, who a detainee is, how
/// unavailable negotiations are retried, and the daily book-keeping behind the metrics.</summary>
public sealed class AgentTimingAndAccountingTests
{
    private const string FirstFlight = "flight/mx-charter/00000";

    private static ScriptedEventSpec SetPolicy(int day, int hour, string country, PolicyPatchSpec patch, string note = "") =>
        new() { At = TestScenario.Day(day, hour), Kind = ScriptedEventKind.SetPolicy, Country = country, Policy = patch, Note = note };

    private static Caseload CaseloadOf(RunResult run) => Assert.IsType<Caseload>(run.Host.Agents[run.World.Caseloads[0].AgentId]);

    private static long MigrantId(SimEvent e) => long.Parse(e.Subject!, CultureInfo.InvariantCulture);

    // ---- screening decides when its inspection ends ------------------------------------------------------------

    /// <summary>A military flight MX would clear (generous policy), inspected for 6 hours; no ministries, so a refusal
    /// stays a refusal. Its manifest goes in at day 1 10:00 (24h before the day 2 10:00 departure).</summary>
    private static ScenarioSpec SlowInspection() => TestScenario.Small().Generous()
        .WithPlan(p => p with { Aircraft = AircraftKind.Military })
        .WithScreening(x => x with { InspectionHours = 6 })
        .WithAgencies(a => a with { Ministries = [] });

    [Theory]
    [InlineData("civilianAircraftOnly", "aircraftType")]
    [InlineData("advanceNotice", "missingNotice")]
    public async Task Screening_decides_at_the_end_of_its_inspection_under_the_policy_then_in_force(string change, string reason)
    {
        var usual = await TestScenario.RunAsync(SlowInspection());
        var submitted = usual.OfKind("flight.manifestSubmitted").First(e => e.Actor == FirstFlight);
        Assert.Equal(TestScenario.Tick(1, 10), submitted.Tick);
        var cleared = usual.OfKind("screening.decision").First(e => e.Subject == FirstFlight);
        Assert.Equal(submitted.Tick + 6, cleared.Tick);
        Assert.Contains(cleared.Text("verdict"), new[] { "cleared", "partiallyCleared" });

        // The policy tightens at 13:00, after the manifest went in and before the inspection ends at 16:00.
        var patch = change == "civilianAircraftOnly"
            ? new PolicyPatchSpec { CivilianAircraftOnly = true }
            : new PolicyPatchSpec { AdvanceNoticeHours = 48 };
        var run = await TestScenario.RunAsync(SlowInspection().WithEvents(SetPolicy(1, 13, "MX", patch)));
        Assert.Equal(TestScenario.Tick(1, 13), Assert.Single(run.OfKind("country.policyChanged")).Tick);
        var decision = run.OfKind("screening.decision").First(e => e.Subject == FirstFlight);
        Assert.Equal(submitted.Tick + 6, decision.Tick);
        Assert.Equal("refused", decision.Text("verdict"));
        Assert.Equal([reason], decision.Reasons);
        var refused = run.OfKind("flight.refused").First(e => e.Actor == FirstFlight);
        Assert.Equal(decision.Tick, refused.Tick);
        Assert.Equal([reason], refused.Reasons);
        Assert.DoesNotContain(run.Events, e => e.Kind == "flight.departed" && e.Actor == FirstFlight);
    }

    [Fact]
    public async Task A_policy_change_after_the_decision_does_not_reopen_the_inspection()
    {
        // Tightened at 17:00, an hour after the flight was cleared: the decision stands; the review then revokes it.
        var run = await TestScenario.RunAsync(SlowInspection().WithEvents(SetPolicy(1, 17, "MX", new PolicyPatchSpec { CivilianAircraftOnly = true })));
        var decision = run.OfKind("screening.decision").First(e => e.Subject == FirstFlight);
        Assert.Equal(TestScenario.Tick(1, 16), decision.Tick);
        Assert.NotEqual("refused", decision.Text("verdict"));
        var review = Assert.Single(run.OfKind("screening.review"), e => e.Subject == FirstFlight);
        Assert.Equal((TestScenario.Tick(1, 17), "true"), (review.Tick, review.Text("revoked")));
    }

    [Fact]
    public async Task Notice_is_counted_from_the_manifest_submission_not_from_the_end_of_inspection()
    {
        // 24h notice given; MX wants 20h. Counted at the decision (16:00) only 18h would be left.
        var spec = SlowInspection().WithAcceptance("MX", a => a with { AdvanceNoticeHours = 20 });
        var run = await TestScenario.RunAsync(spec);
        var decision = run.OfKind("screening.decision").First(e => e.Subject == FirstFlight);
        Assert.Equal(TestScenario.Tick(1, 16), decision.Tick);
        Assert.DoesNotContain("missingNotice", decision.Reasons ?? []);
        Assert.NotEqual("refused", decision.Text("verdict"));
    }

    // ---- weekly cap ---------------------------------------------------------------------------------------------

    [Fact]
    public async Task A_revoked_clearance_no_longer_counts_toward_the_weekly_cap()
    {
        var spec = TestScenario.Small().Generous().WithAcceptance("MX", a => a with { WeeklyFlightCap = 1 })
            .WithAgencies(a => a with { Ministries = [] });
        string Verdict(RunResult r, int n) =>
            r.OfKind("screening.decision").Single(e => e.Subject == $"flight/mx-charter/{n:00000}").Text("verdict")!;
        IReadOnlyList<string>? Reasons(RunResult r, int n) =>
            r.OfKind("screening.decision").Single(e => e.Subject == $"flight/mx-charter/{n:00000}").Reasons;

        // Without the revocation the first flight takes the week's only clearance.
        var usual = await TestScenario.RunAsync(spec);
        Assert.Equal("cleared", Verdict(usual, 0));
        Assert.Equal(["capReached"], Reasons(usual, 1));

        // Flight 0 is cleared at day 1 14:00 and revoked at 20:00; flight 1 (departing day 3, same ISO week) is then
        // cleared, and it is flight 2 that finds the cap reached.
        var run = await TestScenario.RunAsync(spec.WithEvents(TestScenario.Script(1, 20, ScriptedEventKind.RevokeClearances, "MX")));
        Assert.Equal(run.World.Clock.Week(TestScenario.Tick(2, 10)), run.World.Clock.Week(TestScenario.Tick(4, 10)));
        Assert.Equal("cleared", Verdict(run, 0));
        var refused = run.OfKind("flight.refused").First();
        Assert.Equal((FirstFlight, TestScenario.Tick(1, 20)), (refused.Actor, refused.Tick));
        Assert.Equal(["clearanceRevoked"], refused.Reasons);
        Assert.Equal("cleared", Verdict(run, 1));
        Assert.Null(Reasons(run, 1));
        Assert.Equal(["capReached"], Reasons(run, 2));
        Assert.Contains(run.Events, e => e is { Kind: "flight.landed", Actor: "flight/mx-charter/00001" });
    }

    // ---- enforcement plans by announced policies ----------------------------------------------------------------

    [Fact]
    public async Task Filtered_manifests_follow_announced_policy_changes()
    {
        // MX starts out accepting any documents and third-country nationals; on day 3 it announces verified
        // documents only and no third-country nationals.
        var change = TestScenario.Tick(3);
        var spec = TestScenario.Small()
            .WithAcceptance("MX", a => a with { DocumentationStandard = DocumentStandard.Any, AcceptThirdCountryNationals = true })
            .WithScreening(x => x with { IrregularityThreshold = 1 })
            .WithPopulation(p => p with { ThirdCountryShare = 0.3 })
            .WithEnforcement(e => e with { FilterManifests = true })
            .WithAgencies(a => a with { Ministries = [] })
            .WithEvents(SetPolicy(3, 0, "MX", new PolicyPatchSpec { DocumentationStandard = DocumentStandard.Verified, AcceptThirdCountryNationals = false }));
        var run = await TestScenario.RunAsync(spec);
        Assert.Equal(change, Assert.Single(run.OfKind("country.policyChanged")).Tick);

        // Replay who each person is at the time of booking: documents only ever become verified (a travel document).
        var documents = new Dictionary<long, string>();
        var nationality = new Dictionary<long, string>();
        var before = new List<(string Documents, string Nationality)>();
        var after = new List<(long Id, string Documents, string Nationality)>();
        foreach (var e in run.Events)
        {
            switch (e.Kind)
            {
                case "migrant.detained":
                    documents[MigrantId(e)] = e.Text("documents")!;
                    nationality[MigrantId(e)] = e.Text("nationality")!;
                    break;
                case "migrant.travelDocumentIssued":
                    documents[MigrantId(e)] = "verified";
                    break;
                case "migrant.booked":
                    long id = MigrantId(e);
                    if (e.Tick < change) before.Add((documents[id], nationality[id]));
                    else after.Add((id, documents[id], nationality[id]));
                    break;
            }
        }
        // Before the announcement partial and disputed documents and third-country nationals were booked ...
        Assert.Contains(before, b => b.Documents is "partial" or "disputed");
        Assert.Contains(before, b => b.Nationality != "MX");
        // A national without documents waits for one; a non-national the destination takes is booked as it is (model
        // 2026-12-07.6: a travel document proves the destination's own national).
        Assert.DoesNotContain(before, b => b.Documents == "missing" && b.Nationality == "MX");
        Assert.Contains(before, b => b.Documents == "missing" && b.Nationality != "MX");
        // ... after it, only verified Mexicans.
        Assert.NotEmpty(after);
        Assert.All(after, a => Assert.Equal(("verified", "MX"), (a.Documents, a.Nationality)));
        // The caseload's own view agrees.
        var caseload = CaseloadOf(run);
        Assert.All(after, a => Assert.Equal("MX", caseload.View(a.Id)!.Nationality));
        // Screening found nothing to refuse them for on documents or nationality.
        var later = run.OfKind("screening.decision").Where(e => e.Tick >= change).ToList();
        Assert.NotEmpty(later);
        Assert.All(later, d => Assert.Equal(0, d.Number("refused.unverifiedDocuments") + d.Number("refused.disputedDocuments")
            + d.Number("refused.missingDocuments") + d.Number("refused.thirdCountryNational")));
    }

    // ---- flight cost after an aircraft switch ---------------------------------------------------------------------

    /// <summary>A military flight is refused, which puts the aircraft alone on the agenda; the U.S. concedes at once to
    /// its reservation value (about 0.49: a charter is worth 0.5 to it), so its first offer (which Mexico accepts) gives
    /// up military aircraft for a charter. The plan's military rate and the charter rate differ.</summary>
    private static ScenarioSpec CharterAgreement() => TestScenario.Small()
        .WithPlan(p => p with { Aircraft = AircraftKind.Military, CostPerHour = 20_000, FlightHours = 5 })
        .WithEnforcement(e => e with { CharterCostPerHour = 6_000 })
        .WithMinistry("US", m => m with
        {
            Weights = new IssueWeightsSpec
            {
                Aircraft = 1, Restraints = 3, Notice = 3, WeeklyCap = 3, PassengersPerFlight = 3, Documentation = 3, ThirdCountryNationals = 3, Monitoring = 3,
            },
        })
        .WithMinistry("US", m => m with { ReservationValue = 0.5, InitialConcession = 1 })
        .WithMinistry("MX", m => m with { ReservationValue = 0, InitialConcession = 1 })
        .WithPolitics("MX", p => p with { RatificationWeight = 0 })
        with { Negotiation = new NegotiationSpec { TypeSpread = 0 } }; // complete information: the U.S. reservation value is 0.5

    [Fact]
    public async Task After_an_agreement_replacing_military_aircraft_flights_are_costed_at_the_charter_rate()
    {
        var run = await TestScenario.RunAsync(CharterAgreement());
        // (a later dispute over documents may settle too: it does not touch the aircraft)
        var agreement = run.First("negotiation.agreement")!;
        Assert.Equal("aircraft=Charter", agreement.Text("terms"));

        // The refused military flight flew no hours and cost nothing.
        var first = run.OfKind("flight.closed").First(e => e.Actor == FirstFlight);
        Assert.Equal(("refused", 0.0, 0.0), (first.Text("outcome"), first.Number("flightHours"), first.Number("cost")));

        var planned = run.OfKind("flight.planned").Where(e => e.Tick > agreement.Tick).ToList();
        Assert.NotEmpty(planned);
        Assert.All(planned, p => Assert.Equal("charter", p.Text("aircraft")));
        var flown = run.OfKind("flight.closed").Where(e => e.Tick > agreement.Tick && e.Number("flightHours") > 0).ToList();
        Assert.NotEmpty(flown);
        Assert.All(flown, e =>
        {
            Assert.Equal(5, e.Number("flightHours"));
            Assert.Equal(5 * 6_000, e.Number("cost"), 6);
            Assert.Equal("US", e.Text("payer"));
        });
        Assert.Equal(flown.Count * 5 * 6_000, TestScenario.Metrics(run).Totals["flights.cost"], 6);
    }

    [Fact]
    public async Task An_agreement_keeping_the_planned_aircraft_keeps_the_plan_rate()
    {
        // The default U.S. weights keep military aircraft in the first offer, which Mexico accepts.
        var spec = CharterAgreement().WithMinistry("US", m => m with { Weights = new IssueWeightsSpec(), ReservationValue = 0.4, InitialConcession = 0.05 });
        var run = await TestScenario.RunAsync(spec);
        var agreement = run.First("negotiation.agreement")!;
        Assert.Equal("aircraft=Military", agreement.Text("terms"));
        var flown = run.OfKind("flight.closed").Where(e => e.Tick > agreement.Tick && e.Number("flightHours") > 0).ToList();
        Assert.NotEmpty(flown);
        Assert.All(flown, e => Assert.Equal(5 * 20_000, e.Number("cost"), 6));
    }

    // ---- advocacy direction --------------------------------------------------------------------------------------

    private static ScenarioSpec WithAdvocate(ScenarioSpec s, string country, params TreatmentConcern[] watches) => s.WithAgencies(a => a with
    {
        Advocacy = [.. a.Advocacy, new AdvocacySpec { Id = "rights-" + country.ToLowerInvariant(), Country = country, Watches = [.. watches], PressurePerAlert = 0.05, PressurePerPerson = 0.0005 }],
    });

    private static double Pressure(RunResult run, string country, int day) =>
        run.OfKind("country.day").Single(e => e.Actor == "country/" + country && e.Tick == TestScenario.Tick(day + 1) - 1).Number("pressure");

    [Fact]
    public async Task Advocacy_raises_the_receiving_states_pressure_and_lowers_the_sending_states()
    {
        var spec = WithAdvocate(WithAdvocate(TestScenario.Small().Generous(), "MX", TreatmentConcern.Restraints), "US", TreatmentConcern.Restraints);
        var run = await TestScenario.RunAsync(spec);
        var departed = run.OfKind("flight.departed").First();
        Assert.Equal(TestScenario.Tick(2, 10), departed.Tick);
        var alerts = run.OfKind("advocacy.alert").Where(e => e.Subject == departed.Actor).ToList();
        Assert.Equal(2, alerts.Count);
        double expected = 0.05 + 0.0005 * departed.Number("passengers");

        var mx = Assert.Single(alerts, e => e.Text("country") == "MX");
        Assert.Equal("advocacy/rights-mx", mx.Actor);
        Assert.Equal(expected, mx.Number("pressure"), 9);
        var us = Assert.Single(alerts, e => e.Text("country") == "US");
        Assert.Equal("advocacy/rights-us", us.Actor);
        Assert.Equal(["restraints"], us.Reasons);
        Assert.Equal(-expected, us.Number("pressure"), 9);

        // Before the first departure both are at their baseline; that evening each has moved by one alert less a
        // day's decay (10% of the gap), in opposite directions.
        Assert.Equal(0.6, Pressure(run, "US", 1), 9);
        Assert.Equal(0.4, Pressure(run, "MX", 1), 9);
        Assert.Equal(0.6 - expected * 0.9, Pressure(run, "US", 2), 6);
        Assert.Equal(0.4 + expected * 0.9, Pressure(run, "MX", 2), 6);
        Assert.All(Enumerable.Range(2, 9), day => Assert.True(Pressure(run, "US", day) < 0.6, $"US pressure on day {day}"));
    }

    [Fact]
    public async Task Alone_a_sending_state_advocate_only_lowers_its_own_pressure()
    {
        var run = await TestScenario.RunAsync(WithAdvocate(TestScenario.Small().Generous(), "US", TreatmentConcern.Restraints));
        var alerts = run.OfKind("advocacy.alert").ToList();
        Assert.Equal(run.OfKind("flight.departed").Count(), alerts.Count);
        Assert.All(alerts, a => Assert.True(a.Number("pressure") < 0));
        Assert.All(run.OfKind("country.day").Where(e => e.Actor == "country/MX"), e => Assert.Equal(0.4, e.Number("pressure"), 9));
        Assert.True(TestScenario.Metrics(run).PressureAtEnd["US"] < 0.6);
    }

    [Fact]
    public async Task A_diverted_flight_raises_no_second_alert()
    {
        // The first flight departs at day 2 10:00 with restraints; Mexico bans them at 11:00 and it is diverted.
        var spec = WithAdvocate(TestScenario.Small().Generous(), "MX", TreatmentConcern.Restraints)
            .WithEvents(SetPolicy(2, 11, "MX", new PolicyPatchSpec { RestraintsAllowed = false }));
        var run = await TestScenario.RunAsync(spec);
        var diverted = Assert.Single(run.OfKind("flight.diverted"));
        var departed = run.OfKind("flight.departed").Single(e => e.Actor == diverted.Actor);
        var alert = Assert.Single(run.OfKind("advocacy.alert"), e => e.Subject == diverted.Actor);
        Assert.Equal(departed.Tick, alert.Tick);
        Assert.DoesNotContain(run.OfKind("advocacy.alert"), e => e.Tick == diverted.Tick);
    }

    // ---- due-process gap ------------------------------------------------------------------------------------------

    [Fact]
    public async Task A_departed_flight_reports_the_pending_cases_booked_on_it_even_when_screening_refused_them()
    {
        var spec = WithAdvocate(TestScenario.Small(), "MX", TreatmentConcern.DueProcess)
            .WithScreening(x => x with { IrregularityThreshold = 1 })
            .WithEnforcement(e => e with { BookPendingCases = true })
            .WithPopulation(p => p with { LegalStatus = new LegalMixSpec { FinalOrder = 0.5, PendingAppeal = 0.3, AsylumClaim = 0.2 } })
            .WithAgencies(a => a with { Ministries = [] });
        var run = await TestScenario.RunAsync(spec);

        var departed = run.OfKind("flight.departed").First(e => e.Actor == FirstFlight);
        var decision = run.OfKind("screening.decision").Single(e => e.Subject == FirstFlight);
        Assert.Equal("partiallyCleared", decision.Text("verdict"));
        // The pending cases on the manifest, from who was booked (nobody's legal status changes before day 1 ends).
        var legal = run.OfKind("migrant.detained").ToDictionary(MigrantId, e => e.Text("legal"));
        int pending = run.OfKind("migrant.booked").Count(e => e.Text("flight") == FirstFlight && legal[MigrantId(e)] != "finalOrder");
        Assert.True(pending > 0);
        Assert.Equal(pending, decision.Number("refused.pendingLegalProcess"));
        Assert.Equal(pending, run.OfKind("migrant.refused").Count(e => e.Text("flight") == FirstFlight && e.Reasons is ["pendingLegalProcess"]));

        var alert = Assert.Single(run.OfKind("advocacy.alert"), e => e.Subject == FirstFlight);
        Assert.Equal(departed.Tick, alert.Tick);
        Assert.Equal(["dueProcess"], alert.Reasons);
        Assert.Equal(pending, alert.Number("people"));
        Assert.Equal(0.05 + 0.0005 * pending, alert.Number("pressure"), 9);
    }

    // ---- who a detainee is ------------------------------------------------------------------------------------------

    private static ScenarioSpec Detainees(double thirdCountryShare, params string[] nationalities) => TestScenario.Small().WithoutFlights()
        .WithPopulation(p => p with { ThirdCountryShare = thirdCountryShare, ThirdCountryNationalities = [.. nationalities] });

    [Fact]
    public async Task Detention_lines_say_who_the_person_is()
    {
        var run = await TestScenario.RunAsync(Detainees(1, "VE", "CU"));
        var detained = run.OfKind("migrant.detained").ToList();
        Assert.True(detained.Count > 200);
        var caseload = CaseloadOf(run);
        foreach (var e in detained)
        {
            Assert.Contains(e.Text("nationality"), new[] { "VE", "CU" });
            Assert.Contains(e.Text("documents"), new[] { "verified", "partial", "missing", "disputed" });
            Assert.Contains(e.Text("legal"), new[] { "finalOrder", "pendingAppeal", "asylumClaim" });
            var view = caseload.View(MigrantId(e))!;
            Assert.Equal(e.Text("nationality"), view.Nationality);
            // Without flights nobody's vulnerabilities change after detention; a child alone gets an escort arranged.
            Assert.Equal(Names.Flags(view.Vulnerabilities & ~Vulnerability.Escorted), e.Text("vulnerabilities"));
            Assert.Equal(ScreeningRules.Unaccompanied(view.Vulnerabilities & ~Vulnerability.Escorted), (view.Vulnerabilities & Vulnerability.Escorted) != 0);
        }
        Assert.Equal(["CU", "VE"], detained.Select(e => e.Text("nationality")).Distinct().Order());
        Assert.Contains(detained, e => e.Text("vulnerabilities") == "none");
        Assert.Contains(detained, e => e.Text("vulnerabilities")!.Contains("familyTies", StringComparison.Ordinal));
        // The mixes show through: verified documents and final orders are the most common.
        Assert.Equal("verified", detained.GroupBy(e => e.Text("documents")).MaxBy(g => g.Count())!.Key);
        Assert.Equal("finalOrder", detained.GroupBy(e => e.Text("legal")).MaxBy(g => g.Count())!.Key);
    }

    [Theory]
    [InlineData(1.0, "other")]
    [InlineData(0.0, "MX")]
    public async Task Without_a_list_third_country_nationals_are_other_and_the_rest_are_the_destinations(double share, string expected)
    {
        var run = await TestScenario.RunAsync(Detainees(share));
        var caseload = CaseloadOf(run);
        var detained = run.OfKind("migrant.detained").ToList();
        Assert.NotEmpty(detained);
        Assert.All(detained, e =>
        {
            Assert.Equal(expected, e.Text("nationality"));
            Assert.Equal(expected, caseload.View(MigrantId(e))!.Nationality);
        });
    }

    [Fact]
    public async Task Compact_logs_carry_no_detention_lines_but_the_view_still_knows_the_nationality()
    {
        var spec = Detainees(1, "VE", "CU") with { Output = new OutputSpec { MigrantEvents = MigrantEventLog.Compact } };
        var run = await TestScenario.RunAsync(spec);
        Assert.Empty(run.OfKind("migrant.detained"));
        var caseload = CaseloadOf(run);
        var info = run.World.Caseloads[0];
        var nationalities = Enumerable.Range(0, 200).Select(i => caseload.View(info.MigrantId(i))!.Nationality).ToList();
        Assert.Equal(["CU", "VE"], nationalities.Distinct().Order());
        // The same people as in a full log.
        var full = await TestScenario.RunAsync(Detainees(1, "VE", "CU"));
        Assert.Equal(full.OfKind("migrant.detained").Take(200).Select(e => e.Text("nationality")), nationalities);
    }

    // ---- negotiations that cannot open --------------------------------------------------------------------------

    [Fact]
    public async Task A_negotiation_without_a_ministry_on_one_side_is_tried_again_at_the_next_refusal()
    {
        var spec = TestScenario.Small().WithPlan(p => p with { Aircraft = AircraftKind.Military })
            .WithAgencies(a => a with { Ministries = a.Ministries.Where(m => m.Country == "US").ToList() });
        var run = await TestScenario.RunAsync(spec);
        var refusals = run.OfKind("flight.refused").Select(e => e.Tick).ToList();
        var unavailable = run.OfKind("negotiation.unavailable").ToList();
        Assert.True(refusals.Count >= 2, $"{refusals.Count} refusals");
        Assert.True(unavailable.Count >= 2, $"{unavailable.Count} negotiation.unavailable");
        // Every refusal tries again, at once.
        Assert.Equal(refusals, unavailable.Select(e => e.Tick));
        Assert.All(unavailable, e =>
        {
            Assert.Equal("negotiation/US-MX", e.Actor);
            Assert.Equal(["noForeignMinistry"], e.Reasons);
        });
        Assert.Empty(run.OfKind("negotiation.opened"));
        Assert.Single(run.OfKind("dispute.opened"), e => e.Actor == "country/US");
        Assert.Empty(TestScenario.Metrics(run).Negotiations);
    }

    // ---- daily book-keeping -----------------------------------------------------------------------------------------

    [Fact]
    public async Task Daily_lines_come_at_each_days_last_tick_the_last_day_included()
    {
        var run = await TestScenario.RunAsync(TestScenario.Small(days: 10));
        long[] dayEnds = Enumerable.Range(1, 10).Select(d => TestScenario.Tick(d + 1) - 1).ToArray();
        Assert.Equal(239, dayEnds[^1]);
        foreach (var actor in run.OfKind("caseload.day").Select(e => e.Actor).Distinct())
            Assert.Equal(dayEnds, run.OfKind("caseload.day").Where(e => e.Actor == actor).Select(e => e.Tick));
        Assert.Equal(run.World.Caseloads.Count, run.OfKind("caseload.day").Select(e => e.Actor).Distinct().Count());
        Assert.Equal(["country/MX", "country/US"], run.OfKind("country.day").Select(e => e.Actor).Distinct().Order());
        foreach (var actor in new[] { "country/MX", "country/US" })
            Assert.Equal(dayEnds, run.OfKind("country.day").Where(e => e.Actor == actor).Select(e => e.Tick));
    }

    [Theory]
    [InlineData(false, 10)]
    [InlineData(true, 10)]
    [InlineData(true, 16)]
    [InlineData(true, 20)] // flights land at 23:00, in the same tick as the daily report but in a later round
    public async Task Summed_bed_days_are_the_integral_of_the_detained_count(bool flightsAndArrivals, int departureHour)
    {
        var spec = flightsAndArrivals
            ? TestScenario.Small().Generous().WithPlan(p => p with { First = TestScenario.Day(2, departureHour) })
            : TestScenario.Small().WithoutFlights().WithPopulation(p => p with { ArrivalsPerDay = 0 });
        var run = await TestScenario.RunAsync(spec);
        long end = run.World.Clock.EndTick;
        Assert.Equal(240, end);

        // Every person counts from the tick they are detained (0 for those held before the start) until they leave.
        var from = run.OfKind("migrant.detained").ToDictionary(MigrantId, e => e.Tick);
        var until = from.ToDictionary(kv => kv.Key, _ => end);
        foreach (var e in run.Events.Where(e => e.Kind is "migrant.removed" or "migrant.released" or "migrant.reliefGranted"))
            until[MigrantId(e)] = e.Tick;
        Assert.Contains(until, kv => kv.Value < end); // some leave
        double hours = from.Sum(kv => (double)(until[kv.Key] - kv.Value));
        // The run's last tick is counted at the number held when the last daily line is written: people who leave
        // later in that tick (a landing in a later round) are counted for it.
        var events = run.Events.ToList();
        int lastReport = events.FindLastIndex(e => e.Kind == "caseload.day");
        int leftAfterLastReport = events.Skip(lastReport + 1).Count(e => e.Kind is "migrant.removed" or "migrant.released" or "migrant.reliefGranted");
        hours += leftAfterLastReport;

        var days = run.OfKind("caseload.day").ToList();
        Assert.Equal(10, days.Count);
        Assert.Equal(hours / 24, days.Sum(e => e.Number("bedDays")), 6);
        Assert.Equal(hours / 24, TestScenario.Metrics(run).Totals["detention.bedDays"], 6);
        // The last line's count is who is still held at the end, plus anyone who left later in that last tick.
        Assert.Equal(until.Count(kv => kv.Value == end) + leftAfterLastReport, days[^1].Number("detained"));
    }

    // ---- negotiation rounds in the metrics --------------------------------------------------------------------------

    public static TheoryData<string> Negotiating() => new() { "agreement", "breakdowns", "deadline" };

    private static ScenarioSpec NegotiatingScenario(string name)
    {
        var military = TestScenario.Small().WithPlan(p => p with { Aircraft = AircraftKind.Military });
        return name switch
        {
            "agreement" => CharterAgreement(),
            // Both sides hold out and walk out of talks that cannot succeed.
            "breakdowns" => military
                .WithMinistry("MX", m => m with { ReservationValue = 1, InitialConcession = 0, Beta = 0.01 })
                .WithMinistry("US", m => m with { ReservationValue = 1, InitialConcession = 0, Beta = 0.01 })
                .WithPolitics("MX", p => p with { RatificationWeight = 1, DomesticPressure = 1 }) with { Duration = TimeSpan.FromDays(20) },
            // Half a day is not enough to agree, and talks that fail cost neither side anything with its audience.
            _ => military.WithMinistry("MX", m => m with { ReservationValue = 1, InitialConcession = 0, Beta = 0.01 })
                .WithPolitics("MX", p => p with { AudienceCostPerDay = 0 }).WithPolitics("US", p => p with { AudienceCostPerDay = 0 })
                with { Negotiation = new NegotiationSpec { DeadlineDays = 0.5 } },
        };
    }

    [Theory]
    [MemberData(nameof(Negotiating))]
    public async Task Negotiation_rounds_are_the_offers_plus_the_answer_that_ends_them(string name)
    {
        var run = await TestScenario.RunAsync(NegotiatingScenario(name));
        var summary = TestScenario.Metrics(run);

        // Split the log into negotiations: each runs from its opening to the next opening of its dyad.
        var counted = new List<(string Dyad, int Offers, string Outcome, int Rounds)>();
        var current = new Dictionary<string, int>();
        foreach (var e in run.Events.Where(e => e.Kind.StartsWith("negotiation.", StringComparison.Ordinal) && e.Kind != "negotiation.unavailable"))
        {
            string dyad = e.Actor["negotiation/".Length..];
            if (e.Kind == "negotiation.opened")
            {
                current[dyad] = counted.Count;
                counted.Add((dyad, 0, "open", 0));
                continue;
            }
            int k = current[dyad];
            var n = counted[k];
            counted[k] = e.Kind switch
            {
                "negotiation.offer" => n with { Offers = n.Offers + 1, Rounds = n.Rounds + 1 },
                "negotiation.agreement" or "negotiation.breakdown" => n with { Outcome = e.Kind[12..], Rounds = n.Rounds + 1 },
                "negotiation.deadline" => n with { Outcome = "deadline" },
                // A rejection comes with the counter-offer that counts the round; a resumption precedes its opening.
                "negotiation.rejected" or "negotiation.resumed" => n,
                _ => throw new InvalidOperationException(e.Kind),
            };
        }

        Assert.NotEmpty(counted);
        Assert.Contains(counted, c => c.Outcome == name.TrimEnd('s'));
        Assert.All(counted, c => Assert.True(c.Offers > 0, $"{c.Dyad}: no offers"));
        Assert.Equal(counted.Select(c => (c.Dyad, c.Outcome, c.Rounds)), summary.Negotiations.Select(n => (n.Dyad, n.Outcome, n.Rounds)));
        Assert.Equal(counted.Sum(c => c.Rounds), summary.Totals["negotiation.rounds"]);
        Assert.Equal(run.OfKind("negotiation.offer").Count() + run.OfKind("negotiation.agreement").Count() + run.OfKind("negotiation.breakdown").Count(),
            summary.Totals["negotiation.rounds"]);
    }
}
