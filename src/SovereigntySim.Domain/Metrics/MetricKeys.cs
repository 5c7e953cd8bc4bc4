namespace SovereigntySim.Domain.Metrics;

/// <summary>The names of the run's counters, once: the metrics fold adds to them, the tables, the console, the live
/// page and the outcome columns read them. <see cref="Daily"/> are the columns of timeseries.csv, in order; every
/// counter, daily or run-level (<see cref="RunLevel"/>), reaches the totals and the outcomes.</summary>
public static class MetricKeys
{
    public const string FlightsPlanned = "flights.planned";
    public const string FlightsCancelled = "flights.cancelled";
    public const string FlightsCleared = "flights.cleared";
    public const string FlightsPartiallyCleared = "flights.partiallyCleared";
    public const string FlightsRefused = "flights.refused";
    public const string FlightsTurnedBack = "flights.turnedBack";
    public const string FlightsDiverted = "flights.diverted";
    public const string FlightsLanded = "flights.landed";
    public const string MigrantsDetained = "migrants.detained";
    public const string MigrantsRemoved = "migrants.removed";
    public const string MigrantsRefused = "migrants.refused";
    public const string MigrantsReleasedAtLimit = "migrants.releasedAtLimit";
    public const string MigrantsRelief = "migrants.relief";
    public const string MigrantsDeferredArrests = "migrants.deferredArrests";
    public const string MigrantsRemovedByLand = "migrants.removedByLand";
    public const string DetentionBedDays = "detention.bedDays";
    public const string DetentionCost = "detention.cost";
    public const string FlightsHours = "flights.hours";
    public const string FlightsCost = "flights.cost";
    public const string NegotiationRounds = "negotiation.rounds";
    public const string EscalationsThreatened = "escalations.threatened";
    public const string EscalationsApplied = "escalations.applied";
    public const string AdvocacyAlerts = "advocacy.alerts";
    public const string ObserverAssessments = "observer.assessments";
    public const string MigrantEvents = "migrantEvents";
    public const string InstrumentsKept = "instruments.kept";
    public const string FlightsIncidents = "flights.incidents";

    /// <summary>Counted per day (timeseries.csv, in this order) and in all.</summary>
    public static readonly string[] Daily =
    [
        FlightsPlanned, FlightsCancelled, FlightsCleared, FlightsPartiallyCleared, FlightsRefused, FlightsTurnedBack,
        FlightsDiverted, FlightsLanded, MigrantsDetained, MigrantsRemoved, MigrantsRefused, MigrantsReleasedAtLimit,
        MigrantsRelief, MigrantsDeferredArrests, MigrantsRemovedByLand, DetentionBedDays, DetentionCost, FlightsHours,
        FlightsCost, NegotiationRounds, EscalationsThreatened, EscalationsApplied, AdvocacyAlerts, ObserverAssessments,
        MigrantEvents,
    ];

    /// <summary>Counted over the run only: an agreement that kept an instrument, an incident on a landed flight.</summary>
    public static readonly string[] RunLevel = [InstrumentsKept, FlightsIncidents];

    /// <summary>Levels of each day's row, after the counters: people detained at the day's end, the highest tension.</summary>
    public const string MigrantsDetainedNow = "migrants.detainedNow";
    public const string TensionMax = "tension.max";

    /// <summary>The columns of a day's row after day and date: the daily counters, then the levels.</summary>
    public static readonly string[] DailyColumns = [.. Daily, MigrantsDetainedNow, TensionMax];

    /// <summary>Every counter.</summary>
    public static readonly string[] All = [.. Daily, .. RunLevel];
}
