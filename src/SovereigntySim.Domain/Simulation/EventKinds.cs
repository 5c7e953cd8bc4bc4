using System.Reflection;
using SovereigntySim.Domain.Agents;
using SovereigntySim.Domain.Scenario;

namespace SovereigntySim.Domain.Simulation;

/// <summary>One kind of event in the log: its name, what it means, which agent logs it, about whom, and the reasons
/// and fields it carries. A row of the event table in docs/model.md §9.</summary>
public sealed record EventKind(string Name, string Meaning, string Actor, string Subject, string Carries);

/// <summary>Describes the event kind named by the constant it is attached to (see <see cref="EventKinds"/>).</summary>
[AttributeUsage(AttributeTargets.Field)]
public sealed class LoggedAttribute(string by, string meaning, string carries) : Attribute
{
    public string By { get; } = by;
    public string Meaning { get; } = meaning;
    public string Carries { get; } = carries;

    /// <summary>Whom the event is about, when it names someone ("—" otherwise).</summary>
    public string Subject { get; init; } = "—";
}

/// <summary>
/// Every kind of event the agents log, each named once: agents log these constants and consumers (the metrics fold,
/// the live sink) switch on them, so a typo is a compile error rather than a silently empty metric. The constants
/// are the catalogue, in the order of the event table in docs/model.md §9, which a test keeps equal to
/// <see cref="All"/>. To add a kind: one constant with its <see cref="LoggedAttribute"/> here, and the behaviour
/// that logs it. Kinds with a variable part (a migrant-event, a scripted event, how talks ended) have a factory.
/// </summary>
public static class EventKinds
{
    [Logged("caseload", "More initial detainees than beds: the rest are deferred arrests", "deferred")]
    public const string CaseloadOverCapacity = "caseload.overCapacity";

    [Logged("caseload", "A caseload partition's day in detention", "detained, bedDays, cost, deferredArrests (for the day that ends at this tick)")]
    public const string CaseloadDay = "caseload.day";

    [Logged("caseload", "The day's removals by land to a neighbouring country", "destination, removed")]
    public const string CaseloadLandReturns = "caseload.landReturns";

    [Logged("caseload", "Taken into detention: at the start, or arrested",
        "who the person is: nationality (the destination's id, an entry of `thirdCountryNationalities`, or `other`), documents, legal, vulnerabilities (`minor+medical+familyTies` style, or `none`)",
        Subject = "migrant id")]
    public const string MigrantDetained = "migrant.detained";

    [Logged("caseload", "Appealed the removal order after a refusal", "reason (the refusal's); flight", Subject = "migrant id")]
    public const string MigrantAppealFiled = "migrant.appealFiled";

    [Logged("caseload", "Appeal denied: the removal order is final", "reason (finalOrder)", Subject = "migrant id")]
    public const string MigrantAppealDenied = "migrant.appealDenied";

    [Logged("caseload", "Asylum denied: the removal order is final", "reason (finalOrder)", Subject = "migrant id")]
    public const string MigrantAsylumDenied = "migrant.asylumDenied";

    [Logged("caseload", "Relief granted (appeal or asylum): leaves detention without removal", "reason (appealGranted or asylumGranted)", Subject = "migrant id")]
    public const string MigrantReliefGranted = "migrant.reliefGranted";

    [Logged("caseload", "A consulate issued or confirmed a travel document", "reason (travelDocument)", Subject = "migrant id")]
    public const string MigrantTravelDocumentIssued = "migrant.travelDocumentIssued";

    [Logged("caseload", "Final order and documents: may be booked on a flight", "—", Subject = "migrant id")]
    public const string MigrantRemovable = "migrant.removable";

    [Logged("caseload", "Booked on a flight's manifest", "flight", Subject = "migrant id")]
    public const string MigrantBooked = "migrant.booked";

    [Logged("caseload", "Refused boarding: by the receiving state (alone or with the whole flight) or by a positive test", "reason; flight", Subject = "migrant id")]
    public const string MigrantRefused = "migrant.refused";

    [Logged("caseload", "Back in detention from a flight that was turned back", "reason; flight", Subject = "migrant id")]
    public const string MigrantReturned = "migrant.returned";

    [Logged("caseload", "Removed, by a landed flight or by land", "reason (landReturn by land); flight", Subject = "migrant id")]
    public const string MigrantRemoved = "migrant.removed";

