using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using SovereigntySim.Domain.Metrics;
using SovereigntySim.Experiments;
using SovereigntySim.Hosting.Experiments;
using SovereigntySim.Hosting.Outputs;
using SovereigntySim.Hosting.Runs;
using SovereigntySim.Hosting.Validation;
using SovereigntySim.Scenarios;

namespace SovereigntySim.Hosting.Calibration;

/// <summary>Budget and tuning of a calibration, and where it writes.</summary>
public sealed record CalibrationOptions(string OutputDirectory, int Particles, int Generations, long Seed, int Parallel,
    double Quantile = 0.5, double MinAcceptance = 0.02, AbcKernel Kernel = AbcKernel.Full)
{
    public AbcSettings Abc => new(Particles, Generations, Seed, Quantile, MinAcceptance, Kernel);
}

/// <summary>Where a calibration stands: the generation, particles accepted of those wanted, candidates simulated, its
/// tolerance, and the runs of the batch in flight.</summary>
public sealed record CalibrationProgress(int Generation, int Generations, int Accepted, int Particles, int Simulated, double Epsilon, int RunsFinished, int RunsTotal);

/// <summary>One finished generation's cost: candidates simulated, runs made (candidates × cases) and wall time.</summary>
public sealed record GenerationTiming(int Generation, int Simulations, int Runs, double WallSeconds);

/// <summary>What a calibration produced: every finished generation (also those of earlier attempts in the folder),
/// whether it was interrupted, why it stopped before its budget if it did, and posterior.json when there is one.</summary>
public sealed record CalibrationResult(IReadOnlyList<Population> Generations, IReadOnlyList<GenerationTiming> Timings, bool Interrupted, string? Stopped, string? PosteriorFile)
{
    public Population? Last => Generations.Count > 0 ? Generations[^1] : null;
}

/// <summary>The priors and observed cases of a calibration, checked before any run.</summary>
public sealed record Calibration(string PriorsFile, IReadOnlyList<PriorSpec> Specs, IReadOnlyList<ObservedCase> Cases)
{
    public IReadOnlyList<Prior> Priors { get; } =
        Specs.Select(p => new Prior(p.Path, p.Lo!.Value, p.Hi!.Value, p.Scale == PriorSpace.Log ? PriorScale.Log : PriorScale.Linear)).ToList();

    /// <summary>Loads the priors and checks every case's scenario takes every path (at each prior's lowest value): a
    /// path a scenario rejects is that scenario's located error, before anything runs.</summary>
    public static (Calibration? Calibration, IReadOnlyList<ScenarioError> Errors) Prepare(string priorsFile, IReadOnlyList<ObservedCase> cases)
    {
        var loaded = PriorsLoader.Load(priorsFile);
        if (!loaded.Ok) return (null, loaded.Errors);
        var calibration = new Calibration(priorsFile, loaded.Spec!.Parameters, cases);
        var errors = new List<ScenarioError>();
        foreach (var c in cases)
        {
            var overrides = c.Spec.Overrides.Concat(calibration.Specs.Select(p => $"{p.Path}={Parameter.Format(p.Lo!.Value)}")).ToList();
            errors.AddRange(ScenarioLoader.Load(c.ScenarioPath, overrides).Errors);
        }
        return errors.Count == 0 ? (calibration, []) : (null, errors);
    }

    /// <summary>Names what a calibration folder holds: the model version, the priors file, every case's observed file
    /// and scenario, and the settings that shape generations (all but their number, which a resumed calibration may raise).</summary>
    public string Identity(CalibrationOptions options)
    {
        var sb = new StringBuilder().Append(ModelInfo.ModelVersion).Append('\n').Append(File.ReadAllText(PriorsFile)).Append('\n');
        foreach (var c in Cases) sb.Append(c.Spec.Case).Append('\n').Append(File.ReadAllText(c.File)).Append('\n').Append(File.ReadAllText(c.ScenarioPath)).Append('\n');
        sb.Append(CultureInfo.InvariantCulture, $"{options.Particles} {options.Seed} {options.Quantile:R} {options.MinAcceptance:R} {options.Kernel}");
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(sb.ToString())))[..16];
    }
}

/// <summary>An output folder that holds another calibration, or a file in it that does not read back.</summary>
public sealed class CalibrationFolderException(string message) : Exception(message);

