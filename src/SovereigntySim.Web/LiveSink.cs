using System.Diagnostics;
using SovereigntySim.Domain.Metrics;
using SovereigntySim.Domain.Scenario;
using SovereigntySim.Domain.Simulation;
using SovereigntySim.Hosting.Outputs;
using SovereigntySim.Hosting.Runs;

namespace SovereigntySim.Web;

/// <summary>
/// The live run's sink: it aggregates next to the simulation and pushes at most five updates a second per run,
/// whatever the speed, so a full-speed run never floods a browser. Each update carries one new point of every
/// series (cumulative totals, tension, pressure), the new offers, the new timeline entries (at most
/// <see cref="LiveOptions.MaxTimelinePerPush"/>; the rest are counted as dropped) and the current totals; a late observer gets
/// the whole history kept here (<see cref="Snapshot"/>), then the stream.
/// </summary>
public sealed class LiveSink(LiveRun run, LiveOptions options) : IRunSink
{

    // Chart series: the cumulative totals the page plots (a subset of MetricKeys.Daily).
    public static readonly string[] Charted =
    [
        MetricKeys.FlightsPlanned, MetricKeys.FlightsCancelled, MetricKeys.FlightsCleared, MetricKeys.FlightsPartiallyCleared, MetricKeys.FlightsRefused, MetricKeys.FlightsTurnedBack,
        MetricKeys.FlightsDiverted, MetricKeys.FlightsLanded, MetricKeys.MigrantsDetained, MetricKeys.MigrantsRemoved, MetricKeys.MigrantsRefused, MetricKeys.MigrantsRemovedByLand,
        MetricKeys.DetentionCost, MetricKeys.FlightsCost, MetricKeys.NegotiationRounds, MetricKeys.EscalationsThreatened, MetricKeys.EscalationsApplied, MetricKeys.MigrantEvents,
    ];

    private readonly object _gate = new();
    private readonly Stopwatch _wall = Stopwatch.StartNew();
    private readonly List<LivePoint> _points = [];
    private readonly List<OfferView> _offers = [];
    private readonly List<BargainView> _bargains = [];
    private int _bargainsSent;
    private World? _world;
    private readonly List<TimelineEntry> _timeline = [];
    /// <summary>The labels of this run's series in /metrics: which run, of which scenario.</summary>
    private ReadOnlySpan<KeyValuePair<string, object?>> Tags => _tags ??= [new("run", run.Id), new("scenario", run.Request.Spec.Name)];
    private KeyValuePair<string, object?>[]? _tags;

    // The run's story, told one event at a time for the timeline (set when the run begins: it needs the world's names).
    private RunStory? _story;
    private readonly SortedDictionary<string, SortedDictionary<string, string>> _policies = new(StringComparer.Ordinal);
    private readonly SortedDictionary<string, InstrumentInForce> _inForce = new(StringComparer.Ordinal);
    private readonly SortedDictionary<string, SortedDictionary<string, string>> _terms = new(StringComparer.Ordinal);
    private MetricsAccumulator? _metrics;
    private LiveTotals _totals = LiveTotals.Empty;
    private long _seq, _timelineSeq, _timelineDropped, _events, _lastTick;
    // The tick the totals and points were last built at: what an update says the run is at, so that a status read
    // between a fold and its push never shows a new tick with the totals of an older one.
    private long _shownTick;
    private int _pointsSent, _offersSent;
    private long _timelineSent;
    private double _lastPush = double.NegativeInfinity, _lastFolded;

    /// <summary>Where updates go (the SignalR group of the run); set by the run manager.</summary>
    public Action<LiveUpdate>? Publish { get; set; }

    public void Begin(RunRequest request, World world)
    {
        _story = new RunStory(world);
        _world = world;
        lock (_gate)
            foreach (var c in request.Spec.Countries)
                _policies[c.Id] = PolicyFields(c.Acceptance);
    }

