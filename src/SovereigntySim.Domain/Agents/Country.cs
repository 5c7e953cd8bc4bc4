using SovereigntySim.Domain.Bargaining;
using SovereigntySim.Domain.Scenario;
using SovereigntySim.Domain.Simulation;

namespace SovereigntySim.Domain.Agents;

/// <summary>
/// A state. As a receiving state it sets the acceptance policy its screening applies. Its political state (domestic
/// pressure, sovereignty salience, audience costs, tension toward each partner, exposure to each partner's trade)
/// moves with refusals, treatment alerts, observers' assessments and sanctions. As a sending state it opens disputes
/// over refused flights and climbs its escalation ladder by decision (Fearon 1994): it threatens when the concession a
/// credible threat is expected to force outweighs what the threat may cost it, applies a threat at the end of its
/// grace period only if that still beats backing down, and lifts a measure no longer worth its cost. As a target it
/// counter-escalates when its audience's sovereignty concerns and the concession it can force outweigh the cost.
/// Its commitment to its threats is private, drawn per run; the record of its threats carried out or not is public.
/// </summary>
public sealed partial class Country : Agent
{
    private readonly CountrySpec _spec;
    private AcceptancePolicySpec _policy;
    private double _pressure;
    private readonly Dictionary<string, double> _tension = new(StringComparer.Ordinal);
    private readonly SortedDictionary<string, Dispute> _disputes = new(StringComparer.Ordinal);
    private readonly Dictionary<string, long> _agreedAt = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> _nextRung = new(StringComparer.Ordinal);
    private readonly Dictionary<string, List<Measure>> _imposed = new(StringComparer.Ordinal);
    private readonly Dictionary<string, List<Measure>> _suffered = new(StringComparer.Ordinal);
    private readonly Dictionary<string, BargainingView> _views = new(StringComparer.Ordinal);
    // The public record of threats: how credible each partner's threats are, and how credible ours are to each partner.
    private readonly Dictionary<string, Credibility> _credibilityOf = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Credibility> _ownCredibility = new(StringComparer.Ordinal);
    private readonly HashSet<(string Partner, int Rung)> _reserved = [];
    // Measures an agreement kept in force until the partner has taken back enough people after it: the first plane
    // (a relief the agreement kept; Colombia, Jan 2025) or a share of those at issue (lifted on compliance, INA 243(d)).
    private readonly Dictionary<string, List<KeptMeasure>> _kept = new(StringComparer.Ordinal);
    // People each such partner has taken back since the agreement.
    private readonly Dictionary<string, int> _returnedSinceAgreement = new(StringComparer.Ordinal);
    private double _commitment;
    private bool _changed;
    private bool _yielded;
    // A new government took office: its predecessor's linked demands are dropped.
    private bool _demandsDropped;

    public Country(string id, World world) : base(id, world)
    {
        _spec = world.Countries[AgentIds.NameOf(id)];
        _policy = _spec.Acceptance;
        _pressure = Self.Politics.DomesticPressure;
        foreach (var r in world.Spec.Relations.Where(r => r.From == _spec.Id)) _tension[r.To] = r.Tension;
        _commitment = DrawCommitment();
    }

    /// <summary>The private commitment to threats, drawn from this country's stream (at creation, and by a new government).</summary>
    private double DrawCommitment() => PrivateType.Draw(Random, Self.Politics.ThreatCredibility, World.Negotiation.TypeSpread);

    private double Horizon => World.Negotiation.CostHorizonDays;

    /// <summary>This state as the administration in office now governs it: its ladder, threat politics and payments.</summary>
    private CountrySpec Self => World.CountryAt(_spec.Id, Now);

    /// <summary>What backing down costs this country with its audience: leaving a threat unexecuted or lifting a
    /// measure without a deal.</summary>
    private double BackDownCost => _commitment * Self.Politics.ThreatAudienceCost;

    private Credibility CredibilityOf(string partner) => _credibilityOf.TryGetValue(partner, out var c) ? c
        : _credibilityOf[partner] = new Credibility(World.CountryAt(partner, Now).Politics.ThreatCredibility, World.Negotiation.TypeSpread);

    private Credibility OwnCredibility(string partner) => _ownCredibility.TryGetValue(partner, out var c) ? c
        : _ownCredibility[partner] = new Credibility(Self.Politics.ThreatCredibility, World.Negotiation.TypeSpread);

    protected override void On(string from, IMessage message)
    {
        switch (message)
        {
            case Start:
                Log(EventKinds.CountryType, null, null, Field.Of("commitment", Math.Round(_commitment, 6)), Field.Of("backDownCost", Math.Round(BackDownCost, 6)));
                WakeAt(Clock.DayEnd(Now), "day");
                for (int i = 0; i < _spec.Administrations.Count; i++)
                    WakeAt(World.TickOf(_spec.Administrations[i].At), "administration", i);
                break;
            case Wake { Purpose: "administration" } w: NewAdministration((int)w.Ref); break;
            case AdministrationChanged c: _credibilityOf.Remove(c.Country); _changed = true; break;
            case Wake { Purpose: "day" }: Day(); break;
            case Wake { Purpose: "apply" } w: ApplyThreat(World.Spec.Countries[(int)(w.Ref >> 16)].Id, (int)(w.Ref & 0xFFFF)); break;
            case ScriptedEvent s: Script(s.Spec); break;
            case FlightReport r when r.Origin == _spec.Id: FlightOutcome(r); break;
            case FirstLanding f: LiftKept(f.Partner, returned: 1); break;
            case FlightIncident i: Incident(i); break;
            case TreatmentAlert a: Raise(a.Pressure); break;
            case Assessment a: Reputation(a); break;
            case BargainingView v: _views[v.Partner] = v; ConsiderThreat(v.Partner); break;
            case InstrumentThreatened t: Suffer(t.By, t.Instrument, t.DailyCost, applied: false); break;
            case InstrumentApplied a: Suffer(a.By, a.Instrument, a.DailyCost, applied: true, a.Stated); break;
            case InstrumentNotExecuted n: NotExecuted(n); break;
            case InstrumentsLifted l: Lifted(l); break;
            case NegotiationOpened o: Opened(o); break;
            case AgreementReached a: Agreed(a); break;
            case NegotiationEnded e: Ended(e); break;
        }
    }

