using SovereigntySim.Domain.Agents;
using SovereigntySim.Domain.Scenario;
using static SovereigntySim.Scenarios.Tests.Scenarios;

namespace SovereigntySim.Scenarios.Tests;

/// <summary>Issue 14 items 2 and 4: sending-state postures by era as data, '*' in --set paths (how calibration sets a
/// shared constant on every ministry or country), and the stated reasons of scripted revocations.</summary>
public class PostureTests
{
    private const string Eras = """
        name: eras
        start: 2017-01-01T00:00:00Z
        duration: 30d
        countries:
          - id: US
            posture: trump2
          - id: MX
        """;

    [Fact]
    public void A_posture_gives_the_eras_ladder_and_politics()
    {
        var us = LoadOk(Eras).Countries[0];
        Assert.Equal(Posture.Trump2, us.Posture);
        Assert.Equal([InstrumentKind.VisaSanctions, InstrumentKind.Tariff, InstrumentKind.Tariff], us.Instruments.Select(i => i.Kind));
        Assert.Equal([0.0, 0.25, 0.5], us.Instruments.Select(i => i.Rate));
        Assert.Equal(0.8, us.Politics.ThreatCredibility);
        Assert.Equal(0.2, us.Politics.ThreatAudienceCost);
        // What the era does not name keeps the model's default.
        Assert.Equal(0.3, us.Politics.DomesticPressure);
    }

    [Fact]
    public void No_tariff_is_on_the_menu_of_an_era_that_used_none()
    {
        foreach (var era in new[] { "bush", "obama", "trump1", "biden" })
            Assert.DoesNotContain(LoadOk(Eras.Edit("posture: trump2", $"posture: {era}")).Countries[0].Instruments, i => i.Kind == InstrumentKind.Tariff);
        Assert.Empty(LoadOk(Eras.Edit("posture: trump2", "posture: biden")).Countries[0].Instruments);
    }

    [Fact]
    public void What_a_scenario_gives_overrides_its_era()
    {
        var us = LoadOk(Eras.Edit("posture: trump2", "posture: trump2\n    politics: { threatCredibility: 0.1 }\n    instruments: [{ kind: visaSanctions }]")).Countries[0];
        Assert.Equal(0.1, us.Politics.ThreatCredibility);
        Assert.Equal(0.2, us.Politics.ThreatAudienceCost);
        Assert.Equal(InstrumentKind.VisaSanctions, Assert.Single(us.Instruments).Kind);
        // --set names the posture like any other value, and the era follows.
        Assert.Empty(LoadOk(Eras, "countries.US.posture=biden").Countries[0].Instruments);
    }

    /// <summary>An administration that takes office in the run gets its era's ladder, threat politics and payments;
    /// the country's own politics fill what the era does not name.</summary>
    [Fact]
    public void An_administration_in_the_run_gets_its_eras_posture()
    {
        var text = Eras.Edit("posture: trump2", "posture: obama\n    politics: { domesticPressure: 0.7 }\n    administrations:\n      - { at: day 10, posture: trump2 }");
        var us = LoadOk(text).Countries[0];
        Assert.Equal(Posture.Obama, us.Posture);
        Assert.DoesNotContain(us.Instruments, i => i.Kind == InstrumentKind.Tariff);
        var next = us.Under(Assert.Single(us.Administrations));
        Assert.Equal(Posture.Trump2, next.Posture);
        Assert.Equal([InstrumentKind.VisaSanctions, InstrumentKind.Tariff, InstrumentKind.Tariff], next.Instruments.Select(i => i.Kind));
        Assert.True(next.Pays);
        Assert.Equal(0.8, next.Politics.ThreatCredibility);
        Assert.Equal(0.7, next.Politics.DomesticPressure);
        Assert.False(us.Pays);
    }

    /// <summary>The era table is the scenario's to change (what calibration fits: docs/validation.md): a file's
    /// postures block or --set changes an era for every country and administration that names it, and nothing else;
    /// a country's own values still win.</summary>
    [Fact]
    public void The_era_table_can_be_changed_by_the_file_or_by_set()
    {
        var text = Eras.Edit("posture: trump2", "posture: obama\n    administrations:\n      - { at: day 10, posture: trump2 }");
        var us = LoadOk(text, "postures.trump2.politics.threatCredibility=0.35", "postures.trump2.instruments[1].graceHours=2000").Countries[0];
        Assert.Equal(0.3, us.Politics.ThreatCredibility); // obama's, untouched
        var next = us.Under(Assert.Single(us.Administrations));
        Assert.Equal(0.35, next.Politics.ThreatCredibility);
        Assert.Equal(0.2, next.Politics.ThreatAudienceCost); // the era's other keys stay
        Assert.Equal([0.0, 2000, 168], next.Instruments.Select(i => i.GraceHours));

        var block = Eras + "\npostures:\n  trump2: { politics: { threatCredibility: 0.4 } }\n  biden: { instruments: [{ kind: visaSanctions }] }";
        var fromFile = LoadOk(block).Countries[0];
        Assert.Equal(0.4, fromFile.Politics.ThreatCredibility);
        Assert.Equal(3, fromFile.Instruments.Count); // the ladder the block did not give is the table's
        Assert.Equal(InstrumentKind.VisaSanctions, Assert.Single(LoadOk(block, "countries.US.posture=biden").Countries[0].Instruments).Kind);
        // A country's own value wins over the table, changed or not.
        var own = Eras.Edit("posture: trump2", "posture: trump2\n    politics: { threatCredibility: 0.1 }");
        Assert.Equal(0.1, LoadOk(own, "postures.trump2.politics.threatCredibility=0.9").Countries[0].Politics.ThreatCredibility);
    }

