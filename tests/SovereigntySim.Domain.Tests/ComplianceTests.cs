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
