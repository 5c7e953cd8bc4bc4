using SovereigntySim.Domain.Simulation;

namespace SovereigntySim.Domain.Metrics;

/// <summary>
/// Folds the canonical event log into the run's metrics: the summary and one row per simulated day. Metrics are
/// derived from events only, so the summary can never disagree with the log, and both engines share it.
/// </summary>
public sealed class MetricsAccumulator(SimClock clock, Func<string, string?>? flightDyad = null, IReadOnlyList<Scenario.MeasureSpec>? measures = null)
{
    /// <summary>An accumulator that also knows which dyad (origin->destination) each flight belongs to, and folds the
    /// scenario's own measures.</summary>
    public static MetricsAccumulator For(World world) => new(world.Clock, measures: world.Spec.Measures, flightDyad: actor =>
    {
        // The flight's plan names its destination; the plan's agency gives the sending country.
        return AgentIds.PlanOf(actor) is { } planId && world.FlightPlans.TryGetValue(planId, out var plan) && world.Enforcement.TryGetValue(plan.Agency, out var agency)
            ? $"{agency.Country}->{plan.Destination}"
            : null;
    });

    // Looked up several times per event: hashed, not sorted; tables list counters in the order of MetricKeys.Daily.
    private readonly Dictionary<string, double> _counters = new(StringComparer.Ordinal);
    private readonly SortedDictionary<string, double> _tension = new(StringComparer.Ordinal);
    private readonly SortedDictionary<string, double> _pressure = new(StringComparer.Ordinal);
    private readonly SortedDictionary<string, long> _flightReasons = new(StringComparer.Ordinal);
    private readonly SortedDictionary<string, long> _personReasons = new(StringComparer.Ordinal);
    // Every negotiation in the order opened; a dyad may negotiate again after an agreement or a breakdown.
    private readonly List<NegotiationMetrics> _negotiations = [];
    private readonly Dictionary<string, NegotiationMetrics> _latest = new(StringComparer.Ordinal);
    private readonly List<DayRow> _rows = [];
    // Per-country and per-dyad series, long form, one row per day, entity and metric.
    private readonly List<SeriesRow> _series = [];
    private readonly SortedDictionary<string, double> _disputeCost = new(StringComparer.Ordinal);
    private readonly SortedDictionary<string, SortedDictionary<string, double>> _dyadFlights = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _flightDyad = new(StringComparer.Ordinal);
    private readonly List<OfferRow> _offers = [];
    private readonly SortedDictionary<string, long> _threatened = new(StringComparer.Ordinal);
    private readonly SortedDictionary<string, long> _applied = new(StringComparer.Ordinal);
    private readonly SortedDictionary<string, double> _removedByDestination = new(StringComparer.Ordinal);
    // Departed flights by aircraft kind, and those that flew with restraints: how removals were carried out.
    private readonly SortedDictionary<string, double> _departures = new(StringComparer.Ordinal);
    private long? _firstRefusal;
    // The first instrument applied (by whom, against whom, which) and when it was lifted: how long sanctions lasted.
    private (long Tick, string Actor, string? Subject, string? Instrument)? _firstApplied;
    private long? _firstAppliedLifted;
    private int _day;
    private readonly MeasureFold? _measures = measures is { Count: > 0 } ? new MeasureFold(measures, clock) : null;


    // The flight statuses counted, in all and per dyad (series flights.<status>): the event that reports each, and its counter.
    private static readonly Dictionary<string, string> FlightStatuses = new(StringComparer.Ordinal)
    {
        [EventKinds.FlightPlanned] = MetricKeys.FlightsPlanned, [EventKinds.FlightCleared] = MetricKeys.FlightsCleared,
        [EventKinds.FlightPartiallyCleared] = MetricKeys.FlightsPartiallyCleared, [EventKinds.FlightRefused] = MetricKeys.FlightsRefused,
        [EventKinds.FlightTurnedBack] = MetricKeys.FlightsTurnedBack, [EventKinds.FlightDiverted] = MetricKeys.FlightsDiverted,
        [EventKinds.FlightLanded] = MetricKeys.FlightsLanded, [EventKinds.FlightCancelled] = MetricKeys.FlightsCancelled,
    };

