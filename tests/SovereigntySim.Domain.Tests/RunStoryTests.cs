using SovereigntySim.Domain.Metrics;
using SovereigntySim.Domain.Scenario;
using SovereigntySim.Domain.Simulation;
using Xunit.Abstractions;

namespace SovereigntySim.Domain.Tests;

/// <summary>Issue 16 item 1: a run's story in plain sentences, each pointing at the event it tells.</summary>
public sealed class RunStoryTests(ITestOutputHelper output)
{
    [Fact]
    public async Task The_story_tells_refusals_threats_and_why_a_side_accepted()
    {
        // Mexico refuses restrained charters, then accepts any offer.
        var run = await TestScenario.RunAsync(TestScenario.Small(days: 6)
            .WithAcceptance("MX", a => a with { RestraintsAllowed = false, DocumentationStandard = DocumentStandard.Any })
            .WithScreening(x => x with { IrregularityThreshold = 1.0 })
            .WithMinistry("MX", m => m with { ReservationValue = 0, InitialConcession = 1 })
            .WithPolitics("MX", p => p with { RatificationWeight = 0 }));
        var story = RunStory.Tell(run.World, run.Events);
        foreach (var s in story) output.WriteLine($"{s.Time} {s.Text} [{string.Join(',', s.Lines)}]");

        SimEvent At(StorySentence s) => run.Events[(int)s.Lines[0] - 1];
        // Every sentence comes from the event it points at, at that event's time.
        Assert.All(story, s => Assert.Equal(At(s).Tick, s.Tick));
        var refusal = story.First(s => At(s).Kind == EventKinds.ScreeningDecision);
        Assert.Contains("refused flight", refusal.Text);
        Assert.Contains("restraints", refusal.Text);
        var agreement = Assert.Single(story, s => At(s).Kind == EventKinds.NegotiationAgreement);
        Assert.Matches("accepted an offer worth [0-9.]+ to it", agreement.Text);
        // Routine events are left to the tables.
        Assert.DoesNotContain(story, s => At(s).Kind is EventKinds.CountryDay or EventKinds.NegotiationRejected || At(s).Kind.StartsWith("migrant", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("unverifiedDocuments", "unverified documents")]
    [InlineData("aircraftType", "aircraft type")]
    [InlineData("visaSanctions", "visa sanctions")]
    public void Terms_read_as_words(string camel, string words) => Assert.Equal(words, RunStory.Words(camel));
}
