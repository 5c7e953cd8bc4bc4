using SovereigntySim.Domain.Bargaining;
using SovereigntySim.Domain.Scenario;
using SovereigntySim.Domain.Simulation;
using Xunit.Abstractions;

namespace SovereigntySim.Domain.Tests;

/// <summary>Issue 14 item 3: an INA 243(d) sanction is lifted on compliance, not on a promise; talks opened by a
/// script are about what they state; a manifest refused as irregular raises only what it cites.</summary>
public sealed class ComplianceTests(ITestOutputHelper output)
{
    /// <summary>Mexico insists on verified documents and yields at once; the U.S. imposes visa sanctions linked to the
    /// dispute at the start, lifted as <paramref name="liftOn"/> says; half of the 200 people at issue must go back.</summary>
    private static ScenarioSpec Sanctioned(LiftOn liftOn) => TestScenario.Small(seed: 3, days: 30)
        .WithAcceptance("MX", a => a with { DocumentationStandard = DocumentStandard.Verified })
        .WithMinistry("MX", m => m with { ReservationValue = 0, InitialConcession = 1 })
        .WithPolitics("MX", p => p with { RatificationWeight = 0 })
        .WithCountry("US", c => c with { Instruments = [new InstrumentSpec { Kind = InstrumentKind.VisaSanctions, GraceHours = 0, LiftOn = liftOn }] })
        .WithCountry("MX", c => c with { Instruments = [] })
        .WithEvents(TestScenario.Script(1, 1, ScriptedEventKind.Impose, "US", "MX", InstrumentKind.VisaSanctions))
        with
        {
            Negotiation = new NegotiationSpec { ComplianceShare = 0.5 },
            Relations = [new RelationSpec { From = "US", To = "MX", Links = ["visaSanctions"] }, new RelationSpec { From = "MX", To = "US" }],
        };

    [Fact]
    public async Task A_sanction_lifted_on_compliance_stays_until_the_partner_has_taken_back_its_share()
    {
        var run = await TestScenario.RunAsync(Sanctioned(LiftOn.Compliance));
        output.Show(run, "negotiation.opened", "negotiation.agreement", "instrument.", "flight.landed");

        // The statute lifts it, so its relief is not on the table although the relation links it.
        Assert.DoesNotContain("relief:", run.First("negotiation.opened")!.Text("agenda"));
        var agreement = run.First("negotiation.agreement")!;
        var kept = Assert.Single(run.OfKind("instrument.kept"));
        Assert.Equal(agreement.Tick, kept.Tick);
        Assert.Equal("compliance", kept.Text("until"));
        Assert.Equal(100, kept.Number("needed"));

        // Lifted at the landing that brings those taken back since the agreement to 100, not before.
        var lifted = Assert.Single(run.OfKind("instrument.lifted"));
        Assert.Equal(["compliance"], lifted.Reasons);
        var landings = run.OfKind("flight.landed").Where(e => e.Tick > agreement.Tick).ToList();
        double returned = 0;
        var reaching = landings.First(e => (returned += e.Number("removed")) >= 100);
        Assert.Equal(reaching.Tick, lifted.Tick);
        Assert.Equal(returned, lifted.Number("returned"));
        Assert.True(landings.Count(e => e.Tick < lifted.Tick) >= 1, "a landing before the lifting");
        // The outcome tables count it (a run-level counter, not a column of the daily table).
        Assert.Equal(1, Domain.Metrics.Outcomes.Of(TestScenario.Metrics(run)).Single(o => o.Name == "instruments.kept").Value);

        // On agreement, the same sanction goes with the deal.
        var onAgreement = await TestScenario.RunAsync(Sanctioned(LiftOn.Agreement));
        var deal = onAgreement.First("negotiation.agreement")!;
        Assert.DoesNotContain(onAgreement.OfKind("instrument.kept"), e => e.Text("until") == "compliance");
        Assert.All(onAgreement.OfKind("instrument.lifted"), e => Assert.True(e.Tick <= landings[0].Tick || e.Tick == deal.Tick));
        Assert.True(onAgreement.OfKind("instrument.lifted").First().Tick < lifted.Tick);
    }

