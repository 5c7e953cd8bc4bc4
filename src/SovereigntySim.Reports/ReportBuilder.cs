using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace SovereigntySim.Reports;

/// <summary>
/// Builds <c>report.html</c> for a run folder or an experiment folder: one self-contained file (Chart.js and the data
/// inlined) that opens offline. Each section appears only when its files exist.
/// </summary>
public static class ReportBuilder
{
    public const string FileName = "report.html";

    /// <summary>Writes <c>DIR/report.html</c> and returns its path.</summary>
    /// <exception cref="ReportInputException">DIR does not exist, holds none of the result files, or a file breaks the contract.</exception>
    public static string Write(string dir)
    {
        var model = Build(dir);
        var path = Path.Combine(dir, FileName);
        File.WriteAllText(path, HtmlReport.Render(model), new UTF8Encoding(false));
        return path;
    }

    /// <summary>The report's content, without writing anything.</summary>
    public static ReportModel Build(string dir)
    {
        var input = ReportInput.Load(dir);
        var sections = new List<Section?>
        {
            DailySection.Build(input),
            OutcomeSection.Build(input),
            NegotiationSection.Build(input),
            SweepSection.Build(input),
            SensitivitySection.Build(input),
            ValidationSection.Build(input),
            ValidationSection.BuildCrossValidation(input),
        };
        var provenance = BuildProvenance(input);
        var scenario = provenance.Facts.FirstOrDefault(f => f.Label == "scenario")?.Value;
        var title = $"SovereigntySim report: {scenario ?? Path.GetFileName(Path.GetFullPath(dir).TrimEnd(Path.DirectorySeparatorChar))}" +
                    (input.IsExperiment ? $" ({input.Kind})" : "");
        return new ReportModel(title, provenance, sections.OfType<Section>().Where(s => s.Charts.Count + s.Tables.Count > 0).ToList());
    }

    private static Provenance BuildProvenance(ReportInput input)
    {
        var facts = new List<Fact>();
        void Add(string label, object? value)
        {
            var text = value switch { null => null, JsonNode n => n is JsonValue ? n.ToString() : n.ToJsonString(), _ => value.ToString() };
            if (!string.IsNullOrEmpty(text)) facts.Add(new Fact(label, text));
        }

        var source = input.Experiment ?? input.Summary;
        Add("kind", input.IsExperiment ? input.Kind : "single run");
        Add("scenario", source?["scenario"]);
        if (input.Experiment is { } e)
        {
            Add("parameters", e["parameters"] is JsonArray ps ? string.Join(", ", ps.Select(p => (string?)p?["path"]).OfType<string>()) : null);
            Add("outcomes", e["outcomes"] is JsonArray os ? string.Join(", ", os.Select(o => o?.ToString())) : null);
        }
        if (input.Runs is { } runs)
        {
            int seed = runs.IndexOf("seed"), completed = runs.IndexOf("completed"), digest = runs.IndexOf("digest");
            Add("runs", runs.Rows.Count + (completed >= 0 ? $" ({runs.Rows.Count(r => r[completed].Equals("true", StringComparison.OrdinalIgnoreCase))} completed)" : ""));
            if (seed >= 0) Add("seeds", Seeds(runs.Rows.Select(r => r[seed]).ToList()));
            if (digest >= 0) Add("distinct digests", runs.Rows.Select(r => r[digest]).Distinct().Count());
        }
        if (input.ValidationSettings is { } v)
            foreach (var key in new[] { "replications", "folds", "priors", "particles", "generations", "seed", "rules" })
                Add(key, v[key]);
        if (input.Summary is { } s)
        {
            if (input.Runs is null) Add("seed", s["seed"]);
            Add("digest", s["digest"]);
            Add("engine", s["engine"]);
            Add("completed", s["completed"]);
            Add("simulated until", s["simulatedUntil"]);
            Add("events", s["events"]);
            Add("error", s["error"]);
        }

        var block = new JsonObject();
        foreach (var doc in new[] { input.Summary, input.Experiment })
        foreach (var key in new[] { "command", "provenance" })
            if (doc?[key] is { } node && !block.ContainsKey(key)) block[key] = node.DeepClone();
        // Shown as text, so written as it reads (no \u003C escapes); the data block escapes it again when serialised.
        var text = block.Count == 0 ? null : block.ToJsonString(new JsonSerializerOptions { WriteIndented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping });
        return new Provenance(input.IsExperiment ? input.Kind : "run", Path.GetFullPath(input.Folder), facts, text, input.Files);
    }

    private static string Seeds(IReadOnlyList<string> seeds)
    {
        var distinct = seeds.Distinct().ToList();
        if (distinct.Count <= 6) return string.Join(", ", distinct);
        var numbers = distinct.Select(CsvTable.Number).Where(double.IsFinite).ToList();
        return numbers.Count == distinct.Count
            ? $"{distinct.Count} seeds from {numbers.Min():R} to {numbers.Max():R}"
            : $"{distinct.Count} seeds ({string.Join(", ", distinct.Take(3))}, …)";
    }
}