    public void Folded(Slice slice, MetricsAccumulator metrics)
    {
        var tags = Tags;
        LiveMetrics.Events.Add(slice.Events.Count, tags);
        LiveMetrics.Rounds.Add(slice.Rounds, tags);
        LiveMetrics.SimulatedDays.Add(run.Clock.Days(slice.NextTick - slice.FromTick), tags);
        lock (_gate)
        {
            _metrics = metrics;
            _events += slice.Events.Count;
            _lastTick = slice.NextTick;
            foreach (var e in slice.Events) Observe(e);
        }
        _lastFolded = _wall.Elapsed.TotalMilliseconds;
        if (_wall.Elapsed.TotalSeconds - _lastPush >= options.PushInterval.TotalSeconds) PushNow();
    }

    /// <summary>Builds and publishes an update now (on a pause, an intervention, the end, or the push period).</summary>
    public void PushNow()
    {
        LiveUpdate update;
        lock (_gate)
        {
            _lastPush = _wall.Elapsed.TotalSeconds;
            _shownTick = _lastTick;
            if (_metrics is { } m && (_points.Count == 0 || _points[^1].Tick != _lastTick || run.Finished))
            {
                var summary = m.Summary();
                var totals = Charted.ToDictionary(k => k, k => Round(m.Totals.GetValueOrDefault(k)));
                totals[MetricKeys.MigrantsDetainedNow] = Round(m.DetainedNow);
                if (_points.Count > 0 && _points[^1].Tick == _lastTick) _points.RemoveAt(_points.Count - 1);
                _points.Add(new LivePoint(_lastTick, Math.Round(run.Clock.Days(_lastTick), 4), run.Clock.Iso(_lastTick), totals,
                    summary.TensionAtEnd.ToDictionary(k => k.Key, k => Round(k.Value)), summary.PressureAtEnd.ToDictionary(k => k.Key, k => Round(k.Value))));
                Thin();
                // An offer is flagged accepted when the answer comes, after it was first seen.
                for (int i = 0; i < _offers.Count; i++)
                    if (m.Offers[i].Accepted != _offers[i].Accepted) _offers[i] = _offers[i] with { Accepted = m.Offers[i].Accepted };
                for (int i = _offers.Count; i < m.Offers.Count; i++)
                {
                    var o = m.Offers[i];
                    _offers.Add(new OfferView(o.Negotiation, o.Dyad, o.Round, Round(o.HoursOpen), o.By, Round(o.UtilitySending), Round(o.UtilityReceiving), o.Accepted,
                        double.IsFinite(o.Reservation) ? Round(o.Reservation) : null, double.IsFinite(o.Aspiration) ? Round(o.Aspiration) : null));
                }
                // Each dyad's bargaining space, once, when its first talks appear.
                foreach (var n in summary.Negotiations)
                    if (_world is { } world && !_bargains.Any(b => b.Dyad == n.Dyad) && RunTables.Bargain(world, n.Sending, n.Receiving) is { } b)
                        _bargains.Add(new BargainView(n.Dyad, [.. b.Frontier.Select(p => new[] { p.Sending, p.Receiving })], b.ReservationSending, b.ReservationReceiving,
                            b.Nash is { } nash ? [nash.Sending, nash.Receiving] : null));
                _totals = new LiveTotals(
                    summary.FlightRefusalReasons, summary.PersonRefusalReasons,
                    [.. summary.Negotiations.Select(n => new NegotiationView(n.Index, n.Dyad, n.Sending, n.Receiving, n.Opened, n.Closed, n.Outcome, n.Rounds,
                        n.HoursOpen, n.UtilitySending is { } us ? Round(us) : null, n.UtilityReceiving is { } ur ? Round(ur) : null, n.AgreedAt,
                        n.AgreedTerms.Where(t => !string.IsNullOrEmpty(t.Text) || t.Number is not null).ToDictionary(t => t.Key, t => t.Number?.ToString("R", System.Globalization.CultureInfo.InvariantCulture) ?? t.Text!)))],
                    summary.ThreatenedByInstrument, summary.AppliedByInstrument,
                    _policies.ToDictionary(p => p.Key, p => (IReadOnlyDictionary<string, string>)new SortedDictionary<string, string>(p.Value)),
                    [.. _inForce.Values], _terms.ToDictionary(p => p.Key, p => (IReadOnlyDictionary<string, string>)new SortedDictionary<string, string>(p.Value)),
                    m.FlightsByDyad.ToDictionary(d => d.Key, d => (IReadOnlyDictionary<string, double>)new SortedDictionary<string, double>(d.Value, StringComparer.Ordinal)),
                    summary.RemovedByDestination);
            }
            update = Build(full: false);
            _pointsSent = _points.Count;
            _offersSent = _offers.Count;
            _bargainsSent = _bargains.Count;
            _timelineSent = _timelineSeq;
        }
        LiveMetrics.Pushes.Add(1, Tags);
        Publish?.Invoke(update);
    }

