using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Parquet;
using SovereigntySim.Domain.Simulation;
using SovereigntySim.Hosting.Engines;
using SovereigntySim.Hosting.Experiments;
using SovereigntySim.Hosting.Runs;

namespace SovereigntySim.Engine.Tests;

/// <summary>Replications, sweeps and sensitivity, end to end: on the shared one-silo cluster through the experiment
/// runner, and through the sovsim command as a user runs it.</summary>
[Collection(OneSiloCollection.Name)]
public sealed class ExperimentTests(OneSiloCluster one)
{
    private const string Mexico = "scenarios/mexico-flight-refusal.yaml";

    private static List<Dictionary<string, string>> Csv(string path)
    {
        var lines = File.ReadAllLines(path);
        var header = lines[0].Split(',');
        return lines.Skip(1).Select(l => header.Zip(l.Split(',')).ToDictionary(p => p.First, p => p.Second)).ToList();
    }

    private static double D(string s) => double.Parse(s, CultureInfo.InvariantCulture);

    [Fact]
    public async Task Replicate_k_is_the_single_run_with_seed_base_plus_k_byte_for_byte_and_aggregates_are_right()
    {
        string[] overrides = ["duration=8d"];
        var (plan, errors) = ExperimentPlan.Build(ExperimentKind.Replications, Repo.Scenario("mexico-flight-refusal.yaml"), overrides, s => s, [], [[]], 4,
            Provenance.Of(Repo.Scenario("mexico-flight-refusal.yaml"), overrides));
        Assert.Empty(errors);
        var dir = Repo.TempDir();
        var result = await new ExperimentRunner(one.Client).RunAsync(plan!, new ExperimentOptions(dir, 2, KeepRuns: true));
        Assert.True(result.Complete);

        var spec = Repo.Load("mexico-flight-refusal.yaml", overrides);
        var runs = Csv(Path.Combine(dir, "runs.csv"));
        Assert.Equal(4, runs.Count);
        foreach (var k in new[] { 0, 3 })
        {
            // The single run with that seed, on the plain reference runner, in its own folder.
            await using var engine = new ReferenceEngine(new World(spec with { Seed = spec.Seed + k }));
            var (single, singleDir) = await Repo.RunInFolder(engine);
            Assert.Equal(single.Digest, runs[k]["digest"]);
            Assert.Equal((spec.Seed + k).ToString(CultureInfo.InvariantCulture), runs[k]["seed"]);
            Assert.Equal(File.ReadAllBytes(Path.Combine(singleDir, "events.jsonl")), File.ReadAllBytes(Path.Combine(dir, "runs", $"{k:D5}", "events.jsonl")));
        }
        Assert.Equal(4, runs.Select(r => r["digest"]).Distinct().Count());

        // Aggregates against values computed here from the per-run rows.
        var removed = runs.Select(r => D(r["migrants.removed"])).ToArray();
        double mean = removed.Average();
        double sd = Math.Sqrt(removed.Sum(x => (x - mean) * (x - mean)) / (removed.Length - 1));
        var sorted = removed.Order().ToArray();
        double median = (sorted[1] + sorted[2]) / 2;
        double half = 3.182446305284263 * sd / Math.Sqrt(4); // t(0.975, 3)
        var row = Csv(Path.Combine(dir, "aggregate.csv")).Single(r => r["metric"] == "migrants.removed");
        Assert.Equal(4, int.Parse(row["n"], CultureInfo.InvariantCulture));
        Assert.Equal(mean, D(row["mean"]), 6);
        Assert.Equal(sd, D(row["sd"]), 6);
        Assert.Equal(median, D(row["median"]), 6);
        Assert.Equal(mean - half, D(row["ci95Low"]), 5);
        Assert.Equal(mean + half, D(row["ci95High"]), 5);

        // Daily bands: one row per day and metric; the last day's removed median is the runs' final median.
        var daily = Csv(Path.Combine(dir, "daily.csv")).Where(r => r["metric"] == "migrants.removed").ToList();
        Assert.Equal(8, daily.Count);
        Assert.Equal(median, D(daily[^1]["median"]), 6);

        var experiment = JsonNode.Parse(File.ReadAllText(Path.Combine(dir, "experiment.json")))!;
        Assert.Equal("replications", (string)experiment["kind"]!);
        Assert.Equal(4, (int)experiment["runsFinished"]!);
        Assert.NotNull(experiment["provenance"]!["scenarioSha256"]);
    }