    public long Events { get; private set; }
    public IReadOnlyList<DayRow> Rows => _rows;
    public IReadOnlyList<SeriesRow> Series => _series;
    public IReadOnlyList<OfferRow> Offers => _offers;
    public IReadOnlyDictionary<string, double> Totals => _counters;
    /// <summary>Flights so far by dyad (origin->destination) and status (a flights.* key), cumulative.</summary>
    public IReadOnlyDictionary<string, SortedDictionary<string, double>> FlightsByDyad => _dyadFlights;
    public double DetainedNow => Get(MetricKeys.MigrantsDetained) - Get(MetricKeys.MigrantsRemoved) - Get(MetricKeys.MigrantsReleasedAtLimit) - Get(MetricKeys.MigrantsRelief);

    private double Get(string key) => _counters.GetValueOrDefault(key);

    /// <summary>Every counter of <see cref="MetricKeys.All"/>, daily and run-level, 0 when nothing counted it.</summary>
    private Dictionary<string, double> AllTotals() => MetricKeys.All.ToDictionary(c => c, Get);
    private void Add(string key, double value) => _counters[key] = Get(key) + value;

    public void Add(SimEvent e)
    {
        Events++;
        _measures?.Add(e);
        CloseDaysBefore(clock.DayIndex(e.Tick));
        if (FlightStatuses.TryGetValue(e.Kind, out var status))
        {
            Add(status, 1);
            DyadFlight(e, status);
        }
        switch (e.Kind)
        {
            case EventKinds.FlightRefused:
                _firstRefusal ??= e.Tick;
                foreach (var r in e.Reasons ?? []) _flightReasons[r] = _flightReasons.GetValueOrDefault(r) + 1;
                break;
            case EventKinds.FlightTurnedBack: _firstRefusal ??= e.Tick; break;
            case EventKinds.FlightDeparted:
                if (e.Text(EventFields.Aircraft) is { } aircraft) _departures[aircraft] = _departures.GetValueOrDefault(aircraft) + 1;
                if (e.Text(EventFields.Restraints) == "true") _departures[RunMetrics.Restrained] = _departures.GetValueOrDefault(RunMetrics.Restrained) + 1;
                break;
            case EventKinds.FlightLanded:
                if (_flightDyad.TryGetValue(e.Actor, out var landedDyad) && landedDyad.IndexOf("->", StringComparison.Ordinal) is var arrow and >= 0)
                {
                    var destination = landedDyad[(arrow + 2)..];
                    _removedByDestination[destination] = _removedByDestination.GetValueOrDefault(destination) + e.Number(EventFields.Removed);
                }
                break;
            case EventKinds.FlightClosed:
                _flightDyad.Remove(e.Actor);
                Add(MetricKeys.FlightsHours, e.Number(EventFields.FlightHours));
                Add(MetricKeys.FlightsCost, e.Number(EventFields.Cost));
                break;
            case EventKinds.ScreeningDecision:
                foreach (var f in e.Fields ?? [])
                    if (f.Key.StartsWith(EventFields.RefusedPrefix, StringComparison.Ordinal))
                    {
                        var reason = f.Key[EventFields.RefusedPrefix.Length..];
                        _personReasons[reason] = _personReasons.GetValueOrDefault(reason) + (long)f.Number!.Value;
                    }
                break;
            case EventKinds.CaseloadLandReturns:
                Add(MetricKeys.MigrantsRemovedByLand, e.Number(EventFields.Removed));
                if (e.Text(EventFields.Destination) is { } landDestination)
                    _removedByDestination[landDestination] = _removedByDestination.GetValueOrDefault(landDestination) + e.Number(EventFields.Removed);
                break;
            case EventKinds.CaseloadDay:
                Add(MetricKeys.DetentionBedDays, e.Number(EventFields.BedDays));
                Add(MetricKeys.DetentionCost, e.Number(EventFields.Cost));
                Add(MetricKeys.MigrantsDeferredArrests, e.Number(EventFields.DeferredArrests));
                break;
            case EventKinds.Migrants: foreach (var f in e.Fields ?? []) if (f.Number is { } n) Migrant(f.Key, n); break;
            case EventKinds.CountryDay:
            {
                var country = AgentIds.NameOf(e.Actor);
                _pressure[country] = e.Number(EventFields.Pressure);
                foreach (var f in e.Fields ?? [])
                {
                    if (f.Key.StartsWith(EventFields.TensionPrefix, StringComparison.Ordinal))
                        _tension[$"{country}->{f.Key[EventFields.TensionPrefix.Length..]}"] = f.Number!.Value;
                    else if (f.Key.StartsWith(EventFields.DisputeCostPrefix, StringComparison.Ordinal))
                        _disputeCost[$"{country}->{f.Key[EventFields.DisputeCostPrefix.Length..]}"] = f.Number!.Value;
                }
                break;
            }
            case EventKinds.NegotiationOpened:
            {
                var n = new NegotiationMetrics
                {
                    Index = _negotiations.Count + 1, Dyad = AgentIds.NameOf(e.Actor), Opened = clock.Iso(e.Tick), OpenedTick = e.Tick,
                    Outcome = NegotiationOutcomes.Open, Sending = e.Text(EventFields.Sending), Receiving = e.Text(EventFields.Receiving),
                };
                _negotiations.Add(n);
                _latest[n.Dyad] = n;
                break;
            }
            case EventKinds.NegotiationOffer:
            {
                Add(MetricKeys.NegotiationRounds, 1);
                var n = Negotiation(e);
                n.Rounds++;
                _offers.Add(new OfferRow(n.Index, n.Dyad, (int)e.Number(EventFields.Round), clock.Hours(e.Tick - n.OpenedTick),
                    e.Text(EventFields.By) == n.Sending ? "sending" : "receiving", e.Number(EventFields.UtilitySending), e.Number(EventFields.UtilityReceiving), false)
                {
                    Reservation = e.Number(EventFields.Reservation, double.NaN), Aspiration = e.Number(EventFields.Aspiration, double.NaN),
                    DailyCost = e.Number(EventFields.DailyCost, double.NaN),
                });
                break;
            }
            case EventKinds.NegotiationAgreement:
            {
                Add(MetricKeys.NegotiationRounds, 1);
                var n = Negotiation(e);
                n.Rounds++;
                n.Outcome = NegotiationOutcomes.Agreement;
                n.AgreementDay = (int)e.Number(EventFields.Day);
                n.AgreedAt = clock.Iso(e.Tick);
                n.HoursOpen = e.Number(EventFields.HoursOpen);
                n.Closed = n.AgreedAt;
                n.Terms = e.Text(EventFields.Terms);
                n.AgreedTerms = e.Fields!.Where(f => f.Key.StartsWith(EventFields.TermPrefix, StringComparison.Ordinal)).ToList();
                n.UtilitySending = e.Number(EventFields.UtilitySending);
                n.UtilityReceiving = e.Number(EventFields.UtilityReceiving);
                n.NashProduct = e.Number(EventFields.NashProduct);
                Closer(n, e);
                if (_firstRefusal is { } refused && n.AgreedTickAfterRefusal is null && e.Tick >= refused)
                    n.AgreedTickAfterRefusal = e.Tick;
                // The accepted offer is the last one on the table: mark it, so offers.csv shows how talks ended.
                int last = _offers.FindLastIndex(o => o.Negotiation == n.Index);
                if (last >= 0) _offers[last] = _offers[last] with { Accepted = true };
                break;
            }
            case EventKinds.NegotiationBreakdown:
                // A walk-away answers a round; a deadline ends without one.
                Add(MetricKeys.NegotiationRounds, 1);
                Negotiation(e).Rounds++;
                Ended(e, NegotiationOutcomes.Breakdown);
                break;
            case EventKinds.NegotiationDeadline: Ended(e, NegotiationOutcomes.Deadline); break;
            case EventKinds.InstrumentThreatened:
                Add(MetricKeys.EscalationsThreatened, 1);
                if (e.Text(EventFields.Instrument) is { } threatened) _threatened[threatened] = _threatened.GetValueOrDefault(threatened) + 1;
                break;
            case EventKinds.InstrumentApplied:
                Add(MetricKeys.EscalationsApplied, 1);
                if (e.Text(EventFields.Instrument) is { } applied) _applied[applied] = _applied.GetValueOrDefault(applied) + 1;
                _firstApplied ??= (e.Tick, e.Actor, e.Subject, e.Text(EventFields.Instrument));
                break;
            case EventKinds.InstrumentLifted:
                // Without an instrument field, everything the actor applied against the subject was lifted.
                if (_firstApplied is { } first && _firstAppliedLifted is null && e.Actor == first.Actor && e.Subject == first.Subject
                    && (e.Text(EventFields.Instrument) is not { } lifted || lifted == first.Instrument))
                    _firstAppliedLifted = e.Tick;
                break;
            case EventKinds.AdvocacyAlert: Add(MetricKeys.AdvocacyAlerts, 1); break;
            case EventKinds.FlightIncident: Add(MetricKeys.FlightsIncidents, 1); break;
            case EventKinds.InstrumentKept: Add(MetricKeys.InstrumentsKept, 1); break;
            case EventKinds.ObserverAssessment: Add(MetricKeys.ObserverAssessments, 1); break;
            default:
                // Full logs: one line per migrant-event. Compact logs carry their totals in "migrants" lines.
                if (EventKinds.IsMigrant(e.Kind))
                {
                    Migrant(e.Kind, 1);
                    Add(MetricKeys.MigrantEvents, 1);
                }
                break;
        }
    }

