using SovereigntySim.Domain.Scenario;
using SovereigntySim.Domain.Simulation;
using Xunit.Abstractions;

namespace SovereigntySim.Domain.Tests;

/// <summary>Issue 14 item 3: a dispute over one term the receiving state refused as a principle (a red line) has no
/// bargain in it: the sending state does not settle for the status quo, talks end without agreement and coercion
/// follows (Nigeria and Burkina Faso, 2025).</summary>
public sealed class IndivisibleIssueTests(ITestOutputHelper output)
{
    /// <summary>Every deportee is a third-country national Mexico does not take; Mexico otherwise concedes at once.</summary>
    private static ScenarioSpec ThirdCountryDispute(IReadOnlyList<Issue> redLines) => TestScenario.Small(days: 20)
        .WithAcceptance("MX", a => a with { AcceptThirdCountryNationals = false, DocumentationStandard = DocumentStandard.Any })
        .WithPopulation(p => p with { ThirdCountryShare = 1.0 })
        .WithScreening(x => x with { NationalityCheckRate = 1 })
        .WithMinistry("MX", m => m with { ReservationValue = 0, InitialConcession = 1, RedLines = [.. redLines] })
        .WithPolitics("MX", p => p with { RatificationWeight = 0 });

    [Fact]
    public async Task Talks_over_a_red_lined_term_alone_end_without_agreement()
    {
        var run = await TestScenario.RunAsync(ThirdCountryDispute([Issue.ThirdCountryNationals]));
        output.Show(run, "negotiation.", "instrument.");
        Assert.Equal("thirdCountryNationals", run.First("negotiation.opened")!.Text("agenda")?.Split('+')[0]);
        Assert.Empty(run.OfKind("negotiation.agreement"));
        Assert.Contains(run.Events, e => e.Kind is "negotiation.breakdown" or "negotiation.deadline");
        // The sending side says why it takes nothing on the table.
        Assert.Contains(run.OfKind("negotiation.rejected"), e => e.Reasons!.Contains("rejected by US") && string.Equals(e.Text("indivisible"), "true", StringComparison.OrdinalIgnoreCase));

        // Without the red line the same receiving state gives way.
        var divisible = await TestScenario.RunAsync(ThirdCountryDispute([]));
        Assert.Contains("thirdCountry=True", divisible.First("negotiation.agreement")!.Text("terms"));
    }

    /// <summary>Talks a script opens on the stated reasons, with Mexico's red line on third-country nationals.</summary>
    private static ScenarioSpec ScriptedTalks(params Agents.Reason[] reasons) => ThirdCountryDispute([Issue.ThirdCountryNationals]).WithoutFlights()
        .WithEvents(TestScenario.Script(1, 2, ScriptedEventKind.OpenNegotiation, "US", "MX") with { Reasons = [.. reasons] });

    /// <summary>What is left beside the red line decides: a notice period (a sixth of the sending state's weight on the
    /// table) is no reason to sign, documents and a weekly cap (three quarters of it) are.</summary>
    [Fact]
    public async Task An_issue_is_indivisible_when_red_lines_hold_most_of_what_the_sending_side_wants()
    {
        var minor = await TestScenario.RunAsync(ScriptedTalks(Agents.Reason.ThirdCountryNational, Agents.Reason.MissingNotice));
        output.Show(minor, "negotiation.");
        Assert.Contains("notice", minor.First("negotiation.opened")!.Text("agenda"));
        Assert.Empty(minor.OfKind("negotiation.agreement"));
        // The sending side walks out, and never concedes what would buy it nothing.
        Assert.Equal("true", minor.First("negotiation.breakdown")!.Text("indivisible"));
        var offers = minor.OfKind("negotiation.offer").Where(e => e.Text(EventFields.By) == "US").ToList();
        Assert.NotEmpty(offers);
        Assert.All(offers, e => Assert.Contains("thirdCountry=True", e.Text(EventFields.Terms)));

        var major = await TestScenario.RunAsync(ScriptedTalks(Agents.Reason.ThirdCountryNational, Agents.Reason.UnverifiedDocuments, Agents.Reason.CapReached));
        output.Show(major, "negotiation.agreement");
        Assert.NotNull(major.First("negotiation.agreement"));
    }
}