    [Fact]
    public async Task Sweep_writes_one_tidy_row_per_run_as_csv_and_parquet()
    {
        var dir = Repo.TempDir();
        var r = await CliTests.Run("sweep", Mexico, "--set", "duration=6d", "--vary", "countries.MX.acceptance.weeklyFlightCap=none,10",
            "--vary", "negotiation.enabled=true,false", "--replications", "2", "--out", dir);
        Assert.True(r.ExitCode == 0, r.Err + r.Out);
        var runs = Csv(Path.Combine(dir, "runs.csv"));
        Assert.Equal(8, runs.Count);
        Assert.Equal(["none", "10"], runs.Select(x => x["param.countries.MX.acceptance.weeklyFlightCap"]).Distinct());
        // The console prints the sweep's table: one row per point with its values (issue 16).
        Assert.Contains("4 points × 2 replication(s), mean (95% CI)", r.Out);
        var rows = r.Out.Split('\n').Where(l => l.StartsWith("│ ", StringComparison.Ordinal)).Skip(1).ToList();
        Assert.Equal(4, rows.Count);
        Assert.Contains(rows, l => l.Contains("│ none ") && l.Contains("│ true "));
        Assert.Contains(rows, l => l.Contains("│ 10 ") && l.Contains("│ false "));
        Assert.Equal(["true", "false"], runs.Select(x => x["param.negotiation.enabled"]).Distinct());
        // Replicate r has the same seed at every point (common random numbers).
        Assert.Equal(2, runs.Select(x => x["seed"]).Distinct().Count());
        Assert.All(runs, x => Assert.Equal("true", x["completed"]));
        // Without negotiation, no run reaches an agreement; with it, some do.
        Assert.All(runs.Where(x => x["param.negotiation.enabled"] == "false"), x => Assert.Equal("0", x["negotiations"]));

        await using var file = File.OpenRead(Path.Combine(dir, "runs.parquet"));
        await using var reader = await ParquetReader.CreateAsync(file);
        Assert.Equal(8, reader.Metadata!.NumRows);
        Assert.Contains(reader.Schema.DataFields, f => f.Name == "migrants.removed" && f.ClrType == typeof(double));

        var aggregate = Csv(Path.Combine(dir, "aggregate.csv"));
        Assert.Equal(4, aggregate.Select(x => x["point"]).Distinct().Count());
    }

    [Fact]
    public async Task Latin_hypercube_sweeps_and_morris_sensitivity_run_end_to_end()
    {
        var lhs = Repo.TempDir();
        var r = await CliTests.Run("sweep", Mexico, "--set", "duration=4d", "--vary", "agencies.screening.INM.irregularityThreshold=0.05:0.5",
            "--design", "lhs", "--samples", "5", "--out", lhs);
        Assert.True(r.ExitCode == 0, r.Err + r.Out);
        var values = Csv(Path.Combine(lhs, "runs.csv")).Select(x => D(x["param.agencies.screening.INM.irregularityThreshold"])).Order().ToArray();
        // One value in each fifth of the range.
        for (int i = 0; i < 5; i++) Assert.InRange(values[i], 0.05 + i * 0.09, 0.05 + (i + 1) * 0.09);

        var morris = Repo.TempDir();
        r = await CliTests.Run("sensitivity", Mexico, "--set", "duration=4d", "--method", "morris", "--trajectories", "3",
            "--param", "agencies.screening.INM.irregularityThreshold=0.05:0.5", "--param", "negotiation.roundHours=1.0:12", "--outcome", "migrants.removed",
            "--out", morris);
        Assert.True(r.ExitCode == 0, r.Err + r.Out);
        var rows = Csv(Path.Combine(morris, "sensitivity.csv"));
        Assert.Equal(2, rows.Count);
        Assert.All(rows, x => Assert.Equal("morris", x["method"]));
        Assert.All(rows, x => Assert.True(D(x["muStar"]) >= 0));
        Assert.Equal(9, Csv(Path.Combine(morris, "runs.csv")).Count); // 3 trajectories × (2 + 1) points
    }