    protected override void AfterInbox()
    {
        if (!_changed) return;
        _changed = false;
        if (World.MinistryOf(_spec.Id) is not { } ministry) return;
        // Also between negotiations: the ministry decides whether to resume.
        foreach (var (partner, d) in _disputes) Send(AgentIds.Ministry(ministry.Id), State(partner, d));
    }

    private PoliticalState State(string partner, Dispute d)
    {
        var p = Self.Politics;
        // Audience costs grow with the time spent in public confrontation and with how tense it has become.
        double audience = d.ConfrontedSince is { } since ? p.AudienceCostPerDay * Clock.Days(Now - since) * (1 + _tension.GetValueOrDefault(partner)) : 0;
        double daily = DailyCost(partner, d);
        double delay = d.Accrued + daily * World.Negotiation.CostHorizonDays;
        bool escalating = PendingThreat(partner) is not null || (d.Sending && ThreatCase(partner) is { Worth: true });
        return new PoliticalState(partner, d.Sending, _pressure, p.RatificationWeight * _pressure, audience, delay, daily, escalating, d.Sending ? null : _policy,
            d.Sending ? 0 : LinkedDemandOn(partner).Value);
    }

    /// <summary>What this state demands of the partner outside the flight terms (relations[].linkedDemand, and a
    /// payment asked of a partner that does not pay), and how far it raises its floor: until a new government drops it.</summary>
    private (string Text, double Value) LinkedDemandOn(string partner)
    {
        if (_demandsDropped || World.Spec.Relations.FirstOrDefault(r => r.From == _spec.Id && r.To == partner) is not { } r) return ("", 0);
        string payment = World.CountryAt(partner, Now).Pays ? "" : r.PaymentDemand;
        string text = string.Join("; ", new[] { r.LinkedDemand, payment }.Where(t => t.Length > 0));
        return text.Length > 0 ? (text, World.Negotiation.LinkedDemandValue) : ("", 0);
    }

    /// <summary>What one more day of the dispute costs this state, in utility units.</summary>
    private double DailyCost(string partner, Dispute d)
    {
        double cost = 0;
        // A threat counts as much as the threatening state's record makes it credible.
        foreach (var m in _suffered.GetValueOrDefault(partner) ?? []) cost += m.Applied ? m.DailyCost : m.DailyCost * CredibilityOf(partner).Mean;
        foreach (var m in _imposed.GetValueOrDefault(partner) ?? []) if (m.Applied) cost += SelfCost(m.Instrument, partner);
        if (d.Sending) cost += World.Negotiation.StrandedBedDayCost * d.Stranded + d.Reputation;
        else cost += ShadowOfEscalation(partner);
        return cost;
    }

    /// <summary>A receiving state in a dispute also reckons with what the sending state has not used yet: the next
    /// rung of its public ladder, at its cost to us, as likely as its record of carrying threats out makes it. Settling
    /// removes that risk, so a deal no better than the status quo is still worth more than a standoff.</summary>
    private double ShadowOfEscalation(string partner)
    {
        var used = _suffered.GetValueOrDefault(partner) ?? [];
        var next = World.CountryAt(partner, Now).Instruments.FirstOrDefault(i => !used.Any(m => m.Instrument == i));
        return next is null ? 0 : InstrumentCosts.ToTarget(World.Spec, next, partner, _spec.Id) * CredibilityOf(partner).Mean;
    }

    private void Day()
    {
        var p = Self.Politics;
        _pressure = p.DomesticPressure + (_pressure - p.DomesticPressure) * (1 - p.PressureDecayPerDay);
        foreach (var (partner, d) in _disputes) d.Accrued += DailyCost(partner, d);
        ConsiderLifting();
        foreach (var partner in _disputes.Keys) ConsiderThreat(partner);
        var fields = new List<Field> { Field.Of(EventFields.Pressure, Math.Round(_pressure, 6)) };
        foreach (var (partner, t) in _tension.OrderBy(kv => kv.Key, StringComparer.Ordinal)) fields.Add(Field.Of(EventFields.TensionPrefix + partner, Math.Round(t, 6)));
        foreach (var (partner, d) in _disputes) fields.Add(Field.Of(EventFields.DisputeCostPrefix + partner, Math.Round(d.Accrued, 6)));
        Log(EventKinds.CountryDay, null, null, [.. fields]);
        // Enough domestic pressure changes the policy itself (e.g. no more restraints after advocates' alerts).
        if (!_yielded && p.PolicyUnderPressure is { } patch && _pressure >= p.PressureThreshold)
        {
            _yielded = true;
            SetPolicy(Patch(_policy, patch), "domestic pressure");
        }
        _changed = true;
        WakeAt(Clock.NextDayEnd(Now), "day");
    }

    private void Raise(double amount)
    {
        _pressure = Math.Clamp(_pressure + amount, 0, 1);
        _changed = true;
    }