    private void Migrant(string kind, double n)
    {
        switch (kind)
        {
            case EventFields.MigrantEvents: Add(MetricKeys.MigrantEvents, n); break;
            case EventKinds.MigrantDetained: Add(MetricKeys.MigrantsDetained, n); break;
            case EventKinds.MigrantRemoved: Add(MetricKeys.MigrantsRemoved, n); break;
            case EventKinds.MigrantRefused: Add(MetricKeys.MigrantsRefused, n); break;
            case EventKinds.MigrantReleased: Add(MetricKeys.MigrantsReleasedAtLimit, n); break;
            case EventKinds.MigrantReliefGranted: Add(MetricKeys.MigrantsRelief, n); break;
        }
    }

    private NegotiationMetrics Negotiation(SimEvent e) => _latest[AgentIds.NameOf(e.Actor)];

    /// <summary>Talks ended without agreement.</summary>
    private void Ended(SimEvent e, string outcome)
    {
        var n = Negotiation(e);
        n.Outcome = outcome;
        n.HoursOpen = e.Number(EventFields.HoursOpen);
        n.Closed = clock.Iso(e.Tick);
        Closer(n, e);
    }

    /// <summary>The state that ended talks, from the reason of a negotiation's agreement ("accepted by MX") or
    /// breakdown ("walked away: MX"); null for an event without one.</summary>
    public static string? ClosedBy(SimEvent e) =>
        e.Reasons is [var reason, ..] && reason.LastIndexOf(' ') is var space and >= 0 ? reason[(space + 1)..] : null;

