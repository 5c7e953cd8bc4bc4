using System.Globalization;
using SovereigntySim.Domain.Agents;
using SovereigntySim.Domain.Scenario;
using SovereigntySim.Domain.Simulation;

namespace SovereigntySim.Domain.Bargaining;

/// <summary>
/// The flight conditions, the negotiable terms of removal flights: one entry each, in <see cref="Issue"/> order, so
/// entry i is issue i and position i of an <see cref="IssueSpace"/>. What every condition has (its positions and
/// levels, its weight, its <c>term.*</c> field and text, the refusal reasons that raise it, the acceptance policy
/// field that sets it) is read from here; what a condition does to flights (screening, enforcement) is behaviour of
/// its own. The records bound from scenario files (<see cref="IssueWeightsSpec"/>, <see cref="AcceptancePolicySpec"/>,
/// <see cref="PolicyPatchSpec"/>) keep one property per condition; a test checks they agree with this table.
/// </summary>
public static class FlightConditions
{
    public static readonly FlightCondition[] All =
    [
        new FlightCondition<AircraftKind>
        {
            Issue = Issue.Aircraft, Classic = true, Weight = w => w.Aircraft, RaisedBy = [Reason.AircraftType],
            Get = t => t.Aircraft, With = (t, v) => t with { Aircraft = v },
            Scale = Scale.Ranked(AircraftKind.ReceivingState, AircraftKind.Charter, AircraftKind.Military),
            // A policy only allows military aircraft or not: an agreement on charters or on the receiving state's own
            // aircraft allows civilian aircraft only.
            Policy = new PolicyField<bool>(nameof(AcceptancePolicySpec.CivilianAircraftOnly), p => p.CivilianAircraftOnly,
                    (p, v) => p with { CivilianAircraftOnly = v }, q => q.CivilianAircraftOnly, v => new() { CivilianAircraftOnly = v })
                .As(civilianOnly => civilianOnly ? AircraftKind.Charter : AircraftKind.Military, aircraft => aircraft != AircraftKind.Military),
        },
        new FlightCondition<bool>
        {
            Issue = Issue.Restraints, Classic = true, Weight = w => w.Restraints, RaisedBy = [Reason.Restraints],
            Get = t => t.Restraints, With = (t, v) => t with { Restraints = v }, Scale = Scale.Flag(sendingPrefers: true),
            Policy = new(nameof(AcceptancePolicySpec.RestraintsAllowed), p => p.RestraintsAllowed,
                (p, v) => p with { RestraintsAllowed = v }, q => q.RestraintsAllowed, v => new() { RestraintsAllowed = v }),
        },
        new FlightCondition<double>
        {
            Issue = Issue.Notice, Classic = true, Weight = w => w.Notice, RaisedBy = [Reason.MissingNotice],
            TermKey = EventFields.TermPrefix + "noticeHours", Show = v => string.Create(CultureInfo.InvariantCulture, $"{v}h"),
            Get = t => t.NoticeHours, With = (t, v) => t with { NoticeHours = v },
            Scale = new(s => (int)s.MaxNoticeHours, (v, s) => 1 - Math.Clamp(v / s.MaxNoticeHours, 0, 1),
                (x, s) => Math.Round((1 - x) * s.MaxNoticeHours, 6)),
            Policy = new(nameof(AcceptancePolicySpec.AdvanceNoticeHours), p => p.AdvanceNoticeHours,
                (p, v) => p with { AdvanceNoticeHours = v }, q => q.AdvanceNoticeHours, v => new() { AdvanceNoticeHours = v }),
        },
        new FlightCondition<int>
        {
            Issue = Issue.WeeklyCap, Classic = true, Weight = w => w.WeeklyCap, RaisedBy = [Reason.CapReached],
            Label = "cap", Show = v => v == 0 ? "none" : v.ToString(CultureInfo.InvariantCulture),
            Get = t => t.WeeklyCap, With = (t, v) => t with { WeeklyCap = v },
            // Caps of 1..max flights sit at (cap − 1)/max; no cap at all (0) is the sending state's end, 1.
            Scale = new(s => s.MaxWeeklyCap, (v, s) => v == 0 ? 1 : Math.Clamp((double)(v - 1) / s.MaxWeeklyCap, 0, 1),
                (x, s) => x >= 1 ? 0 : Math.Min(s.MaxWeeklyCap, 1 + (int)Math.Round(x * s.MaxWeeklyCap))),
            Policy = new(nameof(AcceptancePolicySpec.WeeklyFlightCap), p => p.WeeklyFlightCap,
                (p, v) => p with { WeeklyFlightCap = v }, q => q.WeeklyFlightCap, v => new() { WeeklyFlightCap = v }),
        },
        new FlightCondition<int>
        {
            Issue = Issue.PassengersPerFlight, Classic = true, Weight = w => w.PassengersPerFlight, RaisedBy = [Reason.PassengerLimit],
            Label = "passengers",
            Get = t => t.PassengersPerFlight, With = (t, v) => t with { PassengersPerFlight = v },
            Scale = new(PassengerSpan, (v, s) => Math.Clamp((double)(v - s.MinPassengers) / PassengerSpan(s), 0, 1),
                (x, s) => s.MinPassengers + (int)Math.Round(x * PassengerSpan(s))),
            Policy = new(nameof(AcceptancePolicySpec.MaxPassengersPerFlight), p => p.MaxPassengersPerFlight,
                (p, v) => p with { MaxPassengersPerFlight = v }, q => q.MaxPassengersPerFlight, v => new() { MaxPassengersPerFlight = v }),
        },
        new FlightCondition<DocumentStandard>
        {
            Issue = Issue.Documentation, Classic = true, Weight = w => w.Documentation, Label = "documents",
            // A manifest refused as irregular raises the terms of the reasons it cites, not the documents as such.
            RaisedBy = [Reason.UnverifiedDocuments, Reason.MissingDocuments, Reason.DisputedDocuments],
            Get = t => t.Documentation, With = (t, v) => t with { Documentation = v },
            Scale = Scale.Ranked(DocumentStandard.Verified, DocumentStandard.Partial, DocumentStandard.Any),
            Policy = new(nameof(AcceptancePolicySpec.DocumentationStandard), p => p.DocumentationStandard,
                (p, v) => p with { DocumentationStandard = v }, q => q.DocumentationStandard, v => new() { DocumentationStandard = v }),
        },
        new FlightCondition<bool>
        {
            Issue = Issue.ThirdCountryNationals, Classic = true, Weight = w => w.ThirdCountryNationals, RaisedBy = [Reason.ThirdCountryNational],
            Label = "thirdCountry",
            Get = t => t.ThirdCountryNationals, With = (t, v) => t with { ThirdCountryNationals = v }, Scale = Scale.Flag(sendingPrefers: true),
            Policy = new(nameof(AcceptancePolicySpec.AcceptThirdCountryNationals), p => p.AcceptThirdCountryNationals,
                (p, v) => p with { AcceptThirdCountryNationals = v }, q => q.AcceptThirdCountryNationals, v => new() { AcceptThirdCountryNationals = v }),
        },
        new FlightCondition<bool>
        {
            Issue = Issue.Monitoring, Classic = true, Weight = w => w.Monitoring, RaisedBy = [Reason.Monitoring],
            Get = t => t.Monitoring, With = (t, v) => t with { Monitoring = v }, Scale = Scale.Flag(sendingPrefers: false),
            Policy = new(nameof(AcceptancePolicySpec.MonitoringRequired), p => p.MonitoringRequired,
                (p, v) => p with { MonitoringRequired = v }, q => q.MonitoringRequired, v => new() { MonitoringRequired = v }),
        },
        new FlightCondition<bool>
        {
            Issue = Issue.Health, Weight = w => w.Health, RaisedBy = [Reason.HealthScreening, Reason.MedicalClearance],
            Get = t => t.HealthCertificates, With = (t, v) => t with { HealthCertificates = v }, Scale = Scale.Flag(sendingPrefers: false),
            Policy = new(nameof(AcceptancePolicySpec.HealthScreeningRequired), p => p.HealthScreeningRequired,
                (p, v) => p with { HealthScreeningRequired = v }, q => q.HealthScreeningRequired, v => new() { HealthScreeningRequired = v }),
        },
        new FlightCondition<bool>
        {
            // A grievance over treatment (restraints, unaccompanied minors, a suspension after an incident) also
            // raises assurances, its cheap settlement. No policy sets them: only an agreement gives them.
            Issue = Issue.Assurances, Weight = w => w.Assurances, RaisedBy = [Reason.Restraints, Reason.UnaccompaniedMinor, Reason.Suspended],
            Get = t => t.Assurances, With = (t, v) => t with { Assurances = v }, Scale = Scale.Flag(sendingPrefers: false),
        },
        new FlightCondition<bool>
        {
            Issue = Issue.CaseByCase, Weight = w => w.CaseByCase, RaisedBy = [Reason.DisputedIdentity],
            Get = t => t.CaseByCase, With = (t, v) => t with { CaseByCase = v }, Scale = Scale.Flag(sendingPrefers: false),
            Policy = new(nameof(AcceptancePolicySpec.CaseByCaseReview), p => p.CaseByCaseReview,
                (p, v) => p with { CaseByCaseReview = v }, q => q.CaseByCaseReview, v => new() { CaseByCaseReview = v }),
        },
        new FlightCondition<bool>
        {
            // On the agenda only when the receiving state asked for it (Grievance.PaymentAsked), never raised by a refusal.
            Issue = Issue.Payment, Weight = w => w.Payment, OnlyWhenAsked = true,
            Get = t => t.Paid, With = (t, v) => t with { Paid = v }, Scale = Scale.Flag(sendingPrefers: false),
        },
    ];