    private void AddTension(string partner, double amount) =>
        _tension[partner] = Math.Clamp(_tension.GetValueOrDefault(partner) + amount, 0, 1);

    private Dispute DisputeWith(string partner, bool sending)
    {
        if (!_disputes.TryGetValue(partner, out var d))
        {
            _disputes[partner] = d = new Dispute { Sending = sending };
            var demand = sending ? ("", 0) : LinkedDemandOn(partner);
            Log(EventKinds.DisputeOpened, AgentIds.Country(partner), null, [Field.Of("role", sending ? "sending" : "receiving"),
                .. demand.Value > 0 ? [Field.Of("linkedDemand", demand.Text), Field.Of("linkedDemandValue", demand.Value)] : Array.Empty<Field>()]);
        }
        return d;
    }

    private void FlightOutcome(FlightReport r)
    {
        if (r.Status == FlightStatus.Landed && _kept.ContainsKey(r.Destination)) Returned(r.Destination, r.Passengers);
        if (r.Status is not (FlightStatus.Refused or FlightStatus.TurnedBack)) return;
        // A flight planned before the latest agreement was refused under the old terms: no new dispute over it.
        if (_agreedAt.TryGetValue(r.Destination, out var agreed) && r.ManifestTick < agreed) return;
        AddTension(r.Destination, r.Status == FlightStatus.TurnedBack ? 0.1 : 0.05);
        var d = DisputeWith(r.Destination, sending: true);
        d.Refusals++;
        d.Stranded += r.Passengers; // people held in detention (bed-days) until the dispute ends
        Grieve(d, r.Destination, r.Reasons);
        _changed = true;
        var n = World.Negotiation;
        // Only the dispute's first negotiation opens on refusals: after talks end, resuming them is the ministries' decision.
        if (n.Enabled && !d.Negotiating && !d.Negotiated && d.Refusals >= n.OpenAfterRefusals)
        {
            d.Negotiating = true;
            Send(AgentIds.Negotiation(_spec.Id, r.Destination), new OpenNegotiation(_spec.Id, r.Destination,
                $"{d.Refusals} flight(s) refused or turned back: {string.Join(", ", r.Reasons.Select(Names.Camel))}", [.. d.Issues]));
        }
    }

    /// <summary>The grievance sets the agenda: each reason raises its terms; talks under way take the new ones up.</summary>
    private void Grieve(Dispute d, string partner, IEnumerable<Reason> reasons)
    {
        bool grew = false;
        foreach (var reason in reasons) foreach (var issue in Grievance.IssuesOf(reason)) grew |= d.Issues.Add(issue);
        if (grew && d.Negotiated && World.Negotiation.Enabled) Send(AgentIds.Negotiation(_spec.Id, partner), new GrievanceGrew([.. d.Issues]));
    }

    private void Reputation(Assessment a)
    {
        foreach (var d in _disputes.Values) if (d.Sending) d.Reputation += a.Cost;
        _changed = true;
    }

    private void Opened(NegotiationOpened o)
    {
        bool sending = o.Sending == _spec.Id;
        string partner = sending ? o.Receiving : o.Sending;
        var d = DisputeWith(partner, sending);
        d.Negotiating = true;
        d.Negotiated = true;
        _reserved.RemoveWhere(r => r.Partner == partner);
        // The receiving state refused in public: backing down from here costs it with its audience (Fearon 1994).
        if (!sending) d.ConfrontedSince ??= Now;
        _changed = true;
    }

    private void Agreed(AgreementReached a)
    {
        bool receiving = a.Receiving == _spec.Id;
        string partner = receiving ? a.Sending : a.Receiving;
        if (receiving) SetPolicy(a.Terms.ApplyTo(_policy), $"agreement with {a.Sending}");
        else foreach (var agency in World.EnforcementAgenciesOf(_spec.Id)) Send(agency, new TermsAgreed(a.Receiving, a.Terms));
        Settle(partner, a.Terms, sending: !receiving);
        // Both ladders start again from the bottom: a new dispute is a new confrontation. The record of threats stays.
        // Rungs still in use (kept until compliance or the first landing) are not threatened again.
        _nextRung.Remove(partner);
        if (FirstRungNotInUse(partner) is > 0 and var rung) _nextRung[partner] = rung;
        _views.Remove(partner);
        _reserved.RemoveWhere(r => r.Partner == partner);
        AddTension(partner, -0.2);
        _disputes.Remove(partner);
        _agreedAt[partner] = Now;
        _changed = true;
    }

