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
    /// <summary>The eight flight conditions: the whole package, as before agendas existed.</summary>
    public static readonly Issue[] Classic =
        [Issue.Aircraft, Issue.Restraints, Issue.Notice, Issue.WeeklyCap, Issue.PassengersPerFlight, Issue.Documentation, Issue.ThirdCountryNationals, Issue.Monitoring];

    public static readonly Agenda Flights = new(Classic, []);

    public bool Has(Issue issue) => Issues.Contains(issue);

    public override string ToString() => string.Join('+', Issues.Select(Agents.Names.Camel).Concat(Measures.Select(m => "relief:" + m.Key)));
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
    public static Terms StatusQuo(AcceptancePolicySpec p) => new(
        p.CivilianAircraftOnly ? AircraftKind.Charter : AircraftKind.Military, p.RestraintsAllowed, p.AdvanceNoticeHours, p.WeeklyFlightCap,
        p.MaxPassengersPerFlight, p.DocumentationStandard, p.AcceptThirdCountryNationals, p.MonitoringRequired)
    {
        HealthCertificates = p.HealthScreeningRequired, CaseByCase = p.CaseByCaseReview,
    };

    /// <summary>The policy with the named terms changed and every other field kept.</summary>
    public AcceptancePolicySpec ApplyTo(AcceptancePolicySpec policy) => policy with
    {
        CivilianAircraftOnly = Names(Issue.Aircraft) ? Aircraft != AircraftKind.Military : policy.CivilianAircraftOnly,
        RestraintsAllowed = Names(Issue.Restraints) ? Restraints : policy.RestraintsAllowed,
        AdvanceNoticeHours = Names(Issue.Notice) ? NoticeHours : policy.AdvanceNoticeHours,
        WeeklyFlightCap = Names(Issue.WeeklyCap) ? WeeklyCap : policy.WeeklyFlightCap,
        MaxPassengersPerFlight = Names(Issue.PassengersPerFlight) ? PassengersPerFlight : policy.MaxPassengersPerFlight,
        DocumentationStandard = Names(Issue.Documentation) ? Documentation : policy.DocumentationStandard,
        AcceptThirdCountryNationals = Names(Issue.ThirdCountryNationals) ? ThirdCountryNationals : policy.AcceptThirdCountryNationals,
        MonitoringRequired = Names(Issue.Monitoring) ? Monitoring : policy.MonitoringRequired,
        HealthScreeningRequired = Names(Issue.Health) ? HealthCertificates : policy.HealthScreeningRequired,
        CaseByCaseReview = Names(Issue.CaseByCase) ? CaseByCase : policy.CaseByCaseReview,
    };

    /// <summary>Each term as its own event field (term.aircraft, term.restraints, ...), so tables get one column per
    /// term; a term the agreement does not name is an empty text. term.lifted and term.kept list the linked
    /// instruments (by.instrument, ';'-separated). This is the one list of terms.</summary>
    public IEnumerable<Simulation.Field> Fields()
    {
        // The prefix tells consumers (metrics, the live page) which fields are terms.
        static string Key(string term) => Simulation.EventFields.TermPrefix + term;
        Simulation.Field F(Issue i, string term, Func<string, Simulation.Field> f) => Names(i) ? f(Key(term)) : Simulation.Field.Of(Key(term), "");
        return
        [
            F(Issue.Aircraft, "aircraft", k => Simulation.Field.Of(k, Agents.Names.Camel(Aircraft))),
            F(Issue.Restraints, "restraints", k => Simulation.Field.Of(k, Restraints)),
            F(Issue.Notice, "noticeHours", k => Simulation.Field.Of(k, NoticeHours)),
            F(Issue.WeeklyCap, "weeklyCap", k => Simulation.Field.Of(k, WeeklyCap)),
            F(Issue.PassengersPerFlight, "passengersPerFlight", k => Simulation.Field.Of(k, PassengersPerFlight)),
            F(Issue.Documentation, "documentation", k => Simulation.Field.Of(k, Agents.Names.Camel(Documentation))),
            F(Issue.ThirdCountryNationals, "thirdCountryNationals", k => Simulation.Field.Of(k, ThirdCountryNationals)),
            F(Issue.Monitoring, "monitoring", k => Simulation.Field.Of(k, Monitoring)),
            F(Issue.Health, "health", k => Simulation.Field.Of(k, HealthCertificates)),
            F(Issue.Assurances, "assurances", k => Simulation.Field.Of(k, Assurances)),
            F(Issue.CaseByCase, "caseByCase", k => Simulation.Field.Of(k, CaseByCase)),
            F(Issue.Payment, "payment", k => Simulation.Field.Of(k, Paid)),
            Simulation.Field.Of(Key("lifted"), string.Join(';', Relief.Where(r => r.Lifted).Select(r => r.Key))),
            Simulation.Field.Of(Key("kept"), string.Join(';', Relief.Where(r => !r.Lifted).Select(r => r.Key))),
        ];
    }

    public override string ToString()
    {
        var parts = new List<string>();
        var c = System.Globalization.CultureInfo.InvariantCulture;
        foreach (var i in Named)
            parts.Add(i switch
            {
                Issue.Aircraft => $"aircraft={Aircraft}",
                Issue.Restraints => $"restraints={Restraints}",
                Issue.Notice => string.Create(c, $"notice={NoticeHours}h"),
                Issue.WeeklyCap => $"cap={(WeeklyCap == 0 ? "none" : WeeklyCap.ToString(c))}",
                Issue.PassengersPerFlight => $"passengers={PassengersPerFlight}",
                Issue.Documentation => $"documents={Documentation}",
                Issue.ThirdCountryNationals => $"thirdCountry={ThirdCountryNationals}",
                Issue.Monitoring => $"monitoring={Monitoring}",
                Issue.Health => $"health={HealthCertificates}",
                Issue.Assurances => $"assurances={Assurances}",
                Issue.CaseByCase => $"caseByCase={CaseByCase}",
                _ => $"payment={Paid}",
            });
        foreach (var r in Relief) parts.Add($"{r.Key}={(r.Lifted ? "lifted" : "kept")}");
        return string.Join(' ', parts);
    }
}

