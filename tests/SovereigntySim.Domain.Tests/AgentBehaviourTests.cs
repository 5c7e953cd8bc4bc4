using System.Globalization;
using SovereigntySim.Domain.Agents;
using SovereigntySim.Domain.Metrics;
using SovereigntySim.Domain.Scenario;
using SovereigntySim.Domain.Simulation;

namespace SovereigntySim.Domain.Tests;

/// <summary>Behaviour of the agents, observed through the event log of small kernel runs.</summary>
public sealed class AgentBehaviourTests
{
    // ---- screening in the loop --------------------------------------------------------------------------------

    [Fact]
    public async Task Military_aircraft_to_a_civilian_only_country_is_refused_and_a_negotiation_opens()
    {
        var run = await TestScenario.RunAsync(TestScenario.Small().WithPlan(p => p with { Aircraft = AircraftKind.Military }));

        var refused = run.OfKind("flight.refused").ToList();
        Assert.NotEmpty(refused);
        var first = refused[0];
        Assert.Equal("flight/mx-charter/00000", first.Actor);
        Assert.Equal(["aircraftType"], first.Reasons);
        // Nothing flies until the states agree (if they do within the run).
        long agreed = run.First("negotiation.agreement")?.Tick ?? long.MaxValue;
        Assert.DoesNotContain(run.Events, e => e.Kind is "flight.departed" or "flight.landed" && e.Tick <= agreed);

        var decision = run.OfKind("screening.decision").First();
        Assert.Equal("screening/INM", decision.Actor);
        Assert.Equal("flight/mx-charter/00000", decision.Subject);
        Assert.Equal("refused", decision.Text("verdict"));

        // Everyone on the manifest comes back refused for the flight's reason.
        var people = run.OfKind("migrant.refused").Where(e => e.Text("flight") == first.Actor).ToList();
        Assert.Equal((int)first.Number("passengers"), people.Count);
        Assert.All(people, e => Assert.Equal(["aircraftType"], e.Reasons));

        var opened = run.OfKind("negotiation.opened").First();
        Assert.Equal("negotiation/US-MX", opened.Actor);
        Assert.Equal(first.Tick, opened.Tick);
        Assert.Contains("aircraftType", opened.Reasons![0]);
        Assert.Contains(run.Events, e => e is { Kind: "dispute.opened", Actor: "country/US", Subject: "country/MX" } && e.Text("role") == "sending");
        Assert.Contains(run.Events, e => e is { Kind: "dispute.opened", Actor: "country/MX", Subject: "country/US" } && e.Text("role") == "receiving");
        Assert.NotEmpty(run.OfKind("negotiation.offer"));
    }

    [Fact]
    public async Task Without_ministries_a_refusal_cannot_be_negotiated()
    {
        var spec = TestScenario.Small().WithPlan(p => p with { Aircraft = AircraftKind.Military }).WithAgencies(a => a with { Ministries = [] });
        var run = await TestScenario.RunAsync(spec);
        Assert.Contains(run.Events, e => e.Kind == "negotiation.unavailable" && e.Reasons![0] == "noForeignMinistry");
        Assert.Empty(run.OfKind("negotiation.opened"));
    }

    [Fact]
    public async Task Too_little_notice_is_refused_as_missing_notice()
    {
        var run = await TestScenario.RunAsync(TestScenario.Small().WithPlan(p => p with { NoticeHours = 12 }));
        var refused = run.OfKind("flight.refused").First();
        Assert.Equal(["missingNotice"], refused.Reasons);
        Assert.Equal(12, run.OfKind("flight.manifestSubmitted").First().Number("noticeHours"));
    }

    [Fact]
    public async Task The_weekly_cap_refuses_flights_beyond_it()
    {
        var spec = TestScenario.Small().Generous().WithAcceptance("MX", a => a with { WeeklyFlightCap = 2 })
            .WithAgencies(a => a with { Ministries = [] });
        var run = await TestScenario.RunAsync(spec);
        var decisions = run.OfKind("screening.decision").ToList();
        // Departures on days 2..7 fall in the ISO week of the start (Mon 20 Jan 2025): two are cleared, then capReached.
        var week = decisions.Where(d => run.World.Clock.Week(d.Tick + 24) == 202504).ToList();
        Assert.Equal(6, week.Count);
        Assert.Equal(["cleared", "cleared"], week.Take(2).Select(d => d.Text("verdict")));
        Assert.All(week.Skip(2), d => Assert.Equal(["capReached"], d.Reasons));
        // The next week opens two more clearances.
        var next = decisions.Where(d => run.World.Clock.Week(d.Tick + 24) == 202505).ToList();
        Assert.Equal("cleared", next[0].Text("verdict"));
    }

    // ---- flights that land ------------------------------------------------------------------------------------

    [Fact]
    public async Task Under_a_generous_policy_flights_land_and_migrants_are_removed()
    {
        var run = await TestScenario.RunAsync(TestScenario.Small().Generous());
        var totals = TestScenario.Metrics(run).Totals;

        Assert.Empty(run.OfKind("flight.refused"));
        Assert.True(totals["flights.landed"] >= 5, $"{totals["flights.landed"]} flights landed");
        Assert.True(totals["migrants.removed"] > 0);
        Assert.Equal(run.OfKind("flight.landed").Sum(e => e.Number("removed")), totals["migrants.removed"]);
        Assert.Equal(run.OfKind("migrant.removed").Count(), totals["migrants.removed"]);
        Assert.Equal(0, totals["migrants.refused"]);
        // Each landed flight cost its block hours at the plan's hourly rate, paid by the sending state.
        Assert.All(run.OfKind("flight.closed"), e =>
        {
            Assert.Equal("landed", e.Text("outcome"));
            Assert.Equal(5 * 8577, e.Number("cost"), 6);
            Assert.Equal("US", e.Text("payer"));
        });
        // Departure at 10:00, half the 5h block later it lands.
        var firstLanding = run.OfKind("flight.landed").First();
        Assert.Equal(TestScenario.Tick(2, 10) + 3, firstLanding.Tick);
    }

