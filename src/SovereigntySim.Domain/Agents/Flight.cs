using SovereigntySim.Domain.Scenario;
using SovereigntySim.Domain.Simulation;

namespace SovereigntySim.Domain.Agents;

/// <summary>
/// One removal flight: Planned → ManifestSubmitted → Cleared / PartiallyCleared / Refused → Departed →
/// Landed / TurnedBack / Diverted → Closed. It gathers its manifest from the caseloads, submits it to the receiving
/// state's screening, flies the people cleared, and tells everyone concerned what happened.
/// </summary>
public sealed partial class Flight(string id, World world) : Agent(id, world)
{
    private FlightTerms _terms = null!;
    private IReadOnlyList<string> _caseloads = [];
    private readonly List<Passenger> _manifest = [];
    private readonly Dictionary<long, string> _caseloadOf = [];
    private int _parts;
    private List<Passenger> _boarded = [];
    private FlightStatus _status = FlightStatus.Planned;
    private bool _diverted;
    // Passengers aboard who are infectious and were not caught by a pre-departure test.
    private int _infected;
    // Whether the screening that decided this flight reviews disputed identities case by case.
    private bool _expeditedReview;

    protected override void On(string from, IMessage message)
    {
        switch (message)
        {
            case FlightScheduled s: Plan(s); break;
            case ManifestPart p: Collect(from, p); break;
            case ScreeningDecision d: Decided(d); break;
            case ClearanceReview r: Reviewed(r); break;
            case Wake { Purpose: "depart" }: Depart(); break;
            case Wake { Purpose: "land" }: Land(); break;
        }
    }

    private void Plan(FlightScheduled s)
    {
        _terms = s.Terms;
        _caseloads = s.Caseloads;
        Log(EventKinds.FlightPlanned, null, null,
            Field.Of(EventFields.Destination, _terms.Destination), Field.Of(EventFields.Aircraft, Names.Camel(_terms.Aircraft)), Field.Of("seats", _terms.Seats),
            Field.Of("departure", Clock.Iso(_terms.DepartureTick)), Field.Of(EventFields.Restraints, _terms.Restraints));
        // Seats are split evenly over the caseload's partitions; the first ones take the remainder.
        int n = _caseloads.Count;
        for (int k = 0; k < n; k++) Send(_caseloads[k], new SeatRequest(_terms.Seats / n + (k < _terms.Seats % n ? 1 : 0), s.Rules));
    }

    private void Collect(string caseload, ManifestPart part)
    {
        foreach (var p in part.Passengers)
        {
            _manifest.Add(p);
            _caseloadOf[p.MigrantId] = caseload;
        }
        if (++_parts < _caseloads.Count) return;
        if (_manifest.Count == 0)
        {
            Log(EventKinds.FlightCancelled, null, ["noRemovablePassengers"]);
            _status = FlightStatus.Closed;
            return;
        }
        _status = FlightStatus.ManifestSubmitted;
        Log(EventKinds.FlightManifestSubmitted, null, null, Field.Of("passengers", _manifest.Count),
            Field.Of("noticeHours", Clock.Hours(_terms.DepartureTick - Now)));
        // A copy: across silos the message is one anyway, and the flight keeps changing its own list.
        if (World.ScreeningOf(_terms.Destination) is { } screening) Send(screening, new ManifestSubmitted(_terms, _manifest.ToArray()));
        else Decided(new ScreeningDecision(FlightVerdict.Cleared, [Reason.NoScreeningAgency], []));
    }

