using SovereigntySim.Domain.Simulation;

namespace SovereigntySim.Domain.Metrics;

/// <summary>
/// Folds the canonical event log into the run's metrics: the summary and one row per simulated day. Metrics are
/// derived from events only, so the summary can never disagree with the log, and both engines share it.
/// </summary>
public sealed class MetricsAccumulator(SimClock clock)
{
    private readonly SortedDictionary<string, double> _counters = new(StringComparer.Ordinal);
    private readonly SortedDictionary<string, double> _tension = new(StringComparer.Ordinal);
    private readonly SortedDictionary<string, double> _pressure = new(StringComparer.Ordinal);
    private readonly SortedDictionary<string, long> _flightReasons = new(StringComparer.Ordinal);
    private readonly SortedDictionary<string, long> _personReasons = new(StringComparer.Ordinal);
    // Every negotiation in the order opened; a dyad may negotiate again after an agreement or a breakdown.
    private readonly List<NegotiationMetrics> _negotiations = [];
    private readonly Dictionary<string, NegotiationMetrics> _latest = new(StringComparer.Ordinal);
    private readonly List<DayRow> _rows = [];
    private int _day;

    public static readonly string[] Counters =
    [
        "flights.planned", "flights.cancelled", "flights.cleared", "flights.partiallyCleared", "flights.refused", "flights.turnedBack",
        "flights.diverted", "flights.landed", "migrants.detained", "migrants.removed", "migrants.refused", "migrants.releasedAtLimit",
        "migrants.relief", "migrants.deferredArrests", "detention.bedDays", "detention.cost", "flights.hours", "flights.cost",
        "negotiation.rounds", "escalations.threatened", "escalations.applied", "advocacy.alerts", "observer.assessments", "migrantEvents",
    ];

    public long Events { get; private set; }
    public IReadOnlyList<DayRow> Rows => _rows;
    public IReadOnlyDictionary<string, double> Totals => _counters;
    public double DetainedNow => Get("migrants.detained") - Get("migrants.removed") - Get("migrants.releasedAtLimit") - Get("migrants.relief");

    private double Get(string key) => _counters.GetValueOrDefault(key);
    private void Add(string key, double value) => _counters[key] = Get(key) + value;

