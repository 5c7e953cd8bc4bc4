using System.Text;
using SovereigntySim.Domain.Agents;
using SovereigntySim.Domain.Scenario;
using SovereigntySim.Domain.Simulation;

namespace SovereigntySim.Domain.Tests;

/// <summary>The catalogue of event kinds: complete, consistent with the names the log has always used, and the
/// source of the event table in docs/model.md.</summary>
public sealed class EventKindsTests
{
    private const string TableStart = "<!-- event kinds: generated from EventKinds.cs (EventKindsTests prints it) -->";
    private const string TableEnd = "<!-- end of event kinds -->";

    private static readonly HashSet<string> Catalogued = EventKinds.All.Select(k => k.Name).ToHashSet(StringComparer.Ordinal);

    [Fact]
    public void Every_kind_is_named_once_and_described()
    {
        Assert.Equal(EventKinds.All.Count, Catalogued.Count);
        Assert.All(EventKinds.All, k =>
        {
            Assert.False(string.IsNullOrWhiteSpace(k.Meaning), k.Name);
            Assert.False(string.IsNullOrWhiteSpace(k.Actor), k.Name);
            Assert.False(string.IsNullOrWhiteSpace(k.Carries), k.Name);
            Assert.DoesNotContain('\n', k.Meaning + k.Carries);
        });
    }

    /// <summary>The factories give the names the log used before the catalogue (prefix and camelCase enum name): a
    /// changed name would change every digest.</summary>
    [Fact]
    public void Kinds_with_a_variable_part_keep_their_names_and_are_catalogued()
    {
        foreach (var k in Enum.GetValues<MigrantEventKind>())
            Assert.Equal("migrant." + Names.Camel(k), EventKinds.Migrant(k));
        foreach (var k in Enum.GetValues<ScriptedEventKind>().Where(k => k != ScriptedEventKind.OpenNegotiation))
            Assert.Equal("script." + Names.Camel(k), EventKinds.Script(k));
        foreach (var outcome in new[] { NegotiationOutcomes.Breakdown, NegotiationOutcomes.Deadline })
            Assert.Equal("negotiation." + outcome, EventKinds.NegotiationEnded(outcome));

        Assert.Subset(Catalogued, EventKinds.MigrantKinds.ToHashSet());
        Assert.Subset(Catalogued, Enum.GetValues<ScriptedEventKind>().Where(k => k != ScriptedEventKind.OpenNegotiation).Select(EventKinds.Script).ToHashSet());
        Assert.True(EventKinds.IsMigrant(EventKinds.MigrantRemoved));
        Assert.False(EventKinds.IsMigrant(EventKinds.Migrants));
    }

    [Fact]
    public async Task Every_kind_logged_by_the_test_scenarios_is_catalogued()
    {
        var specs = new[]
        {
            TestScenario.Small(),
            TestScenario.Small().InStandoff(),
            TestScenario.Small().WithEvents(
                TestScenario.Script(2, 8, ScriptedEventKind.Threaten, "US", "MX"),
                TestScenario.Script(3, 8, ScriptedEventKind.RevokeClearances, "MX"),
                TestScenario.Script(4, 8, ScriptedEventKind.Lift, "US", "MX"),
                TestScenario.Script(5, 8, ScriptedEventKind.GovernmentChange, "MX")),
        };
        foreach (var spec in specs)
        {
            var run = await TestScenario.RunAsync(spec);
            Assert.Empty(run.Events.Select(e => e.Kind).Where(k => !Catalogued.Contains(k)).Distinct());
        }
    }

    [Fact]
    public void Agent_ids_come_apart_by_name()
    {
        Assert.Equal("MX", AgentIds.NameOf(AgentIds.Country("MX")));
        Assert.Equal("US-MX", AgentIds.NameOf(AgentIds.Negotiation("US", "MX")));
        Assert.Equal("", AgentIds.NameOf(AgentIds.Script));
        Assert.Equal("MX", AgentIds.CountryOf(AgentIds.Country("MX")));
        Assert.Null(AgentIds.CountryOf(AgentIds.Ministry("MX")));
        Assert.Equal(("US", "MX"), AgentIds.PartiesOf(AgentIds.Negotiation("US", "MX")));
        Assert.Equal("charter", AgentIds.PlanOf(AgentIds.Flight("charter", 7)));
        Assert.Null(AgentIds.PlanOf(AgentIds.Caseload("charter", 7)));
    }

    /// <summary>docs/model.md §9 lists the catalogue. When this fails, paste the table from the message between the
    /// two markers in the docs.</summary>
    [Fact]
    public void The_docs_event_table_is_the_catalogue()
    {
        var docs = File.ReadAllText(Path.Combine(RepoRoot(), "docs", "model.md"));
        int start = docs.IndexOf(TableStart, StringComparison.Ordinal), end = docs.IndexOf(TableEnd, StringComparison.Ordinal);
        Assert.True(start >= 0 && end > start, $"docs/model.md has no '{TableStart}' ... '{TableEnd}' markers");
        var documented = docs[(start + TableStart.Length)..end].Trim('\n');
        var expected = Table();
        if (documented != expected)
            Assert.Fail($"docs/model.md's event table differs from EventKinds. Put this between the markers:\n\n{expected}\n");
    }

    private static string Table()
    {
        static string Cell(string text) => text.Replace("|", "\\|", StringComparison.Ordinal);
        var t = new StringBuilder("| kind | meaning | actor | subject | reasons / fields |\n|---|---|---|---|---|");
        foreach (var k in EventKinds.All)
            t.Append($"\n| `{k.Name}` | {Cell(k.Meaning)} | {Cell(k.Actor)} | {Cell(k.Subject)} | {Cell(k.Carries)} |");
        return t.ToString();
    }

    private static string RepoRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "SovereigntySim.sln"))) dir = dir.Parent;
        return dir?.FullName ?? throw new InvalidOperationException("SovereigntySim.sln not found above the test directory");
    }
}