    /// <summary>The acceptance policy fields of the conditions, in the order <see cref="AcceptancePolicySpec"/>
    /// declares them: the order of country.policyChanged and of the scenario schema.</summary>
    public static readonly PolicyField[] PolicyFields =
        [.. All.Select(c => c.Policy).OfType<PolicyField>().OrderBy(f => typeof(AcceptancePolicySpec).GetProperty(f.Property)!.MetadataToken)];

    public static FlightCondition Of(Issue issue) => All[(int)issue];

    private static int PassengerSpan(NegotiationSpec s) => Math.Max(1, s.MaxPassengers - s.MinPassengers);

    /// <summary>A condition's value as an event field: yes/no as a flag, numbers as numbers, kinds in camelCase.</summary>
    internal static Field FieldOf<T>(string key, T value) where T : struct => value switch
    {
        bool b => Field.Of(key, b),
        int i => Field.Of(key, i),
        double d => Field.Of(key, d),
        Enum e => Field.Of(key, Names.Camel(e.ToString())),
        _ => throw new NotSupportedException($"a flight condition of type {typeof(T).Name}"),
    };
}

/// <summary>One flight condition; see <see cref="FlightConditions"/>.</summary>
public abstract class FlightCondition
{
    public required Issue Issue { get; init; }
    /// <summary>The condition's name in scenario files, agendas and red lines.</summary>
    public string Name => field ??= Names.Camel(Issue);
    /// <summary>Its field in negotiation events and tables; term.&lt;name&gt; unless given.</summary>
    public string TermKey { get => field ??= EventFields.TermPrefix + Name; init; }
    /// <summary>Its name in the text of terms (<see cref="Terms.ToString"/>); its own unless given.</summary>
    public string Label { get => field ??= Name; init; }
    /// <summary>Its weight in a side's utility.</summary>
    public required Func<IssueWeightsSpec, double> Weight { get; init; }
    /// <summary>The refusal reasons that put it on a grievance's agenda.</summary>
    public Reason[] RaisedBy { get; init; } = [];
    /// <summary>On the agenda of talks whose grievance raised nothing: the whole package of the first versions.</summary>
    public bool Classic { get; init; }
    /// <summary>Exists in a relation only when a side asked for it: off the agenda, it is no part of what a side
    /// weighs in the relation (its stake).</summary>
    public bool OnlyWhenAsked { get; init; }
    /// <summary>The receiving state's acceptance policy field that sets it, if one does.</summary>
    public PolicyField? Policy => UntypedPolicy;