    /// <summary>Everything kept so far, for an observer who arrives late (then the stream follows).</summary>
    public LiveUpdate Snapshot()
    {
        lock (_gate) return Build(full: true);
    }

    /// <summary>An intervention was applied: push at once so every observer's timeline shows it.</summary>
    public void Intervened(Intervention i)
    {
        LiveMetrics.Interventions.Add(1, Tags);
        lock (_gate)
            Add(new TimelineEntry(++_timelineSeq, i.Tick, i.Time, "intervention", "student", i.Event.Country, [i.Set ?? "scripted event"], i.Description));
        PushNow();
    }

    private LiveUpdate Build(bool full)
    {
        var bargains = full ? _bargains.ToList() : _bargains.Skip(_bargainsSent).ToList();
        long firstTimeline = full ? 0 : _timelineSent;
        var timeline = _timeline.Where(t => t.Seq > firstTimeline).ToList();
        long dropped = 0;
        if (!full && timeline.Count > options.MaxTimelinePerPush)
        {
            dropped = timeline.Count - options.MaxTimelinePerPush;
            timeline = timeline[^options.MaxTimelinePerPush..];
        }
        _timelineDropped += dropped;
        var points = full ? _points.ToList() : _points.Skip(Math.Min(_pointsSent, _points.Count)).ToList();
        var offers = full ? _offers.ToList() : _offers.Skip(_offersSent).ToList();
        var result = run.Result;
        var info = new RunInfo(run.Id, run.Source, run.Request.Spec.Name, run.Request.Spec.Seed, run.Status, _shownTick, run.Clock.EndTick, run.Clock.Iso(_shownTick),
            run.Clock.Iso(run.Clock.EndTick), run.Speed.ToString(), _events, run.Clock.Step.TotalHours, run.Clock.TicksPerDay, Math.Round(run.BehindSeconds, 3),
            result?.Digest, result?.Error ?? run.Error, result?.Completed ?? false, result is null ? null : Math.Round(result.WallSeconds, 3),
            run.Folder, run.Resumable, run.From?.Header.Tick);
        return new LiveUpdate(++_seq, full, Math.Round(_lastFolded + StartMs, 1), info, points, offers, timeline, _timelineDropped, _totals,
            [.. run.Interventions.Select(i => new InterventionView(i.Number, i.Tick, i.Time, i.Description, i.Set))], bargains);
    }

    // Unix milliseconds at which this sink's stopwatch started: lets the page compute push latency on its clock.
    private readonly double StartMs = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();

    /// <summary>A long slow run keeps at most <see cref="LiveOptions.MaxPointsKept"/> points: the older half is thinned to
    /// every other point (charts keep their shape; the latest points stay dense).</summary>
    private void Thin()
    {
        if (_points.Count <= options.MaxPointsKept) return;
        int half = _points.Count / 2;
        var older = _points.Take(half).Where((_, i) => i % 2 == 0).ToList();
        _points.RemoveRange(0, half);
        _points.InsertRange(0, older);
        _pointsSent = Math.Max(0, _pointsSent - (half - older.Count));
    }

