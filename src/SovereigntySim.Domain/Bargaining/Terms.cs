using SovereigntySim.Domain.Scenario;

namespace SovereigntySim.Domain.Bargaining;

/// <summary>An instrument whose relief is on a negotiation's agenda: used (or usable) by <paramref name="By"/>,
/// the sending state when <paramref name="BySending"/>. Its stakes scale the relief weight of each side's ministry:
/// the target values relief by what the instrument costs it a day, the user values keeping it by that pressure net of
/// what it costs the user, both in units of the default instrument's daily cost (negotiation.instrumentDailyCost).</summary>
public sealed record LinkedMeasure(string By, string Instrument, bool BySending, double TargetStake = 1, double UserStake = 1)
{
    /// <summary>A suspension of the sending state's flights: no agreement can keep it (an agreement that left the
    /// flights suspended would settle nothing), so its relief is a red line of the sending side.</summary>
    public bool SuspendsFlights { get; init; }

    public string Key => By + "." + Instrument;
}

/// <summary>What an agreement says about one linked instrument: lifted, or kept (until the first flight lands).</summary>
public sealed record Relief(string By, string Instrument, bool Lifted)
{
    public string Key => By + "." + Instrument;
}

/// <summary>What a negotiation is about: the terms its grievance raises and the linked instruments whose relief is
/// on the table. Nothing else is negotiated, and an agreement changes nothing else.</summary>
public sealed record Agenda(IReadOnlyList<Issue> Issues, IReadOnlyList<LinkedMeasure> Measures)
{
    /// <summary>The eight classic flight conditions: the whole package, as before agendas existed.</summary>
    public static readonly Issue[] Classic = [.. FlightConditions.All.Where(c => c.Classic).Select(c => c.Issue)];

    public static readonly Agenda Flights = new(Classic, []);

    public bool Has(Issue issue) => Issues.Contains(issue);

    public override string ToString() => string.Join('+', Issues.Select(i => FlightConditions.Of(i).Name).Concat(Measures.Select(m => "relief:" + m.Key)));
}

/// <summary>The terms negotiated over removal flights. Only the <see cref="Named"/> terms and the <see cref="Relief"/>
/// items are agreed: an agreement changes those and nothing else.</summary>
public sealed record Terms(
    AircraftKind Aircraft,
    bool Restraints,
    double NoticeHours,
    int WeeklyCap,
    int PassengersPerFlight,
    DocumentStandard Documentation,
    bool ThirdCountryNationals,
    bool Monitoring)
{
    private static readonly Relief[] NoRelief = [];

    /// <summary>Every condition at its type's default: what the flight conditions' table sets term by term.</summary>
    internal static readonly Terms Unset = new(default, default, default, default, default, default, default, default);

    /// <summary>A health certificate (testing) is required for every flight.</summary>
    public bool HealthCertificates { get; init; }
    /// <summary>The sending state gives assurances: follow-up of complaints, monitoring of treatment.</summary>
    public bool Assurances { get; init; }
    /// <summary>People whose identity or nationality is disputed are decided case by case.</summary>
    public bool CaseByCase { get; init; }
    /// <summary>The sending state pays what the receiving state asked for (relations[].paymentDemand).</summary>
    public bool Paid { get; init; }
    /// <summary>The terms this agreement settles; the others stay as they are.</summary>
    public IReadOnlyList<Issue> Named { get; init; } = Agenda.Classic;
    /// <summary>What happens to each linked instrument.</summary>
    public IReadOnlyList<Relief> Relief { get; init; } = NoRelief;

    public bool Names(Issue issue) => Named.Contains(issue);

    /// <summary>The terms a policy already sets, with no assurances or case reviews and every linked measure left
    /// as it is: what a receiving state has if no agreement is reached.</summary>
    public static Terms StatusQuo(AcceptancePolicySpec p)
    {
        var t = Unset;
        foreach (var c in FlightConditions.All) t = c.FromPolicy(t, p);
        return t;
    }

    /// <summary>The policy with the named terms changed and every other field kept.</summary>
    public AcceptancePolicySpec ApplyTo(AcceptancePolicySpec policy)
    {
        foreach (var c in FlightConditions.All)
            if (Names(c.Issue)) policy = c.Agreed(policy, this);
        return policy;
    }

    /// <summary>Each term as its own event field (term.aircraft, term.restraints, ...), so tables get one column per
    /// term; a term the agreement does not name is an empty text. term.lifted and term.kept list the linked
    /// instruments (by.instrument, ';'-separated).</summary>
    public IEnumerable<Simulation.Field> Fields() =>
    [
        .. FlightConditions.All.Select(c => Names(c.Issue) ? c.Term(this) : Simulation.Field.Of(c.TermKey, "")),
        Simulation.Field.Of(Simulation.EventFields.TermPrefix + "lifted", string.Join(';', Relief.Where(r => r.Lifted).Select(r => r.Key))),
        Simulation.Field.Of(Simulation.EventFields.TermPrefix + "kept", string.Join(';', Relief.Where(r => !r.Lifted).Select(r => r.Key))),
    ];

    public override string ToString() =>
        string.Join(' ', Named.Select(i => FlightConditions.Of(i).Shown(this)).Concat(Relief.Select(r => $"{r.Key}={(r.Lifted ? "lifted" : "kept")}")));
}