    /// <summary>What the agreement says about this side's instruments against the partner: an instrument of the sending
    /// side lifted on compliance stays until the partner has taken back its share of the people at issue (INA 243(d):
    /// the sanction ends when the country accepts its nationals, not when it promises to); a linked instrument is
    /// lifted or kept as the agreement lists it (kept until the first flight lands after it; Colombia, Jan 2025);
    /// every other instrument is lifted (the dispute it served is over).</summary>
    private void Settle(string partner, Terms terms, bool sending)
    {
        if (!_imposed.Remove(partner, out var list)) return;
        var kept = new List<KeptMeasure>();
        foreach (var m in list)
        {
            // A sanction lifted on compliance is also threatened for non-compliance: its deadline is about people taken
            // back, not about a promise, so a threat of it pending at the agreement stays until its date (INA 243(d)
            // is triggered by a state that "denies or unreasonably delays accepting" its nationals).
            if (sending && m.Instrument.LiftOn == LiftOn.Compliance) kept.Add(new KeptMeasure(m, LiftOn.Compliance, ReturnsForCompliance(partner)));
            else if (!m.Applied) continue;
            else if (terms.Relief.FirstOrDefault(r => r.By == _spec.Id && r.Instrument == Grievance.NameOf(m.Instrument)) is { Lifted: false })
                kept.Add(new KeptMeasure(m, LiftOn.Agreement, 1));
        }
        var lifted = list.Where(m => !kept.Any(k => k.Measure == m)).ToList();
        if (terms.Relief.Count == 0 && kept.Count == 0)
        {
            Withdrawn(partner, lifted);
            Log(EventKinds.InstrumentLifted, AgentIds.Country(partner), ["agreement"]);
            Send(AgentIds.Country(partner), new InstrumentsLifted(_spec.Id));
            return;
        }
        foreach (var m in lifted) Lift(partner, m, "agreement", []);
        foreach (var k in kept)
            Log(EventKinds.InstrumentKept, AgentIds.Country(partner), ["agreement"], [Field.Of(EventFields.Instrument, Grievance.NameOf(k.Measure.Instrument)),
                .. k.Until == LiftOn.Compliance ? [Field.Of("until", "compliance"), Field.Of("needed", k.Needed)] : new[] { Field.Of("until", "firstLanding") },
                Field.Of("applied", k.Measure.Applied)]);
        if (kept.Count == 0) return;
        _imposed[partner] = [.. kept.Select(k => k.Measure)];
        _kept[partner] = kept;
        _returnedSinceAgreement[partner] = 0;
    }

    /// <summary>How many people the partner must take back after an agreement for a sanction lifted on compliance to
    /// end: negotiation.complianceShare of those at issue (every population bound for it, at the start), at least one.</summary>
    private int ReturnsForCompliance(string partner)
    {
        long atIssue = World.Spec.Populations.Where(p => p.Destination == partner).Sum(p => (long)p.Initial);
        return (int)Math.Clamp(Math.Ceiling(World.Negotiation.ComplianceShare * atIssue), 1, int.MaxValue);
    }

    /// <summary>A flight landed in a partner while measures are kept after an agreement: the first landing lifts
    /// what was kept until it, on both sides; each landing counts towards compliance.</summary>
    private void Returned(string partner, int people)
    {
        int before = _returnedSinceAgreement.GetValueOrDefault(partner);
        LiftKept(partner, returned: _returnedSinceAgreement[partner] = before + people);
        if (before == 0) Send(AgentIds.Country(partner), new FirstLanding(_spec.Id));
    }

    /// <summary>Lifts the kept measures whose condition <paramref name="returned"/> people taken back meets (a
    /// measure lifted meanwhile is only forgotten).</summary>
    private void LiftKept(string partner, int returned)
    {
        if (!_kept.TryGetValue(partner, out var kept)) return;
        var list = _imposed.GetValueOrDefault(partner);
        foreach (var k in kept.Where(k => k.Needed <= Math.Max(returned, 1)).ToList())
        {
            kept.Remove(k);
            if (list is null || !list.Remove(k.Measure)) continue;
            // Complied with before its date: the threat lapses, and nobody backed down.
            if (!k.Measure.Applied) Lapse(partner, k.Measure.Instrument, "compliance", Field.Of("returned", returned), Field.Of("needed", k.Needed));
            else if (k.Until == LiftOn.Compliance) Lift(partner, k.Measure, "compliance", [Field.Of("returned", returned), Field.Of("needed", k.Needed)]);
            else Lift(partner, k.Measure, "firstLanding", []);
        }
        if (list is { Count: 0 }) _imposed.Remove(partner);
        ForgetKeptIfNone(partner);
    }

    /// <summary>Once nothing is kept against the partner any more, its count of people taken back is forgotten too.</summary>
    private void ForgetKeptIfNone(string partner)
    {
        if (_kept.TryGetValue(partner, out var kept) && kept.Count > 0) return;
        _kept.Remove(partner);
        _returnedSinceAgreement.Remove(partner);
    }

    /// <summary>A threat lapses without being carried out (<paramref name="reason"/>: nothing in dispute, the partner
    /// complied, or its administration left office): nobody backed down, so the partner's record of our threats stays.</summary>
    private void Lapse(string partner, InstrumentSpec instrument, string reason, params Field[] why)
    {
        Log(EventKinds.InstrumentNotExecuted, AgentIds.Country(partner), [reason], [Field.Of(EventFields.Instrument, Names.Camel(instrument.Kind)), .. why]);
        Send(AgentIds.Country(partner), new InstrumentNotExecuted(_spec.Id, instrument, Lapsed: true));
    }

    /// <summary>One measure lifted: the partner is told, and a flight suspension ends at the screening.</summary>
    private void Lift(string partner, Measure m, string reason, IReadOnlyList<Field> why)
    {
        Withdrawn(partner, [m]);
        Log(EventKinds.InstrumentLifted, AgentIds.Country(partner), [reason], [Field.Of(EventFields.Instrument, Names.Camel(m.Instrument.Kind)), .. why]);
        Send(AgentIds.Country(partner), new InstrumentsLifted(_spec.Id, m.Instrument));
    }

    /// <summary>A flight suspension no longer in force stops refusing the partner's flights.</summary>
    private void Withdrawn(string partner, IEnumerable<Measure> measures)
    {
        if (measures.Any(m => m.Applied && m.Instrument.Kind == InstrumentKind.FlightSuspension) && World.ScreeningOf(_spec.Id) is { } screening)
            Send(screening, new SuspendFlights(partner, false, 0));
    }

