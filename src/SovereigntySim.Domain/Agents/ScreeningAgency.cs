using SovereigntySim.Domain.Scenario;
using SovereigntySim.Domain.Screening;
using SovereigntySim.Domain.Simulation;

namespace SovereigntySim.Domain.Agents;

/// <summary>The receiving state's immigration screening: inspects each manifest under the current acceptance
/// policy, keeps count of cleared flights per week, and reviews cleared flights when the policy changes.</summary>
public sealed partial class ScreeningAgency : Agent
{
    private readonly ScreeningSpec _spec;
    private AcceptancePolicySpec _policy;
    private readonly Dictionary<int, int> _clearedPerWeek = [];
    private readonly SortedDictionary<string, FlightTerms> _cleared = new(StringComparer.Ordinal);
    private readonly Dictionary<long, (string Flight, ManifestSubmitted Manifest, double NoticeGivenHours)> _inspecting = [];
    private long _inspections;
    // Origins whose flights the country has suspended: 0 refuses every flight, n > 0 caps them at n a week.
    private readonly Dictionary<string, int> _suspended = new(StringComparer.Ordinal);

    public ScreeningAgency(string id, World world) : base(id, world)
    {
        _spec = world.Spec.Agencies.Screening.First(s => AgentIds.Screening(s.Id) == id);
        _policy = world.Countries[_spec.Country].Acceptance;
    }

    protected override void On(string from, IMessage message)
    {
        switch (message)
        {
            case ManifestSubmitted m: Begin(from, m); break;
            case Wake { Purpose: "decide" } w: Decide(w.Ref); break;
            case PolicyChanged p: _policy = p.Policy; Review(revokeAll: false, []); break;
            case RevokeClearances r: Review(revokeAll: true, r.Stated); break;
            case SuspendFlights s:
                if (s.On) _suspended[s.Origin] = s.WeeklyCap;
                else _suspended.Remove(s.Origin);
                break;
            case FlightReport r when r.Status is FlightStatus.Landed or FlightStatus.TurnedBack or FlightStatus.Refused:
                _cleared.Remove(from);
                if (r.Status == FlightStatus.Landed) Incident(from, r);
                break;
        }
    }

    /// <summary>The inspection takes its time; the decision applies the policy in force when it ends.</summary>
    private void Begin(string flight, ManifestSubmitted m)
    {
        _inspecting[++_inspections] = (flight, m, Clock.Hours(m.Terms.DepartureTick - Now));
        WakeAt(Now + Clock.TicksFor(_spec.InspectionHours), "decide", _inspections);
    }

    private void Decide(long inspection)
    {
        if (!_inspecting.Remove(inspection, out var pending)) return;
        var (flight, m, noticeGiven) = pending;
        int week = Clock.Week(m.Terms.DepartureTick);
        int cap = _policy.WeeklyFlightCap;
        bool capReached = cap > 0 && _clearedPerWeek.GetValueOrDefault(week) >= cap;
        bool suspended = _suspended.TryGetValue(m.Terms.Origin, out int allowed) && (allowed == 0 || _clearedPerWeek.GetValueOrDefault(week) >= allowed);
        var decision = ScreeningRules.Decide(_policy, _spec, m.Terms, m.Passengers, noticeGiven, capReached, Random, suspended);
        if (decision.Verdict != FlightVerdict.Refused)
        {
            _clearedPerWeek[week] = _clearedPerWeek.GetValueOrDefault(week) + 1;
            _cleared[flight] = m.Terms;
        }
        var personReasons = decision.Refusals.GroupBy(r => r.Reason).OrderBy(g => g.Key)
            .Select(g => Field.Of(EventFields.RefusedPrefix + Names.Camel(g.Key), g.Count())).ToList();
        Log(EventKinds.ScreeningDecision, flight, [.. decision.FlightReasons.Select(Names.Camel)],
            [Field.Of("verdict", Names.Camel(decision.Verdict)), Field.Of("passengers", m.Passengers.Count), Field.Of("refusedPeople", decision.Refusals.Count), .. personReasons]);
        Send(flight, decision);
    }

    /// <summary>A landed flight reports an incident (abuse, an infected passenger) with probability incidentRate,
    /// drawn from this agency's stream in the order flights land; the country decides what follows.</summary>
    private void Incident(string flight, FlightReport r)
    {
        // A positive case among those who landed is an incident of its own: a health one (Haiti, April 2020).
        if (r.Infected > 0)
        {
            Log(EventKinds.FlightIncident, flight, [Names.Camel(Reason.HealthScreening)], Field.Of("origin", r.Origin), Field.Of("passengers", r.Passengers),
                Field.Of("positiveCases", r.Infected));
            Send(AgentIds.Country(_spec.Country), new FlightIncident(r.Origin, flight, [Reason.HealthScreening]));
            return;
        }
        double p = _spec.IncidentRate;
        if (!(p >= 1 || (p > 0 && Random.NextDouble() < p))) return;
        Log(EventKinds.FlightIncident, flight, null, Field.Of("origin", r.Origin), Field.Of("passengers", r.Passengers), Field.Of("incidentRate", p));
        Send(AgentIds.Country(_spec.Country), new FlightIncident(r.Origin, flight));
    }

    private void Review(bool revokeAll, IReadOnlyList<Reason> stated)
    {
        foreach (var (flight, terms) in _cleared.ToList())
        {
            var violations = ScreeningRules.FlightViolations(_policy, terms, double.MaxValue, capReached: false);
            if (!revokeAll && violations.Count == 0) continue;
            bool revoked = revokeAll || violations.Any(v => v != Reason.Restraints);
            // A revocation carries the government's stated reason, which the sending state's grievance takes up.
            IReadOnlyList<Reason> reasons = revokeAll ? [Reason.ClearanceRevoked, .. stated, .. violations.Except(stated)] : violations;
            Log(EventKinds.ScreeningReview, flight, [.. (revokeAll ? [Reason.ClearanceRevoked, .. stated] : violations).Select(Names.Camel)], Field.Of("revoked", revoked));
            Send(flight, new ClearanceReview(reasons, revoked));
            if (revoked)
            {
                // A revoked clearance no longer counts against the weekly cap.
                _cleared.Remove(flight);
                _clearedPerWeek[Clock.Week(terms.DepartureTick)]--;
            }
            else _cleared[flight] = terms with { Restraints = false }; // the flight complies (or is diverted unrestrained)
        }
    }
}