    private void Observe(SimEvent e)
    {
        switch (e.Kind)
        {
            case EventKinds.CountryPolicyChanged when AgentIds.CountryOf(e.Actor) is { } country:
                var policy = _policies.GetValueOrDefault(country) ?? (_policies[country] = new(StringComparer.Ordinal));
                foreach (var f in e.Fields ?? []) policy[f.Key] = Show(f);
                break;
            // Instruments are used and lifted by countries only.
            case EventKinds.InstrumentApplied when e.Text(EventFields.Instrument) is { } applied:
                var by = AgentIds.NameOf(e.Actor);
                _inForce[$"{by}|{Party(e.Subject)}|{applied}"] = new InstrumentInForce(by, Party(e.Subject), applied, run.Clock.Iso(e.Tick));
                break;
            case EventKinds.InstrumentLifted:
                var prefix = $"{AgentIds.NameOf(e.Actor)}|{Party(e.Subject)}|";
                foreach (var key in _inForce.Keys.Where(k => k.StartsWith(prefix, StringComparison.Ordinal) && (e.Text(EventFields.Instrument) is not { } one || k == prefix + one)).ToList())
                    _inForce.Remove(key);
                break;
            case EventKinds.NegotiationAgreement:
                var terms = new SortedDictionary<string, string>(StringComparer.Ordinal);
                foreach (var f in e.Fields ?? [])
                    if (f.Key.StartsWith(EventFields.TermPrefix, StringComparison.Ordinal) && (f.Number is not null || !string.IsNullOrEmpty(f.Text)))
                        terms[f.Key[EventFields.TermPrefix.Length..]] = Show(f);
                terms["agreedAt"] = run.Clock.Iso(e.Tick);
                _terms[AgentIds.NameOf(e.Actor)] = terms;
                break;
        }
        // Told as a sentence for a reader (RunStory: the same as sovsim explain), or shown as its fields.
        string? story = _story?.Tell(e);
        if (!Notable(e.Kind)) return;
        Add(new TimelineEntry(++_timelineSeq, e.Tick, run.Clock.Iso(e.Tick), e.Kind, e.Actor, e.Subject, e.Reasons ?? [],
            e.Fields is null ? "" : string.Join(", ", e.Fields.Take(12).Select(Show2))) { Story = story });
    }

    private void Add(TimelineEntry entry)
    {
        _timeline.Add(entry);
        if (_timeline.Count > options.MaxTimelineKept + options.MaxTimelineKept / 4) _timeline.RemoveRange(0, _timeline.Count - options.MaxTimelineKept);
    }

    private static string Party(string? agent) => agent is null ? "" : AgentIds.CountryOf(agent) ?? agent;

    // What a caseload logs (every day, for every person) and other bookkeeping: in the charts, not on the timeline.
    private static readonly HashSet<string> Bookkeeping = new(
    [
        EventKinds.CaseloadOverCapacity, EventKinds.CaseloadDay, EventKinds.CaseloadLandReturns, EventKinds.Migrants, .. EventKinds.MigrantKinds,
        EventKinds.CountryDay, EventKinds.FlightClosed, EventKinds.FlightManifestSubmitted, EventKinds.FlightAmended, EventKinds.MinistryType,
        EventKinds.CountryType, EventKinds.ScreeningReview,
    ], StringComparer.Ordinal);

    /// <summary>The timeline shows what people decide and what happens to flights and talks, not the bookkeeping
    /// that comes every day or for every person (those are in the charts).</summary>
    public static bool Notable(string kind) => !Bookkeeping.Contains(kind);

    private static string Show(Field f) => f.Number is { } n ? n.ToString("0.####", System.Globalization.CultureInfo.InvariantCulture) : f.Text ?? "";
    private static string Show2(Field f) => $"{f.Key}={Show(f)}";
    private static double Round(double v) => Math.Round(v, 6);

    /// <summary>A policy as country.policyChanged shows it, so later changes overwrite its fields one for one.</summary>
    private static SortedDictionary<string, string> PolicyFields(AcceptancePolicySpec p) =>
        new(Domain.Bargaining.FlightConditions.PolicyFields.ToDictionary(f => f.Key, f => Show(f.Logged(p))), StringComparer.Ordinal);
}

