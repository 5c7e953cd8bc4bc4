using SovereigntySim.Domain.Agents;
using SovereigntySim.Domain.Scenario;
using SovereigntySim.Domain.Simulation;
using Xunit.Abstractions;

namespace SovereigntySim.Domain.Tests;

/// <summary>Issue 14 item 3: disputes that flight terms cannot settle (a linked demand) hold for months until a new
/// government drops the demand; a revocation or a suspension puts its stated reason on the agenda.</summary>
public sealed class StalemateTests(ITestOutputHelper output)
{
    /// <summary>Mexico refuses every charter (it wants consular-verified documents: the U.S. demands them all
    /// verified from the first flight) and the U.S. has only cheap visa sanctions; both keep their default types.</summary>
    private static ScenarioSpec Recalcitrant(int days, string demand) => TestScenario.Small(seed: 7, days: days)
        .WithAcceptance("MX", a => a with { DocumentationStandard = DocumentStandard.Verified })
        .WithCountry("US", c => c with { Instruments = [new InstrumentSpec { Kind = InstrumentKind.VisaSanctions, GraceHours = 168 }] })
        .WithCountry("MX", c => c with { Instruments = [] })
        .WithPlan(p => p with { IntervalHours = 24 * 7 })
        with
        {
            Negotiation = new NegotiationSpec { InstrumentDailyCost = 0.002 },
            Relations = [new RelationSpec { From = "US", To = "MX" }, new RelationSpec { From = "MX", To = "US", LinkedDemand = demand }],
        };

    private static double? DaysToAgreement(RunResult run) =>
        run.First("flight.refused") is { } refused && run.First("negotiation.agreement") is { } agreed ? run.World.Clock.Days(agreed.Tick - refused.Tick) : null;

    [Fact]
    public async Task A_linked_demand_holds_a_dispute_for_months_and_a_new_government_ends_it()
    {
        var plain = await TestScenario.RunAsync(Recalcitrant(240, ""));
        var linked = await TestScenario.RunAsync(Recalcitrant(240, "the return of its own fugitives"));
        output.Show(linked, "dispute.opened", "negotiation.agreement", "instrument.", "country.type", "ministry.type");

        // The demand is on the record of the receiving state's dispute, with what it is worth.
        var opened = linked.OfKind("dispute.opened").Single(e => e.Actor == AgentIds.Country("MX"));
        Assert.Equal("the return of its own fugitives", opened.Text("linkedDemand"));
        Assert.Equal(0.3, opened.Number("linkedDemandValue"));
        Assert.Null(plain.OfKind("dispute.opened").Single(e => e.Actor == AgentIds.Country("MX")).Text("linkedDemand"));

        // Without the demand the documents dispute settles within weeks; with it, not within three months.
        Assert.InRange(DaysToAgreement(plain) ?? double.PositiveInfinity, 0, 30);
        Assert.True(DaysToAgreement(linked) is null or > 90, $"settled after {DaysToAgreement(linked)} days");
        var metrics = TestScenario.Metrics(linked);
        Assert.True(metrics.DaysInDispute > 90);

        // A new government in Mexico on day 150 drops the demand, draws new types, and settles within weeks.
        var elected = await TestScenario.RunAsync(Recalcitrant(240, "the return of its own fugitives")
            .WithEvents(TestScenario.Script(150, 0, ScriptedEventKind.GovernmentChange, "MX")));
        output.Show(elected, "script.", "country.type", "ministry.type", "negotiation.agreement");
        Assert.Contains(elected.OfKind("ministry.type"), e => e.Subject == AgentIds.Country("MX") && (e.Reasons ?? []).Contains("governmentChange"));
        Assert.Contains(elected.OfKind("country.type"), e => e.Actor == AgentIds.Country("MX") && TestScenario.Signature(e).Contains("linkedDemandsDropped=true"));
        var agreement = elected.First("negotiation.agreement");
        Assert.NotNull(agreement);
        Assert.InRange(elected.World.Clock.Days(agreement.Tick - TestScenario.Tick(150)), 0, 45);
    }

    [Fact]
    public async Task A_revocation_puts_its_stated_reason_on_the_agenda()
    {
        // Mexico accepts everything, then revokes the clearance of the cleared charter over restraints.
        var spec = TestScenario.Small(days: 6)
            .WithEvents(new ScriptedEventSpec
            {
                At = TestScenario.Day(2, 6), Kind = ScriptedEventKind.RevokeClearances, Country = "MX", Reasons = [Reason.Restraints],
            });
        var run = await TestScenario.RunAsync(spec);
        output.Show(run, "screening.review", "flight.turnedBack", "flight.refused", "negotiation.opened");
        Assert.Contains(run.OfKind("screening.review"), e => (e.Reasons ?? []).SequenceEqual(["clearanceRevoked", "restraints"]));
        var opened = run.First("negotiation.opened");
        Assert.NotNull(opened);
        Assert.Contains("restraints", opened.Text("agenda")!.Split('+'));
        Assert.Contains("assurances", opened.Text("agenda")!.Split('+'));
    }

    [Fact]
    public async Task A_suspension_puts_its_stated_reason_on_the_agenda()
    {
        // A health emergency: Mexico suspends U.S. flights on day 3 and says why.
        var spec = TestScenario.Small(days: 8)
            .WithCountry("MX", c => c with { Instruments = [new InstrumentSpec { Kind = InstrumentKind.FlightSuspension, GraceHours = 0 }] })
            .WithEvents(new ScriptedEventSpec
            {
                At = TestScenario.Day(3, 0), Kind = ScriptedEventKind.Impose, Country = "MX", Against = "US",
                Instrument = InstrumentKind.FlightSuspension, Reasons = [Reason.HealthScreening],
            });
        var run = await TestScenario.RunAsync(spec);
        output.Show(run, "instrument.applied", "flight.refused", "negotiation.opened", "negotiation.agreement");
        Assert.Contains(run.OfKind("instrument.applied"), e => (e.Reasons ?? []).Contains("healthScreening"));
        var opened = run.First("negotiation.opened");
        Assert.NotNull(opened);
        Assert.Contains("health", opened.Text("agenda")!.Split('+'));
    }
}