/// <summary>
/// Maps terms to positions x ∈ [0, 1] per issue, where 1 is the sending state's preferred end and 0 the receiving
/// state's, so both sides' linear additive utilities are read off the same vector: the flight conditions in
/// <see cref="Issue"/> order (<see cref="FlightConditions.All"/>), then one position per linked instrument of the
/// agenda (1: relief the sending state prefers, i.e. the receiving state's instrument lifted or the sending state's
/// kept).
/// </summary>
public sealed class IssueSpace(NegotiationSpec settings, Agenda? agenda = null)
{
    public static readonly int Fixed = FlightConditions.All.Length;

    public Agenda Agenda { get; } = agenda ?? Agenda.Flights;

    public int Count => Fixed + Agenda.Measures.Count;

    public double[] Positions(Terms t)
    {
        var x = new double[Count];
        var conditions = FlightConditions.All;
        for (int i = 0; i < conditions.Length; i++) x[i] = conditions[i].Position(t, settings);
        for (int k = 0; k < Agenda.Measures.Count; k++)
        {
            var m = Agenda.Measures[k];
            bool lifted = Lifted(t.Relief, m);
            x[Fixed + k] = m.BySending ? (lifted ? 0 : 1) : (lifted ? 1 : 0);
        }
        return x;
    }

    /// <summary>Whether the terms lift the measure (the first relief of its key decides); a loop, not a query, as
    /// this is on the bargaining's hot path.</summary>
    private static bool Lifted(IReadOnlyList<Relief> relief, LinkedMeasure m)
    {
        for (int i = 0; i < relief.Count; i++)
            if (relief[i].By == m.By && relief[i].Instrument == m.Instrument) return relief[i].Lifted;
        return false;
    }

    /// <summary>Terms at the given positions, naming the agenda's terms. Each position is rounded to a level of its
    /// issue, toward the end the proposer prefers, so an offer never gives its author less than it aimed for.</summary>
    public Terms FromPositions(double[] x, bool proposerIsSending)
    {
        double Snap(double v, int steps)
        {
            double scaled = v * steps;
            double r = proposerIsSending ? Math.Ceiling(scaled - 1e-9) : Math.Floor(scaled + 1e-9);
            return Math.Clamp(r / steps, 0, 1);
        }
        var terms = Terms.Unset;
        var conditions = FlightConditions.All;
        for (int i = 0; i < conditions.Length; i++) terms = conditions[i].At(terms, Snap(x[i], conditions[i].Steps(settings)), settings);
        terms = terms with { Named = Agenda.Issues };
        if (Agenda.Measures.Count == 0) return terms;
        return terms with
        {
            Relief = Agenda.Measures.Select((m, k) =>
            {
                bool atSending = Snap(x[Fixed + k], 1) == 1;
                return new Relief(m.By, m.Instrument, m.BySending ? !atSending : atSending);
            }).ToArray(),
        };
    }

    /// <summary>The positions each issue can take, from 0 to 1.</summary>
    public double[][] Levels() =>
        [.. FlightConditions.All.Select(c => Steps(c.Steps(settings))), .. Agenda.Measures.Select(_ => Steps(1))];

    private static double[] Steps(int n) => Enumerable.Range(0, n + 1).Select(k => (double)k / n).ToArray();

    public Terms SendingIdeal() => FromPositions(Enumerable.Repeat(1.0, Count).ToArray(), true);
    public Terms ReceivingIdeal() => FromPositions(new double[Count], false);
}

