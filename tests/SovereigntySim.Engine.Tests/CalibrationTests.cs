using System.Globalization;
using System.Text.Json.Nodes;
using SovereigntySim.Experiments;
using SovereigntySim.Hosting.Calibration;
using SovereigntySim.Hosting.Experiments;
using SovereigntySim.Hosting.Runs;
using SovereigntySim.Hosting.Validation;
using SovereigntySim.Scenarios;

namespace SovereigntySim.Engine.Tests;

/// <summary>calibrate, --posterior and validate-history --cross-validate: through the real pipeline on the shared
/// one-silo cluster, and through the sovsim command as a user runs it.</summary>
[Collection(OneSiloCollection.Name)]
public sealed class CalibrationTests(OneSiloCluster one)
{
    private const string Source = "source: { url: \"https://example.org/test\", date: 2025 }";

    private static string Priors(string dir, string body)
    {
        var file = Path.Combine(dir, "priors.yaml");
        File.WriteAllText(file, "parameters:\n" + body);
        return file;
    }

    private const string TariffPrior = "  - path: negotiation.tariffDailyCost\n    lo: 0.1\n    hi: 100\n    scale: log\n";

    private static string Brazil(string dir) => Case(dir, "brazil-small", Repo.Scenario("brazil-2025.yaml"), """
          - id: removed
            measure: migrants.removed
            lo: 80
            hi: 88
        """);

    /// <summary>An observed-case file; every figure carries the same test source.</summary>
    private static string Case(string dir, string name, string scenario, string figures)
    {
        var file = Path.Combine(dir, name + ".yaml");
        File.WriteAllText(file, $"case: {name}\nscenario: {scenario}\nfigures:\n{figures}\n".Replace("  - id:", $"  - {Source}\n    id:"));
        return file;
    }

    [Fact]
    public async Task Calibration_recovers_a_tariff_cost_the_observed_figures_were_made_with()
    {
        // "Observed" figures made by the model itself at tariffDailyCost = 10: Colombia's time to agreement and tariff use.
        const double truth = 10;
        var dir = Repo.TempDir();
        var scenario = Repo.Scenario("colombia-2025.yaml");
        var (truthPlan, errors) = ExperimentPlan.Build(ExperimentKind.Replications, scenario, [$"negotiation.tariffDailyCost={truth}"], s => s, [], [[]], 4, Provenance.Of(scenario, []));
        Assert.Empty(errors);
        var made = await new ExperimentRunner(one.Client).RunAsync(truthPlan!, new ExperimentOptions(Path.Combine(dir, "truth"), 2, WriteTables: false));
        var days = HistoryComparison.Values(made, "days.firstRefusalToAgreement");
        string Range(double[] v, double pad) => $"lo: {(v.Min() - pad).ToString(CultureInfo.InvariantCulture)}\n    hi: {(v.Max() + pad).ToString(CultureInfo.InvariantCulture)}";
        var observed = Case(dir, "colombia-made", scenario, $"""
          - id: days
            measure: days.firstRefusalToAgreement
            {Range(days, 0.05)}
          - id: tariff
            measure: applied.tariff
            {Range(HistoryComparison.Values(made, "applied.tariff"), 0)}
        """);
        var loaded = ObservedLoader.Load([observed]);
        Assert.True(loaded.Ok, string.Join("\n", loaded.Errors));
        var (calibration, prepared) = Calibration.Prepare(Priors(dir, TariffPrior), loaded.Cases);
        Assert.Empty(prepared);

        var options = new CalibrationOptions(Path.Combine(dir, "fit"), Particles: 16, Generations: 2, Seed: 3, Parallel: 2);
        var result = await new CalibrationRunner(one.Client).RunAsync(calibration!, options);
        Assert.False(result.Interrupted);
        Assert.Equal(2, result.Generations.Count);
        var summary = AbcSmc.Summarise(calibration!.Priors, result.Last!).Single();
        Assert.InRange(truth, summary.Q05, summary.Q95);
        Assert.Equal(1, result.Last!.Particles.Sum(p => p.Weight), 9);

        var posterior = JsonNode.Parse(File.ReadAllText(result.PosteriorFile!))!;
        Assert.Equal(Domain.Metrics.ModelInfo.ModelVersion, (string)posterior["modelVersion"]!);
        Assert.Equal(16, posterior["samples"]!.AsArray().Count);
        Assert.Equal(["colombia-made"], posterior["cases"]!.AsArray().Select(c => (string)c!));
        Assert.Equal("negotiation.tariffDailyCost", (string)posterior["summary"]![0]!["path"]!);
    }

