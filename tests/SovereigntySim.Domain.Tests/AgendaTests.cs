using SovereigntySim.Domain.Scenario;
using SovereigntySim.Domain.Simulation;
using Xunit.Abstractions;

namespace SovereigntySim.Domain.Tests;

/// <summary>Issue 7 items 3 and 4: the agenda comes from the grievance and an agreement changes only what it names;
/// red lines; assurances; case-by-case decisions; linked instruments whose relief is on the table; incidents that
/// suspend flights.</summary>
public sealed class AgendaTests(ITestOutputHelper output)
{
    /// <summary>Mexico accepts any offer (reservation 0, conceding at once).</summary>
    private static ScenarioSpec Yielding(ScenarioSpec s) => s
        .WithMinistry("MX", m => m with { ReservationValue = 0, InitialConcession = 1 })
        .WithPolitics("MX", p => p with { RatificationWeight = 0 });

    /// <summary>A weekly cap of 3 and no restraints: the first (restrained) charter is refused for restraints alone,
    /// so the negotiation is about restraints (and assurances); the agreement changes that and leaves the cap in
    /// force, and the U.S. plans within the cap from then on.</summary>
    [Fact]
    public async Task A_weekly_cap_survives_an_agreement_on_restraints()
    {
        var spec = Yielding(TestScenario.Small(days: 21))
            .WithAcceptance("MX", a => a with { WeeklyFlightCap = 3, RestraintsAllowed = false, DocumentationStandard = DocumentStandard.Any })
            .WithScreening(x => x with { IrregularityThreshold = 1.0 });
        var run = await TestScenario.RunAsync(spec);
        output.Show(run, "negotiation.opened", "negotiation.agreement", "country.policy", "flight.cancelled");

        var opened = run.First("negotiation.opened")!;
        // Restraints are a grievance over treatment: assurances are on the table too.
        Assert.Equal("restraints+assurances", opened.Text("agenda"));
        var agreement = Assert.Single(run.OfKind("negotiation.agreement"));
        Assert.Matches("^restraints=(True|False) assurances=(True|False)$", agreement.Text("terms"));
        Assert.Equal("", agreement.Text("term.weeklyCap"));
        var changed = Assert.Single(run.OfKind("country.policyChanged"));
        Assert.Equal(3, changed.Number("weeklyFlightCap"));
        // The cap binds: enforcement cancels the flights beyond it, and none is refused for it.
        Assert.Contains(run.OfKind("flight.cancelled"), e => e.Reasons!.Contains("weeklyCap"));
        Assert.DoesNotContain(run.OfKind("screening.decision"), d => (d.Reasons ?? []).Contains("capReached"));
        var perWeek = run.OfKind("flight.landed").GroupBy(e => run.World.Clock.Week(e.Tick)).Select(g => g.Count());
        Assert.All(perWeek, n => Assert.InRange(n, 1, 3));
    }

    /// <summary>Talks open over the aircraft; at noon on day 2 Mexico demands 48 h notice and the next refusals cite
    /// it: the agenda grows to the dispute's whole grievance, and the agreement names exactly those terms.</summary>
    [Fact]
    public async Task The_agenda_grows_with_the_grievance()
    {
        var spec = TestScenario.Small(days: 14)
            .WithPlan(p => p with { Aircraft = AircraftKind.Military })
            .WithMinistry("MX", m => m with { ReservationValue = 0.6 })
            .WithEvents(new ScriptedEventSpec { At = TestScenario.Day(2, 12), Kind = ScriptedEventKind.SetPolicy, Country = "MX", Policy = new PolicyPatchSpec { AdvanceNoticeHours = 48 } });
        var run = await TestScenario.RunAsync(spec);
        output.Show(run, "negotiation.opened", "negotiation.agendaExtended", "negotiation.agreement");
        Assert.Equal("aircraft", run.First("negotiation.opened")!.Text("agenda"));
        // The talks under way are extended, or (if they had ended) the resumed ones open on the grown agenda.
        var grown = run.Events.First(e => e.Kind is "negotiation.agendaExtended" or "negotiation.opened" && e.Text("agenda") == "aircraft+notice");
        Assert.True(grown.Tick > TestScenario.Tick(2, 12));
        var agreement = run.OfKind("negotiation.agreement").First(e => e.Tick >= grown.Tick);
        Assert.Matches("^aircraft=[A-Za-z]+ notice=[0-9.]+h$", agreement.Text("terms"));
    }