/// <summary>A side's linear additive utility over the positions of an agenda: the weights of the agenda's terms and
/// linked instruments, normalised to sum to 1; terms off the agenda weigh nothing.</summary>
public sealed class Utility
{
    public Utility(IssueWeightsSpec w, bool sending, Agenda? agenda = null)
    {
        agenda ??= Agenda.Flights;
        var fixedWeights = Array.ConvertAll(FlightConditions.All, c => c.Weight(w));
        double[] raw = [.. fixedWeights, .. agenda.Measures.Select(m => w.Relief * (m.BySending == sending ? m.UserStake : m.TargetStake))];
        var on = raw.Select((_, i) => i >= IssueSpace.Fixed || agenda.Has((Issue)i)).ToArray();
        for (int i = 0; i < raw.Length; i++) if (!on[i]) raw[i] = 0;
        double sum = raw.Sum();
        // Everything this side weighs in the relation: every flight term, on the agenda or not (a term that exists only
        // when asked for, only when it is), and the relief of the agenda's linked measures.
        double all = FlightConditions.All.Where(c => !c.OnlyWhenAsked || agenda.Has(c.Issue)).Sum(c => fixedWeights[(int)c.Issue])
            + raw.Skip(IssueSpace.Fixed).Sum();
        Stake = all > 0 ? sum / all : 1;
        int count = on.Count(b => b);
        Weights = sum > 0 ? raw.Select(v => v / sum).ToArray() : on.Select(b => b ? 1.0 / Math.Max(1, count) : 0).ToArray();
        Sending = sending;
    }

    public double[] Weights { get; }
    public bool Sending { get; }
    /// <summary>The share of what this side weighs in the relation that the agenda puts at stake: a dispute over one
    /// minor term is worth little of its time and costs, one over the whole package a lot.</summary>
    public double Stake { get; }

    /// <summary>This side's value of a position on an issue.</summary>
    public double Value(double x) => Sending ? x : 1 - x;

    public double Of(double[] x)
    {
        double u = 0;
        for (int i = 0; i < x.Length; i++) u += Weights[i] * Value(x[i]);
        return u;
    }
}

/// <summary>What a grievance puts on the agenda.</summary>
public static class Grievance
{
    /// <summary>The terms a refusal reason raises (FlightConditions: RaisedBy): a flight refused for its aircraft
    /// puts the aircraft on the table, one refused for documents the documentation standard, and so on. A pending
    /// legal process, a turn-back or a manifest refused as irregular raises nothing of its own (the reasons it cites do).</summary>
    private static readonly Dictionary<Agents.Reason, Issue[]> Raises = FlightConditions.All
        .SelectMany(c => c.RaisedBy.Select(reason => (reason, c.Issue)))
        .GroupBy(r => r.reason, r => r.Issue)
        .ToDictionary(g => g.Key, g => g.ToArray());

    /// <summary>Whether the receiving state asked a sending state that pays (countries[].pays) to pay
    /// (relations[].paymentDemand): then payment is on every agenda between them.</summary>
    public static bool PaymentAsked(ScenarioSpec spec, string sending, string receiving) =>
        spec.Countries.Any(c => c.Id == sending && c.Pays) && spec.Relations.Any(r => r.From == receiving && r.To == sending && r.PaymentDemand.Length > 0);

    public static IReadOnlyList<Issue> IssuesOf(Agents.Reason reason) => Raises.TryGetValue(reason, out var i) ? i : [];

    /// <summary>The reasons a revocation or a suspension can state: those that raise a term.</summary>
    public static IEnumerable<Agents.Reason> StatedReasons => Raises.Keys.Order();

    /// <summary>The suspension an incident triggers when the receiving state's ladder has none: default costs, at once.</summary>
    public static readonly InstrumentSpec DefaultSuspension = new() { Kind = InstrumentKind.FlightSuspension, GraceHours = 0 };


    /// <summary>A rung's name, as relations[].links refer to it: its id, or its kind.</summary>
    public static string NameOf(InstrumentSpec instrument) => instrument.Id.Length > 0 ? instrument.Id : Agents.Names.Camel(instrument.Kind);

