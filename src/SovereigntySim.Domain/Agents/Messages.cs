using SovereigntySim.Domain.Bargaining;
using SovereigntySim.Domain.Scenario;
using SovereigntySim.Domain.Simulation;

namespace SovereigntySim.Domain.Agents;

// Messages are small immutable records. A manifest travels as one message, never one per person.

/// <summary>A scripted event from the scenario, delivered at its time.</summary>
public sealed record ScriptedEvent(ScriptedEventSpec Spec) : IMessage;

/// <summary>How a flight will fly: its plan adjusted by whatever the two states agreed.</summary>
public sealed record FlightTerms(
    string Operator,
    string Facility,
    string Origin,
    string Destination,
    AircraftKind Aircraft,
    int Seats,
    bool Restraints,
    bool HealthScreening,
    bool Monitors,
    double FlightHours,
    double CostPerHour,
    long DepartureTick,
    long ManifestTick,
    double TestSensitivity);

/// <summary>Which people enforcement leaves off a manifest.</summary>
public sealed record BookingRules(bool BookPendingCases, DocumentStandard? KnownStandard, bool KnownRefusesThirdCountry);

public sealed record FlightScheduled(FlightTerms Terms, IReadOnlyList<string> Caseloads, BookingRules Rules) : IMessage;
public sealed record SeatRequest(int Seats, BookingRules Rules) : IMessage;
public sealed record ManifestPart(IReadOnlyList<Passenger> Passengers) : IMessage;
public sealed record ManifestSubmitted(FlightTerms Terms, IReadOnlyList<Passenger> Passengers) : IMessage;

public enum FlightVerdict { Cleared, PartiallyCleared, Refused }

public readonly record struct PersonRefusal(long MigrantId, Reason Reason);

public sealed record ScreeningDecision(FlightVerdict Verdict, IReadOnlyList<Reason> FlightReasons, IReadOnlyList<PersonRefusal> Refusals) : IMessage
{
    /// <summary>The receiving state decides disputed identities case by case (its policy's caseByCaseReview): the people
    /// it refused for one are reviewed in the expedited time.</summary>
    public bool ExpeditedReview { get; init; }
}

/// <summary>The receiving state re-examines a cleared flight after its policy changed.</summary>
public sealed record ClearanceReview(IReadOnlyList<Reason> Violations, bool Revoked) : IMessage;

public enum PassengerFate : byte { Removed, Refused, Returned }

public readonly record struct PassengerOutcome(long MigrantId, PassengerFate Fate, Reason Reason);

/// <param name="ExpeditedReview">The screening that refused them decides disputed identities case by case.</param>
public sealed record PassengerOutcomes(IReadOnlyList<PassengerOutcome> Outcomes, bool ExpeditedReview = false) : IMessage;

public enum FlightStatus { Planned, ManifestSubmitted, Cleared, PartiallyCleared, Refused, Departed, Landed, TurnedBack, Diverted, Closed }

/// <summary>What a flight tells the states and watchers about itself.</summary>
public sealed record FlightReport(
    string Origin,
    string Destination,
    FlightStatus Status,
    AircraftKind Aircraft,
    bool Restraints,
    int Passengers,
    int Minors,
    int Medical,
    int PendingCases,
    IReadOnlyList<Reason> Reasons,
    long ManifestTick,
    int Infected = 0) : IMessage;

public sealed record PolicyChanged(string Country, AcceptancePolicySpec Policy, string Cause) : IMessage;
/// <summary>Revokes every clearance; <paramref name="Stated"/> is the reason the government gave (it becomes the grievance).</summary>
public sealed record RevokeClearances(string Cause, IReadOnlyList<Reason> Stated) : IMessage;
/// <summary>The country tells its screening to refuse (cap 0) or cap the origin's flights, or to stop doing so.</summary>
public sealed record SuspendFlights(string Origin, bool On, int WeeklyCap) : IMessage;
/// <summary>An incident on a landed flight from <paramref name="Origin"/>, reported by the screening agency.</summary>
/// <paramref name="Stated"/> is what the incident was (a positive case: healthScreening), the reason of the suspension it triggers.
public sealed record FlightIncident(string Origin, string Flight, IReadOnlyList<Reason>? Stated = null) : IMessage;
/// <summary>The first flight after an agreement landed: measures kept until then are lifted.</summary>
public sealed record FirstLanding(string Partner) : IMessage;