    [Fact]
    public async Task Sobol_sensitivity_writes_first_order_and_total_indices()
    {
        var dir = Repo.TempDir();
        var r = await CliTests.Run("sensitivity", Mexico, "--set", "duration=4d", "--method", "sobol", "--samples", "8",
            "--param", "agencies.screening.INM.irregularityThreshold=0.05:0.5", "--param", "agencies.screening.INM.partialVerificationRate=0.2:0.9",
            "--outcome", "migrants.refused", "--out", dir);
        Assert.True(r.ExitCode == 0, r.Err + r.Out);
        Assert.Equal(8 * (2 + 2), Csv(Path.Combine(dir, "runs.csv")).Count);
        var rows = Csv(Path.Combine(dir, "sensitivity.csv"));
        Assert.Equal(["agencies.screening.INM.irregularityThreshold", "agencies.screening.INM.partialVerificationRate"], rows.Select(x => x["parameter"]));
        Assert.All(rows, x => Assert.True(double.IsFinite(D(x["s1"])) && double.IsFinite(D(x["st"]))));
        Assert.All(rows, x => Assert.Equal("", x["muStar"]));
    }

    [Theory]
    [InlineData("--vary", "countries.XX.acceptance.weeklyFlightCap=1,2", "--set:1:")]
    [InlineData("--vary", "negotiation.roundHours=5:1:1", "empty")]
    [InlineData("--vary", "negotiation.roundHours=1:5:0", "step")]
    [InlineData("--vary", "negotiation.roundHours", "=")]
    public async Task Bad_sweeps_exit_2_with_a_clear_message(string option, string value, string expected)
    {
        var r = await CliTests.Run("sweep", Mexico, option, value, "--out", Repo.TempDir());
        Assert.Equal(2, r.ExitCode);
        Assert.Contains(expected, r.Err);
        Assert.DoesNotContain("   at ", r.Err);
    }

    [Fact]
    public async Task More_runs_than_the_limit_need_yes()
    {
        var r = await CliTests.Run("sweep", Mexico, "--vary", "negotiation.roundHours=1:11", "--replications", "1001", "--out", Repo.TempDir());
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("--yes", r.Err);
    }

    [Fact]
    public async Task An_interrupted_sweep_keeps_its_finished_runs_and_the_same_command_continues_it()
    {
        var dir = Repo.TempDir();
        string[] args = ["sweep", Mexico, "--vary", "negotiation.roundHours=1:8", "--replications", "3", "--parallel", "1", "--out", dir];
        using var p = CliTests.Start(args);
        var outcomes = Path.Combine(dir, "outcomes");
        var deadline = DateTime.UtcNow.AddSeconds(90);
        while ((!Directory.Exists(outcomes) || Directory.GetFiles(outcomes).Length < 2) && DateTime.UtcNow < deadline) await Task.Delay(50);
        p.Signal("INT");
        var stopped = await p.ExitAsync(TimeSpan.FromSeconds(90));
        Assert.True(stopped.ExitCode == 130, stopped.Err + stopped.Out);
        Assert.Contains("to continue", stopped.Out);
        int kept = File.ReadAllLines(Path.Combine(dir, "runs.csv")).Length - 1;
        Assert.InRange(kept, 2, 23);

        var again = await CliTests.Run(args);
        Assert.True(again.ExitCode == 0, again.Err + again.Out);
        var runs = Csv(Path.Combine(dir, "runs.csv"));
        Assert.Equal(24, runs.Count);
        Assert.Equal(Enumerable.Range(0, 24).Select(i => i.ToString(CultureInfo.InvariantCulture)), runs.Select(x => x["run"]));
    }