    /// <summary>The side that ended the talks (accepted, or walked away) and its numbers at that moment: what the offer
    /// was worth to it, the least it would then take and what it still asked for, and the dispute's daily cost to it.
    /// Its reservation value at the start is in the ministry's type; the two differ by what the dispute cost.</summary>
    private static void Closer(NegotiationMetrics n, SimEvent e)
    {
        n.ClosedBy = ClosedBy(e);
        if (n.ClosedBy is null) return;
        n.CloserOfferUtility = e.Number("offerUtility", double.NaN);
        n.CloserReservation = e.Number(EventFields.Reservation, double.NaN);
        n.CloserAspiration = e.Number(EventFields.Aspiration, double.NaN);
        n.CloserDailyCost = e.Number(EventFields.DailyCost, double.NaN);
    }

    /// <summary>Counts a flight's status per dyad (cumulative), once the flight's dyad is known from its plan.</summary>
    private void DyadFlight(SimEvent e, string status)
    {
        if (!_flightDyad.TryGetValue(e.Actor, out var dyad))
        {
            // A flight cancelled before it existed (at the weekly cap) is logged by enforcement and has no dyad here.
            if (e.Kind != EventKinds.FlightPlanned) return;
            dyad = flightDyad?.Invoke(e.Actor) ?? $"?->{e.Text(EventFields.Destination)}";
            _flightDyad[e.Actor] = dyad;
        }
        var counts = _dyadFlights.TryGetValue(dyad, out var c) ? c : _dyadFlights[dyad] = new(StringComparer.Ordinal);
        counts[status] = counts.GetValueOrDefault(status) + 1;
    }

