using SovereigntySim.Domain.Bargaining;
using SovereigntySim.Domain.Scenario;
using SovereigntySim.Domain.Simulation;

namespace SovereigntySim.Domain.Agents;

/// <summary>
/// A state. As a receiving state it sets the acceptance policy its screening applies. Its political state (domestic
/// pressure, sovereignty salience, audience costs, tension toward each partner, exposure to each partner's trade)
/// moves with refusals, treatment alerts, observers' assessments and sanctions. As a sending state it opens disputes
/// over refused flights and climbs its escalation ladder (threat, then application after a grace period) when its
/// ministry asks; as a target it counter-escalates when sovereignty is salient enough.
/// </summary>
public sealed class Country : Agent
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
    private bool _changed;
    private bool _yielded;

    public Country(string id, World world) : base(id, world)
    {
        _spec = world.Countries[id["country/".Length..]];
        _policy = _spec.Acceptance;
        _pressure = _spec.Politics.DomesticPressure;
        foreach (var r in world.Spec.Relations.Where(r => r.From == _spec.Id)) _tension[r.To] = r.Tension;
    }

    protected override void On(string from, IMessage message)
    {
        switch (message)
        {
            case Start: WakeAt(Clock.DayEnd(Now), "day"); break;
            case Wake { Purpose: "day" }: Day(); break;
            case Wake { Purpose: "apply" } w: ApplyThreat(World.Spec.Countries[(int)(w.Ref >> 16)].Id, (int)(w.Ref & 0xFFFF)); break;
            case ScriptedEvent s: Script(s.Spec); break;
            case FlightReport r when r.Origin == _spec.Id: FlightOutcome(r); break;
            case TreatmentAlert a: Raise(a.Pressure); break;
            case Assessment a: Reputation(a); break;
            case EscalationRequest e: Escalate(e.Against, instrument: null, immediate: false); break;
            case InstrumentThreatened t: Suffer(t.By, t.Instrument, t.DailyCost, applied: false); break;
            case InstrumentApplied a: Suffer(a.By, a.Instrument, a.DailyCost, applied: true); break;
            case InstrumentsLifted l: _suffered.Remove(l.By); _changed = true; break;
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
        foreach (var (partner, d) in _disputes)
            if (d.Negotiating) Send(AgentIds.Ministry(ministry.Id), State(partner, d));
    }

    private PoliticalState State(string partner, Dispute d)
    {
        var p = _spec.Politics;
        // Audience costs grow with the time spent in public confrontation and with how tense it has become.
        double audience = d.ConfrontedSince is { } since ? p.AudienceCostPerDay * Clock.Days(Now - since) * (1 + _tension.GetValueOrDefault(partner)) : 0;
        double delay = d.Accrued + DailyCost(partner, d) * World.Negotiation.CostHorizonDays;
        return new PoliticalState(partner, _pressure, p.RatificationWeight * _pressure, audience, delay);
    }

    /// <summary>What one more day of the dispute costs this state, in utility units.</summary>
    private double DailyCost(string partner, Dispute d)
    {
        double cost = 0;
        foreach (var m in _suffered.GetValueOrDefault(partner) ?? []) cost += m.Applied ? m.DailyCost : m.DailyCost * World.Negotiation.ThreatCredibility;
        foreach (var m in _imposed.GetValueOrDefault(partner) ?? []) if (m.Applied) cost += m.Instrument.DailyCostToSelf;
        if (d.Sending) cost += World.Negotiation.StrandedBedDayCost * d.Stranded + d.Reputation;
        return cost;
    }

    private void Day()
    {
        var p = _spec.Politics;
        _pressure = p.DomesticPressure + (_pressure - p.DomesticPressure) * (1 - p.PressureDecayPerDay);
        foreach (var (partner, d) in _disputes) d.Accrued += DailyCost(partner, d);
        var fields = new List<Field> { Field.Of("pressure", Math.Round(_pressure, 6)) };
        foreach (var (partner, t) in _tension.OrderBy(kv => kv.Key, StringComparer.Ordinal)) fields.Add(Field.Of("tension." + partner, Math.Round(t, 6)));
        foreach (var (partner, d) in _disputes) fields.Add(Field.Of("disputeCost." + partner, Math.Round(d.Accrued, 6)));
        Log("country.day", null, null, [.. fields]);
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
            Log("dispute.opened", AgentIds.Country(partner), null, Field.Of("role", sending ? "sending" : "receiving"));
        }
        return d;
    }

    private void FlightOutcome(FlightReport r)
    {
        if (r.Status is not (FlightStatus.Refused or FlightStatus.TurnedBack)) return;
        // A flight planned before the latest agreement was refused under the old terms: no new dispute over it.
        if (_agreedAt.TryGetValue(r.Destination, out var agreed) && r.ManifestTick < agreed) return;
        AddTension(r.Destination, r.Status == FlightStatus.TurnedBack ? 0.1 : 0.05);
        var d = DisputeWith(r.Destination, sending: true);
        d.Refusals++;
        d.Stranded += r.Passengers; // people held in detention (bed-days) until the dispute ends
        _changed = true;
        var n = World.Negotiation;
        if (n.Enabled && !d.Negotiating && d.Refusals >= n.OpenAfterRefusals)
        {
            d.Negotiating = true;
            Send(AgentIds.Negotiation(_spec.Id, r.Destination), new OpenNegotiation(_spec.Id, r.Destination,
                $"{d.Refusals} flight(s) refused or turned back: {string.Join(", ", r.Reasons.Select(Names.Camel))}"));
        }
    }

    private void Reputation(Assessment a)
    {
        foreach (var d in _disputes.Values) if (d.Sending) d.Reputation += a.Cost;
        _changed = true;
    }

    private void Opened(NegotiationOpened o)
    {
        bool sending = o.Sending == _spec.Id;
        var d = DisputeWith(sending ? o.Receiving : o.Sending, sending);
        d.Negotiating = true;
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
        // Both sides lift what they imposed on the other (the sender's sanctions, the receiver's counter-measures).
        if (_imposed.Remove(partner))
        {
            Log("instrument.lifted", AgentIds.Country(partner), ["agreement"]);
            Send(AgentIds.Country(partner), new InstrumentsLifted(_spec.Id));
        }
        // Both ladders start again from the bottom: a new dispute is a new confrontation.
        _nextRung.Remove(partner);
        AddTension(partner, -0.2);
        _disputes.Remove(partner);
        _agreedAt[partner] = Now;
        _changed = true;
    }

    private void Ended(NegotiationEnded e)
    {
        string partner = e.Sending == _spec.Id ? e.Receiving : e.Sending;
        if (_disputes.TryGetValue(partner, out var d)) d.Negotiating = false;
        if (e.Outcome == "breakdown") AddTension(partner, 0.15);
        _changed = true;
    }

    private void Script(ScriptedEventSpec s)
    {
        Log("script." + Names.Camel(s.Kind), s.Against.Length > 0 ? AgentIds.Country(s.Against) : null, null,
            s.Note.Length > 0 ? [Field.Of("note", s.Note)] : []);
        switch (s.Kind)
        {
            case ScriptedEventKind.SetPolicy: SetPolicy(Patch(_policy, s.Policy!), s.Note.Length > 0 ? s.Note : "scripted"); break;
            case ScriptedEventKind.Threaten: Escalate(s.Against, s.Instrument, immediate: false); break;
            case ScriptedEventKind.Impose: Escalate(s.Against, s.Instrument, immediate: true); break;
            case ScriptedEventKind.Lift:
                if (!_imposed.Remove(s.Against)) break;
                Send(AgentIds.Country(s.Against), new InstrumentsLifted(_spec.Id));
                Log("instrument.lifted", AgentIds.Country(s.Against), ["scripted"]);
                break;
            case ScriptedEventKind.RevokeClearances:
                if (World.ScreeningOf(_spec.Id) is { } screening) Send(screening, new RevokeClearances(s.Note));
                break;
            case ScriptedEventKind.SetPressure: _pressure = s.Value ?? _pressure; _changed = true; break;
        }
    }

    private static AcceptancePolicySpec Patch(AcceptancePolicySpec p, PolicyPatchSpec patch) => p with
    {
        DocumentationStandard = patch.DocumentationStandard ?? p.DocumentationStandard,
        CivilianAircraftOnly = patch.CivilianAircraftOnly ?? p.CivilianAircraftOnly,
        AdvanceNoticeHours = patch.AdvanceNoticeHours ?? p.AdvanceNoticeHours,
        WeeklyFlightCap = patch.WeeklyFlightCap ?? p.WeeklyFlightCap,
        MaxPassengersPerFlight = patch.MaxPassengersPerFlight ?? p.MaxPassengersPerFlight,
        RestraintsAllowed = patch.RestraintsAllowed ?? p.RestraintsAllowed,
        HealthScreeningRequired = patch.HealthScreeningRequired ?? p.HealthScreeningRequired,
        AcceptThirdCountryNationals = patch.AcceptThirdCountryNationals ?? p.AcceptThirdCountryNationals,
        MonitoringRequired = patch.MonitoringRequired ?? p.MonitoringRequired,
    };

    private void SetPolicy(AcceptancePolicySpec policy, string cause)
    {
        _policy = policy;
        Log("country.policyChanged", null, [cause],
            Field.Of("documentationStandard", Names.Camel(policy.DocumentationStandard)), Field.Of("civilianAircraftOnly", policy.CivilianAircraftOnly),
            Field.Of("advanceNoticeHours", policy.AdvanceNoticeHours), Field.Of("weeklyFlightCap", policy.WeeklyFlightCap),
            Field.Of("maxPassengersPerFlight", policy.MaxPassengersPerFlight), Field.Of("restraintsAllowed", policy.RestraintsAllowed),
            Field.Of("healthScreeningRequired", policy.HealthScreeningRequired),
            Field.Of("acceptThirdCountryNationals", policy.AcceptThirdCountryNationals), Field.Of("monitoringRequired", policy.MonitoringRequired));
        // Announced policies are public: the screening applies them, other states' enforcement plans by them.
        var change = new PolicyChanged(_spec.Id, policy, cause);
        if (World.ScreeningOf(_spec.Id) is { } screening) Send(screening, change);
        foreach (var e in World.Spec.Agencies.Enforcement.Where(e => e.Country != _spec.Id)) Send(AgentIds.Enforcement(e.Id), change);
    }

    /// <summary>Climbs one rung (or uses the named instrument): a threat applied after its grace period, or at once.</summary>
    private void Escalate(string against, InstrumentKind? instrument, bool immediate)
    {
        var inForce = _imposed.GetValueOrDefault(against) ?? [];
        int rung = instrument is { } kind
            ? _spec.Instruments.FindIndex(i => i.Kind == kind && !inForce.Any(m => m.Instrument == i))
            : _nextRung.GetValueOrDefault(against);
        if (instrument is { } named && rung < 0)
        {
            // Every rung of that kind is already threatened or applied (validation ensures the ladder has one).
            Log("instrument.inForce", AgentIds.Country(against), null, Field.Of("instrument", Names.Camel(named)));
            return;
        }
        if (rung >= _spec.Instruments.Count)
        {
            Log("escalation.exhausted", AgentIds.Country(against));
            if (World.MinistryOf(_spec.Id) is { } m) Send(AgentIds.Ministry(m.Id), new LadderExhausted(against));
            return;
        }
        _nextRung[against] = Math.Max(_nextRung.GetValueOrDefault(against), rung + 1);
        var spec = _spec.Instruments[rung];
        double cost = TargetCost(spec, against);
        if (_disputes.TryGetValue(against, out var d)) d.ConfrontedSince ??= Now;
        AddTension(against, 0.05);
        _changed = true;
        if (immediate || spec.GraceHours <= 0) { Apply(against, spec, cost); return; }
        (_imposed.TryGetValue(against, out var list) ? list : _imposed[against] = []).Add(new Measure(spec, false, cost));
        Log("instrument.threatened", AgentIds.Country(against), null, Field.Of("instrument", Names.Camel(spec.Kind)), Field.Of("rate", spec.Rate),
            Field.Of("applyAt", Clock.Iso(Now + Clock.TicksFor(spec.GraceHours))));
        Send(AgentIds.Country(against), new InstrumentThreatened(_spec.Id, spec, cost));
        int partnerIndex = World.Spec.Countries.FindIndex(c => c.Id == against);
        WakeAt(Now + Clock.TicksFor(spec.GraceHours), "apply", ((long)partnerIndex << 16) | (uint)rung);
    }

    /// <summary>Tariffs hurt in proportion to how much the target exports to the user.</summary>
    private double TargetCost(InstrumentSpec spec, string target) =>
        spec.Kind is InstrumentKind.Tariff or InstrumentKind.CounterTariff
            ? spec.DailyCostToTarget * World.Relation(target, _spec.Id).TradeExposure
            : spec.DailyCostToTarget;

    private void ApplyThreat(string against, int rung)
    {
        var spec = _spec.Instruments[rung];
        if (!_imposed.TryGetValue(against, out var list) || !list.Any(m => m.Instrument == spec && !m.Applied)) return; // lifted meanwhile
        list.RemoveAll(m => m.Instrument == spec);
        Apply(against, spec, TargetCost(spec, against));
    }

    private void Apply(string against, InstrumentSpec spec, double cost)
    {
        (_imposed.TryGetValue(against, out var list) ? list : _imposed[against] = []).Add(new Measure(spec, true, cost));
        AddTension(against, 0.1);
        _changed = true;
        Log("instrument.applied", AgentIds.Country(against), null, Field.Of("instrument", Names.Camel(spec.Kind)), Field.Of("rate", spec.Rate),
            Field.Of("dailyCostToTarget", Math.Round(cost, 6)));
        Send(AgentIds.Country(against), new InstrumentApplied(_spec.Id, spec, cost));
    }

    private void Suffer(string by, InstrumentSpec spec, double cost, bool applied)
    {
        var list = _suffered.TryGetValue(by, out var l) ? l : _suffered[by] = [];
        list.RemoveAll(m => m.Instrument == spec);
        list.Add(new Measure(spec, applied, cost));
        AddTension(by, applied ? 0.1 : 0.05);
        _changed = true;
        if (!applied || _disputes.GetValueOrDefault(by) is { Sending: true }) return;
        // Sovereignty at stake: answer in kind with the next rung of our own ladder (Colombia's counter-tariffs).
        if (_spec.Politics.SovereigntySalience >= _spec.Politics.CounterEscalationSalience && _nextRung.GetValueOrDefault(by) < _spec.Instruments.Count)
            Escalate(by, instrument: null, immediate: true);
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
    }

    private sealed record Measure(InstrumentSpec Instrument, bool Applied, double DailyCost);
}