    [Logged("caseload", "Released at the detention limit", "reason (detentionLimit)", Subject = "migrant id")]
    public const string MigrantReleased = "migrant.released";

    [Logged("caseload", "A batch's migrant-events, counted and hashed (compact mode)", "migrantEvents, a count per `migrant.<kind>`, xxh128")]
    public const string Migrants = "migrants";

    [Logged("enforcement", "Enforcement plans its flights under agreed terms", "terms", Subject = "country")]
    public const string EnforcementTermsAdopted = "enforcement.termsAdopted";

    [Logged("enforcement (weeklyCap) or flight", "A flight will not go",
        "reason (weeklyCap, noRemovablePassengers, nobodyCleared or allTestedPositive); destination (enforcement only)", Subject = "flight (enforcement only)")]
    public const string FlightCancelled = "flight.cancelled";

    [Logged("flight", "A removal flight is scheduled", "destination, aircraft, seats, departure, restraints")]
    public const string FlightPlanned = "flight.planned";

    [Logged("flight", "The manifest goes to the receiving state's screening", "passengers, noticeHours")]
    public const string FlightManifestSubmitted = "flight.manifestSubmitted";

    [Logged("flight", "Cleared: everyone on the manifest may board", "flight reasons (e.g. noScreeningAgency); boarding, refusedPeople")]
    public const string FlightCleared = "flight.cleared";

    [Logged("flight", "Cleared, but some people on the manifest were refused", "flight reasons; boarding, refusedPeople")]
    public const string FlightPartiallyCleared = "flight.partiallyCleared";

    [Logged("flight", "A cleared flight drops what a review objected to (restraints) and keeps its clearance", "violations")]
    public const string FlightAmended = "flight.amended";

    [Logged("flight", "Passengers tested before departure (only in an epidemic)", "`noHealthScreening` when untested; tested, positive, infectedAboard")]
    public const string FlightTested = "flight.tested";

    [Logged("flight", "The flight took off", "passengers, aircraft, restraints")]
    public const string FlightDeparted = "flight.departed";

    [Logged("flight", "Airborne and diverted: people delivered on the receiving state's aircraft", "violations; passengers")]
    public const string FlightDiverted = "flight.diverted";

    [Logged("flight", "The flight landed: its passengers are removed", "`diverted` if diverted; removed")]
    public const string FlightLanded = "flight.landed";

    [Logged("flight", "Refused at screening (or its clearance revoked before departure): nobody flies", "reasons; passengers")]
    public const string FlightRefused = "flight.refused";

    [Logged("flight", "Airborne and no longer welcome: flown back with everyone aboard", "reasons; passengers")]
    public const string FlightTurnedBack = "flight.turnedBack";

    [Logged("flight", "The flight's story is over: how it ended and what it cost", "outcome, flightHours, cost, payer")]
    public const string FlightClosed = "flight.closed";

    [Logged("screening", "The receiving state decided on a manifest",
        "flight reasons; verdict, passengers, refusedPeople, `refused.<reason>` counts (logged when the inspection ends)", Subject = "flight")]
    public const string ScreeningDecision = "screening.decision";

    [Logged("screening", "A clearance reviewed after a policy change or a revocation", "violations or clearanceRevoked; revoked", Subject = "flight")]
    public const string ScreeningReview = "screening.review";

    [Logged("screening", "An incident on a landed flight (abuse, an infected passenger)",
        "`healthScreening` for positive cases; origin, passengers, incidentRate or positiveCases (followed by the country's `instrument.applied`, reason `incident`, instrument flightSuspension, flight)",
        Subject = "flight")]
    public const string FlightIncident = "flight.incident";

    [Logged("country", "A country's day: domestic pressure, tension and what its disputes cost",
        "pressure, `tension.<partner>`, `disputeCost.<partner>` (accrued), at the day's last tick")]
    public const string CountryDay = "country.day";

    [Logged("country", "A country announced a new acceptance policy", "cause; every policy field")]
    public const string CountryPolicyChanged = "country.policyChanged";

    [Logged("country", "A country is in a dispute with a partner", "role; linkedDemand, linkedDemandValue (a receiving state's demand, if any)", Subject = "partner")]
    public const string DisputeOpened = "dispute.opened";

    [Logged("country", "Scripted: the country changes its acceptance policy", "note", Subject = "partner if given")]
    public const string ScriptSetPolicy = "script.setPolicy";

    [Logged("country", "Scripted: the country threatens an instrument", "note", Subject = "partner")]
    public const string ScriptThreaten = "script.threaten";