    [Fact]
    public async Task Landed_migrants_are_removed_on_that_flight()
    {
        var run = await TestScenario.RunAsync(TestScenario.Small().Generous());
        var landed = run.OfKind("flight.landed").First();
        var removed = run.OfKind("migrant.removed").Where(e => e.Text("flight") == landed.Actor).ToList();
        Assert.Equal((int)landed.Number("removed"), removed.Count);
        Assert.All(removed, e => Assert.Equal(landed.Tick, e.Tick));
        // A full flight: all 50 seats taken, since everyone is removable and accepted.
        Assert.Equal(50, removed.Count);
    }

    [Fact]
    public async Task A_revoked_clearance_turns_an_airborne_flight_back()
    {
        // The first flight departs at day 2 10:00 and would land at 13:00; Mexico revokes at 11:00.
        var spec = TestScenario.Small().Generous().WithEvents(TestScenario.Script(2, 11, ScriptedEventKind.RevokeClearances, "MX"));
        var run = await TestScenario.RunAsync(spec);
        var turned = Assert.Single(run.OfKind("flight.turnedBack"));
        Assert.Equal("flight/mx-charter/00000", turned.Actor);
        Assert.Equal(TestScenario.Tick(2, 11), turned.Tick);
        Assert.Equal("clearanceRevoked", turned.Reasons![0]);
        var returned = run.OfKind("migrant.returned").ToList();
        Assert.Equal((int)turned.Number("passengers"), returned.Count);
        Assert.All(returned, e => Assert.Equal(["turnedBack"], e.Reasons));
        Assert.DoesNotContain(run.Events, e => e.Kind == "flight.landed" && e.Actor == turned.Actor);
        // The sending state takes it up as a dispute.
        Assert.Contains(run.Events, e => e.Kind == "dispute.opened" && e.Actor == "country/US");
    }

    [Fact]
    public async Task A_revoked_clearance_before_departure_refuses_the_flight()
    {
        var spec = TestScenario.Small().Generous().WithEvents(TestScenario.Script(2, 0, ScriptedEventKind.RevokeClearances, "MX"));
        var run = await TestScenario.RunAsync(spec);
        var refused = run.OfKind("flight.refused").First();
        Assert.Equal("flight/mx-charter/00000", refused.Actor);
        Assert.Equal(TestScenario.Tick(2), refused.Tick);
        Assert.Equal(["clearanceRevoked"], refused.Reasons);
        Assert.DoesNotContain(run.Events, e => e.Kind == "flight.departed" && e.Actor == refused.Actor);
    }

    [Fact]
    public async Task Banning_restraints_after_clearance_amends_the_flight_instead_of_refusing_it()
    {
        var spec = TestScenario.Small().Generous().WithEvents(new ScriptedEventSpec
        {
            At = TestScenario.Day(2), Kind = ScriptedEventKind.SetPolicy, Country = "MX",
            Policy = new PolicyPatchSpec { RestraintsAllowed = false }, Note = "no handcuffs",
        }) with { Negotiation = new NegotiationSpec { Enabled = false } }; // no agreement changes the policy again
        var run = await TestScenario.RunAsync(spec);
        var changed = Assert.Single(run.OfKind("country.policyChanged"));
        Assert.Equal(["no handcuffs"], changed.Reasons);
        Assert.Equal("false", changed.Text("restraintsAllowed"));
        var review = Assert.Single(run.OfKind("screening.review"));
        Assert.Equal("false", review.Text("revoked"));
        Assert.Contains(run.Events, e => e.Kind == "flight.amended" && e.Actor == "flight/mx-charter/00000");
        var departed = run.OfKind("flight.departed").First();
        Assert.Equal("flight/mx-charter/00000", departed.Actor);
        Assert.Equal("false", departed.Text("restraints"));
    }

    /// <summary>Brazil, Jan 2025: a flight already in the air with restraints the receiving state now refuses is
    /// diverted, its people moved to the receiving state's aircraft and delivered; they are still removed.</summary>
    [Fact]
    public async Task Banning_restraints_while_airborne_diverts_the_flight_and_still_removes_its_people()
    {
        // The first flight departs at day 2 10:00 and lands at 13:00; the ban comes at 11:00.
        var spec = TestScenario.Small().Generous().WithEvents(new ScriptedEventSpec
        {
            At = TestScenario.Day(2, 11), Kind = ScriptedEventKind.SetPolicy, Country = "MX",
            Policy = new PolicyPatchSpec { RestraintsAllowed = false }, Note = "handcuffs removed on arrival",
        });
        var run = await TestScenario.RunAsync(spec);
        var diverted = Assert.Single(run.OfKind("flight.diverted"));
        Assert.Equal(("flight/mx-charter/00000", TestScenario.Tick(2, 11)), (diverted.Actor, diverted.Tick));
        Assert.Equal(["restraints"], diverted.Reasons);
        var landed = run.OfKind("flight.landed").First(e => e.Actor == diverted.Actor);
        Assert.Equal(["diverted"], landed.Reasons);
        Assert.Equal(diverted.Number("passengers"), landed.Number("removed"));
        Assert.Equal((int)landed.Number("removed"), run.OfKind("migrant.removed").Count(e => e.Text("flight") == diverted.Actor));
        Assert.DoesNotContain(run.Events, e => e.Kind == "flight.turnedBack");
        Assert.Equal(1, TestScenario.Metrics(run).Totals["flights.diverted"]);
    }

    // ---- booking rules ----------------------------------------------------------------------------------------

    private static ScenarioSpec RefusingThirdCountry() => TestScenario.Small()
        .WithAcceptance("MX", a => a with { AcceptThirdCountryNationals = false })
        .WithScreening(x => x with { IrregularityThreshold = 1 })
        .WithPopulation(p => p with { ThirdCountryShare = 0.3 })
        .WithAgencies(a => a with { Ministries = [] });