    /// <summary>An incident on a landed flight: the country suspends the origin's flights at once with the first
    /// flight suspension of its ladder not in force (or one with the default costs when its ladder has none).</summary>
    private void Incident(FlightIncident i)
    {
        var inForce = _imposed.GetValueOrDefault(i.Origin) ?? [];
        if (inForce.Any(m => m.Applied && m.Instrument.Kind == InstrumentKind.FlightSuspension)) return;
        var spec = Self.Instruments.FirstOrDefault(x => x.Kind == InstrumentKind.FlightSuspension && !inForce.Any(m => m.Instrument == x))
            ?? Grievance.DefaultSuspension;
        AddTension(i.Origin, 0.05);
        Apply(i.Origin, spec, TargetCost(spec, i.Origin), ["incident", .. (i.Stated ?? []).Select(Names.Camel)], [Field.Of("flight", i.Flight)], i.Stated);
    }

    private void Ended(NegotiationEnded e)
    {
        string partner = e.Sending == _spec.Id ? e.Receiving : e.Sending;
        if (_disputes.TryGetValue(partner, out var d))
        {
            d.Negotiating = false;
            d.TalksFailed |= e.Outcome is NegotiationOutcomes.Breakdown or NegotiationOutcomes.Deadline;
        }
        if (e.Outcome == NegotiationOutcomes.Breakdown) AddTension(partner, 0.15);
        _changed = true;
    }

    private void Script(ScriptedEventSpec s)
    {
        Log(EventKinds.Script(s.Kind), s.Against.Length > 0 ? AgentIds.Country(s.Against) : null, null,
            s.Note.Length > 0 ? [Field.Of("note", s.Note)] : []);
        switch (s.Kind)
        {
            case ScriptedEventKind.SetPolicy: SetPolicy(Patch(_policy, s.Policy!), s.Note.Length > 0 ? s.Note : "scripted"); break;
            case ScriptedEventKind.Threaten: Scripted(s.Against, s.Instrument, immediate: false); break;
            case ScriptedEventKind.Impose: Scripted(s.Against, s.Instrument, immediate: true, s.Reasons); break;
            case ScriptedEventKind.Lift:
                if (!_imposed.Remove(s.Against, out var all)) break;
                Withdrawn(s.Against, all);
                _kept.Remove(s.Against);
                _returnedSinceAgreement.Remove(s.Against);
                Send(AgentIds.Country(s.Against), new InstrumentsLifted(_spec.Id));
                Log(EventKinds.InstrumentLifted, AgentIds.Country(s.Against), ["scripted"]);
                break;
            case ScriptedEventKind.RevokeClearances:
                if (World.ScreeningOf(_spec.Id) is { } screening) Send(screening, new RevokeClearances(s.Note, s.Reasons));
                break;
            case ScriptedEventKind.GovernmentChange: NewGovernment(); break;
            case ScriptedEventKind.SetPressure: _pressure = s.Value ?? _pressure; _changed = true; break;
        }
    }

    private static AcceptancePolicySpec Patch(AcceptancePolicySpec p, PolicyPatchSpec patch)
    {
        foreach (var f in FlightConditions.PolicyFields) p = f.Patched(p, patch);
        return p;
    }

    private void SetPolicy(AcceptancePolicySpec policy, string cause)
    {
        _policy = policy;
        _changed = true;
        Log(EventKinds.CountryPolicyChanged, null, [cause],
            [.. FlightConditions.PolicyFields.Select(f => f.Logged(policy))]);
        // Announced policies are public: the screening applies them, other states' enforcement plans by them.
        var change = new PolicyChanged(_spec.Id, policy, cause);
        if (World.ScreeningOf(_spec.Id) is { } screening) Send(screening, change);
        foreach (var e in World.Spec.Agencies.Enforcement.Where(e => e.Country != _spec.Id)) Send(AgentIds.Enforcement(e.Id), change);
    }

    /// <summary>A new government (an election, as in Gambia in December 2016): it owes its audience nothing for its
    /// predecessor's stand, so audience costs start again; it drops the predecessor's linked demands; and its
    /// commitment and its negotiators' types are drawn again from the same priors.</summary>
    private void NewGovernment()
    {
        _demandsDropped = true;
        _commitment = DrawCommitment();
        foreach (var d in _disputes.Values) if (d.ConfrontedSince is not null) d.ConfrontedSince = Now;
        Log(EventKinds.CountryType, null, ["governmentChange"], Field.Of("commitment", Math.Round(_commitment, 6)), Field.Of("backDownCost", Math.Round(BackDownCost, 6)),
            Field.Of("linkedDemandsDropped", true));
        if (World.MinistryOf(_spec.Id) is { } ministry) Send(AgentIds.Ministry(ministry.Id), new GovernmentChanged());
        _changed = true;
    }

    /// <summary>An administration takes office (an inauguration during the run): from now on the state has its
    /// posture's ladder and threat politics. The threats its predecessor made and had not carried out lapse (it did
    /// not make them, so nobody backed down); measures in force stay until lifted as before (the Biden administration
    /// kept the 243(d) sanctions in force). It is a new government (<see cref="NewGovernment"/>), and the public prior
    /// of its threats is its own: every state judges them afresh.</summary>
    private void NewAdministration(int index)
    {
        var a = _spec.Administrations[index];
        var self = Self;
        Log(EventKinds.CountryAdministration, null, [Names.Camel(a.Posture!.Value)],
            Field.Of("posture", Names.Camel(a.Posture!.Value)), Field.Of("instruments", string.Join(" ", self.Instruments.Select(Grievance.NameOf))),
            Field.Of("threatCredibility", self.Politics.ThreatCredibility));
        foreach (var (partner, list) in _imposed.OrderBy(kv => kv.Key, StringComparer.Ordinal).ToList())
        {
            foreach (var m in list.Where(m => !m.Applied).ToList())
            {
                list.Remove(m);
                _kept.GetValueOrDefault(partner)?.RemoveAll(k => k.Measure == m);
                Lapse(partner, m.Instrument, "newAdministration");
            }
            if (list.Count == 0) _imposed.Remove(partner);
            if (_kept.ContainsKey(partner)) ForgetKeptIfNone(partner);
        }
        // Its ladder starts from the bottom, past the rungs of it still in force.
        foreach (var partner in _nextRung.Keys.ToList()) _nextRung[partner] = FirstRungNotInUse(partner);
        _reserved.Clear();
        _ownCredibility.Clear();
        foreach (var c in World.Spec.Countries.Where(c => c.Id != _spec.Id)) Send(AgentIds.Country(c.Id), new AdministrationChanged(_spec.Id));
        NewGovernment();
    }