/// <summary>
/// Maps terms to positions x ∈ [0, 1] per issue, where 1 is the sending state's preferred end and 0 the receiving
/// state's, so both sides' linear additive utilities are read off the same vector: the eleven terms in
/// <see cref="Issue"/> order, then one position per linked instrument of the agenda (1: relief the sending state
/// prefers, i.e. the receiving state's instrument lifted or the sending state's kept).
/// </summary>
public sealed class IssueSpace(NegotiationSpec settings, Agenda? agenda = null)
{
    public const int Fixed = 12;

    public Agenda Agenda { get; } = agenda ?? Agenda.Flights;

    public int Count => Fixed + Agenda.Measures.Count;

    public double[] Positions(Terms t)
    {
        var x = new double[Count];
        x[0] = t.Aircraft switch { AircraftKind.Military => 1, AircraftKind.Charter => 0.5, _ => 0 };
        x[1] = t.Restraints ? 1 : 0;
        x[2] = 1 - Math.Clamp(t.NoticeHours / settings.MaxNoticeHours, 0, 1);
        // Caps of 1..max flights sit at (cap − 1)/max; no cap at all is the sending state's end, 1.
        x[3] = t.WeeklyCap == 0 ? 1 : Math.Clamp((double)(t.WeeklyCap - 1) / settings.MaxWeeklyCap, 0, 1);
        x[4] = Math.Clamp((double)(t.PassengersPerFlight - settings.MinPassengers) / Math.Max(1, settings.MaxPassengers - settings.MinPassengers), 0, 1);
        x[5] = t.Documentation switch { DocumentStandard.Any => 1, DocumentStandard.Partial => 0.5, _ => 0 };
        x[6] = t.ThirdCountryNationals ? 1 : 0;
        x[7] = t.Monitoring ? 0 : 1;
        x[8] = t.HealthCertificates ? 0 : 1;
        x[9] = t.Assurances ? 0 : 1;
        x[10] = t.CaseByCase ? 0 : 1;
        x[11] = t.Paid ? 0 : 1;
        for (int k = 0; k < Agenda.Measures.Count; k++)
        {
            var m = Agenda.Measures[k];
            bool lifted = t.Relief.FirstOrDefault(r => r.Key == m.Key)?.Lifted ?? false;
            x[Fixed + k] = m.BySending ? (lifted ? 0 : 1) : (lifted ? 1 : 0);
        }
        return x;
    }

    /// <summary>Terms at the given positions, naming the agenda's terms. Each position is rounded to a level of its
    /// issue, toward the end the proposer prefers, so an offer never gives its author less than it aimed for.</summary>
    public Terms FromPositions(double[] x, bool proposerIsSending)
    {
        double Snap(double v, int levels)
        {
            double scaled = v * (levels - 1);
            double r = proposerIsSending ? Math.Ceiling(scaled - 1e-9) : Math.Floor(scaled + 1e-9);
            return Math.Clamp(r / (levels - 1), 0, 1);
        }
        var aircraft = Snap(x[0], 3) switch { 1 => AircraftKind.Military, 0.5 => AircraftKind.Charter, _ => AircraftKind.ReceivingState };
        double notice = Math.Round((1 - Snap(x[2], (int)settings.MaxNoticeHours + 1)) * settings.MaxNoticeHours, 6);
        double capX = Snap(x[3], settings.MaxWeeklyCap + 1);
        int cap = capX >= 1 ? 0 : Math.Min(settings.MaxWeeklyCap, 1 + (int)Math.Round(capX * settings.MaxWeeklyCap));
        int span = Math.Max(1, settings.MaxPassengers - settings.MinPassengers);
        int passengers = settings.MinPassengers + (int)Math.Round(Snap(x[4], span + 1) * span);
        var docs = Snap(x[5], 3) switch { 1 => DocumentStandard.Any, 0.5 => DocumentStandard.Partial, _ => DocumentStandard.Verified };
        var relief = Agenda.Measures.Count == 0 ? null : Agenda.Measures.Select((m, k) =>
        {
            bool atSending = Snap(x[Fixed + k], 2) == 1;
            return new Relief(m.By, m.Instrument, m.BySending ? !atSending : atSending);
        }).ToArray();
        var terms = new Terms(aircraft, Snap(x[1], 2) == 1, notice, cap, passengers, docs, Snap(x[6], 2) == 1, Snap(x[7], 2) == 0)
        {
            HealthCertificates = Snap(x[8], 2) == 0, Assurances = Snap(x[9], 2) == 0, CaseByCase = Snap(x[10], 2) == 0,
            Paid = Snap(x[11], 2) == 0,
            Named = Agenda.Issues,
        };
        return relief is null ? terms : terms with { Relief = relief };
    }