    /// <summary>The U.S. threatens visa sanctions lifted on compliance, due in ten days, and talks open at once on
    /// documents; Mexico yields at once. With or without flights to take back after the deal.</summary>
    private static ScenarioSpec Threatened(bool flights)
    {
        var s = TestScenario.Small(seed: 3, days: 20)
            .WithMinistry("MX", m => m with { ReservationValue = 0, InitialConcession = 1 })
            .WithPolitics("MX", p => p with { RatificationWeight = 0 })
            .WithCountry("US", c => c with { Instruments = [new InstrumentSpec { Kind = InstrumentKind.VisaSanctions, GraceHours = 240, LiftOn = LiftOn.Compliance }] })
            .WithCountry("MX", c => c with { Instruments = [] })
            .WithEvents(
                TestScenario.Script(1, 1, ScriptedEventKind.Threaten, "US", "MX", InstrumentKind.VisaSanctions),
                TestScenario.Script(1, 2, ScriptedEventKind.OpenNegotiation, "US", "MX") with { Reasons = [Agents.Reason.UnverifiedDocuments] });
        return flights ? s : s.WithoutFlights();
    }

    /// <summary>A 243(d) deadline is about people taken back, not about a promise: a threat pending at the agreement
    /// stands; at its date it is carried out against a partner that has taken nobody back since, and lapses for one
    /// that is taking people back again.</summary>
    [Fact]
    public async Task A_threat_lifted_on_compliance_outlives_a_paper_agreement()
    {
        var idle = await TestScenario.RunAsync(Threatened(flights: false));
        output.Show(idle, "negotiation.agreement", "instrument.");
        var threat = idle.First("instrument.threatened")!;
        var agreement = idle.First("negotiation.agreement")!;
        Assert.True(agreement.Tick < threat.Tick + idle.World.Clock.TicksFor(240), "the deal comes before the threat's date");
        var kept = Assert.Single(idle.OfKind("instrument.kept"));
        Assert.Equal("false", kept.Text("applied"));
        Assert.Equal("compliance", kept.Text("until"));
        var applied = Assert.Single(idle.OfKind("instrument.applied"));
        Assert.Equal(["noncompliance"], applied.Reasons);
        Assert.Equal(threat.Tick + idle.World.Clock.TicksFor(240), applied.Tick);
        Assert.Equal(0, applied.Number("returned"));
        // Nobody is taken back, so it stays to the end of the run.
        Assert.Empty(idle.OfKind("instrument.lifted"));
        Assert.Contains("had taken nobody back since the agreement", Domain.Metrics.RunStory.Tell(idle.World, idle.Events).Select(s => s.Text).First(t => t.Contains("applied visa sanctions")));

        var returning = await TestScenario.RunAsync(Threatened(flights: true));
        output.Show(returning, "negotiation.agreement", "instrument.", "flight.landed");
        var deal = returning.First("negotiation.agreement")!;
        Assert.Contains(returning.OfKind("flight.landed"), e => e.Tick > deal.Tick && e.Tick < threat.Tick + returning.World.Clock.TicksFor(240));
        Assert.DoesNotContain(returning.OfKind("instrument.applied"), e => true);
        var lapsed = Assert.Single(returning.OfKind("instrument.notExecuted"));
        Assert.Equal(["compliance"], lapsed.Reasons);
        Assert.True(lapsed.Number("returned") > 0);
    }

