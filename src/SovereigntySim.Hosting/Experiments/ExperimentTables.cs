using System.Text.Json.Nodes;
using SovereigntySim.Domain.Metrics;
using SovereigntySim.Domain.Simulation;
using SovereigntySim.Experiments;
using SovereigntySim.Grains;
using SovereigntySim.Hosting.Outputs;
using SovereigntySim.Hosting.Runs;

namespace SovereigntySim.Hosting.Experiments;

/// <summary>
/// An experiment's folder: experiment.json (plan, provenance, how it went), runs.csv and runs.parquet (one row per
/// run: parameters, seed, every outcome measure), aggregate.csv (every outcome's distribution per design point),
/// daily.csv (every daily total's distribution per point and day, for bands) and negotiations.csv (one row per
/// negotiation of every run). docs/outputs.md documents every column.
/// </summary>
public static class ExperimentTables
{
    public const string ExperimentFile = "experiment.json";

    private static readonly string[] DailyMetrics = MetricKeys.DailyColumns;

    public static async Task WriteAsync(ExperimentResult result, ExperimentOptions options)
    {
        var dir = options.OutputDirectory;
        var runs = Runs(result);
        runs.WriteCsv(Path.Combine(dir, "runs.csv"));
        await runs.WriteParquetAsync(Path.Combine(dir, "runs.parquet"));
        Aggregate(result).WriteCsv(Path.Combine(dir, "aggregate.csv"));
        Daily(result).WriteCsv(Path.Combine(dir, "daily.csv"));
        Negotiations(result).WriteCsv(Path.Combine(dir, "negotiations.csv"));
        await File.WriteAllTextAsync(Path.Combine(dir, ExperimentFile), Describe(result.Plan, result, options).ToJsonString(Summary.Indented) + "\n");
    }

    private static IEnumerable<string> ParameterColumns(ExperimentPlan plan) => plan.Parameters.Select(p => "param." + p);

    /// <summary>A parameter value as a number where it is one, so response curves plot without conversion.</summary>
    private static object? Value(string text) =>
        double.TryParse(text, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var d) ? d : text;

    public static Table Runs(ExperimentResult result)
    {
        var plan = result.Plan;
        var t = new Table(["run", "point", "replicate", "seed", .. ParameterColumns(plan), .. plan.PosteriorPaths.Select(p => "posterior." + p), "completed", "error", "digest", "wallSeconds",
            "simulationSeconds", "silo", .. plan.OutcomeColumns]);
        foreach (var run in plan.Runs)
        {
            if (!result.Outcomes.TryGetValue(run.Run, out var o)) continue;
            var values = result.Values(run.Run) is { } v ? v.Select(x => (object?)x) : plan.OutcomeColumns.Select(_ => (object?)double.NaN);
            t.Add([run.Run, run.Point, run.Replicate, run.Seed, .. run.Values.Select(Value), .. run.Drawn.Select(Value), o.Completed, o.Error, o.Digest, o.WallSeconds,
                o.SimulationSeconds, o.Silo, .. values]);
        }
        return t;
    }

    private static IEnumerable<IGrouping<int, (PlannedRun Run, RunOutcome Outcome)>> ByPoint(ExperimentResult result) =>
        result.Plan.Runs
            .Where(r => result.Outcomes.TryGetValue(r.Run, out var o) && o.Completed)
            .Select(r => (Run: r, Outcome: result.Outcomes[r.Run]))
            .GroupBy(x => x.Run.Point);

    public static readonly string[] DistributionColumns = ["n", "missing", "mean", "sd", "ci95Low", "ci95High", "median", "q05", "q25", "q75", "q95", "min", "max"];

    private static object?[] Cells(Distribution d) =>
        [d.N, d.Missing, d.Mean, d.Sd, d.CiLow, d.CiHigh, d.Median, d.Q05, d.Q25, d.Q75, d.Q95, d.Min, d.Max];