    private static Dictionary<string, double> PersonReasons(RunResult run) =>
        TestScenario.Metrics(run).PersonRefusalReasons.ToDictionary(kv => kv.Key, kv => (double)kv.Value);

    [Fact]
    public async Task Filtered_manifests_leave_off_people_the_known_policy_would_refuse()
    {
        var unfiltered = PersonReasons(await TestScenario.RunAsync(RefusingThirdCountry()));
        var filtered = PersonReasons(await TestScenario.RunAsync(RefusingThirdCountry().WithEnforcement(e => e with { FilterManifests = true })));
        Assert.True(unfiltered.GetValueOrDefault("thirdCountryNational") > 0);
        Assert.True(unfiltered.GetValueOrDefault("disputedDocuments") > 0);
        Assert.Equal(0, filtered.GetValueOrDefault("thirdCountryNational"));
        Assert.Equal(0, filtered.GetValueOrDefault("disputedDocuments"));
        Assert.Equal(0, filtered.GetValueOrDefault("missingDocuments"));
    }

    [Fact]
    public async Task Booking_pending_cases_gets_them_refused_for_pending_legal_process()
    {
        var spec = TestScenario.Small().WithScreening(x => x with { IrregularityThreshold = 1 }).WithAgencies(a => a with { Ministries = [] });
        var usual = await TestScenario.RunAsync(spec);
        var gap = await TestScenario.RunAsync(spec.WithEnforcement(e => e with { BookPendingCases = true }));
        Assert.Equal(0, PersonReasons(usual).GetValueOrDefault("pendingLegalProcess"));
        Assert.True(PersonReasons(gap).GetValueOrDefault("pendingLegalProcess") > 0);
        Assert.Contains(gap.OfKind("migrant.refused"), e => e.Reasons is ["pendingLegalProcess"]);
    }

    [Fact]
    public async Task A_full_facility_defers_arrests()
    {
        var spec = TestScenario.Small().WithoutFlights() with { Facilities = [new FacilitySpec { Id = "staging", Agency = "ICE", Capacity = 120 }] };
        var run = await TestScenario.RunAsync(spec);
        var over = Assert.Single(run.OfKind("caseload.overCapacity"));
        Assert.Equal(80, over.Number("deferred"));
        Assert.Equal(120, run.OfKind("migrant.detained").Count(e => e.Tick == 0));
        Assert.All(run.OfKind("caseload.day"), e => Assert.InRange(e.Number("detained"), 0, 120));
    }

    // ---- detention limit --------------------------------------------------------------------------------------

    [Fact]
    public async Task Without_flights_people_are_released_at_the_detention_limit()
    {
        var spec = TestScenario.Small().WithoutFlights()
            .WithEnforcement(e => e with { DetentionLimitDays = 5 })
            .WithPopulation(p => p with { InitialDetentionMaxDays = 0 });
        var run = await TestScenario.RunAsync(spec);

        var released = run.OfKind("migrant.released").ToList();
        Assert.NotEmpty(released);
        Assert.All(released, e => Assert.Equal(["detentionLimit"], e.Reasons));
        var detainedAt = run.OfKind("migrant.detained").ToDictionary(e => e.Subject!, e => e.Tick);
        foreach (var e in released)
        {
            long held = e.Tick - detainedAt[e.Subject!];
            // Released at the first daily check (each day's last tick) once five days (120 ticks) have passed.
            Assert.InRange(held, 120, 120 + 23);
        }
        // Everyone held five days by the end of day 6 (the initial 200 and day 1's arrivals, admitted at its last
        // tick) and still held then is released then.
        var initial = detainedAt.Where(kv => kv.Value + 120 <= 143).Select(kv => kv.Key).ToHashSet();
        Assert.True(initial.Count > 200);
        var leftEarlier = run.OfKind("migrant.reliefGranted").Where(e => e.Tick <= 143).Select(e => e.Subject!).ToHashSet();
        var releasedAtDay6End = released.Where(e => e.Tick == 143).Select(e => e.Subject!).ToHashSet();
        Assert.Equal(initial.Except(leftEarlier).Order(), releasedAtDay6End.Order());
        Assert.Equal(released.Count, TestScenario.Metrics(run).Totals["migrants.releasedAtLimit"]);
    }

    [Fact]
    public async Task With_the_default_limit_nobody_is_released_in_ten_days()
    {
        var spec = TestScenario.Small().WithoutFlights().WithPopulation(p => p with { InitialDetentionMaxDays = 0 });
        var run = await TestScenario.RunAsync(spec);
        Assert.Empty(run.OfKind("migrant.released"));
    }

    // ---- negotiation and agreement ----------------------------------------------------------------------------

    /// <summary>A military flight is refused; Mexico's ministry accepts any offer; the U.S. imposes visa sanctions
    /// on day 1, before the dispute.</summary>
    private static ScenarioSpec QuickAgreement() => TestScenario.Small()
        .WithPlan(p => p with { Aircraft = AircraftKind.Military })
        .WithMinistry("MX", m => m with { ReservationValue = 0, InitialConcession = 1 })
        .WithPolitics("MX", p => p with { RatificationWeight = 0 })
        .WithEvents(TestScenario.Script(1, 1, ScriptedEventKind.Impose, "US", "MX", InstrumentKind.VisaSanctions));

    private static Dictionary<string, string> TermsOf(SimEvent agreement) =>
        agreement.Text("terms")!.Split(' ').Select(kv => kv.Split('=', 2)).ToDictionary(kv => kv[0], kv => kv[1]);