    /// <summary>An administration that takes office mid-run governs from its date: the threat its predecessor made
    /// lapses without costing anyone credibility, its empty ladder threatens nothing, and the measure in force stays.</summary>
    [Fact]
    public async Task A_new_administration_drops_its_predecessors_threats_and_keeps_its_measures()
    {
        var ladder = new List<InstrumentSpec>
        {
            new() { Kind = InstrumentKind.VisaSanctions, GraceHours = 0 },
            new() { Kind = InstrumentKind.Tariff, Rate = 0.25, GraceHours = 240 },
        };
        var spec = TestScenario.Small(seed: 5, days: 20).WithoutFlights()
            .WithCountry("US", c => c with
            {
                Instruments = ladder,
                Administrations = [new AdministrationSpec { At = TestScenario.Day(4, 0), Posture = Posture.Biden, Instruments = [] }],
            })
            .WithEvents(
                TestScenario.Script(1, 1, ScriptedEventKind.Impose, "US", "MX", InstrumentKind.VisaSanctions),
                TestScenario.Script(1, 2, ScriptedEventKind.Threaten, "US", "MX", InstrumentKind.Tariff));
        var run = await TestScenario.RunAsync(spec);
        output.Show(run, "instrument.", "country.administration");

        var office = run.First("country.administration")!;
        Assert.Equal(run.World.Clock.TickAt(TimeSpan.FromDays(3)), office.Tick);
        Assert.Equal("biden", office.Text("posture"));
        var lapsed = Assert.Single(run.OfKind("instrument.notExecuted"));
        Assert.Equal(["newAdministration"], lapsed.Reasons);
        Assert.Equal("tariff", lapsed.Text("instrument"));
        Assert.Equal(office.Tick, lapsed.Tick);
        // The tariff is never applied; the visa sanction applied before stays in force to the end.
        Assert.Equal("visaSanctions", Assert.Single(run.OfKind("instrument.applied")).Text("instrument"));
        Assert.Empty(run.OfKind("instrument.lifted"));
        Assert.Equal(office.Tick, run.OfKind("country.type").Single(e => e.Actor == "country/US" && e.Reasons is ["governmentChange"]).Tick);
        // Every agent reads the administration in office from the clock alone.
        Assert.Empty(run.World.CountryAt("US", office.Tick).Instruments);
        Assert.Equal(2, run.World.CountryAt("US", office.Tick - 1).Instruments.Count);
    }

    /// <summary>Every counter the metrics fold adds is one of <see cref="Domain.Metrics.MetricKeys"/>, so it reaches the
    /// totals and the outcome tables (a counter outside it was silently dropped: issue 15, one table per contract).</summary>
    [Fact]
    public async Task Every_counter_the_fold_adds_is_a_named_metric()
    {
        var run = await TestScenario.RunAsync(Sanctioned(LiftOn.Compliance).WithScreening(x => x with { IncidentRate = 0.2 }));
        var fold = new Domain.Metrics.MetricsAccumulator(run.World.Clock);
        foreach (var e in run.Events) fold.Add(e);
        Assert.Contains(Domain.Metrics.MetricKeys.InstrumentsKept, fold.Totals.Keys);
        Assert.Contains(Domain.Metrics.MetricKeys.FlightsIncidents, fold.Totals.Keys);
        Assert.Subset(Domain.Metrics.MetricKeys.All.ToHashSet(), fold.Totals.Keys.ToHashSet());
    }

    /// <summary>Talks a script opens on a stated reason are about its terms, and the agreement changes only those.</summary>
    [Fact]
    public async Task Scripted_talks_are_about_their_stated_reason()
    {
        var spec = TestScenario.Small(days: 5).WithoutFlights()
            .WithAcceptance("MX", a => a with { AcceptThirdCountryNationals = false })
            .WithEvents(TestScenario.Script(1, 2, ScriptedEventKind.OpenNegotiation, "US", "MX") with { Reasons = [Agents.Reason.ThirdCountryNational] });
        var run = await TestScenario.RunAsync(spec);
        output.Show(run, "negotiation.");
        Assert.Equal(FlightConditions.Of(Issue.ThirdCountryNationals).Name, run.First("negotiation.opened")!.Text("agenda"));
        var whole = await TestScenario.RunAsync(spec with { Events = [TestScenario.Script(1, 2, ScriptedEventKind.OpenNegotiation, "US", "MX")] });
        Assert.Equal(Agenda.Flights.ToString(), whole.First("negotiation.opened")!.Text("agenda"));
    }
}