    /// <summary>The positions each issue can take, from 0 to 1.</summary>
    public double[][] Levels() =>
    [
        Steps(2), Steps(1), Steps((int)settings.MaxNoticeHours), Steps(settings.MaxWeeklyCap),
        Steps(Math.Max(1, settings.MaxPassengers - settings.MinPassengers)), Steps(2), Steps(1), Steps(1),
        Steps(1), Steps(1), Steps(1), Steps(1), .. Agenda.Measures.Select(_ => Steps(1)),
    ];

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
        var fixedWeights = FixedWeights(w);
        double[] raw = [.. fixedWeights, .. agenda.Measures.Select(m => w.Relief * (m.BySending == sending ? m.UserStake : m.TargetStake))];
        var on = raw.Select((_, i) => i >= IssueSpace.Fixed || agenda.Has((Issue)i)).ToArray();
        for (int i = 0; i < raw.Length; i++) if (!on[i]) raw[i] = 0;
        double sum = raw.Sum();
        // Everything this side weighs in the relation: every flight term, on the agenda or not, a payment when one
        // was asked for (it is then on every agenda), and the relief of the agenda's linked measures.
        double all = fixedWeights.Sum() - (agenda.Has(Issue.Payment) ? 0 : w.Payment) + raw.Skip(IssueSpace.Fixed).Sum();
        Stake = all > 0 ? sum / all : 1;
        int count = on.Count(b => b);
        Weights = sum > 0 ? raw.Select(v => v / sum).ToArray() : on.Select(b => b ? 1.0 / Math.Max(1, count) : 0).ToArray();
        Sending = sending;
    }

    private static double[] FixedWeights(IssueWeightsSpec w) =>
        [w.Aircraft, w.Restraints, w.Notice, w.WeeklyCap, w.PassengersPerFlight, w.Documentation, w.ThirdCountryNationals, w.Monitoring, w.Health, w.Assurances, w.CaseByCase, w.Payment];

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
    /// <summary>The terms a refusal reason raises: a flight refused for its aircraft puts the aircraft on the table,
    /// one refused for documents the documentation standard, and so on. A grievance over treatment (restraints,
    /// unaccompanied minors, a suspension after an incident) also raises assurances, its cheap settlement; a
    /// suspension's relief is a linked instrument. A pending legal process or a turn-back raises nothing of its own.</summary>
    private static readonly Dictionary<Agents.Reason, Issue[]> Raises = new()
    {
        [Agents.Reason.AircraftType] = [Issue.Aircraft],
        [Agents.Reason.MissingNotice] = [Issue.Notice],
        [Agents.Reason.CapReached] = [Issue.WeeklyCap],
        [Agents.Reason.Restraints] = [Issue.Restraints, Issue.Assurances],
        [Agents.Reason.HealthScreening] = [Issue.Health],
        [Agents.Reason.MedicalClearance] = [Issue.Health],
        [Agents.Reason.Monitoring] = [Issue.Monitoring],
        [Agents.Reason.PassengerLimit] = [Issue.PassengersPerFlight],
        [Agents.Reason.ProceduralIrregularities] = [Issue.Documentation],
        [Agents.Reason.UnverifiedDocuments] = [Issue.Documentation],
        [Agents.Reason.MissingDocuments] = [Issue.Documentation],
        [Agents.Reason.DisputedDocuments] = [Issue.Documentation],
        [Agents.Reason.ThirdCountryNational] = [Issue.ThirdCountryNationals],
        [Agents.Reason.UnaccompaniedMinor] = [Issue.Assurances],
        [Agents.Reason.Suspended] = [Issue.Assurances],
        [Agents.Reason.DisputedIdentity] = [Issue.CaseByCase],
    };

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
    /// ladder or the receiving state's (each once per user), then every flight suspension on the receiving state's
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
                if (!linked) continue;
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