    [Fact]
    public async Task An_agreement_changes_the_receiving_policy_and_lifts_instruments()
    {
        var run = await TestScenario.RunAsync(QuickAgreement());

        var applied = Assert.Single(run.OfKind("instrument.applied"));
        Assert.Equal(("country/US", "country/MX"), (applied.Actor, applied.Subject));

        // (later refusals for other reasons may open new disputes: the first agreement is the one over the aircraft)
        var agreement = run.First("negotiation.agreement")!;
        Assert.Equal("negotiation/US-MX", agreement.Actor);
        Assert.Equal(["accepted by MX"], agreement.Reasons);
        Assert.True(agreement.Tick < TestScenario.Tick(2), "agreed on day 1");
        Assert.Equal("aircraft", run.First("negotiation.opened")!.Text("agenda"));

        var changed = Assert.Single(run.OfKind("country.policyChanged"), e => e.Tick == agreement.Tick);
        Assert.Equal("country/MX", changed.Actor);
        Assert.Equal(["agreement with US"], changed.Reasons);
        // The agreement names the aircraft, the grievance: only that changes; the rest of Mexico's policy stays.
        var terms = TermsOf(agreement);
        Assert.Equal(["aircraft"], terms.Keys);
        Assert.Equal(terms["aircraft"] != "Military" ? "true" : "false", changed.Text("civilianAircraftOnly"));
        Assert.Equal(24, changed.Number("advanceNoticeHours"));
        Assert.Equal("partial", changed.Text("documentationStandard"));
        Assert.Equal("true", changed.Text("acceptThirdCountryNationals"));
        Assert.Equal("true", changed.Text("restraintsAllowed"));
        Assert.Equal("", agreement.Text("term.restraints"));

        var lifted = Assert.Single(run.OfKind("instrument.lifted"));
        Assert.Equal(("country/US", "country/MX", agreement.Tick), (lifted.Actor, lifted.Subject, lifted.Tick));
        Assert.Equal(["agreement"], lifted.Reasons);

        var adopted = run.First("enforcement.termsAdopted")!;
        Assert.Equal(agreement.Text("terms"), adopted.Text("terms"));

        // The negotiation is recorded in the metrics.
        var n = TestScenario.Metrics(run).Negotiations[0];
        Assert.Equal("US-MX", n.Dyad);
        Assert.Equal("agreement", n.Outcome);
        Assert.Equal(1, n.AgreementDay);
    }

    [Fact]
    public async Task After_the_agreement_flights_flying_the_agreed_terms_are_no_longer_refused_for_them()
    {
        var run = await TestScenario.RunAsync(QuickAgreement());
        var agreement = run.First("negotiation.agreement")!;
        var terms = TermsOf(agreement);
        var later = run.OfKind("screening.decision").Where(e => e.Tick > agreement.Tick).ToList();
        Assert.NotEmpty(later);
        Assert.All(later, d => Assert.DoesNotContain("aircraftType", d.Reasons ?? []));
        // The flights carry the agreed aircraft.
        var planned = run.OfKind("flight.planned").Where(e => e.Tick > agreement.Tick).ToList();
        Assert.All(planned, p => Assert.Equal(terms["aircraft"], p.Text("aircraft"), ignoreCase: true));
        Assert.NotEmpty(run.OfKind("flight.landed"));
    }

    /// <summary>Both sides hold out (reservation values of 1, certain): the U.S. expects no deal it can accept (a
    /// gap of 1), so a credible threat is worth more than it may cost, and it threatens its first rung by decision.</summary>
    [Fact]
    public async Task A_stubborn_receiving_side_leads_to_a_threat_decided_on_its_numbers()
    {
        var spec = TestScenario.Small().WithPlan(p => p with { Aircraft = AircraftKind.Military })
            .WithMinistry("MX", m => m with { ReservationValue = 1, InitialConcession = 0, Beta = 0.01 })
            .WithMinistry("US", m => m with { ReservationValue = 1, InitialConcession = 0, Beta = 0.01 })
            .WithPolitics("MX", p => p with { RatificationWeight = 1, DomesticPressure = 1 });
        var run = await TestScenario.RunAsync(spec);
        var threatened = run.OfKind("instrument.threatened").First();
        // Long before costs widen their win-sets enough for any deal.
        Assert.True(run.First("negotiation.agreement") is not { } deal || deal.Tick > threatened.Tick + 24);
        Assert.Equal(("country/US", "country/MX"), (threatened.Actor, threatened.Subject));
        Assert.Equal(["decided"], threatened.Reasons);
        Assert.Equal("visaSanctions", threatened.Text("instrument"));
        // Its shortfall, counted in what the U.S. weighs in the relation: nearly all of the aircraft's stake.
        double stake = run.OfKind("negotiation.offer").First(e => e.Text("by") == "US").Number("stake");
        Assert.True(threatened.Number("shortfall") > 0.9 * stake, $"shortfall {threatened.Number("shortfall")}, stake {stake}");
        Assert.True(threatened.Number("expectedGain") > threatened.Number("expectedCost"));
        // Its expected concession: Mexico's delay weight (1) x the sanctions' daily cost (0.01) x the 7-day horizon,
        // no more than the shortfall.
        Assert.Equal(Math.Min(0.07, threatened.Number("shortfall")), threatened.Number("expectedConcession"), 6);
    }

    // ---- escalation -------------------------------------------------------------------------------------------

    [Fact]
    public async Task A_scripted_threat_is_applied_after_its_grace_period()
    {
        var spec = TestScenario.Small().InStandoff().WithEvents(TestScenario.Script(2, 12, ScriptedEventKind.Threaten, "US", "MX", InstrumentKind.Tariff));
        var run = await TestScenario.RunAsync(spec);

        var threatened = Assert.Single(run.OfKind("instrument.threatened"));
        Assert.Equal(("country/US", "country/MX", TestScenario.Tick(2, 12)), (threatened.Actor, threatened.Subject, threatened.Tick));
        Assert.Equal("tariff", threatened.Text("instrument"));
        Assert.Equal(0.25, threatened.Number("rate"));
        Assert.Equal(run.World.Clock.Iso(TestScenario.Tick(3, 12)), threatened.Text("applyAt"));

        var applied = Assert.Single(run.OfKind("instrument.applied"));
        Assert.Equal(("country/US", "country/MX"), (applied.Actor, applied.Subject));
        Assert.Equal(TestScenario.Tick(3, 12), applied.Tick); // graceHours 24
        Assert.Equal("tariff", applied.Text("instrument"));
        // A tariff hurts in proportion to its rate and to the target's exports to the user: 0.8 × 0.25 × 0.8.
        Assert.Equal(0.16, applied.Number("dailyCostToTarget"), 9);

        var totals = TestScenario.Metrics(run).Totals;
        Assert.Equal(1, totals["escalations.threatened"]);
        Assert.Equal(1, totals["escalations.applied"]);
    }

