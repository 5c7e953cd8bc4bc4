using SovereigntySim.Domain.Scenario;
using static SovereigntySim.Scenarios.Tests.Scenarios;

namespace SovereigntySim.Scenarios.Tests;

/// <summary>Issue 16 item 5: outcome measures as data. A measure names a kind of the event catalogue and fields that
/// kind carries; every mistake is one located error.</summary>
public class MeasureSpecTests
{
    private const string Good = "{id: secondLanding, of: first, event: flight.landed, nth: 2}";

    [Fact]
    public void A_measure_in_the_file_and_one_appended_with_plus_equals_both_load_in_order()
    {
        var yaml = Base + "\nmeasures:\n  - {id: landings, of: count, event: flight.landed}\n";
        var spec = LoadOk(yaml, "measures+=" + Good);
        Assert.Equal(["landings", "secondLanding"], spec.Measures.Select(m => m.Id));
        Assert.Equal(MeasureOf.First, spec.Measures[1].Of);
        Assert.Equal(2, spec.Measures[1].Nth);
        // Appending to a scenario without measures makes the list.
        Assert.Equal(["secondLanding"], LoadOk(Base, "measures+=" + Good).Measures.Select(m => m.Id));
    }

    [Theory]
    [InlineData("{id: x, of: count, event: flight.landid}", "measures[0].event", "expected an event kind of the log")]
    [InlineData("{id: x, of: sum, event: flight.landed, field: passengers}", "measures[0].field", "expected a field flight.landed carries")]
    [InlineData("{id: x, of: count, event: instrument.threatened, where: [{field: instrumnt, value: tariff}]}", "measures[0].where[0].field", "expected a field instrument.threatened carries")]
    [InlineData("{id: x, of: sum, event: flight.landed}", "measures[0].field", "expected the numeric field to sum")]
    [InlineData("{id: x, of: count, event: flight.landed, field: removed}", "measures[0].field", "expected no field (only of: sum sums one)")]
    [InlineData("{id: x, of: last, event: flight.landed, nth: 2}", "measures[0].nth", "expected no nth")]
    [InlineData("{id: 2nd, of: count, event: flight.landed}", "measures[0].id", "expected letters and digits, starting with a letter")]
    [InlineData("{id: x, of: average, event: flight.landed}", "measures[0].of", "found 'average'")]
    public void A_wrong_measure_is_one_located_error(string measure, string path, string message)
    {
        var error = SingleError(Base, "measures+=" + measure);
        Assert.Equal(path, error.Path);
        Assert.Contains(message, error.ToString());
        Assert.Equal("--set", error.File);
    }

    [Fact]
    public void Ids_are_unique_and_migrant_events_need_the_full_log()
    {
        var twice = SingleError(Base, "measures+=" + Good, "measures+=" + Good);
        Assert.Equal("measures[1].id", twice.Path);
        var compact = SingleError(Base + "\noutput: {migrantEvents: compact}\n", "measures+={id: removals, of: count, event: migrant.removed}");
        Assert.Equal("measures[0].event", compact.Path);
        Assert.Contains("compact", compact.ToString());
        LoadOk(Base, "measures+={id: removals, of: count, event: migrant.removed}");
    }

    [Fact]
    public void Plus_equals_appends_only_to_a_list()
    {
        var error = SingleError(Base, "name+=x");
        Assert.Contains("a list to append to", error.ToString());
        Assert.Contains("a key naming a list", SingleError(Base, "countries[0]+={id: XX}").ToString());
    }
}