    /// <summary>An era of the posture table is fitted like any shared constant (issue 14, item 2): the grace between a
    /// §243(d) threat of the first Trump administration and the sanction. In Ghana 2019 a threat with a week's grace
    /// is carried out (nobody returned yet); with a month or more Ghana has settled and is taking people back by its
    /// date, and the threat lapses. Asked for no sanction, the fit must find the long graces; a path that did not
    /// reach the era's ladder would leave every distance alike and the posterior at the prior (q05 about 32 hours).</summary>
    [Fact]
    public async Task An_eras_value_is_fitted_through_the_posture_table()
    {
        var dir = Repo.TempDir();
        var observed = Case(dir, "ghana-no-sanction", Repo.Scenario(Path.Combine("history", "ghana-2019.yaml")), """
          - id: threat-lapses
            measure: applied.visaSanctions
            expect: none
        """);
        var loaded = ObservedLoader.Load([observed]);
        Assert.True(loaded.Ok, string.Join("\n", loaded.Errors));
        const string path = "postures.trump1.instruments[0].graceHours";
        var (calibration, prepared) = Calibration.Prepare(Priors(dir, $"  - path: {path}\n    lo: 24\n    hi: 8760\n    scale: log\n"), loaded.Cases);
        Assert.Empty(prepared);

        // A quarter of each generation goes on: most of the prior gives the sanction (distance 1), so the median would
        // not separate anything.
        var options = new CalibrationOptions(Path.Combine(dir, "fit"), Particles: 12, Generations: 3, Seed: 5, Parallel: 2, Quantile: 0.25);
        var result = await new CalibrationRunner(one.Client).RunAsync(calibration!, options);
        var summary = AbcSmc.Summarise(calibration!.Priors, result.Last!).Single();
        Assert.Equal(path, summary.Path);
        Assert.True(summary.Q05 > 400, $"the fitted grace's 5% quantile is {summary.Q05:0} hours");
    }

    [Fact]
    public async Task A_calibration_run_again_with_more_generations_continues_after_its_finished_ones()
    {
        var dir = Repo.TempDir();
        var priors = Priors(dir, TariffPrior);
        var observed = Brazil(dir);
        var outDir = Path.Combine(dir, "fit");
        string[] args = ["calibrate", observed, "--priors", priors, "--particles", "4", "--parallel", "2", "--out", outDir];
        var first = await CliTests.Run([.. args, "--generations", "1"]);
        Assert.True(first.ExitCode == 0, first.Err + first.Out);
        var gen0 = File.ReadAllBytes(CalibrationRunner.GenerationFile(outDir, 0));
        Assert.False(File.Exists(CalibrationRunner.GenerationFile(outDir, 1)));

        var second = await CliTests.Run([.. args, "--generations", "2"]);
        Assert.True(second.ExitCode == 0, second.Err + second.Out);
        Assert.Equal(gen0, File.ReadAllBytes(CalibrationRunner.GenerationFile(outDir, 0)));
        var gen1 = File.ReadAllLines(CalibrationRunner.GenerationFile(outDir, 1));
        Assert.Equal("particle,attempt,weight,distance,negotiation.tariffDailyCost", gen1[0]);
        Assert.Equal(5, gen1.Length);
        var progress = JsonNode.Parse(File.ReadAllText(Path.Combine(outDir, CalibrationRunner.ProgressFile)))!;
        Assert.Equal(2, progress["generations"]!.AsArray().Count);
        // Each generation's effective sample size, (Σw)² / Σw² of its weights, in progress.json and the command's output.
        var weights = gen1.Skip(1).Select(l => double.Parse(l.Split(',')[2], CultureInfo.InvariantCulture)).ToArray();
        Assert.Equal(weights.Sum() * weights.Sum() / weights.Sum(w => w * w), (double)progress["generations"]![1]!["effectiveSampleSize"]!, 3);
        Assert.Contains("effective sample size", second.Out);

        // Other priors in the same folder are refused before anything runs.
        var other = Priors(Repo.TempDir(), TariffPrior.Replace("hi: 100", "hi: 50"));
        var refused = await CliTests.Run(["calibrate", observed, "--priors", other, "--particles", "4", "--generations", "2", "--out", outDir]);
        Assert.Equal(2, refused.ExitCode);
        Assert.Contains("holds another calibration", refused.Err);

        // The posterior drives replications: each run's drawn value is in runs.csv, and is one of the samples.
        var runs = Path.Combine(dir, "runs");
        var r = await CliTests.Run("run", Repo.Scenario("brazil-2025.yaml"), "--replications", "3", "--parallel", "2", "--posterior", Path.Combine(outDir, CalibrationRunner.PosteriorFile), "--out", runs);
        Assert.True(r.ExitCode == 0, r.Err + r.Out);
        var lines = File.ReadAllLines(Path.Combine(runs, "runs.csv"));
        int column = Array.IndexOf(lines[0].Split(','), "posterior.negotiation.tariffDailyCost");
        Assert.True(column >= 0, lines[0]);
        var samples = gen1.Skip(1).Select(l => double.Parse(l.Split(',')[4], CultureInfo.InvariantCulture)).ToList();
        Assert.All(lines.Skip(1), l => Assert.Contains(samples, s => Math.Abs(s - double.Parse(l.Split(',')[column], CultureInfo.InvariantCulture)) <= 1e-6 * s));
    }

