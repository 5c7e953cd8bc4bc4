using SovereigntySim.Domain.Scenario;
using System.Text.Json;

namespace SovereigntySim.Scenarios.Tests;

/// <summary>The effective scenario written beside a run reads back to the same scenario.</summary>
public sealed class WriterTests
{
    public static IEnumerable<object[]> Shipped() =>
        // The case library's scenarios too: a posture's merged ladder must read back to the same scenario.
        Directory.GetFiles(Path.Combine(Root, "scenarios"), "*.yaml", SearchOption.AllDirectories).Order()
            .Select(f => new object[] { Path.GetRelativePath(Path.Combine(Root, "scenarios"), f) });

    public static string Root { get; } = FindRoot();

    private static string FindRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "SovereigntySim.sln"))) dir = dir.Parent;
        return dir!.FullName;
    }

    // Records with lists compare by reference; their JSON says whether every value is the same.
    private static string Json(ScenarioSpec spec) => JsonSerializer.Serialize(spec);

    [Theory]
    [MemberData(nameof(Shipped))]
    public void Shipped_scenarios_with_overrides_round_trip(string name)
    {
        var loaded = ScenarioLoader.Load(Path.Combine(Root, "scenarios", name), ["seed=99", "negotiation.roundHours=7.5"]);
        Assert.True(loaded.Ok, string.Join("\n", loaded.Errors));
        var text = ScenarioWriter.Write(loaded.Spec!, "header line\nsecond line");
        Assert.StartsWith("# header line\n# second line\n", text);
        var again = ScenarioLoader.LoadText(text, "effective.yaml", []);
        Assert.True(again.Ok, string.Join("\n", again.Errors) + "\n" + text);
        Assert.Equal(Json(loaded.Spec!), Json(again.Spec!));
        Assert.Equal(99, again.Spec!.Seed);
        Assert.Equal(text, ScenarioWriter.Write(again.Spec, "header line\nsecond line"));
    }

    [Fact]
    public void Strings_durations_and_times_survive_the_round_trip()
    {
        var loaded = ScenarioLoader.LoadText(Scenarios.Base, Scenarios.FileName,
            ["description='a \"quoted\" note: with colon, # hash and ünïcode'", "duration=2d12h30m", "step=30m"]);
        Assert.True(loaded.Ok, string.Join("\n", loaded.Errors));
        var again = ScenarioLoader.LoadText(ScenarioWriter.Write(loaded.Spec!), "effective.yaml", []);
        Assert.True(again.Ok, string.Join("\n", again.Errors));
        Assert.Equal("a \"quoted\" note: with colon, # hash and ünïcode", again.Spec!.Description);
        Assert.Equal(TimeSpan.FromHours(60.5), again.Spec.Duration);
        Assert.Equal(Json(loaded.Spec!), Json(again.Spec));
    }
}
