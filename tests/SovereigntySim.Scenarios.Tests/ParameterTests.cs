using System.Globalization;
using System.Text.Json;
using SovereigntySim.Domain.Scenario;

namespace SovereigntySim.Scenarios.Tests;

/// <summary>The parameters the page draws as form controls are ones --set accepts: at their own value each leaves the
/// scenario as it was, and at another value within its bounds each changes exactly what it names.</summary>
public sealed class ParameterTests
{
    private static string Json(ScenarioSpec spec) => JsonSerializer.Serialize(spec);

    private static ScenarioSpec Load(string name, params string[] overrides)
    {
        var loaded = ScenarioLoader.Load(Path.Combine(WriterTests.Root, "scenarios", name), overrides);
        Assert.True(loaded.Ok, string.Join("\n", loaded.Errors));
        return loaded.Spec!;
    }

    [Theory]
    [MemberData(nameof(WriterTests.Shipped), MemberType = typeof(WriterTests))]
    public void Every_parameter_set_to_its_own_value_leaves_the_scenario_unchanged(string name)
    {
        var spec = Load(name);
        var parameters = ScenarioParameters.Of(spec);
        Assert.Contains(parameters, p => p.Path == "negotiation.roundHours");
        Assert.Equal(parameters.Count, parameters.Select(p => p.Path).Distinct().Count());
        var again = Load(name, [.. parameters.Select(p => $"{p.Path}={p.Value}")]);
        Assert.Equal(Json(spec), Json(again));
    }

    [Fact]
    public void A_parameter_changed_within_its_bounds_changes_what_it_names_and_nothing_else()
    {
        var spec = Load("mexico-flight-refusal.yaml");
        var parameters = ScenarioParameters.Of(spec);
        var cap = parameters.Single(p => p.Path == "countries.MX.acceptance.weeklyFlightCap");
        Assert.Equal(("integer", "none", "no cap"), (cap.Kind, cap.Value, cap.None));
        Assert.Equal((1.0, 1000.0), (cap.Min, cap.Max));
        Assert.Equal("countries.MX.acceptance", cap.Section);
        Assert.False(string.IsNullOrEmpty(cap.Description));
        var standard = parameters.Single(p => p.Path == "countries.MX.acceptance.documentationStandard");
        Assert.Equal("choice", standard.Kind);
        Assert.Equal(["any", "partial", "verified"], standard.Choices);

        var changed = Load("mexico-flight-refusal.yaml", "countries.MX.acceptance.weeklyFlightCap=3");
        Assert.Equal(3, changed.Countries.Single(c => c.Id == "MX").Acceptance.WeeklyFlightCap);
        Assert.Equal(Json(spec with { Countries = changed.Countries }), Json(changed));
        var after = ScenarioParameters.Of(changed);
        var differing = parameters.Zip(after).Where(x => x.First.Value != x.Second.Value).Select(x => x.First.Path).ToList();
        Assert.Equal(["countries.MX.acceptance.weeklyFlightCap"], differing);
    }

    [Fact]
    public void Numbers_are_written_so_that_they_read_back_exactly()
    {
        var spec = Load("visa-sanctions-243d.yaml", "negotiation.typeSpread=0.1");
        var spread = ScenarioParameters.Of(spec).Single(p => p.Path == "negotiation.typeSpread");
        Assert.Equal("number", spread.Kind);
        Assert.Equal(0.1, double.Parse(spread.Value, CultureInfo.InvariantCulture));
    }
}
