using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using SovereigntySim.Domain.Metrics;
using SovereigntySim.Domain.Randomness;
using SovereigntySim.Experiments;
using SovereigntySim.Scenarios;

namespace SovereigntySim.Hosting.Calibration;

/// <summary>One weighted sample of a posterior: a value for each of its paths (in <see cref="Posterior.Paths"/> order).</summary>
public sealed record PosteriorSample(double Weight, IReadOnlyList<double> Values);

/// <summary>
/// A calibration's posterior (posterior.json): weighted samples of the fitted constants. A run takes one sample by a
/// weighted draw from its own seed, so replications carry the uncertainty of the fit and stay deterministic.
/// </summary>
public sealed record Posterior(string File, IReadOnlyList<string> Paths, IReadOnlyList<PosteriorSample> Samples)
{
    /// <summary>The values one run draws, as --set texts in <see cref="Paths"/> order: a pure function of the seed.</summary>
    public IReadOnlyList<string> Draw(long seed)
    {
        double u = new StreamRandom(StreamRandom.Mix((ulong)seed ^ 0x706F737465726F72UL)).NextDouble();
        var sample = Samples[AbcSmc.WeightedDraw(Samples.Select(s => s.Weight).ToList(), u)];
        return sample.Values.Select(Parameter.Format).ToList();
    }

    /// <summary>posterior.json of a finished population.</summary>
    public static JsonObject Json(IReadOnlyList<Prior> priors, IReadOnlyList<PriorSpec> specs, IReadOnlyList<ObservedCase> cases, Population population, int generations) => new()
    {
        ["modelVersion"] = ModelInfo.ModelVersion,
        ["priors"] = new JsonArray([.. specs.Select(p => (JsonNode)new JsonObject
        {
            ["path"] = p.Path, ["lo"] = p.Lo, ["hi"] = p.Hi, ["scale"] = p.Scale.ToString().ToLowerInvariant(), ["why"] = p.Why,
        })]),
        ["cases"] = new JsonArray([.. cases.Select(c => (JsonNode)JsonValue.Create(c.Spec.Case))]),
        ["generations"] = generations,
        ["epsilon"] = double.IsFinite(population.Epsilon) ? population.Epsilon : null,
        ["samples"] = new JsonArray([.. population.Particles.Select(p => (JsonNode)new JsonObject
        {
            ["weight"] = p.Weight,
            ["distance"] = p.Distance,
            ["values"] = new JsonObject(priors.Select((prior, i) => KeyValuePair.Create(prior.Path, (JsonNode?)JsonValue.Create(p.Values[i])))),
        })]),
        ["summary"] = new JsonArray([.. AbcSmc.Summarise(priors, population).Select(s => (JsonNode)new JsonObject
        {
            ["path"] = s.Path, ["mean"] = s.Mean, ["median"] = s.Median, ["q05"] = s.Q05, ["q95"] = s.Q95,
        })]),
    };

    /// <summary>Reads posterior.json; a malformed file, or one fitted on another model version, is a located error.</summary>
    public static (Posterior? Posterior, IReadOnlyList<ScenarioError> Errors) Load(string file)
    {
        string text;
        try { text = System.IO.File.ReadAllText(file); }
        catch (Exception e) { return (null, [new ScenarioError(file, 1, 1, "(root)", "a readable posterior file (posterior.json of sovsim calibrate)", e.Message)]); }
        ScenarioError Error(string path, string key, string expected, string found)
        {
            // JSON carries no positions once parsed: the key's first occurrence in the text is where it is written.
            int at = key.Length == 0 ? -1 : text.IndexOf($"\"{key}\"", StringComparison.Ordinal);
            int line = at < 0 ? 1 : text.AsSpan(0, at).Count('\n') + 1;
            int column = at < 0 ? 1 : at - text.LastIndexOf('\n', Math.Max(0, at - 1));
            return new ScenarioError(file, line, column, path, expected, found);
        }
        JsonNode? root;
        try { root = JsonNode.Parse(text); }
        catch (JsonException e)
        {
            return (null, [new ScenarioError(file, (int)(e.LineNumber ?? 0) + 1, (int)(e.BytePositionInLine ?? 0) + 1, "(root)", "a JSON posterior (posterior.json of sovsim calibrate)", SafeText.Excerpt(e.Message, 120))]);
        }
        if (root is not JsonObject o) return (null, [Error("(root)", "", "a JSON object (posterior.json of sovsim calibrate)", "another JSON value")]);
        var version = o["modelVersion"] is JsonValue v && v.TryGetValue<string>(out var s) ? s : null;
        if (version != ModelInfo.ModelVersion)
            return (null, [Error("modelVersion", version is null ? "" : "modelVersion",
                $"a posterior fitted on this model version, {ModelInfo.ModelVersion} (calibrate again)", version is null ? "none" : $"'{version}'")]);
        if (o["samples"] is not JsonArray samples || samples.Count == 0)
            return (null, [Error("samples", "samples", "a list of weighted samples", "none")]);
        var paths = (samples[0]?["values"] as JsonObject)?.Select(kv => kv.Key).ToList() ?? [];
        if (paths.Count == 0) return (null, [Error("samples[0].values", "values", "a value for each fitted path", "none")]);
        var list = new List<PosteriorSample>();
        for (int i = 0; i < samples.Count; i++)
        {
            var weight = samples[i]?["weight"] is JsonValue w && w.TryGetValue<double>(out var x) && x >= 0 && double.IsFinite(x) ? x : double.NaN;
            if (double.IsNaN(weight)) return (null, [Error($"samples[{i}].weight", "weight", "a weight of at least 0", "something else")]);
            var values = new List<double>();
            foreach (var path in paths)
            {
                if (samples[i]?["values"]?[path] is JsonValue n && n.TryGetValue<double>(out var d) && double.IsFinite(d)) values.Add(d);
                else return (null, [Error($"samples[{i}].values.{path}", "values", "a number for every fitted path", "none")]);
            }
            list.Add(new PosteriorSample(weight, values));
        }
        if (list.Sum(p => p.Weight) <= 0) return (null, [Error("samples", "samples", "weights that sum above 0", "0")]);
        return (new Posterior(file, paths, list), []);
    }
}
