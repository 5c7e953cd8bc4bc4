using System.Reflection;
using SovereigntySim.Domain.Bargaining;
using SovereigntySim.Domain.Scenario;

namespace SovereigntySim.Domain.Tests;

/// <summary>The table of flight conditions agrees with what it cannot derive: the <see cref="Issue"/> enum (whose
/// order is the position order) and the records bound from scenario files, which keep a property per condition.</summary>
public sealed class FlightConditionsTests
{
    private static readonly NegotiationSpec Settings = new();

    private static string[] Declared<T>(params string[] except) =>
        [.. typeof(T).GetProperties(BindingFlags.Public | BindingFlags.Instance).OrderBy(p => p.MetadataToken).Select(p => p.Name).Except(except)];

    [Fact]
    public void The_table_has_one_condition_per_issue_in_issue_order()
    {
        Assert.Equal(Enum.GetValues<Issue>(), FlightConditions.All.Select(c => c.Issue));
        Assert.Equal(FlightConditions.All.Length, IssueSpace.Fixed);
        Assert.Equal(FlightConditions.All.Length, new IssueSpace(Settings).Levels().Length);
        Assert.Equal(FlightConditions.All.Length, FlightConditions.All.Select(c => c.TermKey).Distinct().Count());
    }

    [Fact]
    public void Issue_weights_have_one_weight_per_condition_in_issue_order_and_the_table_reads_each()
    {
        Assert.Equal(Declared<IssueWeightsSpec>(nameof(IssueWeightsSpec.Relief)), FlightConditions.All.Select(c => c.Issue.ToString()));
        // Each condition reads its own weight: give every weight a different value.
        var w = new IssueWeightsSpec();
        var names = Declared<IssueWeightsSpec>();
        for (int i = 0; i < names.Length; i++) typeof(IssueWeightsSpec).GetProperty(names[i])!.SetValue(w, i + 10.0);
        foreach (var c in FlightConditions.All)
            Assert.Equal(typeof(IssueWeightsSpec).GetProperty(c.Issue.ToString())!.GetValue(w), c.Weight(w));
    }

    [Fact]
    public void Every_acceptance_policy_field_is_set_by_one_condition_and_can_be_patched()
    {
        var fields = FlightConditions.PolicyFields.Select(f => f.Property).ToArray();
        Assert.Equal(Declared<AcceptancePolicySpec>(), fields);
        Assert.Equal(Declared<PolicyPatchSpec>(), fields);
        Assert.Equal(fields.Length, FlightConditions.All.Count(c => c.Policy is not null));
    }

    [Fact]
    public void Each_policy_field_reads_patches_and_logs_its_own_property()
    {
        // A policy with every field off its default, so a field that read or wrote another would show.
        var initial = new AcceptancePolicySpec();
        var changed = initial with { };
        foreach (var property in typeof(AcceptancePolicySpec).GetProperties())
            property.SetValue(changed, property.GetValue(initial) switch
            {
                bool b => !b,
                int i => i + 1,
                double d => d + 1,
                DocumentStandard d => d == DocumentStandard.Verified ? DocumentStandard.Any : DocumentStandard.Verified,
                var other => throw new NotSupportedException($"a policy field of type {other?.GetType().Name}: give it a changed value here"),
            });
        foreach (var f in FlightConditions.PolicyFields)
        {
            var property = typeof(AcceptancePolicySpec).GetProperty(f.Property)!;
            var patch = f.PatchOf(changed);
            Assert.Equal(f.Property, Assert.Single(typeof(PolicyPatchSpec).GetProperties(), p => p.GetValue(patch) is not null).Name);
            var patched = f.Patched(initial, patch);
            Assert.Equal(initial, f.Patched(initial, new PolicyPatchSpec()));
            Assert.Equal(property.GetValue(changed), property.GetValue(patched));
            Assert.Equal(1, typeof(AcceptancePolicySpec).GetProperties().Count(p => !Equals(p.GetValue(patched), p.GetValue(initial))));
            Assert.Equal(char.ToLowerInvariant(f.Property[0]) + f.Property[1..], f.Logged(changed).Key);
        }
    }

    [Fact]
    public void A_policy_read_as_terms_and_agreed_again_is_the_same_policy()
    {
        var policy = new AcceptancePolicySpec
        {
            DocumentationStandard = DocumentStandard.Any, CivilianAircraftOnly = true, AdvanceNoticeHours = 12, WeeklyFlightCap = 0,
            MaxPassengersPerFlight = 90, RestraintsAllowed = false, HealthScreeningRequired = true, MonitoringRequired = true, CaseByCaseReview = true,
        };
        var terms = Terms.StatusQuo(policy) with { Named = Enum.GetValues<Issue>() };
        Assert.Equal(policy, terms.ApplyTo(new AcceptancePolicySpec()));
    }

    [Fact]
    public void Terms_name_each_condition_by_its_label_and_term_key()
    {
        var terms = Terms.StatusQuo(new AcceptancePolicySpec()) with { Named = Enum.GetValues<Issue>() };
        Assert.Equal(FlightConditions.All.Select(c => c.Label + "="), terms.ToString().Split(' ').Select(p => p[..(p.IndexOf('=') + 1)]));
        string[] keys = [.. FlightConditions.All.Select(c => c.TermKey), "term.lifted", "term.kept"];
        Assert.Equal(keys, terms.Fields().Select(f => f.Key));
        // The text of terms is in the event log: it must not change.
        Assert.Equal("aircraft=Military restraints=True notice=24h cap=none passengers=135 documents=Partial thirdCountry=False monitoring=False",
            (terms with { Named = Agenda.Classic }).ToString());
        Assert.Equal("health=False assurances=False caseByCase=False payment=False",
            (terms with { Named = [Issue.Health, Issue.Assurances, Issue.CaseByCase, Issue.Payment] }).ToString());
    }
}