    /// <summary>The military flight with restraints is refused for both; Mexico would accept the U.S.'s first offer
    /// (military aircraft, restraints), unless restraints are its red line: then no offer it accepts or makes has
    /// them, whatever the seed.</summary>
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public async Task A_red_line_is_never_conceded(long seed)
    {
        var spec = Yielding(TestScenario.Small(seed, days: 20))
            .WithPlan(p => p with { Aircraft = AircraftKind.Military })
            .WithAcceptance("MX", a => a with { RestraintsAllowed = false });
        var control = await TestScenario.RunAsync(spec);
        Assert.Contains("restraints=True", control.First("negotiation.agreement")!.Text("terms"));

        var run = await TestScenario.RunAsync(spec.WithMinistry("MX", m => m with { RedLines = [Issue.Restraints] }));
        output.Show(run, "negotiation.");
        Assert.Contains("restraints", run.First("negotiation.opened")!.Text("agenda"));
        var mxOffers = run.OfKind("negotiation.offer").Where(e => e.Text("by") == "MX").ToList();
        Assert.Contains(mxOffers, e => e.Text("terms")!.Contains("restraints=False"));
        Assert.All(mxOffers, e => Assert.DoesNotContain("restraints=True", e.Text("terms")));
        Assert.All(run.OfKind("negotiation.agreement"), e => Assert.NotEqual("true", e.Text("term.restraints")));
        Assert.All(run.OfKind("country.policyChanged"), e => Assert.Equal("false", e.Text("restraintsAllowed")));
        // Offers that cross it are answered as worthless, with the reason logged.
        Assert.All(run.OfKind("negotiation.rejected").Where(e => e.Text("by") == "MX"), e => Assert.Equal("true", e.Text("crossesRedLine")));
    }

    /// <summary>Mexico suspends U.S. flights over treatment; the refused flights open a dispute about assurances and
    /// the suspension's relief. Assurances are cheap to the U.S. and dear to Mexico: the deal gives them and lifts
    /// the suspension, with no threat by either side, and flights land again.</summary>
    [Fact]
    public async Task A_dispute_over_treatment_settles_by_assurances_without_escalation()
    {
        var spec = TestScenario.Small(days: 12).Generous()
            .WithCountry("MX", c => c with { Instruments = [.. c.Instruments, new InstrumentSpec { Kind = InstrumentKind.FlightSuspension, GraceHours = 0 }] })
            .WithMinistry("US", m => m with { Weights = new IssueWeightsSpec { Assurances = 0.2 } })
            .WithMinistry("MX", m => m with { Weights = new IssueWeightsSpec { Assurances = 3 } })
            .WithEvents(new ScriptedEventSpec { At = TestScenario.Day(3, 12), Kind = ScriptedEventKind.Impose, Country = "MX", Against = "US", Instrument = InstrumentKind.FlightSuspension, Note = "treatment" });
        var run = await TestScenario.RunAsync(spec);
        output.Show(run, "negotiation.", "instrument.", "screening.decision");

        var refused = run.OfKind("screening.decision").Where(e => (e.Reasons ?? []).Contains("suspended")).ToList();
        Assert.NotEmpty(refused);
        Assert.Equal("assurances+relief:MX.flightSuspension", run.First("negotiation.opened")!.Text("agenda"));
        var agreement = Assert.Single(run.OfKind("negotiation.agreement"));
        Assert.Equal("assurances=True MX.flightSuspension=lifted", agreement.Text("terms"));
        Assert.Equal("MX.flightSuspension", agreement.Text("term.lifted"));
        Assert.Empty(run.OfKind("instrument.threatened"));
        Assert.DoesNotContain(run.OfKind("instrument.applied"), e => e.Actor == "country/US");
        Assert.Contains(run.OfKind("instrument.lifted"), e => e.Actor == "country/MX" && e.Tick == agreement.Tick);
        Assert.Contains(run.OfKind("flight.landed"), e => e.Tick > agreement.Tick);
        Assert.DoesNotContain(run.OfKind("screening.decision"), e => e.Tick > agreement.Tick + 1 && (e.Reasons ?? []).Contains("suspended"));
    }