    [Fact]
    public async Task Bad_priors_a_path_a_scenario_rejects_and_a_posterior_of_another_model_version_exit_2_with_located_errors()
    {
        var dir = Repo.TempDir();
        var observed = Brazil(dir);
        var bad = Priors(dir, "  - path: negotiation.tariffDailyCost\n    lo: 30\n    hi: 1\n");
        var r = await CliTests.Run("calibrate", observed, "--priors", bad, "--out", Path.Combine(dir, "a"));
        Assert.Equal(2, r.ExitCode);
        Assert.Contains($"{bad}:4:9: parameters[0].hi: expected a number above lo (30), found 1", r.Err);

        var unknown = Priors(Repo.TempDir(), "  - path: negotiation.noSuchConstant\n    lo: 1\n    hi: 2\n");
        r = await CliTests.Run("calibrate", observed, "--priors", unknown, "--out", Path.Combine(dir, "b"));
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("--set:1:", r.Err);
        Assert.Contains("noSuchConstant", r.Err);
        Assert.False(Directory.Exists(Path.Combine(dir, "b", "generations")));

        var posterior = Path.Combine(dir, "posterior.json");
        File.WriteAllText(posterior, "{\n  \"modelVersion\": \"1999-01-01.1\",\n  \"samples\": [{ \"weight\": 1, \"values\": { \"negotiation.tariffDailyCost\": 5 } }]\n}\n");
        r = await CliTests.Run("run", Repo.Scenario("brazil-2025.yaml"), "--replications", "2", "--posterior", posterior, "--out", Path.Combine(dir, "c"));
        Assert.Equal(2, r.ExitCode);
        Assert.Contains($"{posterior}:2:3: modelVersion: expected a posterior fitted on this model version", r.Err);

        File.WriteAllText(posterior, "{ \"modelVersion\": ");
        r = await CliTests.Run("sweep", Repo.Scenario("brazil-2025.yaml"), "--vary", "duration=2d,3d", "--posterior", posterior, "--out", Path.Combine(dir, "d"));
        Assert.Equal(2, r.ExitCode);
        Assert.Contains($"{posterior}:1:", r.Err);
    }

    [Fact]
    public async Task Cross_validation_writes_in_sample_out_of_sample_and_null_model_figures()
    {
        var dir = Repo.TempDir();
        var priors = Priors(dir, TariffPrior);
        var brazil = Brazil(dir);
        var honduras = Path.Combine(Repo.Root, "data", "observed", "honduras-2025.yaml");
        var mexico = Path.Combine(Repo.Root, "data", "observed", "mexico-2025.yaml");
        var outDir = Path.Combine(dir, "cv");
        var r = await CliTests.Run("validate-history", brazil, honduras, mexico, "--cross-validate", "3", "--priors", priors, "--particles", "3",
            "--generations", "1", "--replications", "2", "--parallel", "2", "--out", outDir);
        Assert.True(r.ExitCode == 0, r.Err + r.Out);
        Assert.Contains("cross-validation: pass rate and coverage", r.Out);

        var lines = File.ReadAllLines(Path.Combine(outDir, "crossvalidation.csv"));
        var header = lines[0].Split(',');
        foreach (var column in new[] { "fold", "case", "sample", "figure", "simulatedQ05", "simulatedMedian", "simulatedQ95", "shareInRange", "pass", "covered", "nullShareInRange", "nullPass", "nullCovered" })
            Assert.Contains(column, header);
        int sample = Array.IndexOf(header, "sample"), @case = Array.IndexOf(header, "case"), fold = Array.IndexOf(header, "fold");
        var rows = lines.Skip(1).Select(l => l.Split(',')).ToList();
        Assert.Contains(rows, x => x[sample] == "in-sample");
        // Each case is held out in exactly one fold (sorted by name, round robin: brazil-small, honduras-2025, mexico-2025).
        var heldOut = rows.Where(x => x[sample] == "out-of-sample").Select(x => (x[fold], x[@case])).Distinct().ToList();
        Assert.Equal([("0", "brazil-small"), ("1", "honduras-2025"), ("2", "mexico-2025")], heldOut);

        var json = JsonNode.Parse(File.ReadAllText(Path.Combine(outDir, "crossvalidation.json")))!;
        var summary = json["summary"]!.AsArray();
        Assert.Equal(["in-sample", "out-of-sample"], summary.Select(s => (string)s!["sample"]!));
        Assert.All(summary, s => Assert.InRange((double)s!["nullPassRate"]!, 0, 1));
        Assert.All(summary, s => Assert.InRange((double)s!["coverage90"]!, 0, 1));
    }

    /// <summary>The shipped posterior must have been fitted on this model: a change of behaviour bumps ModelVersion
    /// and fails here until the library is calibrated again (docs/validation.md).</summary>
    [Fact]
    public void The_shipped_posterior_was_fitted_on_this_model_version()
    {
        var (posterior, errors) = Posterior.Load(Path.Combine(Repo.Root, "data", "calibration", "posterior.json"));
        Assert.Empty(errors);
        Assert.NotNull(posterior);
        Assert.True(posterior.Samples.Count >= 10);
        Assert.Contains("negotiation.linkedDemandValue", posterior.Paths);
    }
}