    [Logged("country", "Scripted: the country applies an instrument at once", "note", Subject = "partner")]
    public const string ScriptImpose = "script.impose";

    [Logged("country", "Scripted: the country lifts every instrument it applies to the partner", "note", Subject = "partner")]
    public const string ScriptLift = "script.lift";

    [Logged("country", "Scripted: the country revokes clearances of flights cleared or airborne", "note", Subject = "partner if given")]
    public const string ScriptRevokeClearances = "script.revokeClearances";

    [Logged("country", "Scripted: the country's domestic pressure is set", "note", Subject = "partner if given")]
    public const string ScriptSetPressure = "script.setPressure";

    [Logged("country", "Scripted: a new government takes office", "note", Subject = "partner if given")]
    public const string ScriptGovernmentChange = "script.governmentChange";

    [Logged("country", "An administration takes office (countries[].administrations): its posture's ladder and threat politics from now on",
        "the posture; posture, instruments (its ladder's names), threatCredibility")]
    public const string CountryAdministration = "country.administration";

    [Logged("country", "A country's private commitment to its threats (at tick 0, and drawn again by a new government)",
        "`governmentChange` when drawn again; commitment (κ), backDownCost (κ·A), linkedDemandsDropped (new government)")]
    public const string CountryType = "country.type";

    [Logged("country", "A threat: the instrument applies at the end of its grace period unless the partner concedes",
        "`decided` or `scripted`; instrument, rate, applyAt; when decided also shortfall, belief.mean (the ministry's, of the target's reservation value), expectedConcession, credibility, expectedGain, expectedCost, commitment",
        Subject = "target")]
    public const string InstrumentThreatened = "instrument.threatened";

    [Logged("country", "A rung the country declined to use for now",
        "instrument and the numbers of the threat or counter-escalation rule that declined it (once a negotiation per rung)", Subject = "target")]
    public const string InstrumentHeldInReserve = "instrument.heldInReserve";

    [Logged("country", "An instrument in force against the partner",
        "`scripted`, `threat carried out`, `counter-escalation`, `decided`, `incident` (with flight) or `noncompliance` (a threat kept after an agreement whose date came before the partner took anyone back; with returned, needed); instrument, rate, dailyCostToTarget; after a threat also shortfall, expectedConcession, costToSelf, backDownCost, credibility (after the update); a counter-escalation also audienceCostUnanswered",
        Subject = "target")]
    public const string InstrumentApplied = "instrument.applied";

    [Logged("country", "A threat not carried out",
        "instrument, shortfall, expectedConcession, costToSelf, backDownCost, credibility (after the update); or `noDispute` and the instrument alone, for a threat that lapses; or `compliance` with instrument, returned, needed, for a threat kept after an agreement that lapses because the partner is taking people back again; or `newAdministration` with the instrument, for a threat of an administration that left office",
        Subject = "target")]
    public const string InstrumentNotExecuted = "instrument.notExecuted";

    [Logged("country", "An instrument no longer in force",
        "`agreement`, `scripted` (only when something was lifted), `notWorthIt` (one instrument; with instrument, shortfall, expectedConcession, costToSelf, backDownCost) `firstLanding` (a kept instrument, when the first flight lands after the agreement) or `compliance` (an instrument lifted on compliance, once the partner took back enough people after the agreement; with returned, needed); one instrument per event (with instrument) except `scripted` and an agreement without linked instruments",
        Subject = "target")]
    public const string InstrumentLifted = "instrument.lifted";

    [Logged("country", "An agreement keeps an instrument in force until the first landing, or until compliance", "`agreement`; instrument, until (`firstLanding` or `compliance`), needed (people to take back, for compliance), applied (false: a threat that stands until its date)", Subject = "target")]
    public const string InstrumentKept = "instrument.kept";

    [Logged("country", "A scripted instrument not used: every rung of that kind is already in use", "instrument", Subject = "target")]
    public const string InstrumentInForce = "instrument.inForce";

    [Logged("country", "A scripted escalation found no rung left on the ladder", "—", Subject = "target")]
    public const string EscalationExhausted = "escalation.exhausted";

    [Logged("ministry", "A foreign ministry's private type, at tick 0",
        "reservationValue (r₀), resolve (ρ), delayWeight, patienceDays (both after resolve)", Subject = "own country")]
    public const string MinistryType = "ministry.type";