public sealed record RunInfo(string Id, string Source, string Scenario, long Seed, string Status, long Tick, long EndTick, string Time, string EndTime,
    string Speed, long Events, double StepHours, long TicksPerDay, double BehindSeconds, string? Digest, string? Error, bool Completed, double? WallSeconds,
    string Folder, bool Resumable, long? ContinuedFromTick);

public sealed record LivePoint(long Tick, double Day, string Time, IReadOnlyDictionary<string, double> Totals,
    IReadOnlyDictionary<string, double> Tension, IReadOnlyDictionary<string, double> Pressure);

/// <summary>A dyad's bargaining space for the offers chart: the Pareto frontier (points [sending, receiving]), the
/// reservation values at the start, and the Nash point over them.</summary>
public sealed record BargainView(string Dyad, IReadOnlyList<double[]> Frontier, double ReservationSending, double ReservationReceiving, double[]? Nash);

/// <summary>An offer, with its author's reservation value (the least it would take, falling as the dispute costs it)
/// and aspiration when it was made; null where the event gives none.</summary>
public sealed record OfferView(int Negotiation, string Dyad, int Round, double HoursOpen, string By, double UtilitySending, double UtilityReceiving, bool Accepted,
    double? Reservation = null, double? Aspiration = null);

public sealed record TimelineEntry(long Seq, long Tick, string Time, string Kind, string Actor, string? Subject, IReadOnlyList<string> Reasons, string Fields)
{
    /// <summary>What happened in a plain sentence, when the event tells one (refusals, threats, deals, walk-outs...).</summary>
    public string? Story { get; init; }
}

public sealed record NegotiationView(int Index, string Dyad, string? Sending, string? Receiving, string? Opened, string? Closed, string Outcome, int Rounds,
    double? HoursOpen, double? UtilitySending, double? UtilityReceiving, string? AgreedAt, IReadOnlyDictionary<string, string> Terms);

public sealed record InstrumentInForce(string By, string Against, string Instrument, string Since);

public sealed record InterventionView(int Number, long Tick, string Time, string Description, string? Set);

public sealed record LiveTotals(
    IReadOnlyDictionary<string, long> FlightRefusalReasons, IReadOnlyDictionary<string, long> PersonRefusalReasons,
    IReadOnlyList<NegotiationView> Negotiations, IReadOnlyDictionary<string, long> Threatened, IReadOnlyDictionary<string, long> Applied,
    IReadOnlyDictionary<string, IReadOnlyDictionary<string, string>> Policies, IReadOnlyList<InstrumentInForce> InForce,
    IReadOnlyDictionary<string, IReadOnlyDictionary<string, string>> TermsInForce,
    IReadOnlyDictionary<string, IReadOnlyDictionary<string, double>> Routes, IReadOnlyDictionary<string, double> RemovedByDestination)
{
    public static readonly LiveTotals Empty = new(new Dictionary<string, long>(), new Dictionary<string, long>(), [], new Dictionary<string, long>(),
        new Dictionary<string, long>(), new Dictionary<string, IReadOnlyDictionary<string, string>>(), [], new Dictionary<string, IReadOnlyDictionary<string, string>>(),
        new Dictionary<string, IReadOnlyDictionary<string, double>>(), new Dictionary<string, double>());
}

/// <summary>One push to a run's observers. <see cref="Full"/>: the whole history (a late observer's first message);
/// otherwise only what is new since the previous push. <see cref="ProducedAtMs"/>: Unix ms when the newest slice in
/// it was folded.</summary>
public sealed record LiveUpdate(long Seq, bool Full, double ProducedAtMs, RunInfo Run, IReadOnlyList<LivePoint> Points, IReadOnlyList<OfferView> Offers,
    IReadOnlyList<TimelineEntry> Timeline, long TimelineDropped, LiveTotals Totals, IReadOnlyList<InterventionView> Interventions,
    IReadOnlyList<BargainView> Bargains);