    private int FirstRungNotInUse(string partner)
    {
        var inUse = _imposed.GetValueOrDefault(partner);
        var ladder = Self.Instruments;
        int rung = 0;
        while (rung < ladder.Count && inUse is not null && inUse.Any(m => m.Instrument == ladder[rung])) rung++;
        return rung;
    }

    /// <summary>A scripted threat or imposition: the named instrument's first rung not in use, or the next rung.</summary>
    private void Scripted(string against, InstrumentKind? instrument, bool immediate, IReadOnlyList<Reason>? stated = null)
    {
        var inForce = _imposed.GetValueOrDefault(against) ?? [];
        int rung = instrument is { } kind
            ? Self.Instruments.FindIndex(i => i.Kind == kind && !inForce.Any(m => m.Instrument == i))
            : _nextRung.GetValueOrDefault(against);
        if (instrument is { } named && rung < 0)
        {
            // Every rung of that kind is already threatened or applied (validation ensures the ladder has one).
            Log(EventKinds.InstrumentInForce, AgentIds.Country(against), null, Field.Of(EventFields.Instrument, Names.Camel(named)));
            return;
        }
        if (rung >= Self.Instruments.Count)
        {
            Log(EventKinds.EscalationExhausted, AgentIds.Country(against));
            return;
        }
        Escalate(against, rung, immediate, ["scripted", .. (stated ?? []).Select(Names.Camel)], [], stated);
    }

    /// <summary>Uses one rung: a threat applied (or not) at the end of its grace period, or an application at once.</summary>
    private void Escalate(string against, int rung, bool immediate, IReadOnlyList<string> reasons, IReadOnlyList<Field> why, IReadOnlyList<Reason>? stated = null)
    {
        _nextRung[against] = Math.Max(_nextRung.GetValueOrDefault(against), rung + 1);
        var spec = Self.Instruments[rung];
        double cost = TargetCost(spec, against);
        if (_disputes.TryGetValue(against, out var d)) d.ConfrontedSince ??= Now;
        AddTension(against, 0.05);
        _changed = true;
        if (immediate || spec.GraceHours <= 0) { Apply(against, spec, cost, reasons, why, stated); return; }
        (_imposed.TryGetValue(against, out var list) ? list : _imposed[against] = []).Add(new Measure(spec, false, cost));
        Log(EventKinds.InstrumentThreatened, AgentIds.Country(against), reasons, [Field.Of(EventFields.Instrument, Names.Camel(spec.Kind)), Field.Of("rate", spec.Rate),
            Field.Of("applyAt", Clock.Iso(Now + Clock.TicksFor(spec.GraceHours))), .. why]);
        Send(AgentIds.Country(against), new InstrumentThreatened(_spec.Id, spec, cost));
        int partnerIndex = World.Spec.Countries.FindIndex(c => c.Id == against);
        WakeAt(Now + Clock.TicksFor(spec.GraceHours), "apply", ((long)partnerIndex << 16) | (uint)rung);
    }

    private double TargetCost(InstrumentSpec spec, string target) => InstrumentCosts.ToTarget(World.Spec, spec, _spec.Id, target);
    private double SelfCost(InstrumentSpec spec, string target) => InstrumentCosts.ToSelf(World.Spec, spec, _spec.Id, target);

    /// <summary>The concession an instrument is expected to force: the fall of the target's reservation value over the
    /// cost horizon (its daily cost times the target's public delay weight), no more than the shortfall of the deal our
    /// ministry expects from what it aims for (all of it while no talks have told us, nothing when there is no dispute
    /// to concede in). A threat is worth as much as it improves the deal, not only when no deal is in sight.</summary>
    private (double Forcing, double? Shortfall) Forcing(string target, InstrumentSpec spec)
    {
        if (!_disputes.ContainsKey(target)) return (0, null);
        double weight = World.MinistryOf(target)?.DelayCostWeight ?? 1;
        double effect = weight * TargetCost(spec, target) * Horizon;
        if (_views.GetValueOrDefault(target) is not { } view) return (effect, null);
        return (Math.Min(Math.Max(view.Shortfall, 0), effect), view.Shortfall);
    }

    private Measure? PendingThreat(string partner) => _imposed.GetValueOrDefault(partner)?.FirstOrDefault(m => !m.Applied);

    private sealed record Decision(bool Worth, int Rung, InstrumentSpec Instrument, Field[] Why);

    /// <summary>The numbers behind a decision, rounded; an unknown one (no gap before any talks) is left out.</summary>
    private static Field[] Numbers(params (string Key, double? Value)[] values) =>
        [.. values.Where(v => v.Value is not null).Select(v => Field.Of(v.Key, Math.Round(v.Value!.Value, 6)))];