    /// <summary>Applying would cost the U.S. more than it forces plus the audience cost of backing down (a tariff that
    /// costs it 1 a day, no audience cost): each threat is left unexecuted at the end of its grace period, logged with
    /// its numbers, and the record makes the next threat less credible to Mexico (Beta prior of mean 0.5 and
    /// concentration 1/0.3² − 1).</summary>
    [Fact]
    public async Task A_threat_not_worth_applying_is_left_unexecuted_and_costs_credibility()
    {
        var spec = TestScenario.Small().InStandoff()
            .WithPolitics("US", p => p with { ThreatAudienceCost = 0 })
            .WithCountry("US", c => c with { Instruments = [c.Instruments[0], c.Instruments[1] with { DailyCostToSelf = 1 / (0.25 * 0.15) }] })
            .WithEvents(
                TestScenario.Script(2, 12, ScriptedEventKind.Threaten, "US", "MX", InstrumentKind.Tariff),
                TestScenario.Script(4, 12, ScriptedEventKind.Threaten, "US", "MX", InstrumentKind.Tariff));
        var run = await TestScenario.RunAsync(spec);
        Assert.Equal(2, run.OfKind("instrument.threatened").Count());
        Assert.Empty(run.OfKind("instrument.applied"));
        var skipped = run.OfKind("instrument.notExecuted").ToList();
        Assert.Equal([TestScenario.Tick(3, 12), TestScenario.Tick(5, 12)], skipped.Select(e => e.Tick));
        Assert.All(skipped, e =>
        {
            Assert.Equal(("country/US", "country/MX", "tariff"), (e.Actor, e.Subject, e.Text("instrument")));
            // Mexico's delay weight (1) x the tariff's 0.16 a day x the 7-day horizon: no talks have told the shortfall.
            Assert.Equal(0.16 * 7, e.Number("expectedConcession"), 9);
            Assert.Equal(1.0 * 7, e.Number("costToSelf"), 9);
            Assert.Equal(0, e.Number("backDownCost"));
        });
        double prior = 0.5 * (1 / 0.09 - 1);
        Assert.Equal(prior / (2 * prior + 1), skipped[0].Number("credibility"), 6);
        Assert.Equal(prior / (2 * prior + 2), skipped[1].Number("credibility"), 6);
    }

    /// <summary>A threat with no dispute behind it (nothing refused, nothing to concede) lapses at the end of its grace
    /// period: nobody defied it, so letting it go is no backing down (Honduras' threat of January 2025), even for a
    /// state whose audience would punish backing down.</summary>
    [Fact]
    public async Task A_threat_with_no_dispute_behind_it_lapses()
    {
        var spec = TestScenario.Small().WithoutFlights()
            .WithEvents(TestScenario.Script(2, 12, ScriptedEventKind.Threaten, "US", "MX", InstrumentKind.Tariff));
        var run = await TestScenario.RunAsync(spec);
        Assert.Single(run.OfKind("instrument.threatened"));
        Assert.Empty(run.OfKind("instrument.applied"));
        var lapsed = Assert.Single(run.OfKind("instrument.notExecuted"));
        Assert.Equal(("country/US", "country/MX", TestScenario.Tick(3, 12)), (lapsed.Actor, lapsed.Subject, lapsed.Tick));
        Assert.Equal(["noDispute"], lapsed.Reasons);
    }

    /// <summary>During a dispute, a measure that costs its user more over the horizon than the concession it forces plus
    /// the audience cost of backing down is lifted at the next daily step, alone and with its numbers.</summary>
    [Fact]
    public async Task A_measure_no_longer_worth_its_cost_is_lifted()
    {
        var spec = TestScenario.Small().InStandoff()
            .WithCountry("US", c => c with { Instruments = [c.Instruments[0], c.Instruments[1] with { DailyCostToSelf = 0.5 / (0.25 * 0.15) }] })
            .WithEvents(TestScenario.Script(3, 1, ScriptedEventKind.Impose, "US", "MX", InstrumentKind.Tariff));
        var run = await TestScenario.RunAsync(spec);
        var applied = run.OfKind("instrument.applied").Single(e => e.Actor == "country/US" && e.Text("instrument") == "tariff");
        Assert.Equal(TestScenario.Tick(3, 1), applied.Tick);
        var lifted = run.OfKind("instrument.lifted").First(e => e.Reasons is ["notWorthIt"]);
        Assert.Equal(("country/US", "country/MX", "tariff"), (lifted.Actor, lifted.Subject, lifted.Text("instrument")));
        Assert.Equal(TestScenario.Tick(4) - 1, lifted.Tick); // the end of day 3
        Assert.Equal(0.5 * 7, lifted.Number("costToSelf"), 9);
        Assert.True(lifted.Number("costToSelf") > lifted.Number("expectedConcession") + lifted.Number("backDownCost"));
    }

    [Fact]
    public async Task A_threat_lifted_within_the_grace_period_is_never_applied()
    {
        var spec = TestScenario.Small().WithoutFlights().WithEvents(
            TestScenario.Script(2, 12, ScriptedEventKind.Threaten, "US", "MX", InstrumentKind.Tariff),
            TestScenario.Script(3, 0, ScriptedEventKind.Lift, "US", "MX"));
        var run = await TestScenario.RunAsync(spec);
        Assert.Single(run.OfKind("instrument.threatened"));
        Assert.Empty(run.OfKind("instrument.applied"));
        Assert.Contains(run.Events, e => e.Kind == "instrument.lifted" && e.Tick == TestScenario.Tick(3));
    }

