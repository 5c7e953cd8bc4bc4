using System.Diagnostics.Metrics;

namespace SovereigntySim.Web;

/// <summary>
/// The simulation's own metrics, named sovsim_* and exported for Prometheus at /metrics (OpenTelemetry). Counted
/// where the live pipeline already has the numbers (the live sink), so measuring costs nothing per event. The per-run
/// series carry the labels run (its id) and scenario, so a dashboard can follow one run; at most a few dozen runs are
/// kept (ServeOptions.MaxKeptRuns), which bounds the series.
/// </summary>
public static class LiveMetrics
{
    public const string MeterName = "SovereigntySim.Live";
    private static readonly Meter Meter = new(MeterName);

    public static readonly Counter<long> Events = Meter.CreateCounter<long>("sovsim_events", description: "Events of the canonical log produced by live runs.");
    public static readonly Counter<long> Rounds = Meter.CreateCounter<long>("sovsim_rounds", description: "Kernel rounds (sequential steps of message exchange) of live runs.");
    public static readonly Counter<double> SimulatedDays = Meter.CreateCounter<double>("sovsim_simulated_days", description: "Simulated days advanced by live runs.");
    public static readonly UpDownCounter<int> RunsActive = Meter.CreateUpDownCounter<int>("sovsim_runs_active", description: "Live runs started and not ended (running or paused).");
    public static readonly Counter<long> Interventions = Meter.CreateCounter<long>("sovsim_interventions", description: "Interventions applied to live runs.");
    public static readonly Counter<long> Pushes = Meter.CreateCounter<long>("sovsim_pushes", description: "Updates pushed to observers (one per run per push, whatever the number of observers).");
    public static readonly Histogram<double> PushLatency = Meter.CreateHistogram<double>("sovsim_push_latency", unit: "ms",
        description: "From an update's newest slice being folded to the page receiving it, as reported by the page.",
        advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [5, 10, 25, 50, 75, 100, 150, 250, 500, 1000, 2500, 5000] });
}
