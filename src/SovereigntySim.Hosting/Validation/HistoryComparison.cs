using System.Text.Json.Nodes;
using SovereigntySim.Domain.Metrics;
using SovereigntySim.Experiments;
using SovereigntySim.Hosting.Experiments;
using SovereigntySim.Hosting.Outputs;
using SovereigntySim.Scenarios;

namespace SovereigntySim.Hosting.Validation;

/// <summary>One observed figure against its simulated distribution.</summary>
public sealed record FigureComparison(
    string Case, string Figure, string What, string Measure, double ObservedLo, double ObservedHi, double? ObservedValue, string Source,
    int Runs, Distribution Simulated, double ShareInRange, double RelativeError, bool Pass, string Note);

/// <summary>
/// Simulated against observed, free of any engine: the share of replications whose value of a measure lies in the
/// observed (closed) range, and the relative error of the simulated mean against a published point value. A run
/// without the measure (NaN: no agreement, say) is not in any range, so it counts against the share.
/// </summary>
public static class HistoryComparison
{
    /// <summary>Share of the values in [lo, hi]; an open end is infinite. NaN when there are no values.</summary>
    public static double ShareInRange(IReadOnlyCollection<double> values, double lo, double hi) =>
        values.Count == 0 ? double.NaN : (double)values.Count(v => v >= lo && v <= hi) / values.Count;

    /// <summary>(simulated − observed) / |observed|: NaN when the observed value is 0 or the simulated mean missing.</summary>
    public static double RelativeError(double simulated, double observed) =>
        observed == 0 || double.IsNaN(simulated) ? double.NaN : (simulated - observed) / Math.Abs(observed);

    /// <summary>
    /// Compares one figure with the values of its measure over the replications. A figure with a point value passes
    /// when the relative error of the simulated mean is within the tolerance; any other when the share in range
    /// reaches the target.
    /// </summary>
    public static FigureComparison Compare(ObservedCaseSpec observed, ObservedFigureSpec figure, IReadOnlyCollection<double> values)
    {
        var (lo, hi) = figure.RangeWith(observed.Tolerance);
        var d = Descriptive.Describe(values);
        double share = ShareInRange(values, lo, hi);
        double error = figure.Value is { } v ? RelativeError(d.Mean, v) : double.NaN;
        bool pass = figure.Value is not null ? Math.Abs(error) <= observed.Tolerance : share >= observed.Target;
        var source = figure.Source is { } s ? $"{s.Url} ({s.Date})" : "";
        return new FigureComparison(observed.Case, figure.Id, figure.What, figure.Measure, lo, hi, figure.Value, source, values.Count, d, share, error, pass, figure.Note);
    }

    /// <summary>The values of a measure over the finished runs of an experiment, in run order.</summary>
    public static double[] Values(ExperimentResult result, string measure) =>
        result.Plan.Runs.Where(r => result.Outcomes.TryGetValue(r.Run, out var o) && o.Completed).Select(r => Measures(result.Outcomes[r.Run].Metrics)(measure)).ToArray();

    private static readonly Dictionary<string, int> Column = Outcomes.Columns.Select((name, i) => (name, i)).ToDictionary(c => c.name, c => c.i, StringComparer.Ordinal);

    /// <summary>One run's measures by name: an outcome column (the run's outcome row is computed once, at the first
    /// column asked for), people removed to one destination (removed.&lt;country&gt;), or one of the scenario's own
    /// measures (measure.&lt;id&gt;, NaN when missing).</summary>
    public static Func<string, double> Measures(RunMetrics metrics)
    {
        IReadOnlyList<(string Name, double Value)>? row = null;
        return measure =>
        {
            if (measure.StartsWith(ObservedLoader.RemovedByDestinationPrefix, StringComparison.Ordinal))
                return metrics.RemovedByDestination.GetValueOrDefault(measure[ObservedLoader.RemovedByDestinationPrefix.Length..]);
            if (measure.StartsWith(MeasureFold.Prefix, StringComparison.Ordinal))
                return metrics.Measures.FirstOrDefault(v => v.Name == measure) is { } own ? own.Value ?? double.NaN
                    : throw new ArgumentException($"unknown outcome measure '{measure}'");
            if (!Column.TryGetValue(measure, out int column)) throw new ArgumentException($"unknown outcome measure '{measure}'");
            return (row ??= Outcomes.Of(metrics))[column].Value;
        };
    }