public sealed record TreatmentAlert(TreatmentConcern Concern, int People, double Pressure) : IMessage;
public sealed record Assessment(int Concerns, double Cost) : IMessage;

public sealed record InstrumentThreatened(string By, InstrumentSpec Instrument, double DailyCost) : IMessage;
/// <summary>An instrument applied; a flight suspension may state its reason (<paramref name="Stated"/>), which the
/// suspended state's dispute puts on the agenda.</summary>
public sealed record InstrumentApplied(string By, InstrumentSpec Instrument, double DailyCost, IReadOnlyList<Reason>? Stated = null) : IMessage;
/// <summary>A new government in the sender's country: its negotiators' private types are drawn again.</summary>
public sealed record GovernmentChanged : IMessage;
/// <summary>A new administration took office in the sender's country: the public prior of its threats is its own.</summary>
public sealed record AdministrationChanged(string Country) : IMessage;
/// <summary>A threat whose grace period ended without its application.</summary>
public sealed record InstrumentNotExecuted(string By, InstrumentSpec Instrument, bool Lapsed = false) : IMessage;
/// <summary>The sender lifts one instrument (<paramref name="Only"/>) or, when it is null, all it uses against the receiver.</summary>
public sealed record InstrumentsLifted(string By, InstrumentSpec? Only = null) : IMessage;

/// <summary>A country's standing in one dispute, as its ministry needs it to bargain: whether it is the sending
/// side, its pressure and win-set floor, audience and delay costs, and whether it still has an escalation under way
/// or worth starting (then its ministry does not walk out).</summary>
/// <param name="LinkedDemand">How far a receiving state's demand outside the flight terms raises its floor (0: none).</param>
public sealed record PoliticalState(string Partner, bool Sending, double Pressure, double WinSetFloor, double AudienceCost, double DelayCost, double DailyCost, bool EscalationPending, AcceptancePolicySpec? Policy = null, double LinkedDemand = 0) : IMessage;

/// <summary>What a ministry believes about the dispute after its latest turn, for its country's escalation decisions:
/// how far the deal it expects falls short of what it now aims for (its aspiration; negative: it expects better), in
/// units of everything it weighs in the relation (the agenda's utility times its stake, as costs are counted), and
/// its belief's mean of the other side's reservation value.</summary>
public sealed record BargainingView(string Partner, double Shortfall, double BeliefMean) : IMessage;

/// <summary>Opens talks on the dispute's agenda: the terms its refusals raised (null: every flight condition).</summary>
public sealed record OpenNegotiation(string Sending, string Receiving, string Cause, IReadOnlyList<Issue>? Issues = null) : IMessage;
/// <summary>A ministry asks to resume talks that ended; <paramref name="Why"/> holds the numbers behind the decision.</summary>
public sealed record ResumeNegotiation(string By, IReadOnlyList<Field> Why) : IMessage;
public sealed record NegotiationOpened(string Sending, string Receiving) : IMessage;
/// <summary>A refusal during the dispute raised terms: the agenda grows to the dispute's whole grievance.</summary>
public sealed record GrievanceGrew(IReadOnlyList<Issue> Issues) : IMessage;
/// <summary>The side's turn: <paramref name="Hours"/> is the time since the dispute's first negotiation opened, and
/// <paramref name="OfferedAt"/> that time when the offer on the table was made.</summary>
public sealed record OfferRequest(string Partner, bool Sending, int Round, Terms? Offer, double Hours, double OfferedAt, Agenda? Agenda = null) : IMessage;
/// <summary>Accept, counter or walk away, with the numbers behind the decision.</summary>
public sealed record OfferResponse(int Round, bool Accept, Terms? Counter, bool Walkaway, IReadOnlyList<Field> Why) : IMessage;
public sealed record AgreementReached(string Sending, string Receiving, Terms Terms) : IMessage;
public sealed record NegotiationEnded(string Sending, string Receiving, string Outcome) : IMessage;
public sealed record TermsAgreed(string Destination, Terms Terms) : IMessage;