    /// <summary>With no dispute there is nothing to force: Mexico answers when the audience cost of leaving the tariff
    /// unanswered (salience x threatAudienceCost 0.1) exceeds its counter-tariff's cost over the 7-day horizon.</summary>
    [Theory]
    [InlineData(0.9, 0.012, true)]    // 0.09 > 0.084
    [InlineData(0.6, 0.008, true)]    // 0.06 > 0.056
    [InlineData(0.59, 0.0085, false)] // 0.059 < 0.0595
    [InlineData(0.9, 0.013, false)]   // 0.09 < 0.091
    public async Task A_salient_target_answers_an_applied_tariff_when_leaving_it_unanswered_costs_more(double salience, double dailyCostToSelf, bool answers)
    {
        var spec = TestScenario.Small().InStandoff().WithCounterTariffCost(dailyCostToSelf)
            .WithPolitics("MX", p => p with { SovereigntySalience = salience })
            .WithEvents(TestScenario.Script(2, 12, ScriptedEventKind.Threaten, "US", "MX", InstrumentKind.Tariff));
        var run = await TestScenario.RunAsync(spec);

        var mx = run.OfKind("instrument.applied").Where(e => e.Actor == "country/MX").ToList();
        if (!answers)
        {
            Assert.Empty(mx);
            return;
        }
        var counter = Assert.Single(mx);
        Assert.Equal("country/US", counter.Subject);
        Assert.Equal(["counter-escalation"], counter.Reasons);
        Assert.Equal(salience * 0.1, counter.Number("audienceCostUnanswered"), 9);
        Assert.Equal(dailyCostToSelf * 7, counter.Number("costToSelf"), 9);
        Assert.Equal("counterTariff", counter.Text("instrument"));
        // Only once the U.S. tariff is applied, not when it is threatened.
        Assert.Equal(TestScenario.Tick(3, 12), counter.Tick);
        // 0.05 × the U.S. exposure to Mexican trade (0.15).
        Assert.Equal(0.05 * 0.15, counter.Number("dailyCostToTarget"), 9);
        // The U.S. (salience 0.3) does not answer back.
        Assert.Single(run.OfKind("instrument.applied"), e => e.Actor == "country/US");
    }

    /// <summary>After an agreement both ladders start again: a salient receiving state answers a renewed tariff again.</summary>
    [Fact]
    public async Task A_receiving_state_counter_escalates_again_after_an_agreement()
    {
        var spec = QuickAgreement() with { Events = [] };
        spec = spec.WithCounterTariffCost(0.005).WithPolitics("MX", p => p with { SovereigntySalience = 0.9 }).WithEvents(
            TestScenario.Script(1, 1, ScriptedEventKind.Impose, "US", "MX", InstrumentKind.Tariff),
            TestScenario.Script(3, 0, ScriptedEventKind.Impose, "US", "MX", InstrumentKind.Tariff));
        var run = await TestScenario.RunAsync(spec);

        var agreement = run.First("negotiation.agreement")!;
        var us = run.OfKind("instrument.applied").Where(e => e.Actor == "country/US").Select(e => e.Tick).ToList();
        var mx = run.OfKind("instrument.applied").Where(e => e.Actor == "country/MX").Select(e => e.Tick).ToList();
        Assert.Equal([TestScenario.Tick(1, 1), TestScenario.Tick(3)], us);
        // Both sides lift at the agreement (before the second tariff).
        Assert.Equal(["country/MX", "country/US"], run.OfKind("instrument.lifted").Where(e => e.Tick == agreement.Tick).Select(e => e.Actor).Order());
        Assert.True(agreement.Tick < TestScenario.Tick(3));
        // Each tariff is answered at once with a counter-tariff.
        Assert.Equal([TestScenario.Tick(1, 1), TestScenario.Tick(3)], mx);
    }

    [Fact]
    public async Task A_named_instrument_already_threatened_is_not_escalated_again()
    {
        var spec = TestScenario.Small().InStandoff().WithEvents(
            TestScenario.Script(2, 12, ScriptedEventKind.Threaten, "US", "MX", InstrumentKind.Tariff),
            TestScenario.Script(2, 13, ScriptedEventKind.Threaten, "US", "MX", InstrumentKind.Tariff));
        var run = await TestScenario.RunAsync(spec);
        Assert.Single(run.OfKind("instrument.threatened"));
        Assert.Single(run.OfKind("instrument.applied"));
        var inForce = Assert.Single(run.OfKind("instrument.inForce"));
        Assert.Equal(("country/US", "country/MX", TestScenario.Tick(2, 13)), (inForce.Actor, inForce.Subject, inForce.Tick));
        Assert.Equal("tariff", inForce.Text("instrument"));
        Assert.Empty(run.OfKind("escalation.exhausted"));
    }

    [Fact]
    public async Task Threats_without_a_named_instrument_climb_the_ladder_until_it_is_exhausted()
    {
        var spec = TestScenario.Small().WithoutFlights().WithEvents(
            TestScenario.Script(2, 0, ScriptedEventKind.Threaten, "US", "MX"),
            TestScenario.Script(2, 1, ScriptedEventKind.Threaten, "US", "MX"),
            TestScenario.Script(2, 2, ScriptedEventKind.Threaten, "US", "MX"));
        var run = await TestScenario.RunAsync(spec);
        Assert.Equal(["visaSanctions", "tariff"], run.OfKind("instrument.threatened").Select(e => e.Text("instrument")));
        var exhausted = Assert.Single(run.OfKind("escalation.exhausted"));
        Assert.Equal(TestScenario.Tick(2, 2), exhausted.Tick);
    }