    /// <summary>The linked instruments of a dyad: every name in either relation's links, on the sending state's
    /// ladder (unless lifted on compliance) or the receiving state's (each once per user), then every flight suspension on the receiving state's
    /// ladder, or the default one when its screening reports incidents (its relief is always what a suspended
    /// sending state asks for).</summary>
    public static IReadOnlyList<LinkedMeasure> Measures(ScenarioSpec spec, string sending, string receiving)
    {
        var links = spec.Relations.Where(r => (r.From == sending && r.To == receiving) || (r.From == receiving && r.To == sending))
            .SelectMany(r => r.Links).ToHashSet(StringComparer.Ordinal);
        var measures = new List<LinkedMeasure>();
        // Relief weights count in units of the default instrument's daily cost.
        double unit = spec.Negotiation.InstrumentDailyCost > 0 ? spec.Negotiation.InstrumentDailyCost : 1;
        foreach (var (country, bySending) in new[] { (sending, true), (receiving, false) })
            foreach (var group in spec.Countries.First(c => c.Id == country).Instruments.GroupBy(NameOf))
            {
                bool linked = links.Contains(group.Key) || (!bySending && group.Any(i => i.Kind == InstrumentKind.FlightSuspension));
                // What the statute lifts on compliance is not the talks' to trade.
                if (!linked || (bySending && group.All(i => i.LiftOn == LiftOn.Compliance))) continue;
                string target = bySending ? receiving : sending;
                // The strongest rung of that name sets the stakes.
                double toTarget = group.Max(i => InstrumentCosts.ToTarget(spec, i, country, target));
                double toUser = group.Max(i => Math.Max(0, InstrumentCosts.ToTarget(spec, i, country, target) - InstrumentCosts.ToSelf(spec, i, country, target)));
                measures.Add(new LinkedMeasure(country, group.Key, bySending, toTarget / unit, toUser / unit)
                {
                    SuspendsFlights = !bySending && group.Any(i => i.Kind == InstrumentKind.FlightSuspension),
                });
            }
        // Incidents suspend flights with the default suspension when the ladder has none (Country.Incident).
        bool incidents = spec.Agencies.Screening.FirstOrDefault(s => s.Country == receiving) is { IncidentRate: > 0 };
        if (incidents && !measures.Any(m => m.SuspendsFlights))
        {
            var d = DefaultSuspension;
            double toTarget = InstrumentCosts.ToTarget(spec, d, receiving, sending);
            measures.Add(new LinkedMeasure(receiving, NameOf(d), false, toTarget / unit,
                Math.Max(0, toTarget - InstrumentCosts.ToSelf(spec, d, receiving, sending)) / unit) { SuspendsFlights = true });
        }
        return measures;
    }
}

/// <summary>What an instrument costs each side per day, in utility units, in one place. Tariffs cost in proportion to
/// their rate and to the trade at risk: the target's exports to the user for the target, the user's exports to the
/// target for the user (retaliation and dearer imports), at negotiation.tariffDailyCost per unit of rate and of
/// export share unless the rung names its own cost per unit. Every other kind costs its rung's values, or the
/// defaults.</summary>
public static class InstrumentCosts
{
    /// <summary>What an instrument costs its user, as a share of its cost to the target, when its rung gives neither.</summary>
    public const double SelfShare = 0.25;

    private static bool IsTariff(InstrumentSpec i) => i.Kind is InstrumentKind.Tariff or InstrumentKind.CounterTariff;

    private static double Exposure(ScenarioSpec spec, string from, string to) =>
        (spec.Relations.FirstOrDefault(r => r.From == from && r.To == to) ?? new RelationSpec()).TradeExposure;

    public static double ToTarget(ScenarioSpec spec, InstrumentSpec i, string user, string target) =>
        Cost(spec, i, i.DailyCostToTarget, spec.Negotiation.InstrumentDailyCost, exporter: target, market: user);

    public static double ToSelf(ScenarioSpec spec, InstrumentSpec i, string user, string target) =>
        Cost(spec, i, i.DailyCostToSelf, spec.Negotiation.InstrumentDailyCost * SelfShare, exporter: user, market: target);

    /// <summary>A tariff hurts the side whose exports to the other it taxes or invites retaliation on, in proportion to
    /// its rate and to that export share; any other kind costs what its rung says, or the default.</summary>
    private static double Cost(ScenarioSpec spec, InstrumentSpec i, double? given, double fallback, string exporter, string market) =>
        IsTariff(i) ? (given ?? spec.Negotiation.TariffDailyCost) * i.Rate * Exposure(spec, exporter, market) : given ?? fallback;
}
