using SovereigntySim.Domain.Bargaining;
using SovereigntySim.Domain.Scenario;
using SovereigntySim.Domain.Simulation;

namespace SovereigntySim.Domain.Agents;

/// <summary>
/// Removal enforcement (ICE ERO): runs its flight plans, one flight at a time, each created when its manifest is
/// due (departure minus notice). It adapts each flight to what its state agreed with the destination (aircraft,
/// restraints, notice, passengers, monitors, weekly cap) and, if told to, leaves off manifests the people the
/// destination's known policy would refuse.
/// </summary>
public sealed partial class Enforcement : Agent
{
    private readonly EnforcementSpec _spec;
    private readonly List<FlightPlanSpec> _plans;
    private readonly Dictionary<string, Terms> _agreed = new(StringComparer.Ordinal);
    // Receiving states' acceptance policies as announced; what manifest filtering goes by.
    private readonly Dictionary<string, AcceptancePolicySpec> _announced = new(StringComparer.Ordinal);
    private readonly Dictionary<(string, int), int> _scheduledPerWeek = [];

    public Enforcement(string id, World world) : base(id, world)
    {
        _spec = world.Spec.Agencies.Enforcement.First(e => AgentIds.Enforcement(e.Id) == id);
        _plans = world.Spec.FlightPlans.Where(p => p.Agency == _spec.Id).ToList();
    }

    protected override void On(string from, IMessage message)
    {
        switch (message)
        {
            case Start:
                for (int p = 0; p < _plans.Count; p++) ScheduleManifest(p, 0);
                break;
            case Wake { Purpose: "manifest" } w:
                CreateFlight((int)(w.Ref >> 32), (int)(uint)w.Ref);
                break;
            case PolicyChanged p:
                _announced[p.Country] = p.Policy;
                break;
            case TermsAgreed t:
                _agreed[t.Destination] = t.Terms;
                Log(EventKinds.EnforcementTermsAdopted, AgentIds.Country(t.Destination), null, Field.Of(EventFields.Terms, t.Terms.ToString()));
                break;
        }
    }

    private long Departure(FlightPlanSpec plan, int n) =>
        Clock.TickAt(plan.First.OffsetFrom(World.Spec.Start)) + (long)Math.Round(n * plan.IntervalHours * TimeSpan.TicksPerHour / Clock.Step.Ticks);

    private void ScheduleManifest(int p, int n)
    {
        var plan = _plans[p];
        if (plan.Count > 0 && n >= plan.Count) return;
        long departure = Departure(plan, n);
        if (departure >= Clock.EndTick) return;
        long manifest = Math.Max(Now, departure - Clock.TicksFor(Notice(plan)));
        WakeAt(manifest, "manifest", ((long)p << 32) | (uint)n);
    }

    /// <summary>The destination's policy as last announced (or as in the scenario file).</summary>
    private AcceptancePolicySpec Announced(string destination) => _announced.GetValueOrDefault(destination) ?? World.Countries[destination].Acceptance;

    /// <summary>Once the states have agreed, enforcement honours the terms it lives under: the agreed ones and the
    /// destination's announced policy for everything the agreement left as it was.</summary>
    private AcceptancePolicySpec? Honoured(string destination) => _agreed.ContainsKey(destination) ? Announced(destination) : null;

    private double Notice(FlightPlanSpec plan) =>
        Honoured(plan.Destination) is { } p ? Math.Max(plan.NoticeHours, p.AdvanceNoticeHours) : plan.NoticeHours;

    private void CreateFlight(int p, int n)
    {
        var plan = _plans[p];
        ScheduleManifest(p, n + 1);
        // A notice period agreed after this manifest was planned pushes the departure back rather than break it.
        long departure = Math.Max(Departure(plan, n), Now + Clock.TicksFor(Notice(plan)));
        var flightId = AgentIds.Flight(plan.Id, n);
        var terms = Adapt(plan, departure);
        if (Honoured(plan.Destination) is { WeeklyFlightCap: > 0 } honoured)
        {
            var key = (plan.Destination, Clock.Week(departure));
            int count = _scheduledPerWeek.GetValueOrDefault(key);
            if (count >= honoured.WeeklyFlightCap)
            {
                Log(EventKinds.FlightCancelled, flightId, ["weeklyCap"], Field.Of(EventFields.Destination, plan.Destination));
                return;
            }
            _scheduledPerWeek[key] = count + 1;
        }
        var caseloads = World.CaseloadsOf(plan.Facility, plan.Destination).Select(c => c.AgentId).ToList();
        Send(flightId, new FlightScheduled(terms, caseloads, Rules(plan.Destination)));
    }

    private FlightTerms Adapt(FlightPlanSpec plan, long departure)
    {
        var terms = new FlightTerms(_spec.Id, plan.Facility, _spec.Country, plan.Destination, plan.Aircraft, plan.Seats, plan.Restraints,
            plan.HealthScreening, plan.Monitors, plan.FlightHours, plan.CostPerHour, departure, Now, plan.TestSensitivity);
        if (!_agreed.TryGetValue(plan.Destination, out var t)) return terms;
        var policy = Announced(plan.Destination);
        var aircraft = t.Names(Issue.Aircraft) && t.Aircraft == AircraftKind.ReceivingState ? AircraftKind.ReceivingState
            : plan.Aircraft == AircraftKind.Military && (policy.CivilianAircraftOnly || (t.Names(Issue.Aircraft) && t.Aircraft == AircraftKind.Charter)) ? AircraftKind.Charter
            : plan.Aircraft;
        return terms with
        {
            Aircraft = aircraft,
            CostPerHour = aircraft == plan.Aircraft ? plan.CostPerHour : _spec.CharterCostPerHour,
            Restraints = plan.Restraints && policy.RestraintsAllowed && (!t.Names(Issue.Restraints) || t.Restraints),
            Seats = Math.Min(plan.Seats, t.Names(Issue.PassengersPerFlight) ? Math.Min(t.PassengersPerFlight, policy.MaxPassengersPerFlight) : policy.MaxPassengersPerFlight),
            Monitors = plan.Monitors || policy.MonitoringRequired || (t.Names(Issue.Monitoring) && t.Monitoring) || (t.Names(Issue.Assurances) && t.Assurances),
            HealthScreening = true,
        };
    }

    private BookingRules Rules(string destination)
    {
        // After an agreement enforcement plans by the terms it agreed to, whether or not it filters otherwise.
        if (!_spec.FilterManifests && !_agreed.ContainsKey(destination)) return new BookingRules(_spec.BookPendingCases, null, false);
        var policy = Announced(destination);
        return new BookingRules(_spec.BookPendingCases, policy.DocumentationStandard, !policy.AcceptThirdCountryNationals);
    }
}