    private void CloseDaysBefore(int day)
    {
        while (_day < day)
        {
            string date = clock.Iso(_day * clock.TicksPerDay)[..10];
            _rows.Add(new DayRow(_day + 1, date, MetricKeys.Daily.Select(Get).ToArray(), DetainedNow, _tension.Count == 0 ? 0 : _tension.Values.Max()));
            foreach (var (country, p) in _pressure) _series.Add(new SeriesRow(_day + 1, date, country, "pressure", p));
            foreach (var (dyad, t) in _tension) _series.Add(new SeriesRow(_day + 1, date, dyad, "tension", t));
            foreach (var (dyad, c) in _disputeCost) _series.Add(new SeriesRow(_day + 1, date, dyad, "disputeCost", c));
            foreach (var (dyad, counts) in _dyadFlights)
                foreach (var (metric, n) in counts) _series.Add(new SeriesRow(_day + 1, date, dyad, metric, n));
            _day++;
        }
    }

    /// <summary>Closes the days up to the tick the run reached.</summary>
    public void Finish(long tick) => CloseDaysBefore((int)Math.Ceiling((double)tick / clock.TicksPerDay));

    public RunMetrics Summary() => new(
        AllTotals(),
        DetainedNow,
        new SortedDictionary<string, long>(_flightReasons),
        new SortedDictionary<string, long>(_personReasons),
        _negotiations.ToList(),
        new SortedDictionary<string, double>(_tension),
        new SortedDictionary<string, double>(_pressure),
        _firstRefusal is { } t ? clock.Iso(t) : null,
        _firstRefusal is { } first && _negotiations.Select(n => n.AgreedTickAfterRefusal).FirstOrDefault(a => a is not null) is { } agreed
            ? clock.Days(agreed - first) : null,
        new SortedDictionary<string, long>(_threatened),
        new SortedDictionary<string, long>(_applied))
    {
        Days = _rows.Count,
        FirstAppliedDay = _firstApplied is { } a ? clock.Days(a.Tick) : null,
        FirstAppliedLiftedDay = _firstAppliedLifted is { } l ? clock.Days(l) : null,
        FirstRefusalDay = _firstRefusal is { } r ? clock.Days(r) : null,
        RemovedByDestination = new SortedDictionary<string, double>(_removedByDestination),
        Departures = new SortedDictionary<string, double>(_departures),
        Measures = _measures?.Values() ?? [],
    };
}

/// <summary>One value of a per-country ("MX") or per-dyad ("US->MX") daily series, in long (tidy) form.</summary>
public sealed record SeriesRow(int Day, string Date, string Entity, string Metric, double Value);

/// <summary>One offer of a negotiation, with both sides' utilities; the accepted one is flagged.</summary>
public sealed record OfferRow(int Negotiation, string Dyad, int Round, double HoursOpen, string By, double UtilitySending, double UtilityReceiving, bool Accepted)
{
    /// <summary>The offering side's numbers as it made the offer: the least it would then take (its reservation value,
    /// lowered by what the dispute has cost it), what it still asked for, and the dispute's daily cost to it.</summary>
    public double Reservation { get; init; } = double.NaN;
    public double Aspiration { get; init; } = double.NaN;
    public double DailyCost { get; init; } = double.NaN;
}