    [Fact]
    public async Task A_target_without_a_ladder_cannot_counter_escalate()
    {
        var spec = TestScenario.Small().WithoutFlights()
            .WithCountry("MX", c => c with { Instruments = [], Politics = c.Politics with { SovereigntySalience = 1 } })
            .WithEvents(TestScenario.Script(2, 12, ScriptedEventKind.Impose, "US", "MX", InstrumentKind.Tariff));
        var run = await TestScenario.RunAsync(spec);
        var applied = Assert.Single(run.OfKind("instrument.applied"));
        Assert.Equal("country/US", applied.Actor);
        Assert.Equal(TestScenario.Tick(2, 12), applied.Tick); // imposed at once
    }

    [Fact]
    public async Task Tension_rises_with_sanctions()
    {
        var spec = TestScenario.Small().WithoutFlights().WithEvents(TestScenario.Script(2, 12, ScriptedEventKind.Impose, "US", "MX", InstrumentKind.Tariff));
        var run = await TestScenario.RunAsync(spec);
        double Tension(string actor, int day) =>
            // country.day is logged at each day's last tick: Tick(day) - 1 is the end of the day before.
            run.OfKind("country.day").Single(e => e.Actor == actor && e.Tick == TestScenario.Tick(day) - 1).Number(actor == "country/MX" ? "tension.US" : "tension.MX");
        Assert.Equal(0.2, Tension("country/MX", 2), 9);
        Assert.True(Tension("country/MX", 3) > 0.2);
        Assert.True(Tension("country/US", 3) > 0.2);
    }

    // ---- watchers ---------------------------------------------------------------------------------------------

    private static ScenarioSpec WithAdvocacy(ScenarioSpec s) => s.WithAgencies(a => a with
    {
        Advocacy = [new AdvocacySpec { Id = "rights", Country = "MX", Watches = [TreatmentConcern.Restraints], PressurePerAlert = 0.05, PressurePerPerson = 0.0005 }],
    });

    [Fact]
    public async Task Advocacy_alerts_about_restraints_raise_domestic_pressure()
    {
        var run = await TestScenario.RunAsync(WithAdvocacy(TestScenario.Small().Generous()));
        var departed = run.OfKind("flight.departed").First();
        var alert = run.OfKind("advocacy.alert").First();
        Assert.Equal(("advocacy/rights", departed.Actor, departed.Tick), (alert.Actor, alert.Subject, alert.Tick));
        Assert.Equal(["restraints"], alert.Reasons);
        Assert.Equal(departed.Number("passengers"), alert.Number("people"));
        Assert.Equal(0.05 + 0.0005 * alert.Number("people"), alert.Number("pressure"), 9);

        double Pressure(int day) => run.OfKind("country.day").Single(e => e.Actor == "country/MX" && e.Tick == TestScenario.Tick(day) - 1).Number("pressure");
        Assert.Equal(0.4, Pressure(2), 9); // before the first departure (day 2 10:00)
        // One alert, then one day's decay of 10% of the excess.
        Assert.Equal(0.4 + alert.Number("pressure") * 0.9, Pressure(3), 6);
        Assert.True(Pressure(5) > 0.4);
    }

    /// <summary>Advocates' alerts raise pressure until the receiving state bans restraints by itself; later flights
    /// comply, and without the threshold nothing changes.</summary>
    [Fact]
    public async Task Enough_domestic_pressure_changes_the_policy()
    {
        var yielding = WithAdvocacy(TestScenario.Small().Generous())
            .WithPolitics("MX", p => p with { PressureThreshold = 0.45, PolicyUnderPressure = new PolicyPatchSpec { RestraintsAllowed = false } })
            with { Negotiation = new NegotiationSpec { Enabled = false } }; // no agreement changes the policy again
        var run = await TestScenario.RunAsync(yielding);
        var change = Assert.Single(run.OfKind("country.policyChanged"));
        Assert.Equal(["domestic pressure"], change.Reasons);
        Assert.Equal("false", change.Text("restraintsAllowed"));
        var dayLine = run.OfKind("country.day").Single(e => e.Actor == "country/MX" && e.Tick == change.Tick);
        Assert.True(dayLine.Number("pressure") >= 0.45);
        Assert.Contains(run.OfKind("advocacy.alert"), a => a.Tick < change.Tick);
        // A flight already cleared is amended to fly without restraints; later ones planned with restraints are refused.
        Assert.Contains(run.OfKind("flight.amended"), a => a.Tick == change.Tick);
        Assert.Contains(run.OfKind("flight.departed"), d => d.Tick > change.Tick && d.Text("restraints") == "false");
        Assert.Contains(run.OfKind("flight.refused"), r => r.Tick > change.Tick && r.Reasons!.Contains("restraints"));

        var unchanged = await TestScenario.RunAsync(WithAdvocacy(TestScenario.Small().Generous()));
        Assert.Empty(unchanged.OfKind("country.policyChanged"));
    }

    [Fact]
    public async Task Without_restraints_there_is_no_alert_and_pressure_stays_at_baseline()
    {
        var run = await TestScenario.RunAsync(WithAdvocacy(TestScenario.Small().Generous().WithPlan(p => p with { Restraints = false })));
        Assert.NotEmpty(run.OfKind("flight.departed"));
        Assert.Empty(run.OfKind("advocacy.alert"));
        Assert.All(run.OfKind("country.day").Where(e => e.Actor == "country/MX"), e => Assert.Equal(0.4, e.Number("pressure"), 9));
    }

    [Fact]
    public async Task Observer_assessments_appear_every_interval()
    {
        var spec = TestScenario.Small().WithPlan(p => p with { Aircraft = AircraftKind.Military }).WithAgencies(a => a with
        {
            Observers = [new ObserverSpec { Id = "un", Assesses = "US", IntervalDays = 2, CostPerConcern = 0.01 }],
        });
        var run = await TestScenario.RunAsync(spec);
        var assessments = run.OfKind("observer.assessment").ToList();
        Assert.Equal([48L, 96, 144, 192], assessments.Select(e => e.Tick));
        Assert.All(assessments, e => Assert.Equal(("observer/un", "country/US"), (e.Actor, e.Subject)));
        // The first flight (refused on day 1) is in the first assessment.
        Assert.True(assessments[0].Number("refusedFlights") >= 1);
        Assert.True(assessments[0].Number("concerns") >= 1);
        Assert.Equal(assessments[0].Number("concerns") * 0.01, assessments[0].Number("reputationalCost"), 9);
        Assert.Equal(4, TestScenario.Metrics(run).Totals["observer.assessments"]);
    }

