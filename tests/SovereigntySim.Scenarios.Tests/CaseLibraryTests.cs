using SovereigntySim.Domain.Scenario;
using YamlDotNet.RepresentationModel;

namespace SovereigntySim.Scenarios.Tests;

/// <summary>Issue 14 item 1: the case library loads, every figure has a source, and every case scenario follows the
/// one encoding protocol of docs/validation.md: facts from the record, the sending state's posture from its era,
/// and no behavioural parameter set per case.</summary>
public sealed class CaseLibraryTests
{
    private static string Root()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "SovereigntySim.sln"))) dir = dir.Parent;
        return dir?.FullName ?? throw new InvalidOperationException("SovereigntySim.sln not found");
    }

    public static IEnumerable<object[]> CaseScenarios() =>
        Directory.GetFiles(Path.Combine(Root(), "scenarios", "history"), "*.yaml").Order().Select(f => new object[] { Path.GetFileName(f) });

    [Fact]
    public void The_library_loads_with_at_least_twenty_cases_each_figure_sourced()
    {
        var loaded = ObservedLoader.Load([Path.Combine(Root(), "data", "observed")]);
        Assert.True(loaded.Ok, string.Join("\n", loaded.Errors));
        Assert.True(loaded.Cases.Count >= 20, $"{loaded.Cases.Count} cases");
        Assert.All(loaded.Cases.SelectMany(c => c.Spec.Figures), f => Assert.StartsWith("http", f.Source!.Url));
        // Every case scenario of the library is used by an observed case.
        var used = loaded.Cases.Select(c => Path.GetFileName(c.ScenarioPath)).ToHashSet();
        Assert.All(CaseScenarios().Select(o => (string)o[0]), name => Assert.Contains(name, used));
    }

    /// <summary>The changes of administration in the library's years: noon in Washington on 20 January.</summary>
    private static readonly (DateTimeOffset At, Posture Posture)[] Inaugurations =
    [
        (new(2001, 1, 20, 17, 0, 0, TimeSpan.Zero), Posture.Bush), (new(2009, 1, 20, 17, 0, 0, TimeSpan.Zero), Posture.Obama),
        (new(2017, 1, 20, 17, 0, 0, TimeSpan.Zero), Posture.Trump1), (new(2021, 1, 20, 17, 0, 0, TimeSpan.Zero), Posture.Biden),
        (new(2025, 1, 20, 17, 0, 0, TimeSpan.Zero), Posture.Trump2),
    ];

    [Theory]
    [MemberData(nameof(CaseScenarios))]
    public void A_case_scenario_sets_no_behaviour_of_its_own(string name)
    {
        var stream = new YamlStream();
        stream.Load(new StringReader(File.ReadAllText(Path.Combine(Root(), "scenarios", "history", name))));
        var root = (YamlMappingNode)stream.Documents[0].RootNode;
        YamlNode? Key(YamlMappingNode m, string k) => m.Children.FirstOrDefault(kv => ((YamlScalarNode)kv.Key).Value == k).Value;

        Assert.Null(Key(root, "negotiation"));
        var countries = ((YamlSequenceNode)Key(root, "countries")!).Children.Cast<YamlMappingNode>().ToList();
        // The sending state: its era's posture, no ladder or politics of its own.
        var us = countries.Single(c => ((YamlScalarNode)Key(c, "id")!).Value == "US");
        Assert.NotNull(Key(us, "posture"));
        Assert.Null(Key(us, "instruments"));
        Assert.All(countries, c => Assert.Null(Key(c, "politics")));
        // Ministries are who negotiates, nothing more, except a receiving state's red lines: a term its government
        // refused in public as a principle (the red-line rule of docs/validation.md), a fact of the record.
        var ministries = (YamlSequenceNode?)Key((YamlMappingNode)Key(root, "agencies")!, "ministries");
        Assert.All(ministries?.Children.Cast<YamlMappingNode>() ?? [], m =>
        {
            var keys = m.Children.Keys.Select(k => ((YamlScalarNode)k).Value!).Order().ToList();
            bool sending = ((YamlScalarNode)Key(m, "country")!).Value == "US";
            Assert.Equal(sending || !keys.Contains("redLines") ? ["country", "id"] : ["country", "id", "redLines"], keys);
        });
        // It loads.
        var loaded = ScenarioLoader.Load(Path.Combine(Root(), "scenarios", "history", name), []);
        Assert.True(loaded.Ok, string.Join("\n", loaded.Errors));
        // Every inauguration within the run, and only those, takes office at its date with its era (the rule of
        // docs/validation.md): an episode is not run under one administration when the record spans two.
        var spec = loaded.Spec!;
        // An episode that starts on inauguration day (Iraq, 20 Jan 2017) is run under the incoming administration.
        var expected = Inaugurations.Where(i => i.At > spec.Start + TimeSpan.FromDays(1) && i.At < spec.Start + spec.Duration).ToList();
        var given = spec.Countries.Single(c => c.Id == "US").Administrations;
        Assert.Equal(expected.Select(i => (i.At, (Posture?)i.Posture)), given.Select(a => (a.At.Absolute!.Value, a.Posture)));
    }
}