public sealed record DayRow(int Day, string Date, double[] Counters, double Detained, double MaxTension);

public sealed class NegotiationMetrics
{
    /// <summary>1-based, in the order negotiations opened.</summary>
    public int Index { get; set; }
    public string Dyad { get; set; } = "";
    public string? Sending { get; set; }
    public string? Receiving { get; set; }
    public long OpenedTick { get; set; }
    public string? Closed { get; set; }
    public IReadOnlyList<Field> AgreedTerms { get; set; } = [];
    public long? AgreedTickAfterRefusal { get; set; }
    public string Outcome { get; set; } = "none";
    public string? Opened { get; set; }
    public int Rounds { get; set; }
    public int? AgreementDay { get; set; }
    public string? AgreedAt { get; set; }
    public double? HoursOpen { get; set; }
    public string? Terms { get; set; }
    public double? UtilitySending { get; set; }
    public double? UtilityReceiving { get; set; }
    public double? NashProduct { get; set; }
    /// <summary>Who ended the talks (accepted or walked away), and its numbers then.</summary>
    public string? ClosedBy { get; set; }
    public double? CloserOfferUtility { get; set; }
    public double? CloserReservation { get; set; }
    public double? CloserAspiration { get; set; }
    public double? CloserDailyCost { get; set; }
}

public sealed record RunMetrics(
    IReadOnlyDictionary<string, double> Totals,
    double DetainedAtEnd,
    IReadOnlyDictionary<string, long> FlightRefusalReasons,
    IReadOnlyDictionary<string, long> PersonRefusalReasons,
    IReadOnlyList<NegotiationMetrics> Negotiations,
    IReadOnlyDictionary<string, double> TensionAtEnd,
    IReadOnlyDictionary<string, double> PressureAtEnd,
    string? FirstRefusal,
    double? DaysFromFirstRefusalToAgreement,
    IReadOnlyDictionary<string, long> ThreatenedByInstrument,
    IReadOnlyDictionary<string, long> AppliedByInstrument)
{
    /// <summary>Simulated days the metrics cover (the rows of timeseries.csv).</summary>
    public int Days { get; init; }

    /// <summary>Simulated day (fractional, from the start) of the first refused or turned-back flight, of the first
    /// instrument applied, and of that instrument's lifting.</summary>
    public double? FirstRefusalDay { get; init; }
    public double? FirstAppliedDay { get; init; }
    public double? FirstAppliedLiftedDay { get; init; }

    /// <summary>Days from the first refusal to the first agreement after it, or to the end of the run when none came
    /// (censored: a standoff that outlasts the run counts its whole length); null without a refusal.</summary>
    public double? DaysInDispute => FirstRefusalDay is { } r ? DaysFromFirstRefusalToAgreement ?? Days - r : null;

    /// <summary>Days from the first refusal to the first instrument applied after it; null when either is missing.</summary>
    public double? DaysFromFirstRefusalToApplied => FirstRefusalDay is { } r && FirstAppliedDay is { } a && a >= r ? a - r : null;

    /// <summary>Days the first applied instrument stayed in force: until it was lifted, or to the end of the run.</summary>
    public double? DaysAppliedInForce => FirstAppliedDay is { } a ? (FirstAppliedLiftedDay ?? Days) - a : null;

    /// <summary>Key of <see cref="Departures"/> counting flights that departed with restraints.</summary>
    public const string Restrained = "restrained";

    /// <summary>Departed flights per aircraft kind (military, charter, receivingState) and with restraints (restrained).</summary>
    public IReadOnlyDictionary<string, double> Departures { get; init; } = new SortedDictionary<string, double>(StringComparer.Ordinal);

    /// <summary>People removed by landed flights, per destination country.</summary>
    public IReadOnlyDictionary<string, double> RemovedByDestination { get; init; } = new SortedDictionary<string, double>(StringComparer.Ordinal);

    /// <summary>The scenario's own outcome measures (<see cref="Scenario.ScenarioSpec.Measures"/>), in its order.</summary>
    public IReadOnlyList<MeasureValue> Measures { get; init; } = [];
}