    [Fact]
    public void A_wrong_value_in_the_era_table_is_one_located_error()
    {
        var error = SingleError(Eras, "postures.trump2.politics.threatCredibility=1.5");
        Assert.Equal(("--set", 1, 44, "postures.trump2.politics.threatCredibility"), (error.File, error.Line, error.Column, error.Path));
        Assert.Contains("from 0 to 1", error.Expected);
        var era = SingleError(Eras, "postures.reagan.politics.threatCredibility=0.5");
        Assert.Equal(("postures.reagan", "'reagan'"), (era.Path, era.Found));
        // In the file, an era's unknown key is found where it is written, even if no country names the era.
        var block = Eras + "\npostures:\n  obama: { politic: { threatCredibility: 0.4 } }";
        AssertAt(SingleError(block), Where(block, "politic:"), "postures.obama.politic", "politic");
    }

    [Fact]
    public void Administrations_out_of_order_or_without_a_posture_are_located_errors()
    {
        var text = Eras.Edit("posture: trump2", "posture: obama\n    administrations:\n      - { at: day 10, posture: trump1 }\n      - { at: day 5, posture: biden }");
        var error = SingleError(text);
        Assert.Equal("countries[0].administrations[1].at", error.Path);
        Assert.Contains("after the administration before it", error.Expected);
        var missing = SingleError(Eras.Edit("posture: trump2", "posture: obama\n    administrations:\n      - { at: day 10 }"));
        Assert.Equal("countries[0].administrations[0].posture", missing.Path);
        var late = SingleError(Eras.Edit("posture: trump2", "posture: obama\n    administrations:\n      - { at: day 40, posture: biden }"));
        Assert.Equal("countries[0].administrations[0].at", late.Path);
    }

    [Fact]
    public void An_unknown_posture_is_a_located_error()
    {
        var error = SingleError(Eras.Edit("posture: trump2", "posture: reagan"));
        AssertAt(error, Where(Eras.Edit("posture: trump2", "posture: reagan"), "reagan"), "countries[0].posture", "reagan");
    }

    [Fact]
    public void A_star_sets_a_value_on_every_item_of_a_list()
    {
        var spec = LoadOk(Base, "agencies.ministries.*.resolve=0.7", "countries.*.politics.audienceCostPerDay=0.002");
        Assert.All(spec.Agencies.Ministries, m => Assert.Equal(0.7, m.Resolve));
        Assert.All(spec.Countries, c => Assert.Equal(0.002, c.Politics.AudienceCostPerDay));
        // The values go through the same checks as the file's: one error per ministry.
        var errors = Load(Base, "agencies.ministries.*.resolve=2").Errors;
        Assert.Equal(["agencies.ministries[0].resolve", "agencies.ministries[1].resolve"], errors.Select(e => e.Path).Order());
        // '*' on a mapping is refused where it stands.
        var onMap = SingleError(Base, "negotiation.*=1");
        Assert.Equal(("--set", 1, 13), (onMap.File, onMap.Line, onMap.Column));
    }

    [Fact]
    public void Stated_reasons_must_raise_a_term_and_belong_to_a_revocation_suspension_or_talks()
    {
        var revocation = Base + "\n  - at: day 2 08:00\n    kind: revokeClearances\n    country: MX\n    reasons: [restraints, aircraftType]";
        Assert.Equal([Reason.Restraints, Reason.AircraftType], LoadOk(revocation).Events[1].Reasons);
        var notRaising = revocation.Edit("reasons: [restraints, aircraftType]", "reasons: [turnedBack]");
        AssertAt(SingleError(notRaising), Where(notRaising, "turnedBack"), "events[1].reasons[0]", "a refusal reason that raises a term");
        var onThreat = Base.Edit("    against: MX", "    against: MX\n    reasons: [restraints]");
        Assert.Contains("only revokeClearances, openNegotiation and impose", SingleError(onThreat).ToString());
    }
}