/// <summary>A run of a calibration failed: the fit cannot go on without its distance.</summary>
public sealed class CalibrationRunFailedException(string message) : Exception(message);

/// <summary>
/// Fits the priors' constants to the observed cases by ABC-SMC (<see cref="AbcSmc"/>). A candidate's distance is the
/// mean, over every figure of every case, of <see cref="HistoryComparison.Discrepancy"/> for one run of the case's
/// scenario with its overrides and the candidate's values. Every batch of candidates is one experiment plan (candidates
/// × cases runs) on the cluster, so runs spread over its silos and workers. Each finished generation is written at once
/// (generations/gen-NN.csv, then progress.json), so a calibration run again into its folder goes on from there.
/// </summary>
public sealed class CalibrationRunner(IClusterClient client, Func<CancellationToken, Task<ClusterWatch>>? watch = null, Action<string>? notice = null)
{
    public const string ProgressFile = "progress.json", PosteriorFile = "posterior.json", GenerationsFolder = "generations", WorkFolder = "work";

    public static string GenerationFile(string dir, int generation) => Path.Combine(dir, GenerationsFolder, $"gen-{generation:D2}.csv");

    public async Task<CalibrationResult> RunAsync(Calibration calibration, CalibrationOptions options, IProgress<CalibrationProgress>? progress = null,
        CancellationToken cancellation = default)
    {
        var dir = options.OutputDirectory;
        Directory.CreateDirectory(Path.Combine(dir, GenerationsFolder));
        var identity = calibration.Identity(options);
        var (finished, timings) = LoadFinished(calibration, dir, identity);
        var abc = new AbcSmc(calibration.Priors, options.Abc);
        var state = new CalibrationProgress(finished.Count, options.Generations, 0, options.Particles, 0, double.NaN, 0, 0);
        var clock = Stopwatch.StartNew();
        int runs = 0;

        async Task<IReadOnlyList<double>> Distances(IReadOnlyList<Candidate> batch, CancellationToken ct)
        {
            var (plan, distances) = Plan(calibration, batch);
            var folder = Path.Combine(dir, WorkFolder, $"gen-{batch[0].Generation:D2}", $"from-{batch[0].Attempt:D6}-n{batch.Count}");
            var runProgress = new Progress<ExperimentProgress>(p => progress?.Report(state = state with { RunsFinished = p.Finished, RunsTotal = p.Total }));
            progress?.Report(state = state with { RunsFinished = 0, RunsTotal = plan.Runs.Count });
            var result = await new ExperimentRunner(client, watch: watch, notice: notice)
                .RunAsync(plan, new ExperimentOptions(folder, options.Parallel, WriteTables: false), runProgress, ct);
            if (result.Interrupted) throw new OperationCanceledException(ct);
            runs += plan.Runs.Count;
            return distances(result);
        }

        async Task Finished(Population population)
        {
            await WriteGeneration(calibration, dir, population);
            timings.Add(new GenerationTiming(population.Generation, population.Simulations, runs, clock.Elapsed.TotalSeconds));
            finished.Add(population);
            await WriteProgress(calibration, options, dir, identity, finished, timings, null);
            // The runs of a written generation are no longer needed to continue.
            var work = Path.Combine(dir, WorkFolder);
            if (Directory.Exists(work)) Directory.Delete(work, recursive: true);
            runs = 0;
            clock.Restart();
        }

        bool interrupted = false;
        var abcProgress = new Progress<AbcProgress>(p => progress?.Report(state = state with
        {
            Generation = p.Generation, Accepted = p.Accepted, Particles = p.Particles, Simulated = p.Simulated, Epsilon = p.Epsilon,
        }));
        try { await abc.RunAsync(finished.LastOrDefault(), Distances, Finished, abcProgress, cancellation); }
        catch (OperationCanceledException) when (cancellation.IsCancellationRequested) { interrupted = true; }

        string? stopped = interrupted || finished.Count >= options.Generations ? null
            : $"generation {finished.Count} accepted fewer than {options.MinAcceptance:P0} of its candidates (at most {options.Abc.MaxSimulations} simulated); the posterior is generation {finished.Count - 1}";
        await WriteProgress(calibration, options, dir, identity, finished, timings, stopped);
        string? posterior = null;
        if (finished.Count > 0)
        {
            posterior = Path.Combine(dir, PosteriorFile);
            await WriteAtomically(posterior, Posterior.Json(calibration.Priors, calibration.Specs, calibration.Cases, finished[^1], finished.Count).ToJsonString(Summary.Indented) + "\n");
        }
        return new CalibrationResult(finished, timings, interrupted, stopped, posterior);
    }