    /// <summary>Mexico disputes the identity of some passengers: they are refused one by one, the flights go on
    /// (partially cleared), no dispute opens, and each case is decided on its own: a person whose identity was
    /// reviewed is not disputed again and flies later.</summary>
    [Fact]
    public async Task A_disputed_identity_is_settled_case_by_case_while_flights_continue()
    {
        var spec = TestScenario.Small(days: 30).Generous()
            .WithScreening(x => x with { IdentityDisputeRate = 0.1 })
            .WithPopulation(p => p with { Process = p.Process with { CaseReviewDays = 5, AppealAfterRefusalRate = 0 } });
        var run = await TestScenario.RunAsync(spec);

        var disputed = run.OfKind("migrant.refused").Where(e => e.Reasons!.Contains("disputedIdentity")).ToList();
        Assert.NotEmpty(disputed);
        Assert.DoesNotContain(run.OfKind("screening.decision"), e => e.Text("verdict") == "refused");
        Assert.Empty(run.OfKind("negotiation.opened"));
        Assert.Empty(run.OfKind("dispute.opened"));
        // Each person is disputed once; some of them are removed after their review.
        Assert.All(disputed.GroupBy(e => e.Subject), g => Assert.Single(g));
        var removed = run.OfKind("migrant.removed").Select(e => e.Subject).ToHashSet();
        Assert.Contains(disputed, e => removed.Contains(e.Subject));
    }

    /// <summary>A linked dispute: the U.S. imposes visa sanctions and a tariff over a matter outside flights; both are
    /// linked to flights. Mexico answers by suspending U.S. removal flights (leverage). The agreement lists what it
    /// settles: the suspension is lifted, and each U.S. measure is lifted at once or kept until the first plane lands,
    /// as the visa sanctions on Colombia were in January 2025.</summary>
    [Fact]
    public async Task A_linked_dispute_suspends_flights_and_the_agreement_lifts_some_measures_and_keeps_others()
    {
        var spec = TestScenario.Small(days: 14).Generous()
            .WithCountry("US", c => c with
            {
                Instruments =
                [
                    new InstrumentSpec { Kind = InstrumentKind.VisaSanctions, DailyCostToTarget = 0.03, DailyCostToSelf = 0.001, GraceHours = 0 },
                    // 0.04 a day to Mexico (0.2 x 0.8 export share), 0.02 to the U.S., per unit of rate.
                    new InstrumentSpec { Kind = InstrumentKind.Tariff, Rate = 0.25, DailyCostToTarget = 0.2 / 0.25, DailyCostToSelf = 0.02 / (0.25 * 0.15), GraceHours = 0 },
                ],
            })
            .WithCountry("MX", c => c with { Instruments = [new InstrumentSpec { Kind = InstrumentKind.FlightSuspension, DailyCostToTarget = 0.05, DailyCostToSelf = 0.001, GraceHours = 0 }] })
            .WithPolitics("MX", p => p with { SovereigntySalience = 0.9, ThreatAudienceCost = 0.5 })
            .WithMinistry("US", m => m with { Weights = new IssueWeightsSpec { Assurances = 0.2, Relief = 2 }, InitialConcession = 0.5 })
            .WithMinistry("MX", m => m with { Weights = new IssueWeightsSpec { Assurances = 0.5, Relief = 0.5 }, InitialConcession = 0.5 })
            .WithEvents(
                TestScenario.Script(2, 1, ScriptedEventKind.Impose, "US", "MX", InstrumentKind.VisaSanctions),
                TestScenario.Script(2, 2, ScriptedEventKind.Impose, "US", "MX", InstrumentKind.Tariff))
            with
            {
                Relations =
                [
                    new RelationSpec { From = "US", To = "MX", Tension = 0.2, TradeExposure = 0.15, Links = ["visaSanctions", "tariff"] },
                    new RelationSpec { From = "MX", To = "US", Tension = 0.2, TradeExposure = 0.8 },
                ],
            };
        var run = await TestScenario.RunAsync(spec);
        output.Show(run, "negotiation.opened", "negotiation.agreement", "instrument.", "screening.decision", "flight.landed");

        var suspension = Assert.Single(run.OfKind("instrument.applied"), e => e.Actor == "country/MX");
        Assert.Equal("flightSuspension", suspension.Text("instrument"));
        Assert.Contains(run.OfKind("screening.decision"), e => e.Tick > suspension.Tick && (e.Reasons ?? []).Contains("suspended"));
        var opened = run.First("negotiation.opened")!;
        Assert.Contains("relief:US.visaSanctions", opened.Text("agenda"));
        Assert.Contains("relief:US.tariff", opened.Text("agenda"));
        Assert.Contains("relief:MX.flightSuspension", opened.Text("agenda"));

        var agreement = run.First("negotiation.agreement")!;
        var lifted = agreement.Text("term.lifted")!.Split(';', StringSplitOptions.RemoveEmptyEntries);
        var kept = agreement.Text("term.kept")!.Split(';', StringSplitOptions.RemoveEmptyEntries);
        // Every linked measure is settled one way or the other; the suspension, a red line of the U.S., is lifted.
        Assert.Equal(["MX.flightSuspension", "US.tariff", "US.visaSanctions"], lifted.Concat(kept).Order());
        Assert.Contains("MX.flightSuspension", lifted);
        Assert.NotEmpty(kept);
        // What is lifted goes at the agreement; what is kept stays until the first plane lands after it.
        foreach (var name in lifted.Where(n => n.StartsWith("US.", StringComparison.Ordinal)).Select(n => n[3..]))
            Assert.Contains(run.OfKind("instrument.lifted"), e => e.Text("instrument") == name && e.Tick == agreement.Tick);
        var firstLanding = run.OfKind("flight.landed").First(e => e.Tick > agreement.Tick);
        foreach (var name in kept.Select(n => n[3..]))
        {
            Assert.Contains(run.OfKind("instrument.kept"), e => e.Actor == "country/US" && e.Text("instrument") == name && e.Tick == agreement.Tick);
            var keptLifted = Assert.Single(run.OfKind("instrument.lifted"), e => e.Text("instrument") == name);
            Assert.Equal(["firstLanding"], keptLifted.Reasons);
            Assert.Equal(firstLanding.Tick, keptLifted.Tick);
        }
    }