    private void Decided(ScreeningDecision d)
    {
        _expeditedReview = d.ExpeditedReview;
        var refused = d.Refusals.ToDictionary(r => r.MigrantId, r => r.Reason);
        if (d.Verdict == FlightVerdict.Refused)
        {
            var reason = d.FlightReasons[0];
            Close(FlightStatus.Refused, d.FlightReasons, _manifest.Select(p => new PassengerOutcome(p.MigrantId, PassengerFate.Refused,
                refused.TryGetValue(p.MigrantId, out var own) ? own : reason)));
            return;
        }
        _status = d.Verdict == FlightVerdict.Cleared ? FlightStatus.Cleared : FlightStatus.PartiallyCleared;
        _boarded = _manifest.Where(p => !refused.ContainsKey(p.MigrantId)).ToList();
        if (_boarded.Count == 0)
        {
            // Cleared, but not one person may board: the flight does not go.
            ReturnToCaseloads(d.Refusals.Select(r => new PassengerOutcome(r.MigrantId, PassengerFate.Refused, r.Reason)));
            Log(EventKinds.FlightCancelled, null, ["nobodyCleared"]);
            _status = FlightStatus.Closed;
            return;
        }
        Log(d.Verdict == FlightVerdict.Cleared ? EventKinds.FlightCleared : EventKinds.FlightPartiallyCleared, null, [.. d.FlightReasons.Select(Names.Camel)],
            Field.Of("boarding", _boarded.Count), Field.Of("refusedPeople", refused.Count));
        ReturnToCaseloads(d.Refusals.Select(r => new PassengerOutcome(r.MigrantId, PassengerFate.Refused, r.Reason)));
        WakeAt(Math.Max(Now, _terms.DepartureTick), "depart");
    }

    private void Reviewed(ClearanceReview r)
    {
        switch (_status)
        {
            case FlightStatus.Cleared or FlightStatus.PartiallyCleared when r.Revoked:
                Close(FlightStatus.Refused, [Reason.ClearanceRevoked, .. r.Violations.Where(v => v != Reason.ClearanceRevoked)],
                    _boarded.Select(p => new PassengerOutcome(p.MigrantId, PassengerFate.Refused, Reason.ClearanceRevoked)));
                break;
            case FlightStatus.Cleared or FlightStatus.PartiallyCleared:
                // Not yet gone: enforcement complies (removes restraints) and keeps the clearance.
                _terms = _terms with { Restraints = false };
                Log(EventKinds.FlightAmended, null, [.. r.Violations.Select(Names.Camel)]);
                break;
            case FlightStatus.Departed when r.Revoked:
                // Airborne and no longer welcome: the aircraft returns with everyone (Colombia, Jan 2025).
                Close(FlightStatus.TurnedBack, r.Violations, _boarded.Select(p => new PassengerOutcome(p.MigrantId, PassengerFate.Returned, Reason.TurnedBack)), flown: true);
                break;
            case FlightStatus.Departed:
                // Airborne with restraints the receiving state now refuses: diverted, people moved to its own aircraft
                // and delivered unrestrained (Brazil, Jan 2025).
                _diverted = true;
                Log(EventKinds.FlightDiverted, null, [.. r.Violations.Select(Names.Camel)], Field.Of("passengers", _boarded.Count));
                Report(FlightStatus.Diverted, r.Violations);
                break;
        }
    }

    private void Depart()
    {
        if (_status is not (FlightStatus.Cleared or FlightStatus.PartiallyCleared)) return;
        Test();
        if (_boarded.Count == 0)
        {
            Log(EventKinds.FlightCancelled, null, ["allTestedPositive"]);
            _status = FlightStatus.Closed;
            return;
        }
        _status = FlightStatus.Departed;
        Log(EventKinds.FlightDeparted, null, null, Field.Of("passengers", _boarded.Count), Field.Of(EventFields.Aircraft, Names.Camel(_terms.Aircraft)),
            Field.Of(EventFields.Restraints, _terms.Restraints));
        Report(FlightStatus.Departed, []);
        WakeAt(Now + Clock.TicksFor(_terms.FlightHours / 2), "land");
    }