    [Logged("negotiation", "Talks open between the two states",
        "cause; sending, receiving, deadline, agenda (`+`-separated terms and `relief:<user>.<instrument>` items)")]
    public const string NegotiationOpened = "negotiation.opened";

    [Logged("negotiation", "A refusal during talks raised new terms; the offer on the table lapsed", "agenda, round")]
    public const string NegotiationAgendaExtended = "negotiation.agendaExtended";

    [Logged("negotiation", "One side's offer", "round, by, utility.sending, utility.receiving, terms, and the proposer's numbers (below)")]
    public const string NegotiationOffer = "negotiation.offer";

    [Logged("negotiation", "The offer on the table was rejected with a counter-offer", "\"rejected by X\"; round, by, and the rejecter's numbers")]
    public const string NegotiationRejected = "negotiation.rejected";

    [Logged("negotiation", "The offer on the table was accepted: its terms become policy",
        "\"accepted by X\"; round, day, hoursOpen, hoursInDispute, utility.sending, utility.receiving, nashProduct, terms (only the named terms and `<user>.<instrument>=lifted|kept`), one `term.<issue>` per term (aircraft, restraints, noticeHours, weeklyCap, passengersPerFlight, documentation, thirdCountryNationals, monitoring, health, assurances, caseByCase, payment; empty when not named), term.lifted and term.kept (`;`-separated `<user>.<instrument>`), and the acceptor's numbers")]
    public const string NegotiationAgreement = "negotiation.agreement";

    [Logged("negotiation", "A side walked away from the talks", "\"walked away: X\"; round, hoursOpen, and the numbers of the side that walked out")]
    public const string NegotiationBreakdown = "negotiation.breakdown";

    [Logged("negotiation", "The talks reached their deadline without agreement", "round, hoursOpen")]
    public const string NegotiationDeadline = "negotiation.deadline";

    [Logged("negotiation", "Talks that ended resume at a ministry's request",
        "\"resumed by X\"; by, reservation, lowestEarlier (its lowest at an earlier end or resumption), belief.mean, agreementChance, valueOfContinuing, costOfFutileTalks (followed by `negotiation.opened`)")]
    public const string NegotiationResumed = "negotiation.resumed";

    [Logged("negotiation", "No talks: a state has no foreign ministry", "noForeignMinistry")]
    public const string NegotiationUnavailable = "negotiation.unavailable";

    [Logged("advocacy", "Advocates raised an alert about how people were flown", "concern; people, pressure (negative in a sending state), country", Subject = "flight")]
    public const string AdvocacyAlert = "advocacy.alert";

    [Logged("observer", "An observer's periodic assessment of a sending state's flights",
        "concerns, reputationalCost, restraintFlights, militaryFlights, minorsRemoved, medicalCases, pendingCases, refusedFlights, turnedBackFlights, removed",
        Subject = "country")]
    public const string ObserverAssessment = "observer.assessment";

    /// <summary>Every kind, in the order declared above.</summary>
    public static IReadOnlyList<EventKind> All { get; } = typeof(EventKinds).GetFields(BindingFlags.Public | BindingFlags.Static)
        .Where(f => f.IsLiteral).OrderBy(f => f.MetadataToken)
        .Select(f => f.GetCustomAttribute<LoggedAttribute>() is { } d
            ? new EventKind((string)f.GetRawConstantValue()!, d.Meaning, d.By, d.Subject, d.Carries)
            : throw new InvalidOperationException($"event kind {f.Name} has no [Logged] description"))
        .ToArray();

    /// <summary>Every migrant-event kind, in the order of <see cref="MigrantEventKind"/>.</summary>
    public static IReadOnlyList<string> MigrantKinds { get; } = Enum.GetValues<MigrantEventKind>().Select(Migrant).ToArray();

    private static readonly HashSet<string> MigrantKindSet = new(MigrantKinds, StringComparer.Ordinal);

