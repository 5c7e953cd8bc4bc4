using SovereigntySim.Domain.Scenario;
using SovereigntySim.Domain.Simulation;
using Xunit.Abstractions;

namespace SovereigntySim.Domain.Tests;

/// <summary>Issue 14 item 3, health: infectious deportees, testing before departure, a positive case on arrival that
/// suspends flights, and a settlement on health screening after which flights are tested (El Salvador and Haiti,
/// March-May 2020).</summary>
public sealed class HealthTests(ITestOutputHelper output)
{
    /// <summary>Mexico takes every flight (any documents); the only trouble is the epidemic.</summary>
    private static ScenarioSpec Epidemic(bool screened) => TestScenario.Small(seed: 11, days: 14)
        .WithAcceptance("MX", a => a with { DocumentationStandard = DocumentStandard.Any })
        .WithScreening(x => x with { IrregularityThreshold = 1.0 })
        .WithPopulation(p => p with { InfectionPrevalence = 0.05 })
        .WithPlan(p => p with { HealthScreening = screened, TestSensitivity = 1 });

    [Fact]
    public async Task A_positive_case_on_arrival_suspends_flights_until_a_deal_after_which_flights_are_tested()
    {
        var run = await TestScenario.RunAsync(Epidemic(screened: false));
        foreach (var e in run.Events.Where(e => e.Kind is "flight.tested" or "flight.incident" or "instrument.applied" or "negotiation.opened" or "negotiation.agreement" or "instrument.lifted"))
            output.WriteLine(TestScenario.Signature(e));

        // Untested, infectious people fly; the first positive case found on arrival is a health incident.
        var first = run.OfKind("flight.tested").First();
        Assert.True(first.Number("infectedAboard") > 0);
        var incident = run.First("flight.incident");
        Assert.NotNull(incident);
        Assert.Equal(["healthScreening"], incident.Reasons);
        var suspension = run.OfKind("instrument.applied").First(e => e.Text("instrument") == "flightSuspension");
        Assert.Contains("healthScreening", suspension.Reasons!);
        // The suspended state's grievance is health, and the deal is about it.
        var opened = run.OfKind("negotiation.opened").First(e => e.Tick >= suspension.Tick);
        Assert.Contains("health", opened.Text("agenda")!.Split('+'));
        var agreement = run.OfKind("negotiation.agreement").First(e => e.Tick >= opened.Tick);
        Assert.Contains(run.OfKind("instrument.lifted"), e => e.Tick == agreement.Tick);
        // After it (whatever the health term says, enforcement flies to an agreement with health screening), flights are tested and those who test positive stay behind.
        var after = run.OfKind("flight.tested").Where(e => e.Tick > agreement.Tick).ToList();
        Assert.NotEmpty(after);
        Assert.All(after, e => Assert.Equal(0, e.Number("infectedAboard")));
        Assert.Contains(after, e => e.Number("positive") > 0);
    }

    [Fact]
    public async Task Tested_flights_carry_no_positive_case_and_no_prevalence_draws_nothing()
    {
        var run = await TestScenario.RunAsync(Epidemic(screened: true));
        Assert.All(run.OfKind("flight.tested"), e => Assert.Equal(0, e.Number("infectedAboard")));
        Assert.Null(run.First("flight.incident"));
        Assert.True(run.OfKind("flight.tested").Sum(e => e.Number("positive")) > 0);
        // Without an epidemic the stream is not drawn from and nothing is logged: earlier digests stand.
        var plain = await TestScenario.RunAsync(TestScenario.Small(seed: 11, days: 14));
        Assert.Null(plain.First("flight.tested"));
    }
}
