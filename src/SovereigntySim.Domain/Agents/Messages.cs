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
    long ManifestTick);

/// <summary>Which people enforcement leaves off a manifest.</summary>
public sealed record BookingRules(bool BookPendingCases, DocumentStandard? KnownStandard, bool KnownRefusesThirdCountry);

public sealed record FlightScheduled(FlightTerms Terms, IReadOnlyList<string> Caseloads, BookingRules Rules) : IMessage;
public sealed record SeatRequest(int Seats, BookingRules Rules) : IMessage;
public sealed record ManifestPart(IReadOnlyList<Passenger> Passengers) : IMessage;
public sealed record ManifestSubmitted(FlightTerms Terms, IReadOnlyList<Passenger> Passengers) : IMessage;

public enum FlightVerdict { Cleared, PartiallyCleared, Refused }

public readonly record struct PersonRefusal(long MigrantId, Reason Reason);

public sealed record ScreeningDecision(FlightVerdict Verdict, IReadOnlyList<Reason> FlightReasons, IReadOnlyList<PersonRefusal> Refusals) : IMessage;

/// <summary>The receiving state re-examines a cleared flight after its policy changed.</summary>
public sealed record ClearanceReview(IReadOnlyList<Reason> Violations, bool Revoked) : IMessage;

public enum PassengerFate : byte { Removed, Refused, Returned }

public readonly record struct PassengerOutcome(long MigrantId, PassengerFate Fate, Reason Reason);

public sealed record PassengerOutcomes(IReadOnlyList<PassengerOutcome> Outcomes) : IMessage;

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
    long ManifestTick) : IMessage;

public sealed record PolicyChanged(string Country, AcceptancePolicySpec Policy, string Cause) : IMessage;
public sealed record RevokeClearances(string Cause) : IMessage;

public sealed record TreatmentAlert(TreatmentConcern Concern, int People, double Pressure) : IMessage;
public sealed record Assessment(int Concerns, double Cost) : IMessage;

public sealed record EscalationRequest(string Against) : IMessage;
public sealed record InstrumentThreatened(string By, InstrumentSpec Instrument, double DailyCost) : IMessage;
public sealed record InstrumentApplied(string By, InstrumentSpec Instrument, double DailyCost) : IMessage;
public sealed record InstrumentsLifted(string By) : IMessage;
public sealed record LadderExhausted(string Against) : IMessage;

/// <summary>A country's standing in one dispute, as its ministry needs it to bargain.</summary>
public sealed record PoliticalState(string Partner, double Pressure, double WinSetFloor, double AudienceCost, double DelayCost) : IMessage;

public sealed record OpenNegotiation(string Sending, string Receiving, string Cause) : IMessage;
public sealed record NegotiationOpened(string Sending, string Receiving) : IMessage;
public sealed record OfferRequest(string Partner, bool Sending, int Round, Terms? Offer, double TimeFraction) : IMessage;
public sealed record OfferResponse(int Round, bool Accept, Terms? Counter, bool Walkaway) : IMessage;
public sealed record AgreementReached(string Sending, string Receiving, Terms Terms) : IMessage;
public sealed record NegotiationEnded(string Sending, string Receiving, string Outcome) : IMessage;
public sealed record TermsAgreed(string Destination, Terms Terms) : IMessage;