    /// <summary>One batch as one experiment plan: for each candidate (in order), one run of each case with the case's
    /// overrides, the candidate's values and its seed; and how to turn the result into each candidate's distance.</summary>
    public static (ExperimentPlan Plan, Func<ExperimentResult, IReadOnlyList<double>> Distances) Plan(Calibration calibration, IReadOnlyList<Candidate> batch)
    {
        var paths = calibration.Priors.Select(p => p.Path).ToList();
        IReadOnlyList<IReadOnlyList<string>> points =
            [.. batch.Select(c => (IReadOnlyList<string>)[.. c.Values.Select(Parameter.Format), c.Seed.ToString(CultureInfo.InvariantCulture)])];
        var perCase = new List<ExperimentPlan>();
        foreach (var c in calibration.Cases)
        {
            var (plan, errors) = ExperimentPlan.Build(ExperimentKind.Calibration, c.ScenarioPath, c.Spec.Overrides, s => s, [.. paths, "seed"], points, 1,
                Provenance.Of(c.ScenarioPath, c.Spec.Overrides));
            if (plan is null) throw new CalibrationFolderException($"{c.Spec.Case}: {string.Join("; ", errors.Take(3))}");
            perCase.Add(plan);
        }
        int cases = perCase.Count;
        var runs = new List<PlannedRun>();
        for (int p = 0; p < batch.Count; p++)
            for (int k = 0; k < cases; k++)
                runs.Add(perCase[k].Runs[p] with { Run = runs.Count, Point = runs.Count, Values = [calibration.Cases[k].Spec.Case, .. perCase[k].Runs[p].Values] });
        var merged = new ExperimentPlan(ExperimentKind.Calibration, "calibration", perCase[0].Provenance, ["case", .. paths, "seed"], runs.Count, 1, runs);

        IReadOnlyList<double> Distances(ExperimentResult result)
        {
            var distances = new double[batch.Count];
            for (int p = 0; p < batch.Count; p++)
            {
                double sum = 0;
                int figures = 0;
                for (int k = 0; k < cases; k++)
                {
                    var o = result.Outcomes.GetValueOrDefault(p * cases + k);
                    var c = calibration.Cases[k].Spec;
                    if (o is null || !o.Completed)
                        throw new CalibrationRunFailedException($"the run of {c.Case} for candidate {batch[p].Attempt} of generation {batch[p].Generation} failed: {o?.Error ?? "no outcome"}");
                    var measure = HistoryComparison.Measures(o.Metrics);
                    foreach (var f in c.Figures) sum += HistoryComparison.Discrepancy(c, f, measure(f.Measure));
                    figures += c.Figures.Count;
                }
                distances[p] = sum / figures;
            }
            return distances;
        }
        return (merged, Distances);
    }

    private static Task WriteGeneration(Calibration calibration, string dir, Population population)
    {
        var sb = new StringBuilder().AppendJoin(',', ["particle", "attempt", "weight", "distance", .. calibration.Priors.Select(p => p.Path)]).Append('\n');
        for (int i = 0; i < population.Particles.Count; i++)
        {
            var p = population.Particles[i];
            // Round-trip numbers: a resumed calibration goes on from exactly these particles.
            sb.AppendJoin(',', [i.ToString(CultureInfo.InvariantCulture), p.Attempt.ToString(CultureInfo.InvariantCulture), R(p.Weight), R(p.Distance), .. p.Values.Select(R)]).Append('\n');
        }
        return WriteAtomically(GenerationFile(dir, population.Generation), sb.ToString());
    }

    private static string R(double x) => x.ToString("R", CultureInfo.InvariantCulture);

    private static async Task WriteAtomically(string path, string text)
    {
        var tmp = path + ".tmp";
        await File.WriteAllTextAsync(tmp, text, CancellationToken.None);
        File.Move(tmp, path, overwrite: true);
    }