    private protected abstract PolicyField? UntypedPolicy { get; }

    /// <summary>Its levels are 0, 1/n, ..., 1 for n steps.</summary>
    public abstract int Steps(NegotiationSpec settings);
    /// <summary>Its position in the terms: 1 is the sending state's preferred end, 0 the receiving state's.</summary>
    public abstract double Position(Terms terms, NegotiationSpec settings);
    /// <summary>The terms with this condition at a level (a position snapped to one of its levels).</summary>
    public abstract Terms At(Terms terms, double level, NegotiationSpec settings);
    /// <summary>Its value in the terms as an event field (<see cref="TermKey"/>).</summary>
    public abstract Field Term(Terms terms);
    /// <summary>Its value in the text of terms, e.g. notice=24h.</summary>
    public abstract string Shown(Terms terms);
    /// <summary>The terms with this condition as the policy sets it; unchanged if no policy field sets it.</summary>
    public abstract Terms FromPolicy(Terms terms, AcceptancePolicySpec policy);
    /// <summary>The policy with this condition as the terms agree it; unchanged if no policy field sets it.</summary>
    public abstract AcceptancePolicySpec Agreed(AcceptancePolicySpec policy, Terms terms);
}

/// <summary>A flight condition whose term is a <typeparamref name="T"/>.</summary>
public sealed class FlightCondition<T> : FlightCondition where T : struct
{
    public required Func<Terms, T> Get { get; init; }
    public required Func<Terms, T, Terms> With { get; init; }
    public required Scale<T> Scale { get; init; }
    /// <summary>The value in the text of terms; its invariant text unless given.</summary>
    public Func<T, string>? Show { get; init; }
    public new PolicyField<T>? Policy { get; init; }