    // ---- caseload ---------------------------------------------------------------------------------------------

    [Fact]
    public async Task Caseload_view_returns_a_history_starting_with_detained()
    {
        var run = await TestScenario.RunAsync(TestScenario.Small().Generous());
        var info = run.World.Caseloads[0];
        var caseload = Assert.IsType<Caseload>(run.Host.Agents[info.AgentId]);

        var first = caseload.View(info.MigrantId(0));
        Assert.NotNull(first);
        Assert.Equal("detained", first.History[0].Kind);
        Assert.Equal("MX", first.Destination);
        Assert.Equal("staging", first.Facility);

        var removedId = long.Parse(run.OfKind("migrant.removed").First().Subject!, CultureInfo.InvariantCulture);
        var removed = caseload.View(removedId)!;
        Assert.Equal(MigrantStatus.Removed, removed.Status);
        Assert.Equal("detained", removed.History[0].Kind);
        Assert.Equal(["detained", "removable", "booked", "removed"], removed.History.Select(h => h.Kind));
        Assert.NotNull(removed.History[^1].Flight);

        Assert.Null(caseload.View(info.MigrantId(1_000_000)));
        Assert.Null(caseload.View((1L << 32) | 0)); // another caseload's id
    }

    [Fact]
    public async Task Caseload_reports_daily_detention_and_cost()
    {
        var run = await TestScenario.RunAsync(TestScenario.Small().WithoutFlights().WithPopulation(p => p with { ArrivalsPerDay = 0 }));
        var days = run.OfKind("caseload.day").ToList();
        Assert.Equal(10, days.Count);
        Assert.Equal(200, run.OfKind("migrant.detained").Count());
        // Without flights or arrivals people only leave at the daily step in each day's last hour, so a day's
        // bed-days are 23 hours at the previous count and one hour at the new one, at 150 per bed-day.
        double before = 200;
        foreach (var day in days)
        {
            Assert.Equal((23 * before + day.Number("detained")) / 24, day.Number("bedDays"), 9);
            Assert.Equal(day.Number("bedDays") * 150, day.Number("cost"), 6);
            before = day.Number("detained");
        }
        // Legal decisions release some people over the ten days.
        Assert.True(days[^1].Number("detained") < 200);
    }

    [Fact]
    public async Task Compact_migrant_log_counts_the_same_as_the_full_log()
    {
        var full = await TestScenario.RunAsync(TestScenario.Small().Generous());
        var compact = await TestScenario.RunAsync(TestScenario.Small().Generous() with { Output = new OutputSpec { MigrantEvents = MigrantEventLog.Compact } });
        Assert.DoesNotContain(compact.Events, e => e.Kind.StartsWith("migrant.", StringComparison.Ordinal));
        Assert.NotEmpty(compact.OfKind("migrants"));
        var a = TestScenario.Metrics(full).Totals;
        var b = TestScenario.Metrics(compact).Totals;
        foreach (var key in new[] { "migrants.detained", "migrants.removed", "migrants.refused", "migrants.releasedAtLimit", "migrants.relief", "migrantEvents" })
            Assert.Equal(a[key], b[key]);
        // The compact digest lines repeat exactly.
        var again = await TestScenario.RunAsync(TestScenario.Small().Generous() with { Output = new OutputSpec { MigrantEvents = MigrantEventLog.Compact } });
        Assert.Equal(compact.Signatures(), again.Signatures());
        // Everything else in the log is the same.
        Assert.Equal(full.Events.Where(e => !e.Kind.StartsWith("migrant.", StringComparison.Ordinal)).Select(TestScenario.Signature),
                     compact.Events.Where(e => e.Kind != "migrants").Select(TestScenario.Signature));
    }
}

public sealed class LandReturnTests
{
    private static ScenarioSpec WithLand(double perDay, double thirdCountryShare) => TestScenario.Small().WithoutFlights()
        .WithPopulation(p => p with { LandReturnsPerDay = perDay, ThirdCountryShare = thirdCountryShare, ThirdCountryNationalities = ["VE"] });

    [Fact]
    public async Task Land_returns_remove_people_without_flights_and_count_by_destination()
    {
        var run = await TestScenario.RunAsync(WithLand(10, 0));
        var m = TestScenario.Metrics(run);
        var land = run.Events.Where(e => e.Kind == "caseload.landReturns").ToList();
        Assert.NotEmpty(land);
        Assert.All(land, e => Assert.Equal("MX", e.Text("destination")));
        double byLand = land.Sum(e => e.Number("removed"));
        Assert.Equal(byLand, m.Totals["migrants.removedByLand"]);
        Assert.Equal(byLand, m.Totals["migrants.removed"]);
        Assert.Equal(byLand, m.RemovedByDestination["MX"]);
        // About ten a day over ten days (Poisson), and none without a quota.
        Assert.InRange(byLand, 60, 140);
        Assert.Equal(0, TestScenario.Metrics(await TestScenario.RunAsync(WithLand(0, 0))).Totals["migrants.removed"]);
    }

    [Fact]
    public async Task Third_country_nationals_go_by_land_only_where_the_destination_accepts_them()
    {
        var refusing = WithLand(1000, 1).WithAcceptance("MX", a => a with { AcceptThirdCountryNationals = false });
        Assert.Equal(0, TestScenario.Metrics(await TestScenario.RunAsync(refusing)).Totals["migrants.removedByLand"]);
        var accepting = WithLand(1000, 1).WithAcceptance("MX", a => a with { AcceptThirdCountryNationals = true });
        Assert.True(TestScenario.Metrics(await TestScenario.RunAsync(accepting)).Totals["migrants.removedByLand"] > 0);
    }
}
