using SovereigntySim.Domain.Scenario;
using SovereigntySim.Domain.Simulation;

namespace SovereigntySim.Domain.Agents;

/// <summary>
/// An advocacy group: raises the alarm about how deportees are treated (restraints, military aircraft, minors,
/// medical cases, people removed with cases pending) and so raises its country's domestic pressure, as Brazil's
/// and Colombia's reactions to handcuffed deportees did in January 2025.
/// </summary>
public sealed partial class AdvocacyGroup : Agent
{
    private readonly AdvocacySpec _spec;

    public AdvocacyGroup(string id, World world) : base(id, world) =>
        _spec = world.Spec.Agencies.Advocacy.First(a => AgentIds.Advocacy(a.Id) == id);

    protected override void On(string from, IMessage message)
    {
        if (message is not FlightReport { Status: FlightStatus.Departed } r) return;
        // The group pushes its own state away from the hard line on removals: it raises a receiving state's pressure
        // to refuse and lowers a sending state's pressure to remove.
        double sign = r.Destination == _spec.Country ? 1 : -1;
        foreach (var concern in _spec.Watches.Distinct().Order())
        {
            int people = concern switch
            {
                TreatmentConcern.Restraints => r.Restraints ? r.Passengers : 0,
                TreatmentConcern.MilitaryAircraft => r.Aircraft == AircraftKind.Military ? r.Passengers : 0,
                TreatmentConcern.Minors => r.Minors,
                TreatmentConcern.Medical => r.Medical,
                TreatmentConcern.DueProcess => r.PendingCases,
                _ => 0,
            };
            if (people == 0) continue;
            double pressure = sign * (_spec.PressurePerAlert + _spec.PressurePerPerson * people);
            Log(EventKinds.AdvocacyAlert, from, [Names.Camel(concern)], Field.Of("people", people), Field.Of("pressure", Math.Round(pressure, 6)),
                Field.Of("country", _spec.Country));
            Send(AgentIds.Country(_spec.Country), new TreatmentAlert(concern, people, pressure));
        }
    }
}

/// <summary>
/// An international observer (a UN rapporteur, a human-rights monitor): collects what the assessed state's flights
/// did and publishes a periodic assessment whose concerns add reputational cost to continuing the standoff.
/// </summary>
public sealed partial class Observer : Agent
{
    private readonly ObserverSpec _spec;
    private int _restraintFlights, _militaryFlights, _minors, _medical, _pending, _refused, _turnedBack, _removed;

    public Observer(string id, World world) : base(id, world) =>
        _spec = world.Spec.Agencies.Observers.First(o => AgentIds.Observer(o.Id) == id);

    protected override void On(string from, IMessage message)
    {
        switch (message)
        {
            case Start: WakeAt(Now + Clock.TicksForDays(_spec.IntervalDays), "assess"); break;
            case Wake { Purpose: "assess" }: Assess(); break;
            case FlightReport r: Record(r); break;
        }
    }

    private void Record(FlightReport r)
    {
        switch (r.Status)
        {
            case FlightStatus.Departed:
                if (r.Restraints) _restraintFlights++;
                if (r.Aircraft == AircraftKind.Military) _militaryFlights++;
                _minors += r.Minors;
                _medical += r.Medical;
                _pending += r.PendingCases;
                break;
            case FlightStatus.Landed: _removed += r.Passengers; break;
            case FlightStatus.Refused: _refused++; break;
            case FlightStatus.TurnedBack: _turnedBack++; break;
        }
    }

    private void Assess()
    {
        int[] findings = [_restraintFlights, _militaryFlights, _minors, _medical, _pending, _refused, _turnedBack];
        int concerns = findings.Count(f => f > 0);
        double cost = concerns * _spec.CostPerConcern;
        Log(EventKinds.ObserverAssessment, AgentIds.Country(_spec.Assesses), null,
            Field.Of("concerns", concerns), Field.Of("reputationalCost", Math.Round(cost, 6)), Field.Of("restraintFlights", _restraintFlights),
            Field.Of("militaryFlights", _militaryFlights), Field.Of("minorsRemoved", _minors), Field.Of("medicalCases", _medical),
            Field.Of("pendingCases", _pending), Field.Of("refusedFlights", _refused), Field.Of("turnedBackFlights", _turnedBack), Field.Of("removed", _removed));
        if (concerns > 0) Send(AgentIds.Country(_spec.Assesses), new Assessment(concerns, cost));
        _restraintFlights = _militaryFlights = _minors = _medical = _pending = _refused = _turnedBack = _removed = 0;
        WakeAt(Now + Clock.TicksForDays(_spec.IntervalDays), "assess");
    }
}