    /// <summary>An epidemic: each passenger is infectious with their population's prevalence (drawn in boarding
    /// order from this flight's stream, only when some population has one). A health-screened flight tests them
    /// before departure: those who test positive stay behind and are booked again (ICE dropped known positive cases
    /// from flights to Haiti in May 2020); the rest fly.</summary>
    private void Test()
    {
        // Most scenarios have no epidemic: nothing to draw, nothing to allocate.
        if (!World.Epidemic) return;
        double Prevalence(Passenger p) => World.CaseloadOfMigrant(p.MigrantId).Population.InfectionPrevalence;
        if (_boarded.All(p => Prevalence(p) <= 0)) return;
        var positive = new List<Passenger>();
        int infected = 0;
        foreach (var p in _boarded)
        {
            if (Random.NextDouble() >= Prevalence(p)) continue;
            if (_terms.HealthScreening && Random.NextDouble() < _terms.TestSensitivity) positive.Add(p);
            else infected++;
        }
        _infected = infected;
        Log(EventKinds.FlightTested, null, _terms.HealthScreening ? null : ["noHealthScreening"], Field.Of("tested", _terms.HealthScreening),
            Field.Of("positive", positive.Count), Field.Of("infectedAboard", infected));
        if (positive.Count == 0) return;
        _boarded = _boarded.Except(positive).ToList();
        ReturnToCaseloads(positive.Select(p => new PassengerOutcome(p.MigrantId, PassengerFate.Refused, Reason.MedicalClearance)));
    }

    private void Land()
    {
        if (_status != FlightStatus.Departed) return;
        Log(EventKinds.FlightLanded, null, _diverted ? ["diverted"] : null, Field.Of(EventFields.Removed, _boarded.Count));
        Close(FlightStatus.Landed, [], _boarded.Select(p => new PassengerOutcome(p.MigrantId, PassengerFate.Removed, Reason.None)), flown: true);
    }

    private void Close(FlightStatus outcome, IReadOnlyList<Reason> reasons, IEnumerable<PassengerOutcome> people, bool flown = false)
    {
        var reasonNames = reasons.Select(Names.Camel).ToList();
        if (outcome == FlightStatus.Refused)
            Log(EventKinds.FlightRefused, null, reasonNames, Field.Of("passengers", _manifest.Count));
        else if (outcome == FlightStatus.TurnedBack)
            Log(EventKinds.FlightTurnedBack, null, reasonNames, Field.Of("passengers", _boarded.Count));
        ReturnToCaseloads(people);
        Report(outcome, reasons);
        _status = FlightStatus.Closed;
        double hours = flown ? _terms.FlightHours : 0;
        Log(EventKinds.FlightClosed, null, null, Field.Of("outcome", Names.Camel(outcome)), Field.Of(EventFields.FlightHours, hours),
            Field.Of(EventFields.Cost, hours * _terms.CostPerHour), Field.Of("payer", _terms.Aircraft == AircraftKind.ReceivingState ? _terms.Destination : _terms.Origin));
    }

    private void ReturnToCaseloads(IEnumerable<PassengerOutcome> outcomes)
    {
        foreach (var group in outcomes.GroupBy(o => _caseloadOf[o.MigrantId]).OrderBy(g => g.Key, StringComparer.Ordinal))
            Send(group.Key, new PassengerOutcomes(group.ToList(), _expeditedReview));
    }

    /// <summary>Tells the origin state, the destination's screening and the watchers (advocates, observers).</summary>
    private void Report(FlightStatus status, IReadOnlyList<Reason> reasons)
    {
        // Refused at screening: the whole manifest; refused or turned back after clearance: those who boarded.
        var people = status == FlightStatus.Refused && _boarded.Count == 0 ? _manifest : _boarded;
        var report = new FlightReport(_terms.Origin, _terms.Destination, status, _terms.Aircraft, _terms.Restraints, people.Count,
            people.Count(p => (p.Vulnerabilities & Vulnerability.Minor) != 0),
            people.Count(p => (p.Vulnerabilities & Vulnerability.Medical) != 0),
            // The due-process gap is booking people whose cases are pending, whether or not screening caught them.
            _manifest.Count(p => p.Legal != LegalStatus.FinalOrder), reasons, _terms.ManifestTick, status == FlightStatus.Landed ? _infected : 0);
        Send(AgentIds.Country(_terms.Origin), report);
        if (World.ScreeningOf(_terms.Destination) is { } screening && status != FlightStatus.Departed) Send(screening, report);
        foreach (var watcher in World.Watchers(_terms.Origin, _terms.Destination)) Send(watcher, report);
    }
}