    /// <summary>Threaten the next rung when the expected concession, weighted by how credible our threats are to the
    /// target, exceeds the expected cost of a threat that fails: then we pay the cheaper of applying it over the cost
    /// horizon and backing down (Fearon 1994).</summary>
    private Decision? ThreatCase(string partner)
    {
        int rung = _nextRung.GetValueOrDefault(partner);
        if (rung >= Self.Instruments.Count || _disputes.GetValueOrDefault(partner) is { Defied: false }) return null;
        var spec = Self.Instruments[rung];
        var (forcing, shortfall) = Forcing(partner, spec);
        double credibility = OwnCredibility(partner).Mean;
        double gain = credibility * forcing;
        double cost = (1 - credibility) * Math.Min(SelfCost(spec, partner) * Horizon, BackDownCost);
        return new Decision(shortfall > 0 && gain > cost, rung, spec, Numbers(("shortfall", shortfall), ("belief.mean", _views.GetValueOrDefault(partner)?.BeliefMean),
            ("expectedConcession", forcing), ("credibility", credibility), ("expectedGain", gain), ("expectedCost", cost), ("commitment", _commitment)));
    }

    /// <summary>After each turn of our ministry, and daily while a dispute lasts (talks or standoff): threaten, or hold
    /// the next rung in reserve (logged once a negotiation). Only the sending side threatens, one threat at a time, and
    /// only once the partner defied it (Dispute.Defied).</summary>
    private void ConsiderThreat(string partner)
    {
        if (_disputes.GetValueOrDefault(partner) is not { Sending: true } || PendingThreat(partner) is not null) return;
        if (ThreatCase(partner) is not { } c) return;
        if (c.Worth) Escalate(partner, c.Rung, immediate: false, ["decided"], c.Why);
        else if (_reserved.Add((partner, c.Rung)))
            Log(EventKinds.InstrumentHeldInReserve, AgentIds.Country(partner), null, [Field.Of(EventFields.Instrument, Names.Camel(c.Instrument.Kind)), .. c.Why]);
    }

    /// <summary>At the end of a grace period: apply if the concession it still forces, less its cost over the horizon,
    /// beats the audience cost of backing down; otherwise leave the threat unexecuted, which the record remembers.</summary>
    private void ApplyThreat(string against, int rung)
    {
        // Lifted meanwhile, or made by an administration no longer in office (its threats lapsed with it).
        if (rung >= Self.Instruments.Count) return;
        var spec = Self.Instruments[rung];
        if (!_imposed.TryGetValue(against, out var list) || !list.Any(m => m.Instrument == spec && !m.Applied)) return;
        list.RemoveAll(m => m.Instrument == spec);
        if (_kept.GetValueOrDefault(against)?.Find(k => !k.Measure.Applied && k.Measure.Instrument == spec) is { } pending)
        {
            var kept = _kept[against];
            kept.Remove(pending);
            if (_returnedSinceAgreement.GetValueOrDefault(against) > 0)
            {
                // Taking people back again by its date: the partner is not denying or delaying them, so the threat
                // lapses; the sanction would have been kept until compliance, the threat of it ends here.
                Lapse(against, spec, "compliance", Field.Of("returned", _returnedSinceAgreement[against]), Field.Of("needed", pending.Needed));
                ForgetKeptIfNone(against);
                if (list.Count == 0) _imposed.Remove(against);
                return;
            }
            // Its date came and the partner has taken nobody back since the agreement: the sanction applies, and
            // stays until it has taken back its share.
            OwnCredibility(against).Carried();
            Apply(against, spec, TargetCost(spec, against), ["noncompliance"],
                [Field.Of("returned", _returnedSinceAgreement.GetValueOrDefault(against)), Field.Of("needed", pending.Needed)]);
            kept.Add(pending with { Measure = _imposed[against][^1] });
            return;
        }
        if (!_disputes.ContainsKey(against))
        {
            // A deterrent threat whose trigger never came (no dispute: nothing refused, nothing to concede): it lapses.
            // Nobody defied it, so letting it lapse is no backing down and tells nothing about our resolve.
            if (list.Count == 0) _imposed.Remove(against);
            Lapse(against, spec, "noDispute");
            return;
        }
        var (forcing, shortfall) = Forcing(against, spec);
        double ownCost = SelfCost(spec, against) * Horizon;
        bool worth = forcing - ownCost + BackDownCost > 0;
        var record = OwnCredibility(against);
        if (worth) record.Carried();
        else record.Bluffed();
        var why = Numbers(("shortfall", shortfall), ("expectedConcession", forcing), ("costToSelf", ownCost), ("backDownCost", BackDownCost), ("credibility", record.Mean));
        if (worth)
        {
            Apply(against, spec, TargetCost(spec, against), ["threat carried out"], why);
            return;
        }
        if (list.Count == 0) _imposed.Remove(against);
        if (_disputes.TryGetValue(against, out var d)) d.Accrued += BackDownCost;
        _changed = true;
        Log(EventKinds.InstrumentNotExecuted, AgentIds.Country(against), null,
            [Field.Of(EventFields.Instrument, Names.Camel(spec.Kind)), .. why]);
        Send(AgentIds.Country(against), new InstrumentNotExecuted(_spec.Id, spec));
    }