    [Fact]
    public async Task A_run_with_overrides_gets_its_own_folder_and_its_effective_scenario_reproduces_it()
    {
        string[] overrides = ["duration=5d", "countries.MX.acceptance.weeklyFlightCap=3"];
        var r = await CliTests.Run("run", Mexico, "--set", overrides[0], "--set", overrides[1]);
        Assert.True(r.ExitCode == 0, r.Err + r.Out);
        // Named after the scenario, the seed and a hash of everything the run is made of: no other run writes there.
        var folder = Directory.GetDirectories(Path.Combine(Repo.Root, "results"), "mexico-flight-refusal-20250123-*")
            .Single(d => File.Exists(Path.Combine(d, "summary.json")) && File.ReadAllText(Path.Combine(d, "scenario.yaml")).Contains("--set " + overrides[1]));
        Assert.Matches(@"mexico-flight-refusal-20250123-[0-9a-f]{8}$", folder);
        var summary = JsonNode.Parse(File.ReadAllText(Path.Combine(folder, "summary.json")))!;
        var provenance = summary["provenance"]!;
        Assert.Equal(["duration=5d", "countries.MX.acceptance.weeklyFlightCap=3"], provenance["overrides"]!.AsArray().Select(o => (string)o!));
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(Path.Combine(Repo.Root, Mexico)))), (string)provenance["scenarioSha256"]!);
        Assert.Contains("--set", (string)provenance["commandLine"]!);

        var replay = Repo.TempDir();
        var again = await CliTests.Run("run", Path.Combine(folder, "scenario.yaml"), "--out", replay);
        Assert.True(again.ExitCode == 0, again.Err + again.Out);
        Assert.Equal((string)summary["digest"]!, (string)JsonNode.Parse(File.ReadAllText(Path.Combine(replay, "summary.json")))!["digest"]!);
        Directory.Delete(folder, recursive: true);
    }

    [Fact]
    public async Task Run_folders_hold_tidy_series_negotiations_and_offers()
    {
        var dir = Repo.TempDir();
        var r = await CliTests.Run("run", Mexico, "--out", dir);
        Assert.True(r.ExitCode == 0, r.Err + r.Out);
        var series = Csv(Path.Combine(dir, "series.csv"));
        Assert.Contains(series, x => x["entity"] == "MX" && x["metric"] == "pressure");
        Assert.Contains(series, x => x["entity"] == "US->MX" && x["metric"] == "tension");
        var refused = series.Where(x => x["entity"] == "US->MX" && x["metric"] == "flights.refused").ToList();
        var summary = JsonNode.Parse(File.ReadAllText(Path.Combine(dir, "summary.json")))!;
        Assert.Equal((double)summary["metrics"]!["flights"]!["refused"]!, D(refused[^1]["value"]));

        var negotiation = Csv(Path.Combine(dir, "negotiations.csv")).First();
        Assert.Equal("agreement", negotiation["outcome"]);
        // The agreement settles the terms its refusals raised, and only those: the agenda of the talks' opening event.
        var opened = File.ReadLines(Path.Combine(dir, "events.jsonl")).First(l => l.Contains("\"kind\":\"negotiation.opened\""));
        string agenda = (string)JsonNode.Parse(opened)!["fields"]!["agenda"]!;
        Assert.NotEmpty(agenda);
        var terms = negotiation.Where(kv => kv.Key.StartsWith("term.", StringComparison.Ordinal) && kv.Key is not ("term.lifted" or "term.kept")).ToList();
        Assert.Contains(terms, kv => kv.Value.Length > 0);
        Assert.All(terms.Where(kv => kv.Value.Length > 0), kv => Assert.Contains(Issue(kv.Key), agenda));
        static string Issue(string column) => column["term.".Length..] switch { "noticeHours" => "notice", "thirdCountryNationals" => "thirdCountryNationals", var c => c };
        Assert.True(D(negotiation["nashProduct"]) <= (D(negotiation["nashUtilitySending"]) - D(negotiation["reservationSending"]))
            * (D(negotiation["nashUtilityReceiving"]) - D(negotiation["reservationReceiving"])) + 1e-6);
        var offers = Csv(Path.Combine(dir, "offers.csv"));
        // One accepted offer per agreement: the first negotiation's is the one that made it.
        var negotiations = Csv(Path.Combine(dir, "negotiations.csv"));
        Assert.Equal(negotiations.Count(x => x["outcome"] == "agreement"), offers.Count(x => x["accepted"] == "true"));
        var accepted = Assert.Single(offers, x => x["accepted"] == "true" && x["negotiation"] == "1");
        Assert.Equal(negotiation["utilitySending"], accepted["utilitySending"]);
        Assert.All(offers, x => Assert.Contains(x["by"], new[] { "sending", "receiving" }));
        // No binary noise in the tables.
        Assert.DoesNotContain("00000000", File.ReadAllText(Path.Combine(dir, "timeseries.csv")));
    }

    /// <summary>A string column of a Parquet file (one row group, as the project writes them).</summary>
    private static async Task<string?[]> ParquetColumn(string path, string column)
    {
        await using var file = File.OpenRead(path);
        await using var reader = await ParquetReader.CreateAsync(file);
        using var group = reader.OpenRowGroupReader(0);
        var values = new string?[group.RowCount];
        await group.ReadAsync(reader.Schema.DataFields.Single(f => f.Name == column), values.AsMemory()!, null, CancellationToken.None);
        return values;
    }

    [Fact]
    public async Task Microdata_has_one_row_per_migrant_and_is_the_same_on_both_engines()
    {
        async Task<string> Run(string engine)
        {
            var dir = Repo.TempDir();
            var r = await CliTests.Run("run", "scenarios/colombia-2025.yaml", "--microdata", "--engine", engine, "--out", dir);
            Assert.True(r.ExitCode == 0, r.Err + r.Out);
            return dir;
        }
        string orleans = await Run("orleans"), reference = await Run("reference");
        var summary = JsonNode.Parse(File.ReadAllText(Path.Combine(orleans, "summary.json")))!["metrics"]!["migrants"]!;
        var status = await ParquetColumn(Path.Combine(orleans, "migrants.parquet"), "status");
        Assert.Equal((double)summary["detained"]!, status.Length);
        Assert.Equal((double)summary["removed"]!, status.Count(s => s == "removed"));
        foreach (var column in new[] { "status", "nationality", "documents", "lastEvent", "lastEventAt" })
            Assert.Equal(await ParquetColumn(Path.Combine(reference, "migrants.parquet"), column), await ParquetColumn(Path.Combine(orleans, "migrants.parquet"), column));
    }

    /// <summary>`sovsim compare`: the what-if and its baseline run with the same seeds; comparison.csv gives each
    /// outcome's paired difference, which is the difference of the two sides' runs.csv, and the console says which
    /// outcomes moved beyond the noise. A what-if that changes nothing shows no difference anywhere (issue 16).</summary>
    [Fact]
    public async Task Compare_pairs_a_what_if_with_its_baseline()
    {
        var dir = Repo.TempDir();
        var r = await CliTests.Run("compare", Mexico, "--set", "duration=6d", "--what-if", "countries.US.politics.threatCredibility=0.95",
            "--replications", "6", "--out", dir);
        Assert.True(r.ExitCode == 0, r.Err + r.Out);
        var baseline = Csv(Path.Combine(dir, "baseline", "runs.csv"));
        var whatIf = Csv(Path.Combine(dir, "what-if", "runs.csv"));
        Assert.Equal(baseline.Select(x => x["seed"]), whatIf.Select(x => x["seed"]));
        var rows = Csv(Path.Combine(dir, "comparison.csv")).ToDictionary(x => x["outcome"]);
        foreach (var outcome in new[] { "migrants.removed", "escalations.threatened" })
        {
            double expected = whatIf.Average(x => Number(x[outcome])) - baseline.Average(x => Number(x[outcome]));
            Assert.Equal(expected, Number(rows[outcome]["difference"]), 6);
            Assert.Equal(6, Number(rows[outcome]["n"]));
        }
        Assert.Contains("moved beyond the noise", r.Out);

        var same = Repo.TempDir();
        var none = await CliTests.Run("compare", Mexico, "--set", "duration=6d", "--what-if", "duration=6d", "--replications", "3", "--out", same);
        Assert.True(none.ExitCode == 0, none.Err + none.Out);
        Assert.All(Csv(Path.Combine(same, "comparison.csv")), x => Assert.Contains(x["verdict"], new[] { "no difference", "–" }));
        Assert.Contains("No outcome moved beyond the noise", none.Out);
    }

    private static double Number(string text) => double.Parse(text, System.Globalization.CultureInfo.InvariantCulture);
}