    /// <summary>
    /// How far one simulated value is from a figure, in [0, 1]: 0 inside the observed range (<see cref="ObservedFigureSpec.RangeWith"/>),
    /// else the distance to the nearest bound over a scale, capped at 1; a missing value (NaN) is 1. The scale is the
    /// largest of the range's width (when both ends are finite), the nearest bound × the case's tolerance, and 1: a
    /// count off by one from a closed range of width 0 is already 1, a volume 10% off a ±15% band about 0.3.
    /// </summary>
    public static double Discrepancy(ObservedCaseSpec observed, ObservedFigureSpec figure, double value)
    {
        if (double.IsNaN(value)) return 1;
        var (lo, hi) = figure.RangeWith(observed.Tolerance);
        if (value >= lo && value <= hi) return 0;
        double bound = value < lo ? lo : hi;
        double width = double.IsFinite(hi - lo) ? hi - lo : 0;
        double scale = Math.Max(Math.Max(width, Math.Abs(bound) * observed.Tolerance), 1);
        return Math.Min(1, Math.Abs(value - bound) / scale);
    }

    /// <summary>Every figure of a case against the runs of its experiment.</summary>
    public static IReadOnlyList<FigureComparison> Compare(ObservedCaseSpec observed, ExperimentResult result) =>
        observed.Figures.Select(f => Compare(observed, f, Values(result, f.Measure))).ToList();

    public static readonly string[] Columns =
    [
        "case", "figure", "measure", "observedLo", "observedHi", "observedValue", "source", "runs", "simulatedMean", "simulatedMedian",
        "simulatedQ05", "simulatedQ95", "missing", "shareInRange", "relativeError", "pass", "what", "note",
    ];

    /// <summary>validation.csv: one row per case and figure.</summary>
    public static Table ToTable(IEnumerable<FigureComparison> rows)
    {
        var t = new Table(Columns);
        foreach (var r in rows)
            t.Add(r.Case, r.Figure, r.Measure, Bound(r.ObservedLo), Bound(r.ObservedHi), r.ObservedValue ?? double.NaN, r.Source, r.Runs, r.Simulated.Mean,
                r.Simulated.Median, r.Simulated.Q05, r.Simulated.Q95, r.Simulated.Missing, r.ShareInRange, r.RelativeError, r.Pass, r.What, r.Note);
        return t;
    }

    /// <summary>An open end of a range is written as an empty cell (CSV) or null (JSON).</summary>
    private static double Bound(double x) => double.IsInfinity(x) ? double.NaN : x;

    private static JsonNode? Json(double x) => double.IsFinite(x) ? JsonValue.Create(Table.Round(x)) : null;

    /// <summary>validation.json: the run's settings, every case with its figures, and the count of passes.</summary>
    public static JsonObject Json(IReadOnlyList<(ObservedCase Case, string Folder, IReadOnlyList<FigureComparison> Figures)> cases, int replications)
    {
        var all = cases.SelectMany(c => c.Figures).ToList();
        return new JsonObject
        {
            ["replications"] = replications,
            ["figures"] = all.Count,
            ["passed"] = all.Count(f => f.Pass),
            ["rules"] = "a figure with a point value passes when |relative error of the simulated mean| <= the case's tolerance; any other when the share of replications in the observed range >= the case's target",
            ["cases"] = new JsonArray([.. cases.Select(c => (JsonNode)new JsonObject
            {
                ["case"] = c.Case.Spec.Case,
                ["title"] = c.Case.Spec.Title,
                ["observedFile"] = c.Case.File,
                ["scenario"] = c.Case.ScenarioPath,
                ["overrides"] = new JsonArray([.. c.Case.Spec.Overrides.Select(o => (JsonNode)JsonValue.Create(o))]),
                ["target"] = c.Case.Spec.Target,
                ["tolerance"] = c.Case.Spec.Tolerance,
                ["runs"] = c.Folder,
                ["figures"] = new JsonArray([.. c.Figures.Select(f => (JsonNode)new JsonObject
                {
                    ["figure"] = f.Figure,
                    ["what"] = f.What,
                    ["measure"] = f.Measure,
                    ["observedLo"] = Json(f.ObservedLo),
                    ["observedHi"] = Json(f.ObservedHi),
                    ["observedValue"] = f.ObservedValue is { } v ? Json(v) : null,
                    ["source"] = f.Source,
                    ["runs"] = f.Runs,
                    ["simulatedMean"] = Json(f.Simulated.Mean),
                    ["simulatedMedian"] = Json(f.Simulated.Median),
                    ["simulatedQ05"] = Json(f.Simulated.Q05),
                    ["simulatedQ95"] = Json(f.Simulated.Q95),
                    ["missing"] = f.Simulated.Missing,
                    ["shareInRange"] = Json(f.ShareInRange),
                    ["relativeError"] = Json(f.RelativeError),
                    ["pass"] = f.Pass,
                    ["note"] = f.Note,
                })]),
            })]),
        };
    }
}