    private void Apply(string against, InstrumentSpec spec, double cost, IReadOnlyList<string> reasons, IReadOnlyList<Field> why, IReadOnlyList<Reason>? stated = null)
    {
        (_imposed.TryGetValue(against, out var list) ? list : _imposed[against] = []).Add(new Measure(spec, true, cost));
        AddTension(against, 0.1);
        _changed = true;
        Log(EventKinds.InstrumentApplied, AgentIds.Country(against), reasons, [Field.Of(EventFields.Instrument, Names.Camel(spec.Kind)), Field.Of("rate", spec.Rate),
            Field.Of("dailyCostToTarget", Math.Round(cost, 6)), .. why]);
        Send(AgentIds.Country(against), new InstrumentApplied(_spec.Id, spec, cost, spec.Kind == InstrumentKind.FlightSuspension ? stated : null));
        // Suspending or slowing flights works through this state's screening (refusals, or a weekly cap).
        if (spec.Kind == InstrumentKind.FlightSuspension && World.ScreeningOf(_spec.Id) is { } screening)
            Send(screening, new SuspendFlights(against, true, (int)Math.Round(spec.Rate)));
    }

    /// <summary>Daily, while a dispute lasts: lift an applied measure whose cost over the horizon exceeds the
    /// concession it still forces plus the audience cost of lifting it without a deal.</summary>
    private void ConsiderLifting()
    {
        foreach (var (partner, _) in _disputes)
        {
            if (!_imposed.TryGetValue(partner, out var list)) continue;
            foreach (var m in list.Where(m => m.Applied).ToList())
            {
                var (forcing, shortfall) = Forcing(partner, m.Instrument);
                double ownCost = SelfCost(m.Instrument, partner) * Horizon;
                if (ownCost <= forcing + BackDownCost) continue;
                list.Remove(m);
                if (_disputes.TryGetValue(partner, out var d)) d.Accrued += BackDownCost;
                Lift(partner, m, "notWorthIt", Numbers(("shortfall", shortfall), ("expectedConcession", forcing), ("costToSelf", ownCost), ("backDownCost", BackDownCost)));
            }
            if (list.Count == 0) _imposed.Remove(partner);
        }
    }

    private void Suffer(string by, InstrumentSpec spec, double cost, bool applied, IReadOnlyList<Reason>? stated = null)
    {
        var list = _suffered.TryGetValue(by, out var l) ? l : _suffered[by] = [];
        // A threat applied at the end of its grace period shows the threatening state carries its threats out.
        if (applied && list.RemoveAll(m => m.Instrument == spec && !m.Applied) > 0) CredibilityOf(by).Carried();
        list.RemoveAll(m => m.Instrument == spec);
        list.Add(new Measure(spec, applied, cost));
        AddTension(by, applied ? 0.1 : 0.05);
        _changed = true;
        // Our flights are suspended: that is a dispute over flights, in which we are the sending side.
        // Its stated reason (a health emergency, the treatment of deportees) is what the dispute is about.
        if (applied && spec.Kind == InstrumentKind.FlightSuspension) Grieve(DisputeWith(by, sending: true), by, stated ?? []);
        if (applied && _disputes.GetValueOrDefault(by) is not { Sending: true }) CounterEscalate(by);
    }

    /// <summary>A target of an applied sanction answers with its next rung when the audience cost of leaving it
    /// unanswered (sovereignty salience times its audience cost) plus the concession the answer forces exceed the
    /// answer's cost to itself over the horizon (Colombia's counter-tariffs, Jan 2025).</summary>
    private void CounterEscalate(string by)
    {
        int rung = _nextRung.GetValueOrDefault(by);
        if (rung >= Self.Instruments.Count) return;
        var spec = Self.Instruments[rung];
        var (forcing, shortfall) = Forcing(by, spec);
        double unanswered = Self.Politics.SovereigntySalience * Self.Politics.ThreatAudienceCost;
        double ownCost = SelfCost(spec, by) * Horizon;
        var why = Numbers(("shortfall", shortfall), ("expectedConcession", forcing), ("audienceCostUnanswered", unanswered), ("costToSelf", ownCost));
        if (unanswered + forcing > ownCost) Escalate(by, rung, immediate: false, ["counter-escalation"], why);
        else if (_reserved.Add((by, rung)))
            Log(EventKinds.InstrumentHeldInReserve, AgentIds.Country(by), null, [Field.Of(EventFields.Instrument, Names.Camel(spec.Kind)), .. why]);
    }

    private void NotExecuted(InstrumentNotExecuted n)
    {
        if (_suffered.TryGetValue(n.By, out var list)) list.RemoveAll(m => m.Instrument == n.Instrument);
        if (!n.Lapsed) CredibilityOf(n.By).Bluffed();
        _changed = true;
    }

    private void Lifted(InstrumentsLifted l)
    {
        if (l.Only is null) _suffered.Remove(l.By);
        else if (_suffered.TryGetValue(l.By, out var list)) list.RemoveAll(m => m.Instrument == l.Only);
        _changed = true;
    }

    private sealed class Dispute
    {
        public bool Sending;
        public long? ConfrontedSince;
        public int Refusals;
        public int Stranded;
        public double Accrued;
        public double Reputation;
        public bool Negotiating;
        /// <summary>A first negotiation opened; later ones resume only by a ministry's decision.</summary>
        public bool Negotiated;
        /// <summary>Talks of the dispute broke down or ran out of time.</summary>
        public bool TalksFailed;
        /// <summary>The partner defied this state: refused or turned back its flights, or talks failed. Coercion is for
        /// a partner that defies, not for one that came to the table on its own.</summary>
        public bool Defied => Refusals > 0 || TalksFailed;
        /// <summary>The terms the refusals raised: the agenda of the dispute's negotiations.</summary>
        public readonly SortedSet<Issue> Issues = [];
    }

    private sealed record Measure(InstrumentSpec Instrument, bool Applied, double DailyCost);

    /// <summary>A measure an agreement kept, until what, and how many people the partner must take back for it.</summary>
    private sealed record KeptMeasure(Measure Measure, LiftOn Until, int Needed);
}
