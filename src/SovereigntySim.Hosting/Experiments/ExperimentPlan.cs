using System.Security.Cryptography;
using System.Text;
using SovereigntySim.Domain.Scenario;
using SovereigntySim.Hosting.Calibration;
using SovereigntySim.Hosting.Runs;
using SovereigntySim.Scenarios;

namespace SovereigntySim.Hosting.Experiments;

public enum ExperimentKind { Replications, Sweep, Sensitivity, Calibration }

/// <summary>One run of an experiment: its number, its design point and replicate, its seed and parameter values,
/// and the effective scenario it runs.</summary>
public sealed record PlannedRun(int Run, int Point, int Replicate, long Seed, IReadOnlyList<string> Values, RunRequest Request)
{
    /// <summary>The values drawn from a posterior for this run (in <see cref="ExperimentPlan.PosteriorPaths"/> order), if any.</summary>
    public IReadOnlyList<string> Drawn { get; init; } = [];
}

/// <summary>
/// The runs of an experiment, fixed before any runs: design points × replicates. Replicate r of every point runs
/// with seed (base seed + r), so replicate 0 is the plain run of the scenario and points of a sweep share random
/// numbers (common random numbers make differences between points sharper).
/// </summary>
public sealed record ExperimentPlan(
    ExperimentKind Kind, string Scenario, Provenance Provenance, IReadOnlyList<string> Parameters, int Points, int Replications,
    IReadOnlyList<PlannedRun> Runs)
{
    public static long SeedOf(long baseSeed, int replicate) => baseSeed + replicate;

    /// <summary>The paths a posterior sets on every run (runs.csv columns posterior.&lt;path&gt;); empty without one.</summary>
    public IReadOnlyList<string> PosteriorPaths { get; init; } = [];

    /// <summary>The outcome columns of the plan's runs: the built-in ones, then the scenario's own measures.</summary>
    public IReadOnlyList<string> OutcomeColumns => Domain.Metrics.Outcomes.ColumnsFor(Runs.FirstOrDefault()?.Request.Spec);

    /// <summary>Names the plan (scenario, overrides and every run's values and seed): a continued experiment must
    /// have the same plan as the one it continues.</summary>
    public string Hash()
    {
        var sb = new StringBuilder().Append(Kind).Append('\n').Append(Provenance.ScenarioSha256).Append('\n');
        foreach (var o in Provenance.Overrides) sb.Append(o).Append('\n');
        foreach (var r in Runs)
        {
            sb.Append(r.Run).Append(' ').Append(r.Seed).Append(' ').AppendJoin(' ', r.Values);
            if (r.Drawn.Count > 0) sb.Append(" posterior ").AppendJoin(' ', r.Drawn);
            sb.Append('\n');
        }
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(sb.ToString())))[..16];
    }

    /// <summary>
    /// Builds the plan: every design point's settings are applied to the file as `--set` overrides (same paths, same
    /// validation), then each replicate's seed. With a <paramref name="posterior"/>, each run first takes the values
    /// it draws for its seed, before the overrides and the point's settings (which win). Returns the errors instead
    /// when any point is invalid, so nothing runs.
    /// </summary>
    public static (ExperimentPlan? Plan, IReadOnlyList<ScenarioError> Errors) Build(
        ExperimentKind kind, string file, IReadOnlyList<string> overrides, Func<ScenarioSpec, ScenarioSpec> adjust,
        IReadOnlyList<string> parameters, IReadOnlyList<IReadOnlyList<string>> points, int replications, Provenance provenance,
        Posterior? posterior = null)
    {
        // One read of the file; each point is its text with that point's overrides.
        var (text, refused) = ScenarioLoader.Read(file);
        if (refused is not null) return (null, refused.Errors);
        return BuildFromText(kind, text!, file, overrides, adjust, parameters, points, replications, provenance, posterior);
    }

    /// <summary>The same plan from a scenario's text (<paramref name="file"/> names it in errors): an uploaded scenario.</summary>
    public static (ExperimentPlan? Plan, IReadOnlyList<ScenarioError> Errors) BuildFromText(
        ExperimentKind kind, string text, string file, IReadOnlyList<string> overrides, Func<ScenarioSpec, ScenarioSpec> adjust,
        IReadOnlyList<string> parameters, IReadOnlyList<IReadOnlyList<string>> points, int replications, Provenance provenance,
        Posterior? posterior = null)
    {
        var runs = new List<PlannedRun>();
        for (int p = 0; p < points.Count; p++)
        {
            var settings = points[p];
            var set = overrides.Concat(parameters.Select((path, i) => $"{path}={settings[i]}")).ToList();
            var loaded = ScenarioLoader.LoadText(text, file, set);
            if (!loaded.Ok) return (null, loaded.Errors);
            var spec = adjust(loaded.Spec!);
            for (int r = 0; r < replications; r++)
            {
                long seed = SeedOf(spec.Seed, r);
                var runOverrides = r == 0 ? set : [.. set, $"seed={seed}"];
                var runSpec = spec;
                IReadOnlyList<string> drawn = [];
                if (posterior is not null)
                {
                    drawn = posterior.Draw(seed);
                    runOverrides = [.. posterior.Paths.Select((path, i) => $"{path}={drawn[i]}"), .. set, $"seed={seed}"];
                    var withDraw = ScenarioLoader.LoadText(text, file, runOverrides);
                    if (!withDraw.Ok) return (null, withDraw.Errors);
                    runSpec = adjust(withDraw.Spec!);
                }
                runs.Add(new PlannedRun(runs.Count, p, r, seed, settings,
                    new RunRequest(runSpec with { Seed = seed }, provenance with { Overrides = runOverrides })) { Drawn = drawn });
            }
        }
        var name = runs.Count > 0 ? runs[0].Request.Spec.Name : Path.GetFileNameWithoutExtension(file);
        return (new ExperimentPlan(kind, name, provenance, parameters, points.Count, replications, runs) { PosteriorPaths = posterior?.Paths ?? [] }, []);
    }
}