    private protected override PolicyField? UntypedPolicy => Policy;

    public override int Steps(NegotiationSpec settings) => Scale.Steps(settings);
    public override double Position(Terms terms, NegotiationSpec settings) => Scale.Position(Get(terms), settings);
    public override Terms At(Terms terms, double level, NegotiationSpec settings) => With(terms, Scale.At(level, settings));
    public override Field Term(Terms terms) => FlightConditions.FieldOf(TermKey, Get(terms));

    public override string Shown(Terms terms)
    {
        var v = Get(terms);
        return Label + "=" + (Show is { } show ? show(v) : string.Create(CultureInfo.InvariantCulture, $"{v}"));
    }

    public override Terms FromPolicy(Terms terms, AcceptancePolicySpec policy) => Policy is null ? terms : With(terms, Policy.Get(policy));
    public override AcceptancePolicySpec Agreed(AcceptancePolicySpec policy, Terms terms) => Policy is null ? policy : Policy.Set(policy, Get(terms));
}

/// <summary>The levels of a condition as positions x ∈ [0, 1] (1: the sending state's end): <see cref="Steps"/> + 1
/// evenly spaced levels, the position of a value, and the value at a level.</summary>
public sealed record Scale<T>(Func<NegotiationSpec, int> Steps, Func<T, NegotiationSpec, double> Position, Func<double, NegotiationSpec, T> At);

public static class Scale
{
    /// <summary>A yes or a no: the answer the sending state prefers at 1.</summary>
    public static Scale<bool> Flag(bool sendingPrefers) => new(_ => 1, (v, _) => v == sendingPrefers ? 1 : 0, (x, _) => (x == 1) == sendingPrefers);

