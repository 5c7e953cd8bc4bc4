using SovereigntySim.Domain.Agents;
using SovereigntySim.Domain.Simulation;
using SovereigntySim.Domain.Scenario;
using Xunit.Abstractions;

namespace SovereigntySim.Domain.Tests;

/// <summary>Issue 14 item 3: third-country transfers paid for by the sending state (Panama, Costa Rica, El Salvador
/// 2025), coercion only of a partner that defied, and the admission of a disputed person at the pace of the
/// receiving state's cooperation.</summary>
public sealed class ThirdCountryTests(ITestOutputHelper output)
{
    /// <summary>Mexico holds no one who is not Mexican unless the U.S. pays for it; every deportee on the list is a
    /// third-country national. Talks open on day 1 (scripted, as a minister's visit), before the first manifest.</summary>
    private static ScenarioSpec Holding(bool pays) => TestScenario.Small(days: 12).Generous()
        .WithAcceptance("MX", a => a with { AcceptThirdCountryNationals = false })
        .WithPopulation(p => p with { ThirdCountryShare = 1.0, ArrivalsPerDay = 0 })
        .WithCountry("US", c => c with { Pays = pays })
        .WithEvents(TestScenario.Script(1, 0, ScriptedEventKind.OpenNegotiation, "US", "MX"))
        with
        {
            Relations =
            [
                new RelationSpec { From = "US", To = "MX", Tension = 0.2, TradeExposure = 0.15 },
                new RelationSpec { From = "MX", To = "US", Tension = 0.2, TradeExposure = 0.8, PaymentDemand = "U.S. funding for holding non-Mexicans" },
            ],
        };

    [Fact]
    public async Task A_sending_state_that_pays_buys_the_transfer_of_third_country_nationals()
    {
        var run = await TestScenario.RunAsync(Holding(pays: true));
        output.Show(run, "negotiation.opened", "negotiation.agreement", "dispute.opened", "instrument.");

        // Payment is on the agenda, the demand raises no floor, and the agreement pays for third-country nationals.
        Assert.Contains("payment", run.First("negotiation.opened")!.Text("agenda")!.Split('+'));
        Assert.All(run.OfKind("dispute.opened"), e => Assert.Null(e.Text("linkedDemand")));
        var agreement = run.First("negotiation.agreement");
        Assert.NotNull(agreement);
        Assert.Equal("true", agreement.Text("term.payment"));
        Assert.Equal("true", agreement.Text("term.thirdCountryNationals"));
        // Mexico came to the table on its own and refused nothing: the U.S. coerces no one.
        Assert.Empty(run.OfKind("instrument.threatened"));
        Assert.DoesNotContain(run.OfKind("instrument.applied"), e => e.Actor == "country/US");
        // Non-Mexicans land once the deal is made.
        Assert.Contains(run.OfKind("migrant.removed"), e => e.Tick > agreement.Tick);
    }

    [Fact]
    public async Task A_payment_asked_of_a_state_that_does_not_pay_is_a_linked_demand()
    {
        var run = await TestScenario.RunAsync(Holding(pays: false));
        output.Show(run, "negotiation.opened", "negotiation.agreement", "dispute.opened");

        Assert.DoesNotContain("payment", run.First("negotiation.opened")!.Text("agenda")!.Split('+'));
        var opened = run.OfKind("dispute.opened").Single(e => e.Actor == AgentIds.Country("MX"));
        Assert.Equal("U.S. funding for holding non-Mexicans", opened.Text("linkedDemand"));
        Assert.All(run.OfKind("negotiation.agreement"), e => Assert.Equal("", e.Text("term.payment")));
    }

    [Fact]
    public async Task The_same_dispute_after_a_refused_flight_is_coerced()
    {
        // Without scripted talks and without payment, Mexico refuses the flights of third-country nationals: that
        // defiance is what the U.S. escalates against.
        var spec = TestScenario.Small(days: 8)
            .WithAcceptance("MX", a => a with { AcceptThirdCountryNationals = false })
            .WithPopulation(p => p with { ThirdCountryShare = 1.0 });
        var run = await TestScenario.RunAsync(spec);
        output.Show(run, "flight.refused", "instrument.");
        var refused = run.First("flight.refused");
        Assert.NotNull(refused);
        var threat = run.OfKind("instrument.threatened").Concat(run.OfKind("instrument.applied")).FirstOrDefault(e => e.Actor == "country/US");
        Assert.NotNull(threat);
        Assert.True(threat.Tick >= refused.Tick);
    }

    /// <summary>Every deportee's identity is disputed at the first screening; how soon each is reviewed and flies
    /// again is the receiving state's cooperation: days under a commitment to decide case by case, weeks without.</summary>
    [Theory]
    [InlineData(true, 3)]
    [InlineData(false, 14)]
    public async Task A_disputed_person_is_reviewed_at_the_pace_of_the_receiving_states_cooperation(bool caseByCase, double reviewDays)
    {
        var spec = TestScenario.Small(days: 25).Generous()
            .WithAcceptance("MX", a => a with { CaseByCaseReview = caseByCase })
            .WithScreening(x => x with { IdentityDisputeRate = 1 })
            .WithPopulation(p => p with { Initial = 20, ArrivalsPerDay = 0, Process = p.Process with { AppealAfterRefusalRate = 0 } });
        var run = await TestScenario.RunAsync(spec);

        var refused = run.OfKind("migrant.refused").Where(e => e.Reasons!.Contains("disputedIdentity")).ToDictionary(e => e.Subject!, e => e.Tick);
        var removed = run.OfKind("migrant.removed").ToList();
        Assert.NotEmpty(refused);
        Assert.NotEmpty(removed);
        // Nobody flies before the review is done; under case-by-case review the first fly within days of it.
        var waits = removed.Where(e => refused.ContainsKey(e.Subject!)).Select(e => run.World.Clock.Days(e.Tick - refused[e.Subject!])).ToList();
        Assert.NotEmpty(waits);
        Assert.All(waits, w => Assert.True(w >= reviewDays, $"flew {w} days after the refusal"));
        Assert.True(waits.Min() < reviewDays + 2, $"the first flew {waits.Min()} days after the refusal");
    }

    /// <summary>Model 2026-12-07.6: a travel document proves the receiving state's own national, so a non-national it
    /// takes under a transfer flies without one, while a national without documents waits for its consulate (Panama's
    /// 299: the people the U.S. could not return home were the ones without papers).</summary>
    [Fact]
    public async Task A_non_national_without_documents_flies_on_the_transfer_while_a_national_waits_for_a_travel_document()
    {
        var spec = TestScenario.Small(days: 10).Generous()
            .WithPopulation(p => p with
            {
                ThirdCountryShare = 0.5, ArrivalsPerDay = 0,
                Documents = new DocumentMixSpec { Verified = 0, Partial = 0, Missing = 1, Disputed = 0 },
                Process = p.Process with { TravelDocumentMeanDays = 100_000 },
            });
        var run = await TestScenario.RunAsync(spec);

        var detained = run.OfKind("migrant.detained").ToList();
        var foreign = detained.Where(e => e.Text("nationality") != "MX").Select(e => e.Subject!).ToHashSet();
        Assert.InRange(foreign.Count, 1, detained.Count - 1);
        var removed = run.OfKind("migrant.removed").Select(e => e.Subject!).ToList();
        Assert.NotEmpty(removed);
        Assert.All(removed, id => Assert.Contains(id, foreign));
        // Nobody was refused at the door for want of documents: the manifests left the nationals off.
        Assert.DoesNotContain(run.OfKind("migrant.refused"), e => e.Reasons!.Contains("missingDocuments"));
    }
}