    /// <summary>Every outcome's distribution over the replicates of each point.</summary>
    public static IEnumerable<(int Point, IReadOnlyList<string> Values, string Metric, Distribution Distribution)> Distributions(ExperimentResult result)
    {
        foreach (var point in ByPoint(result))
        {
            var rows = point.Select(x => result.Values(x.Run.Run)!).ToList();
            var columns = result.Plan.OutcomeColumns;
            for (int c = 0; c < columns.Count; c++)
            {
                int column = c;
                yield return (point.Key, point.First().Run.Values, columns[c], Descriptive.Describe(rows.Select(r => r[column])));
            }
        }
    }

    public static Table Aggregate(ExperimentResult result)
    {
        var t = new Table(["point", .. ParameterColumns(result.Plan), "metric", .. DistributionColumns]);
        foreach (var (point, values, metric, d) in Distributions(result)) t.Add([point, .. values.Select(Value), metric, .. Cells(d)]);
        return t;
    }

    public static Table Daily(ExperimentResult result)
    {
        var t = new Table(["point", "day", "date", "metric", "n", "mean", "median", "q05", "q95", "ci95Low", "ci95High"]);
        foreach (var point in ByPoint(result))
        {
            var runs = point.Select(x => x.Outcome.Days).ToList();
            int days = runs.Max(r => r.Count);
            for (int day = 0; day < days; day++)
            {
                var rows = runs.Where(r => r.Count > day).Select(r => r[day]).ToList();
                for (int m = 0; m < DailyMetrics.Length; m++)
                {
                    int metric = m;
                    var d = Descriptive.Describe(rows.Select(r => metric < r.Counters.Length ? r.Counters[metric] : metric == r.Counters.Length ? r.Detained : r.MaxTension));
                    t.Add(point.Key, rows[0].Day, rows[0].Date, DailyMetrics[m], d.N, d.Mean, d.Median, d.Q05, d.Q95, d.CiLow, d.CiHigh);
                }
            }
        }
        return t;
    }

    public static Table Negotiations(ExperimentResult result)
    {
        var t = new Table(["run", .. RunTables.NegotiationColumns]);
        World? world = null;
        int worldPoint = -1;
        foreach (var run in result.Plan.Runs)
        {
            if (!result.Outcomes.TryGetValue(run.Run, out var o) || !o.Completed) continue;
            // Reservation values and frontiers depend on the point's scenario (and values drawn from a posterior), not on the seed.
            if (run.Point != worldPoint || run.Drawn.Count > 0) (world, worldPoint) = (new World(run.Request.Spec), run.Point);
            foreach (var row in RunTables.NegotiationRows(o.Metrics, world!, run.Run)) t.Add(row);
        }
        return t;
    }

    public static JsonObject Describe(ExperimentPlan plan, ExperimentResult? result, ExperimentOptions options)
    {
        var o = new JsonObject
        {
            ["kind"] = plan.Kind.ToString().ToLowerInvariant(),
            ["scenario"] = plan.Scenario,
            ["planHash"] = plan.Hash(),
            ["parameters"] = new JsonArray([.. plan.Parameters.Select(p => new JsonObject { ["path"] = p })]),
            ["points"] = plan.Points,
            ["replications"] = plan.Replications,
            ["seeds"] = "replicate r runs with seed (base seed + r); replicate 0 is the plain run",
            ["baseSeed"] = plan.Runs.Count > 0 ? plan.Runs[0].Seed : null,
            ["runsPlanned"] = plan.Runs.Count,
            ["outcomes"] = new JsonArray([.. plan.OutcomeColumns.Select(c => JsonValue.Create(c))]),
            ["parallel"] = options.Parallel,
            ["provenance"] = plan.Provenance.ToJson(plan.Runs.Count > 0 ? plan.Runs[0].Request.Spec : throw new InvalidOperationException("an empty plan")),
        };
        if (result is null) return o;
        o["runsFinished"] = result.Outcomes.Count;
        o["runsFailed"] = result.Outcomes.Values.Count(r => !r.Completed);
        o["interrupted"] = result.Interrupted;
        o["complete"] = result.Complete;
        o["wallSeconds"] = Math.Round(result.WallSeconds, 3);
        o["simulationSeconds"] = Math.Round(result.SimulationSeconds, 3);
        o["peakRssBytes"] = result.PeakRssBytes;
        return o;
    }
}