    /// <summary>The kind of a migrant-event in full mode (and its counter's key in a compact <see cref="Migrants"/> line).</summary>
    public static string Migrant(MigrantEventKind kind) => kind switch
    {
        MigrantEventKind.Detained => MigrantDetained,
        MigrantEventKind.AppealFiled => MigrantAppealFiled,
        MigrantEventKind.AppealDenied => MigrantAppealDenied,
        MigrantEventKind.AsylumDenied => MigrantAsylumDenied,
        MigrantEventKind.ReliefGranted => MigrantReliefGranted,
        MigrantEventKind.TravelDocumentIssued => MigrantTravelDocumentIssued,
        MigrantEventKind.Removable => MigrantRemovable,
        MigrantEventKind.Booked => MigrantBooked,
        MigrantEventKind.Refused => MigrantRefused,
        MigrantEventKind.Returned => MigrantReturned,
        MigrantEventKind.Removed => MigrantRemoved,
        MigrantEventKind.Released => MigrantReleased,
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "no event kind for this migrant-event"),
    };

    /// <summary>Whether the kind is one migrant-event (full mode).</summary>
    public static bool IsMigrant(string kind) => MigrantKindSet.Contains(kind);

    /// <summary>The kind a country logs for a scripted event. Scripted talks are opened by the negotiation, which logs
    /// <see cref="NegotiationOpened"/> instead.</summary>
    public static string Script(ScriptedEventKind kind) => kind switch
    {
        ScriptedEventKind.SetPolicy => ScriptSetPolicy,
        ScriptedEventKind.Threaten => ScriptThreaten,
        ScriptedEventKind.Impose => ScriptImpose,
        ScriptedEventKind.Lift => ScriptLift,
        ScriptedEventKind.RevokeClearances => ScriptRevokeClearances,
        ScriptedEventKind.SetPressure => ScriptSetPressure,
        ScriptedEventKind.GovernmentChange => ScriptGovernmentChange,
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "no country logs this scripted event"),
    };

    /// <summary>The kind that ends talks without agreement, by how they ended (<see cref="NegotiationOutcomes"/>).</summary>
    public static string NegotiationEnded(string outcome) => outcome switch
    {
        NegotiationOutcomes.Breakdown => NegotiationBreakdown,
        NegotiationOutcomes.Deadline => NegotiationDeadline,
        _ => throw new ArgumentOutOfRangeException(nameof(outcome), outcome, "talks end without agreement by a breakdown or the deadline"),
    };
}

/// <summary>How a negotiation stands or ended: in the metrics (a negotiation's outcome) and in the
/// NegotiationEnded message the states and ministries receive.</summary>
public static class NegotiationOutcomes
{
    /// <summary>Talks under way.</summary>
    public const string Open = "open";
    public const string Agreement = "agreement";
    /// <summary>A side walked away.</summary>
    public const string Breakdown = "breakdown";
    public const string Deadline = "deadline";
    /// <summary>No talks could open: a state has no foreign ministry.</summary>
    public const string Unavailable = "unavailable";
}

/// <summary>Keys of event fields that consumers read (the metrics fold, the live sink): named once for the agents that
/// log them and the code that reads them. Keys ending in a dot are prefixes, followed by a partner, a reason or a term.</summary>
public static class EventFields
{
    public const string Aircraft = "aircraft";
    public const string Restraints = "restraints";
    public const string Destination = "destination";
    public const string Removed = "removed";
    public const string FlightHours = "flightHours";
    public const string Cost = "cost";
    public const string BedDays = "bedDays";
    public const string DeferredArrests = "deferredArrests";
    /// <summary>People a screening refused, per reason: refused.&lt;reason&gt; (screening.decision).</summary>
    public const string RefusedPrefix = "refused.";
    public const string Pressure = "pressure";
    /// <summary>Tension towards a partner, and what a dispute with it has cost: tension.&lt;partner&gt;, disputeCost.&lt;partner&gt; (country.day).</summary>
    public const string TensionPrefix = "tension.";
    public const string DisputeCostPrefix = "disputeCost.";
    public const string Instrument = "instrument";
    public const string Sending = "sending";
    public const string Receiving = "receiving";
    public const string Round = "round";
    public const string By = "by";
    public const string Day = "day";
    public const string HoursOpen = "hoursOpen";
    public const string Terms = "terms";
    public const string UtilitySending = "utility.sending";
    public const string UtilityReceiving = "utility.receiving";
    /// <summary>A ministry's numbers in its answers and offers (negotiation.offer, .rejected, .agreement, .breakdown).</summary>
    public const string Reservation = "reservation";
    public const string Aspiration = "aspiration";
    public const string DailyCost = "dailyCost";
    public const string NashProduct = "nashProduct";
    /// <summary>An agreed term: term.&lt;issue&gt;, term.lifted, term.kept (negotiation.agreement).</summary>
    public const string TermPrefix = "term.";
    /// <summary>How many migrant-events a compact <see cref="EventKinds.Migrants"/> line stands for.</summary>
    public const string MigrantEvents = "migrantEvents";
}