    /// <summary>Kinds in order from the receiving state's end to the sending state's, evenly spaced.</summary>
    public static Scale<T> Ranked<T>(params T[] levels) where T : struct, Enum =>
        new(_ => levels.Length - 1, (v, _) => (double)Array.IndexOf(levels, v) / (levels.Length - 1),
            (x, _) => levels[(int)Math.Round(x * (levels.Length - 1))]);
}

/// <summary>A field of the receiving state's acceptance policy that sets a flight condition: a property of
/// <see cref="AcceptancePolicySpec"/> and of <see cref="PolicyPatchSpec"/>, <see cref="Property"/> in both.</summary>
public abstract class PolicyField(string property)
{
    public string Property { get; } = property;
    /// <summary>Its key in scenario files and --set paths, in country.policyChanged and the live policy view.</summary>
    public string Key { get; } = Names.Camel(property);
    /// <summary>Its value in the policy as a field of country.policyChanged.</summary>
    public abstract Field Logged(AcceptancePolicySpec policy);
    /// <summary>The policy with this field as the patch gives it, or unchanged.</summary>
    public abstract AcceptancePolicySpec Patched(AcceptancePolicySpec policy, PolicyPatchSpec patch);
    /// <summary>A patch that sets this field to its value in the policy.</summary>
    public abstract PolicyPatchSpec PatchOf(AcceptancePolicySpec policy);
}

/// <summary>A policy field read as a <typeparamref name="T"/>: get and set on the policy, read from and write to a
/// patch.</summary>
public sealed class PolicyField<T> : PolicyField where T : struct
{
    private readonly Func<AcceptancePolicySpec, T> _get;
    private readonly Func<AcceptancePolicySpec, T, AcceptancePolicySpec> _set;
    private readonly Func<PolicyPatchSpec, T?> _fromPatch;
    private readonly Func<T, PolicyPatchSpec> _toPatch;
    private readonly Func<AcceptancePolicySpec, Field> _logged;

    public PolicyField(string property, Func<AcceptancePolicySpec, T> get, Func<AcceptancePolicySpec, T, AcceptancePolicySpec> set,
        Func<PolicyPatchSpec, T?> fromPatch, Func<T, PolicyPatchSpec> toPatch) : this(property, get, set, fromPatch, toPatch, null) { }

    private PolicyField(string property, Func<AcceptancePolicySpec, T> get, Func<AcceptancePolicySpec, T, AcceptancePolicySpec> set,
        Func<PolicyPatchSpec, T?> fromPatch, Func<T, PolicyPatchSpec> toPatch, Func<AcceptancePolicySpec, Field>? logged) : base(property)
    {
        (_get, _set, _fromPatch, _toPatch) = (get, set, fromPatch, toPatch);
        _logged = logged ?? (p => FlightConditions.FieldOf(Key, get(p)));
    }

    public T Get(AcceptancePolicySpec policy) => _get(policy);
    public AcceptancePolicySpec Set(AcceptancePolicySpec policy, T value) => _set(policy, value);
    public override Field Logged(AcceptancePolicySpec policy) => _logged(policy);
    public override AcceptancePolicySpec Patched(AcceptancePolicySpec policy, PolicyPatchSpec patch) => _fromPatch(patch) is { } v ? _set(policy, v) : policy;
    public override PolicyPatchSpec PatchOf(AcceptancePolicySpec policy) => _toPatch(_get(policy));

    /// <summary>The same field read as a term of another type (<paramref name="toTerm"/> and <paramref name="fromTerm"/>
    /// undo each other on the field's values); it is still logged as itself.</summary>
    public PolicyField<TTerm> As<TTerm>(Func<T, TTerm> toTerm, Func<TTerm, T> fromTerm) where TTerm : struct =>
        new(Property, p => toTerm(_get(p)), (p, v) => _set(p, fromTerm(v)), q => _fromPatch(q) is { } v ? toTerm(v) : null,
            v => _toPatch(fromTerm(v)), _logged);
}