    private static async Task WriteProgress(Calibration calibration, CalibrationOptions options, string dir, string identity, IReadOnlyList<Population> finished,
        IReadOnlyList<GenerationTiming> timings, string? stopped)
    {
        var json = new JsonObject
        {
            ["identity"] = identity,
            ["modelVersion"] = ModelInfo.ModelVersion,
            ["priors"] = Path.GetFullPath(calibration.PriorsFile),
            ["cases"] = new JsonArray([.. calibration.Cases.Select(c => (JsonNode)JsonValue.Create(c.Spec.Case))]),
            ["particles"] = options.Particles,
            ["generationsPlanned"] = options.Generations,
            ["seed"] = options.Seed,
            ["quantile"] = options.Quantile,
            ["minAcceptance"] = options.MinAcceptance,
            ["kernel"] = options.Kernel.ToString().ToLowerInvariant(),
            ["stopped"] = stopped,
            ["generations"] = new JsonArray([.. finished.Select(p => (JsonNode)new JsonObject
            {
                ["generation"] = p.Generation,
                ["epsilon"] = double.IsFinite(p.Epsilon) ? p.Epsilon : null,
                ["simulations"] = p.Simulations,
                ["acceptanceRate"] = p.AcceptanceRate,
                ["effectiveSampleSize"] = Math.Round(p.EffectiveSampleSize, 3),
                ["runs"] = timings.FirstOrDefault(t => t.Generation == p.Generation)?.Runs,
                ["wallSeconds"] = timings.FirstOrDefault(t => t.Generation == p.Generation) is { } t ? Math.Round(t.WallSeconds, 3) : null,
            })]),
        };
        await WriteAtomically(Path.Combine(dir, ProgressFile), json.ToJsonString(Summary.Indented) + "\n");
    }

    /// <summary>The generations an earlier attempt finished in this folder; refuses a folder of another calibration.</summary>
    private static (List<Population>, List<GenerationTiming>) LoadFinished(Calibration calibration, string dir, string identity)
    {
        var finished = new List<Population>();
        var timings = new List<GenerationTiming>();
        var file = Path.Combine(dir, ProgressFile);
        if (!File.Exists(file)) return (finished, timings);
        JsonNode? progress;
        try { progress = JsonNode.Parse(File.ReadAllText(file)); }
        catch (System.Text.Json.JsonException e) { throw new CalibrationFolderException($"{file} does not read back ({e.Message}): choose another --out"); }
        var previous = progress?["identity"]?.GetValue<string>();
        if (previous != identity)
            throw new CalibrationFolderException($"{dir} holds another calibration (other priors, cases, model version, particles, seed, quantile, floor or kernel: {previous}, this one is {identity}): choose another --out");
        foreach (var g in progress!["generations"]?.AsArray() ?? [])
        {
            int generation = g!["generation"]!.GetValue<int>();
            var particles = ReadGeneration(calibration, GenerationFile(dir, generation));
            finished.Add(new Population(generation, g["epsilon"]?.GetValue<double>() ?? double.PositiveInfinity, g["simulations"]!.GetValue<int>(), particles));
            timings.Add(new GenerationTiming(generation, g["simulations"]!.GetValue<int>(), g["runs"]?.GetValue<int>() ?? 0, g["wallSeconds"]?.GetValue<double>() ?? 0));
        }
        return (finished, timings);
    }

    private static List<Particle> ReadGeneration(Calibration calibration, string file)
    {
        string[] expected = ["particle", "attempt", "weight", "distance", .. calibration.Priors.Select(p => p.Path)];
        var lines = File.Exists(file) ? File.ReadAllLines(file) : throw new CalibrationFolderException($"{file} is missing: choose another --out");
        if (lines.Length < 2 || lines[0] != string.Join(',', expected)) throw new CalibrationFolderException($"{file} is not a generation of this calibration: choose another --out");
        double D(string s) => double.Parse(s, CultureInfo.InvariantCulture);
        return lines.Skip(1).Select(l => l.Split(','))
            .Select(c => new Particle(int.Parse(c[1], CultureInfo.InvariantCulture), c.Skip(4).Select(D).ToArray(), D(c[2]), D(c[3]))).ToList();
    }
}
