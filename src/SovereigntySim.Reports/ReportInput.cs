using System.Text.Json;
using System.Text.Json.Nodes;

namespace SovereigntySim.Reports;

/// <summary>The result files found in a folder, each null when absent. See docs/architecture.md, "Reports".</summary>
internal sealed class ReportInput
{
    public static readonly IReadOnlyList<string> KnownFiles =
    [
        "summary.json", "timeseries.csv", "series.csv", "negotiations.csv", "offers.csv", "frontier.csv",
        "experiment.json", "runs.csv", "aggregate.csv", "daily.csv", "sensitivity.csv",
        "validation.csv", "validation.json", "crossvalidation.csv", "crossvalidation.json",
    ];

    public required string Folder { get; init; }
    public JsonObject? Summary { get; init; }
    public JsonObject? Experiment { get; init; }
    public CsvTable? Timeseries { get; init; }
    public CsvTable? Series { get; init; }
    public CsvTable? Negotiations { get; init; }
    public CsvTable? Offers { get; init; }
    public CsvTable? Frontier { get; init; }
    public CsvTable? Runs { get; init; }
    public CsvTable? Aggregate { get; init; }
    public CsvTable? Daily { get; init; }
    public CsvTable? Sensitivity { get; init; }
    /// <summary>validate-history: one row per case and figure.</summary>
    public CsvTable? Validation { get; init; }
    /// <summary>validate-history --cross-validate: one row per fold, case and figure.</summary>
    public CsvTable? CrossValidation { get; init; }
    /// <summary>validation.json or crossvalidation.json: the settings of the validation (replications, folds, rules).</summary>
    public JsonObject? ValidationSettings { get; init; }
    public required IReadOnlyList<string> Files { get; init; }

    /// <summary>replications, sweep or sensitivity for an experiment folder; validation or cross-validation for a
    /// validate-history folder; "run" for a single run.</summary>
    public string Kind => (string?)Experiment?["kind"]
                          ?? (CrossValidation is not null ? "cross-validation"
                              : Validation is not null ? "validation"
                              : Runs is not null || Aggregate is not null || Daily is not null ? "experiment" : "run");

    public bool IsExperiment => Kind != "run";

    public static ReportInput Load(string dir)
    {
        if (!Directory.Exists(dir)) throw new ReportInputException($"{dir}: no such folder");
        var files = KnownFiles.Where(f => File.Exists(Path.Combine(dir, f))).ToList();
        if (files.Count == 0)
            throw new ReportInputException($"{dir}: none of the result files is there ({string.Join(", ", KnownFiles)}); nothing to report");
        CsvTable? Csv(string name) => files.Contains(name) ? CsvTable.Read(Path.Combine(dir, name)) : null;
        return new ReportInput
        {
            Folder = dir,
            Files = files,
            Summary = Json("summary.json"),
            Experiment = Json("experiment.json"),
            Timeseries = Csv("timeseries.csv"),
            Series = Csv("series.csv"),
            Negotiations = Csv("negotiations.csv"),
            Offers = Csv("offers.csv"),
            Frontier = Csv("frontier.csv"),
            Runs = Csv("runs.csv"),
            Aggregate = Csv("aggregate.csv"),
            Daily = Csv("daily.csv"),
            Sensitivity = Csv("sensitivity.csv"),
            Validation = Csv("validation.csv"),
            CrossValidation = Csv("crossvalidation.csv"),
            ValidationSettings = Json("crossvalidation.json") ?? Json("validation.json"),
        };

        JsonObject? Json(string name)
        {
            if (!files.Contains(name)) return null;
            try
            {
                return JsonNode.Parse(File.ReadAllText(Path.Combine(dir, name))) as JsonObject
                       ?? throw new ReportInputException($"{name}: expected a JSON object");
            }
            catch (JsonException e)
            {
                throw new ReportInputException($"{name}: not valid JSON: {e.Message}");
            }
        }
    }

    /// <summary>Point labels ("path=value, ...") of an experiment's design points, from runs.csv or aggregate.csv.</summary>
    public IReadOnlyDictionary<string, string> PointLabels()
    {
        var labels = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var t in new[] { Runs, Aggregate })
        {
            if (t is null || t.IndexOf("point") < 0) continue;
            int p = t.IndexOf("point");
            var parameters = t.Header.Select((h, i) => (h, i)).Where(c => c.h.StartsWith("param.", StringComparison.Ordinal)).ToList();
            foreach (var row in t.Rows)
                labels.TryAdd(row[p], parameters.Count == 0
                    ? $"point {row[p]}"
                    : string.Join(", ", parameters.Select(c => $"{c.h["param.".Length..]}={row[c.i]}")));
        }
        return labels;
    }

    /// <summary>The first design point of an experiment (point 0 by the contract; the smallest present otherwise).</summary>
    public static string FirstPoint(CsvTable t)
    {
        int p = t.Require("point");
        return t.Rows.Select(r => r[p]).Distinct().OrderBy(v => CsvTable.Number(v)).ThenBy(v => v, StringComparer.Ordinal).FirstOrDefault() ?? "0";
    }
}

/// <summary>The metrics worth a chart first, and how the daily totals are grouped into charts of one unit each.</summary>
internal static class KeyMetrics
{
    public static readonly (string Title, string Unit, string[] Columns)[] Groups =
    [
        ("Flights", "flights (cumulative)", ["flights.planned", "flights.cleared", "flights.partiallyCleared", "flights.refused", "flights.turnedBack", "flights.diverted"]),
        ("Migrants", "people", ["migrants.removed", "migrants.detainedNow", "migrants.refused", "migrants.releasedAtLimit"]),
        ("Costs", "US dollars (cumulative)", ["detention.cost", "flights.cost"]),
        ("Tension", "tension", ["tension.max"]),
    ];

    public static readonly string[] Priority =
        ["flights.refused", "migrants.removed", "migrants.detainedNow", "detention.cost", "tension.max", "flights.planned", "flights.cleared", "flights.cost"];

    /// <summary>The metrics in priority order, then the rest in their own order; at most <paramref name="max"/>.</summary>
    public static List<string> Order(IEnumerable<string> metrics, int max)
    {
        var all = metrics.Distinct().ToList();
        return Priority.Where(all.Contains).Concat(all.Where(m => !Priority.Contains(m))).Take(max).ToList();
    }
}