    /// <summary>Incidents on landed flights (rate 0.15) make Mexico suspend U.S. flights; each suspension is settled by
    /// assurances and lifted, flights resume, and a later incident suspends them again: cycles nobody scripted.</summary>
    [Fact]
    public async Task Incidents_trigger_suspensions_and_resumptions_over_a_long_run()
    {
        var spec = TestScenario.Small(days: 90).Generous()
            .WithScreening(x => x with { IncidentRate = 0.15 })
            .WithMinistry("US", m => m with { Weights = new IssueWeightsSpec { Assurances = 0.2 } })
            .WithMinistry("MX", m => m with { Weights = new IssueWeightsSpec { Assurances = 3 } });
        var run = await TestScenario.RunAsync(spec);
        output.Show(run, "flight.incident", "instrument.", "negotiation.opened", "negotiation.agreement");

        var incidents = run.OfKind("flight.incident").ToList();
        var suspensions = run.OfKind("instrument.applied").Where(e => e.Actor == "country/MX" && e.Text("instrument") == "flightSuspension").ToList();
        var lifts = run.OfKind("instrument.lifted").Where(e => e.Actor == "country/MX").ToList();
        Assert.True(suspensions.Count >= 2, $"{suspensions.Count} suspensions");
        Assert.All(suspensions, s => Assert.Equal(["incident"], s.Reasons));
        Assert.True(lifts.Count >= suspensions.Count - 1, $"{lifts.Count} lifts for {suspensions.Count} suspensions");
        // Suspend, lift, suspend again: the cycles alternate and flights land between them.
        for (int k = 1; k < suspensions.Count; k++)
        {
            var lift = lifts.First(l => l.Tick > suspensions[k - 1].Tick);
            Assert.True(lift.Tick <= suspensions[k].Tick);
            Assert.Contains(run.OfKind("flight.landed"), e => e.Tick > lift.Tick && e.Tick <= suspensions[k].Tick);
        }
        Assert.True(incidents.Count >= suspensions.Count);
        // The same seed gives the same cycles.
        var again = await TestScenario.RunAsync(spec);
        Assert.Equal(run.Signatures(), again.Signatures());
    }
}