    public void Add(SimEvent e)
    {
        Events++;
        CloseDaysBefore(clock.DayIndex(e.Tick));
        switch (e.Kind)
        {
            case "flight.planned": Add("flights.planned", 1); break;
            case "flight.cancelled": Add("flights.cancelled", 1); break;
            case "flight.cleared": Add("flights.cleared", 1); break;
            case "flight.partiallyCleared": Add("flights.partiallyCleared", 1); break;
            case "flight.refused":
                Add("flights.refused", 1);
                foreach (var r in e.Reasons ?? []) _flightReasons[r] = _flightReasons.GetValueOrDefault(r) + 1;
                break;
            case "flight.turnedBack": Add("flights.turnedBack", 1); break;
            case "flight.diverted": Add("flights.diverted", 1); break;
            case "flight.landed": Add("flights.landed", 1); break;
            case "flight.closed": Add("flights.hours", e.Number("flightHours")); Add("flights.cost", e.Number("cost")); break;
            case "screening.decision":
                foreach (var f in e.Fields ?? [])
                    if (f.Key.StartsWith("refused.", StringComparison.Ordinal))
                        _personReasons[f.Key[8..]] = _personReasons.GetValueOrDefault(f.Key[8..]) + (long)f.Number!.Value;
                break;
            case "caseload.day":
                Add("detention.bedDays", e.Number("bedDays"));
                Add("detention.cost", e.Number("cost"));
                Add("migrants.deferredArrests", e.Number("deferredArrests"));
                break;
            case "migrants": foreach (var f in e.Fields ?? []) if (f.Number is { } n) Migrant(f.Key, n); break;
            case "country.day":
                _pressure[e.Actor["country/".Length..]] = e.Number("pressure");
                foreach (var f in e.Fields ?? [])
                    if (f.Key.StartsWith("tension.", StringComparison.Ordinal))
                        _tension[$"{e.Actor["country/".Length..]}->{f.Key[8..]}"] = f.Number!.Value;
                break;
            case "negotiation.opened":
            {
                var n = new NegotiationMetrics { Dyad = e.Actor["negotiation/".Length..], Opened = clock.Iso(e.Tick), Outcome = "open" };
                _negotiations.Add(n);
                _latest[n.Dyad] = n;
                break;
            }
            case "negotiation.offer": Add("negotiation.rounds", 1); Negotiation(e).Rounds++; break;
            case "negotiation.agreement":
            {
                Add("negotiation.rounds", 1);
                var n = Negotiation(e);
                n.Rounds++;
                n.Outcome = "agreement";
                n.AgreementDay = (int)e.Number("day");
                n.AgreedAt = clock.Iso(e.Tick);
                n.HoursOpen = e.Number("hoursOpen");
                n.Terms = e.Text("terms");
                n.UtilitySending = e.Number("utility.sending");
                n.UtilityReceiving = e.Number("utility.receiving");
                n.NashProduct = e.Number("nashProduct");
                break;
            }
            case "negotiation.breakdown" or "negotiation.deadline":
                // A walk-away answers a round; a deadline ends without one.
                if (e.Kind == "negotiation.breakdown")
                {
                    Add("negotiation.rounds", 1);
                    Negotiation(e).Rounds++;
                }
                Negotiation(e).Outcome = e.Kind[12..];
                Negotiation(e).HoursOpen = e.Number("hoursOpen");
                break;
            case "instrument.threatened": Add("escalations.threatened", 1); break;
            case "instrument.applied": Add("escalations.applied", 1); break;
            case "advocacy.alert": Add("advocacy.alerts", 1); break;
            case "observer.assessment": Add("observer.assessments", 1); break;
            default:
                // Full logs: one line per migrant-event. Compact logs carry their totals in "migrants" lines.
                if (e.Kind.StartsWith("migrant.", StringComparison.Ordinal))
                {
                    Migrant(e.Kind, 1);
                    Add("migrantEvents", 1);
                }
                break;
        }
    }

    private void Migrant(string kind, double n)
    {
        switch (kind)
        {
            case "migrantEvents": Add("migrantEvents", n); break;
            case "migrant.detained": Add("migrants.detained", n); break;
            case "migrant.removed": Add("migrants.removed", n); break;
            case "migrant.refused": Add("migrants.refused", n); break;
            case "migrant.released": Add("migrants.releasedAtLimit", n); break;
            case "migrant.reliefGranted": Add("migrants.relief", n); break;
        }
    }

    private NegotiationMetrics Negotiation(SimEvent e) => _latest[e.Actor["negotiation/".Length..]];

    private void CloseDaysBefore(int day)
    {
        while (_day < day)
        {
            _rows.Add(new DayRow(_day + 1, clock.Iso(_day * clock.TicksPerDay)[..10], Counters.Select(Get).ToArray(), DetainedNow,
                _tension.Count == 0 ? 0 : _tension.Values.Max()));
            _day++;
        }
    }

    /// <summary>Closes the days up to the tick the run reached.</summary>
    public void Finish(long tick) => CloseDaysBefore((int)Math.Ceiling((double)tick / clock.TicksPerDay));

    public RunMetrics Summary() => new(
        Counters.ToDictionary(c => c, Get),
        DetainedNow,
        new SortedDictionary<string, long>(_flightReasons),
        new SortedDictionary<string, long>(_personReasons),
        _negotiations.ToList(),
        new SortedDictionary<string, double>(_tension),
        new SortedDictionary<string, double>(_pressure));
}

public sealed record DayRow(int Day, string Date, double[] Counters, double Detained, double MaxTension);

public sealed class NegotiationMetrics
{
    public string Dyad { get; set; } = "";
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
}

public sealed record RunMetrics(
    IReadOnlyDictionary<string, double> Totals,
    double DetainedAtEnd,
    IReadOnlyDictionary<string, long> FlightRefusalReasons,
    IReadOnlyDictionary<string, long> PersonRefusalReasons,
    IReadOnlyList<NegotiationMetrics> Negotiations,
    IReadOnlyDictionary<string, double> TensionAtEnd,
    IReadOnlyDictionary<string, double> PressureAtEnd);
