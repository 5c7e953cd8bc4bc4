using System.Diagnostics;
using System.Security.Cryptography;
using System.Text.Json.Nodes;

namespace SovereigntySim.Engine.Tests;

/// <summary>End-to-end tests of the sovsim command, run as a separate process exactly as a user runs it.</summary>
public sealed class CliTests
{
    private static readonly string Sovsim = Path.Combine(AppContext.BaseDirectory, "sovsim.dll");

    public sealed record Result(int ExitCode, string Out, string Err);

    /// <summary>A sovsim process started from the repository root, its output read as it comes.</summary>
    public sealed class Running(Process process) : IDisposable
    {
        public Process Process { get; } = process;
        public Task<string> Out { get; } = process.StandardOutput.ReadToEndAsync();
        public Task<string> Err { get; } = process.StandardError.ReadToEndAsync();

        /// <summary>Sends a signal (INT, TERM, KILL) as a terminal or a supervisor would.</summary>
        public void Signal(string name) => System.Diagnostics.Process.Start("kill", [$"-{name}", Process.Id.ToString()])!.WaitForExit();

        /// <summary>Waits for the exit; past the bound the process is killed and the test fails with what it wrote.</summary>
        public async Task<Result> ExitAsync(TimeSpan bound)
        {
            using var timeout = new CancellationTokenSource(bound);
            try { await Process.WaitForExitAsync(timeout.Token); }
            catch (OperationCanceledException)
            {
                Process.Kill(true);
                throw new TimeoutException($"sovsim did not exit within {bound}; it wrote:\n{Tail(await Out)}\n--- stderr ---\n{Tail(await Err)}");
            }
            return new Result(Process.ExitCode, await Out, await Err);
        }

        private static string Tail(string text) => text.Length > 4000 ? text[^4000..] : text;

        /// <summary>Kills the process if it still runs (a test that failed before its exit).</summary>
        public void Stop()
        {
            if (!_disposed && !Process.HasExited) Process.Kill(true);
        }

        private bool _disposed;

        public void Dispose()
        {
            Stop();
            _disposed = true;
            Process.Dispose();
        }
    }

    public static Running Start(params string[] args) => StartIn(Repo.Root, null, args);

    /// <summary>sovsim started in <paramref name="folder"/> with <paramref name="environment"/> added to this process's.</summary>
    public static Running StartIn(string folder, IReadOnlyDictionary<string, string>? environment, params string[] args)
    {
        var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = folder };
        psi.ArgumentList.Add(Sovsim);
        foreach (var a in args) psi.ArgumentList.Add(a);
        foreach (var (k, v) in environment ?? new Dictionary<string, string>()) psi.Environment[k] = v;
        return new Running(Process.Start(psi)!);
    }

    /// <summary>A client of a `sovsim serve` started with <see cref="StartIn"/> on <paramref name="port"/>, once it answers
    /// (bounded: two minutes).</summary>
    public static async Task<HttpClient> ServedAsync(Running server, int port)
    {
        var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}/"), Timeout = TimeSpan.FromSeconds(30) };
        var deadline = DateTime.UtcNow.AddMinutes(2);
        while (true)
        {
            if (server.Process.HasExited) Assert.Fail($"sovsim serve exited with {server.Process.ExitCode}: {await server.Err}");
            try
            {
                if ((await http.GetAsync("api/scenarios")).IsSuccessStatusCode) return http;
            }
            catch (HttpRequestException) { }
            if (DateTime.UtcNow > deadline) Assert.Fail("sovsim serve did not answer within two minutes");
            await Task.Delay(200);
        }
    }

    /// <summary>Starts a live run on a served `sovsim serve` and returns its id.</summary>
    public static async Task<string> StartLiveRunAsync(HttpClient http, string scenario, string speed)
    {
        var started = await http.PostAsync("api/runs", new StringContent(new JsonObject { ["scenario"] = scenario, ["speed"] = speed }.ToJsonString(),
            System.Text.Encoding.UTF8, "application/json"));
        var body = await started.Content.ReadAsStringAsync();
        Assert.True(started.StatusCode == System.Net.HttpStatusCode.Created, body);
        return JsonNode.Parse(body)!["id"]!.GetValue<string>();
    }

    /// <summary>Polls a live run (bounded) until <paramref name="until"/> accepts its status; returns the run's record.</summary>
    public static async Task<JsonNode> LiveRunUntilAsync(HttpClient http, string id, Func<string, bool> until, TimeSpan limit)
    {
        var deadline = DateTime.UtcNow + limit;
        while (true)
        {
            var run = JsonNode.Parse(await http.GetStringAsync($"api/runs/{id}"))!["run"]!;
            if (until(run["status"]!.GetValue<string>())) return run;
            if (DateTime.UtcNow > deadline) Assert.Fail($"the live run {id} did not get there within {limit}: {run.ToJsonString()}");
            await Task.Delay(200);
        }
    }

    public static async Task<Result> Run(params string[] args)
    {
        using var p = Start(args);
        return await p.ExitAsync(TimeSpan.FromMinutes(3));
    }

    /// <summary>Polls (every 100 ms, bounded) until a file is there and not empty: a paced run's first events, or its
    /// first checkpoint.</summary>
    internal static async Task<bool> Written(string file)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while ((!File.Exists(file) || new FileInfo(file).Length == 0) && DateTime.UtcNow < deadline) await Task.Delay(100);
        return File.Exists(file) && new FileInfo(file).Length > 0;
    }

    private static JsonNode Summary(string dir) => JsonNode.Parse(File.ReadAllText(Path.Combine(dir, "summary.json")))!;

    [Fact]
    public async Task Run_mexico_writes_outputs_that_tell_the_story()
    {
        var dir = Repo.TempDir();
        var r = await Run("run", "scenarios/mexico-flight-refusal.yaml", "--out", dir);
        Assert.True(r.ExitCode == 0, r.Err + r.Out);

        var s = Summary(dir);
        var events = Path.Combine(dir, "events.jsonl");
        // Piped, the table keeps its rows whole: the digest and the folder each on one line (issue 16).
        Assert.Contains(r.Out.Split('\n'), line => line.Contains("Output") && line.Contains(dir));
        Assert.Contains(r.Out.Split('\n'), line => line.Contains("Digest") && line.Contains((string)s["digest"]!));
        Assert.Equal("mexico-flight-refusal", (string)s["scenario"]!);
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(events))), (string)s["digest"]!);
        Assert.Equal(File.ReadLines(events).Count(), (long)s["events"]!);
        Assert.True((double)s["wallSeconds"]! > 0);
        Assert.True((bool)s["completed"]!);

        var m = s["metrics"]!;
        Assert.True((double)m["flights"]!["refused"]! >= 1);
        // Mexico's tightening (verified documents, 48 hours' notice) refuses flights, and people one by one over documents.
        Assert.True(m["refusalReasons"]!["flights"]!.AsObject().Sum(kv => (double)kv.Value!) >= 1);
        Assert.True((double)m["refusalReasons"]!["people"]!["unverifiedDocuments"]! >= 1);
        Assert.True((double)m["migrants"]!["removed"]! > 1000);
        Assert.True((double)m["detention"]!["bedDays"]! > 0);
        Assert.True((double)m["flights"]!["flightCost"]! > 0);
        // The refusal is settled by an agreement on what it was refused for, under U.S. threats.
        var negotiation = m["negotiations"]![0]!;
        Assert.Equal("agreement", (string)negotiation["outcome"]!);
        Assert.False(string.IsNullOrEmpty((string?)negotiation["terms"]));
        Assert.True((double)negotiation["utilitySending"]! > 0);
        Assert.True((double)negotiation["nashProduct"]! >= 0);
        Assert.True((double)m["escalations"]!["threatened"]! >= 1);
        Assert.True((double)m["advocacyAlerts"]! > 0);
        // The console adds up with the files (issue 16): everyone refused, and those refused one by one by reason.
        var refusedRow = r.Out.Split('\n').Single(l => l.Contains("People refused: in all / one by one"));
        var counts = System.Text.RegularExpressions.Regex.Match(refusedRow, @"([0-9,]+) / ([0-9,]+)");
        Assert.Equal((double)m["migrants"]!["refused"]!, double.Parse(counts.Groups[1].Value.Replace(",", "")));
        Assert.Equal(m["refusalReasons"]!["people"]!.AsObject().Sum(kv => (double)kv.Value!), double.Parse(counts.Groups[2].Value.Replace(",", "")));
        // negotiations.csv says who ended the talks and the least it would then take, as the agreement's event does, so a
        // deal worth less than the reservation at the start reads true (issue 16).
        var agreementEvent = JsonNode.Parse(File.ReadLines(events).First(l => l.Contains("\"kind\":\"negotiation.agreement\"")))!["fields"]!;
        var negotiationRow = File.ReadAllLines(Path.Combine(dir, "negotiations.csv"));
        var header = negotiationRow[0].Split(',').ToList();
        var first = negotiationRow[1].Split(',');
        Assert.Equal("MX", first[header.IndexOf("closedBy")]);
        Assert.Equal((double)agreementEvent["reservation"]!, double.Parse(first[header.IndexOf("closerReservation")], System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal((double)agreementEvent["offerUtility"]!, double.Parse(first[header.IndexOf("closerOfferUtility")], System.Globalization.CultureInfo.InvariantCulture));
        Assert.StartsWith("negotiation,dyad,round,hoursOpen,by,utilitySending,utilityReceiving,accepted,reservation,aspiration,dailyCost", File.ReadLines(Path.Combine(dir, "offers.csv")).First());
        // A negotiation's offers are those of offers.csv.
        var offersOfFirst = File.ReadLines(Path.Combine(dir, "offers.csv")).Skip(1).Count(l => l.StartsWith("1,"));
        Assert.Contains(r.Out.Split('\n'), l => l.Contains("Negotiation US-MX") && l.Contains($"after {offersOfFirst} offer(s)"));

        var rows = File.ReadAllLines(Path.Combine(dir, "timeseries.csv"));
        Assert.StartsWith("day,date,", rows[0]);
        Assert.Equal(1 + 30, rows.Length);
        Assert.StartsWith("30,2025-02-18,", rows[^1]);
    }

    /// <summary>`sovsim explain DIR` tells the run's story, each sentence pointing at the line of events.jsonl it
    /// comes from; a folder that is not a run's is a clear error, exit 2 (issue 16).</summary>
    [Fact]
    public async Task Explain_tells_a_runs_story_from_its_log()
    {
        var dir = Repo.TempDir();
        Assert.Equal(0, (await Run("run", "scenarios/mexico-flight-refusal.yaml", "--out", dir)).ExitCode);
        var r = await Run("explain", dir);
        Assert.True(r.ExitCode == 0, r.Err + r.Out);
        var log = File.ReadAllLines(Path.Combine(dir, "events.jsonl"));
        var told = r.Out.Split('\n').Where(l => l.Contains("[events.jsonl:")).ToList();
        // Each sentence's event is the one it speaks of.
        string EventOf(string sentence) => log[int.Parse(System.Text.RegularExpressions.Regex.Match(sentence, @"events\.jsonl:(\d+)").Groups[1].Value) - 1];
        var refusal = told.First(l => System.Text.RegularExpressions.Regex.IsMatch(l, @"refused flight mx-\S+ with \d+ people"));
        Assert.Contains("\"kind\":\"screening.decision\"", EventOf(refusal));
        Assert.Contains("\"verdict\":\"refused\"", EventOf(refusal).Replace(" ", ""));
        var agreement = told.First(l => l.StartsWith("2025-01-2") && l.Contains("Agreement between United States and Mexico"));
        Assert.Contains("\"kind\":\"negotiation.agreement\"", EventOf(agreement));
        Assert.Contains("accepted an offer worth", agreement);
        Assert.Contains(told, l => l.Contains("threatened visa sanctions against Mexico") && EventOf(l).Contains("instrument.threatened"));

        var notARun = await Run("explain", Repo.TempDir());
        Assert.Equal(2, notARun.ExitCode);
        Assert.Contains("events.jsonl: not found", notARun.Err);
    }

    [Fact]
    public async Task Run_colombia_turns_back_two_flights_and_agrees_the_same_day()
    {
        var dir = Repo.TempDir();
        var r = await Run("run", "scenarios/colombia-2025.yaml", "--out", dir);
        Assert.True(r.ExitCode == 0, r.Err + r.Out);
        var m = Summary(dir)["metrics"]!;
        Assert.Equal(2, (double)m["flights"]!["turnedBack"]!);
        var n = m["negotiations"]![0]!;
        Assert.Equal("agreement", (string)n["outcome"]!);
        Assert.True((double)n["hoursOpen"]! < 24);
        // Colombia's own aircraft fly the returns; the visa sanctions stay until the first of them lands.
        Assert.Contains("aircraft=ReceivingState", (string)n["terms"]!);
        Assert.Contains("US.visaSanctions=kept", (string)n["terms"]!);
        Assert.True((double)m["escalations"]!["applied"]! >= 1);
        Assert.Equal(3, (double)m["flights"]!["landed"]!);
        Assert.True((double)m["migrants"]!["removed"]! > 0);
    }

    [Fact]
    public async Task Migrants_can_be_looked_up_by_id_after_a_compact_run()
    {
        var dir = Repo.TempDir();
        var r = await Run("run", "scenarios/colombia-2025.yaml", "--out", dir, "--set", "output.migrantEvents=compact",
            "--migrant", "0", "--migrant", "4000000");
        Assert.True(r.ExitCode == 0, r.Err + r.Out);
        // The log is compact: no line per migrant-event, yet each migrant's story is there to look up.
        Assert.DoesNotContain(File.ReadLines(Path.Combine(dir, "events.jsonl")), l => l.Contains("\"kind\":\"migrant."));
        var migrants = JsonNode.Parse(File.ReadAllText(Path.Combine(dir, "migrants.json")))!.AsArray();
        var first = migrants[0]!;
        Assert.Equal(0, (long)first["id"]!);
        var history = first["history"]!.AsArray().Select(h => (string)h!["kind"]!).ToList();
        Assert.Equal("detained", history[0]);
        Assert.Contains("booked", history);
        // This seed's first detainee was turned back on 26 January and removed on the 30th.
        Assert.Equal("removed", (string)first["status"]!);
        Assert.Equal(["detained", "removable", "booked", "returned", "removable", "booked", "removed"], history);
        Assert.False((bool)migrants[1]!["found"]!);
        Assert.Contains("migrant 0:", r.Out);
    }

    [Fact]
    public async Task Same_seed_gives_the_same_digest_and_set_overrides_apply()
    {
        string a = Repo.TempDir(), b = Repo.TempDir(), c = Repo.TempDir();
        Assert.Equal(0, (await Run("run", "scenarios/colombia-2025.yaml", "--out", a)).ExitCode);
        Assert.Equal(0, (await Run("run", "scenarios/colombia-2025.yaml", "--out", b, "--engine", "reference")).ExitCode);
        Assert.Equal(0, (await Run("run", "scenarios/colombia-2025.yaml", "--out", c, "--seed", "7",
            "--set", "countries.CO.instruments=[{kind: counterTariff, rate: 0.25, dailyCostToSelf: 0.1}]")).ExitCode);
        Assert.Equal((string)Summary(a)["digest"]!, (string)Summary(b)["digest"]!);
        Assert.NotEqual((string)Summary(a)["digest"]!, (string)Summary(c)["digest"]!);
        Assert.Equal(7, (long)Summary(c)["seed"]!);
        // At its trade-based cost (a quarter of the trade at risk on 30% of Colombia's exports) Colombia holds its
        // counter-tariff in reserve; made cheap by the override, it answers the sanctions with it, as a threat that the
        // same-day agreement withdraws.
        static bool CounterTariff(string line, string kind) => line.Contains($"\"kind\":\"{kind}\"") && line.Contains("\"counterTariff\"");
        Assert.Contains(File.ReadLines(Path.Combine(a, "events.jsonl")), l => CounterTariff(l, "instrument.heldInReserve"));
        Assert.DoesNotContain(File.ReadLines(Path.Combine(a, "events.jsonl")), l => CounterTariff(l, "instrument.threatened"));
        Assert.Contains(File.ReadLines(Path.Combine(c, "events.jsonl")), l => CounterTariff(l, "instrument.threatened"));
        Assert.DoesNotContain(File.ReadLines(Path.Combine(c, "events.jsonl")), l => CounterTariff(l, "instrument.applied"));
    }

    public static TheoryData<string> Corpus() =>
        [.. Directory.GetFiles(Path.Combine(Repo.Root, "tests", "SovereigntySim.Scenarios.Tests", "corpus"), "*.yaml").Select(f => Path.GetFileName(f)!).Order()];

    /// <summary>Every broken file of the corpus, through the real command: exit 2, the expected file:line:column
    /// first, and no stack trace.</summary>
    [Theory]
    [MemberData(nameof(Corpus))]
    public async Task Broken_scenarios_exit_2_with_a_located_message_and_no_stack_trace(string name)
    {
        var file = Path.Combine("tests", "SovereigntySim.Scenarios.Tests", "corpus", name);
        var lines = File.ReadAllLines(Path.Combine(Repo.Root, file));
        var expect = System.Text.RegularExpressions.Regex.Match(lines[0], @"^# expect: (?:(?<file>--set):)?(?<line>\d+):(?<column>\d+) (?<message>.+)$");
        Assert.True(expect.Success, lines[0]);
        var args = new List<string> { "run", file };
        foreach (var set in lines.Skip(1).TakeWhile(l => l.StartsWith("# set: ", StringComparison.Ordinal))) args.AddRange(["--set", set["# set: ".Length..]]);

        var r = await Run([.. args]);
        Assert.Equal(2, r.ExitCode);
        var located = $"{(expect.Groups["file"].Success ? "--set" : file)}:{expect.Groups["line"].Value}:{expect.Groups["column"].Value}: ";
        var first = r.Err.Split('\n')[0];
        Assert.StartsWith(located, first);
        Assert.Contains(expect.Groups["message"].Value, first);
        Assert.DoesNotContain("   at ", r.Err + r.Out);
        Assert.False(File.Exists(Path.Combine(Repo.Root, "results", "corpus-1", "summary.json")), "a broken scenario must not run");
    }

    [Fact]
    public async Task A_missing_file_exits_2_with_its_name()
    {
        var r = await Run("validate", "scenarios/no-such-file.yaml");
        Assert.Equal(2, r.ExitCode);
        Assert.Matches(@"^scenarios/no-such-file\.yaml:\d+:\d+: ", r.Err);
        Assert.DoesNotContain("   at ", r.Err + r.Out);
    }

    [Fact]
    public async Task A_bad_override_is_reported_against_the_argument()
    {
        var r = await Run("run", "scenarios/colombia-2025.yaml", "--set", "countries.CO.acceptance.weeklyFlightCap=many");
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("--set:1:", r.Err);
        Assert.Contains("weeklyFlightCap", r.Err);
    }

    [Fact]
    public async Task Validate_accepts_the_shipped_scenarios()
    {
        foreach (var file in Directory.GetFiles(Path.Combine(Repo.Root, "scenarios"), "*.yaml"))
        {
            var r = await Run("validate", file);
            Assert.True(r.ExitCode == 0, file + ": " + r.Err);
            Assert.Contains(": ok", r.Out);
        }
    }

    [Fact]
    public async Task Schema_command_prints_the_published_schema()
    {
        var r = await Run("schema");
        Assert.Equal(0, r.ExitCode);
        Assert.Equal(File.ReadAllText(Path.Combine(Repo.Root, "docs", "scenario.schema.json")), r.Out);
    }

    [Fact]
    public async Task Ctrl_c_stops_a_paced_run_and_keeps_what_was_computed()
    {
        var dir = Repo.TempDir();
        // Half a simulated day a second: a minute for the whole run, so a loaded machine's slow start cannot let it
        // finish before the interrupt (it is interrupted at its first write, so this costs nothing otherwise).
        using var p = Start("run", "scenarios/mexico-flight-refusal.yaml", "--out", dir, "--speed", "43200");
        var events = Path.Combine(dir, "events.jsonl");
        // Wait (bounded) until the run has written something, then interrupt it as a terminal would.
        Assert.True(await Written(events), "the paced run wrote nothing");
        p.Signal("INT");
        var r = await p.ExitAsync(TimeSpan.FromSeconds(60));

        Assert.True(r.ExitCode == 130, r.Err + r.Out);
        var s = Summary(dir);
        Assert.False((bool)s["completed"]!);
        Assert.True((long)s["events"]! > 0);
        Assert.Equal(File.ReadLines(events).Count(), (long)s["events"]!);
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(events))), (string)s["digest"]!);
        Assert.True(File.ReadAllLines(Path.Combine(dir, "timeseries.csv")).Length < 31);
    }

    /// <summary>Ctrl-C saves a checkpoint and prints the command that resumes; `run --resume DIR` finishes the run with
    /// the uninterrupted digest, also on the other engine (checkpoints hold domain state only).</summary>
    [Theory]
    [InlineData("orleans", "reference")]
    [InlineData("reference", "orleans")]
    public async Task Ctrl_c_saves_a_checkpoint_and_resume_ends_with_the_uninterrupted_digest(string first, string then)
    {
        string expected;
        await using (var engine = new Hosting.Engines.ReferenceEngine(new Domain.Simulation.World(Repo.Load("mexico-flight-refusal.yaml"))))
            expected = (await Repo.RunInFolder(engine)).Result.Digest;
        var dir = Repo.TempDir();
        using var p = Start("run", "scenarios/mexico-flight-refusal.yaml", "--out", dir, "--speed", "43200", "--engine", first);
        var events = Path.Combine(dir, "events.jsonl");
        await Written(events);
        p.Signal("INT");
        var r = await p.ExitAsync(TimeSpan.FromSeconds(60));
        var said = r.Out;
        Assert.True(r.ExitCode == 130, r.Err + said);
        Assert.Contains($"To resume: sovsim run --resume {dir}", said);
        Assert.True(File.Exists(Path.Combine(dir, "checkpoint.bin")));
        Assert.False((bool)Summary(dir)["completed"]!);

        var resumed = await Run("run", "--resume", dir, "--engine", then);
        Assert.True(resumed.ExitCode == 0, resumed.Err + resumed.Out);
        var s = Summary(dir);
        Assert.True((bool)s["completed"]!);
        Assert.Equal(expected, (string)s["digest"]!);
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(events))), expected);
        Assert.Equal(File.ReadLines(events).Count(), (long)s["events"]!);
        Assert.Equal(1 + 30, File.ReadAllLines(Path.Combine(dir, "timeseries.csv")).Length);
        // The summary keeps the provenance of the run as it was started.
        Assert.EndsWith("mexico-flight-refusal.yaml", (string)s["provenance"]!["scenarioFile"]!);
        Assert.False(File.Exists(Path.Combine(dir, "checkpoint.bin")));
    }

    [Fact]
    public async Task Resume_refuses_a_missing_corrupt_or_mismatched_checkpoint_with_exit_2()
    {
        var dir = Repo.TempDir();
        var first = await Run("run", "scenarios/mexico-flight-refusal.yaml", "--set", "duration=10d", "--out", dir, "--engine", "reference");
        Assert.True(first.ExitCode == 0, first.Err);
        // A completed run has no checkpoint left.
        var none = await Run("run", "--resume", dir);
        Assert.Equal(2, none.ExitCode);
        Assert.Contains("cannot resume", none.Err);
        Assert.Contains("has no checkpoint.bin", none.Err);

        // Make one: interrupt is timing-dependent, so take it from the pipeline directly.
        var spec = Repo.Load("mexico-flight-refusal.yaml", "duration=10d");
        var request = new Hosting.Runs.RunRequest(spec, Hosting.Runs.Provenance.Of(Repo.Scenario("mexico-flight-refusal.yaml"), ["duration=10d"]));
        var world = new Domain.Simulation.World(spec);
        using (var cancel = new CancellationTokenSource())
        await using (var engine = new Hosting.Engines.ReferenceEngine(world))
            await Hosting.Runs.RunPipeline.RunAsync(engine, request, [.. Hosting.Outputs.RunFolder.Sinks(dir), new CancelAt(5 * world.Clock.TicksPerDay, cancel)],
                cancel.Token, new Hosting.Runs.RunCheckpoints(dir, world.Clock.TicksForDays(7)));
        var checkpoint = Path.Combine(dir, "checkpoint.bin");
        var good = File.ReadAllBytes(checkpoint);

        var bad = (byte[])good.Clone();
        bad[good.Length / 2] ^= 0xFF;
        File.WriteAllBytes(checkpoint, bad);
        var corrupt = await Run("run", "--resume", dir);
        Assert.Equal(2, corrupt.ExitCode);
        Assert.Contains("is corrupt", corrupt.Err);
        Assert.DoesNotContain("   at ", corrupt.Err);

        File.WriteAllBytes(checkpoint, good);
        var log = Path.Combine(dir, "events.jsonl");
        File.WriteAllText(log, File.ReadAllText(log).Replace("\"tick\":", "\"tick\": "));
        var altered = await Run("run", "--resume", dir);
        Assert.Equal(2, altered.ExitCode);
        Assert.Contains("differs from the log the checkpoint was taken with", altered.Err);

        var both = await Run("run", "scenarios/mexico-flight-refusal.yaml", "--resume", dir);
        Assert.Equal(2, both.ExitCode);
        Assert.Contains("--resume continues a run as it was started", both.Err);
        var nowhere = await Run("run", "--resume", Path.Combine(dir, "nowhere"));
        Assert.Equal(2, nowhere.ExitCode);
        Assert.Contains("is not a folder", nowhere.Err);
    }

    private sealed class CancelAt(long tick, CancellationTokenSource cancel) : Hosting.Runs.IRunSink
    {
        public void Write(Domain.Simulation.Slice slice, ReadOnlySpan<byte> logLines)
        {
            if (slice.NextTick >= tick) cancel.Cancel();
        }
    }

    public static TheoryData<string[], string> BadCommandLines() => new()
    {
        { ["run", "scenarios/colombia-2025.yaml", "--sed", "5"], "did you mean --seed?" },
        { ["run", "scenarios/colombia-2025.yaml", "--Seed", "5"], "did you mean --seed?" },
        { ["run", "scenarios/colombia-2025.yaml", "--replication", "20"], "did you mean --replications?" },
        { ["validate", "scenarios/colombia-2025.yaml", "--bogus", "x"], "unknown option '--bogus'" },
        { ["rnu", "scenarios/colombia-2025.yaml"], "did you mean run?" },
        { ["run", "scenarios/colombia-2025.yaml", "--speed", "1e-300"], "--speed must be between" },
        { ["run", "scenarios/colombia-2025.yaml", "--speed", "1e300"], "--speed must be between" },
        { ["run", "scenarios/colombia-2025.yaml", "--out", "/dev/null"], "is not a folder" },
        { ["run", "scenarios/colombia-2025.yaml", "--out", "/proc"], "not a writable folder" },
        { ["run", "scenarios/colombia-2025.yaml", "--out", "README.md"], "is not a folder" },
        { ["run", "scenarios/colombia-2025.yaml", "--cluster", "no such thing"], "--cluster: it is not a PostgreSQL connection string" },
        { ["run", "scenarios/colombia-2025.yaml", "--cluster", "Username=x"], "names no Host" },
        { ["silo", "--db", "Host=127.0.0.1", "--silo-port", "70000"], "--silo-port must be between 1 and 65535" },
        { ["silo", "--db", "Host=127.0.0.1", "--gateway-port", "0"], "--gateway-port must be between 1 and 65535" },
        { ["silo", "--db", "\u001b[2J=1"], "--db: it is not a PostgreSQL connection string" },
        { ["run", "scenarios/colombia-2025.yaml", "--set", "name=" + new string('n', 300)], "at most 100 characters" },
        { ["run", "scenarios/colombia-2025.yaml", "--set", "name=&a [*a]"], "--set:1:10: name[0]: expected an alias to a complete anchor" },
    };

    /// <summary>Bad command lines are refused with exit 2 and one clear line before anything runs.</summary>
    [Theory]
    [MemberData(nameof(BadCommandLines))]
    public async Task Bad_command_lines_exit_2_with_one_clear_line(string[] args, string message)
    {
        args = args.Select(a => System.Text.RegularExpressions.Regex.Unescape(a)).ToArray();
        var r = await Run(args);
        Assert.True(r.ExitCode == 2, $"exit {r.ExitCode}: {r.Err}{r.Out}");
        Assert.Contains(message, r.Err);
        Assert.DoesNotContain("   at ", r.Err + r.Out);
        Assert.DoesNotContain(r.Err, c => char.IsControl(c) && c is not ('\n' or '\r'));
        Assert.False(Directory.Exists(Path.Combine(Repo.Root, "results", "colombia-2025-20250126")) && args.Contains("--sed"), "nothing may run");
    }

    /// <summary>A handful of the fuzzer's shapes through the real command: each is refused quickly with a located
    /// message (the in-process fuzz test in SovereigntySim.Scenarios.Tests covers thousands).</summary>
    [Fact]
    public async Task Pathological_scenarios_are_refused_quickly_with_a_location()
    {
        var dir = Repo.TempDir();
        var baseText = File.ReadAllText(Path.Combine(Repo.Root, "scenarios", "colombia-2025.yaml"));
        var cases = new Dictionary<string, string>
        {
            ["deep.yaml"] = "name: " + new string('[', 500_000),
            ["bomb.yaml"] = "a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n" + string.Join("\n", Enumerable.Range(1, 12).Select(k =>
                $"a{k}: &a{k} [{string.Join(", ", Enumerable.Repeat($"*a{k - 1}", 10))}]")),
            ["cycle.yaml"] = "name: &n [1, *n]\n",
            ["binary.yaml"] = "name: x\n\u0000\u0001\u001b[31m\u00ff",
            ["huge.yaml"] = baseText + "\n# " + new string('x', 2_000_000),
            ["long-value.yaml"] = baseText.Replace("name: colombia-2025", "name: " + new string('v', 100_000)),
            ["extreme.yaml"] = baseText.Replace("duration: ", "duration: 9999d #"),
        };
        foreach (var (name, text) in cases)
        {
            var file = Path.Combine(dir, name);
            await File.WriteAllTextAsync(file, text);
            var clock = Stopwatch.StartNew();
            var r = await Run("validate", file);
            Assert.True(r.ExitCode == 2, $"{name}: exit {r.ExitCode}: {r.Err}");
            Assert.Matches($@"^{System.Text.RegularExpressions.Regex.Escape(file)}:\d+:\d+: ", r.Err);
            Assert.DoesNotContain("   at ", r.Err + r.Out);
            Assert.DoesNotContain(r.Err, c => char.IsControl(c) && c is not ('\n' or '\r'));
            Assert.True(r.Err.Split('\n')[0].Length < 600, $"{name}: {r.Err[..Math.Min(600, r.Err.Length)]}");
            // A guard against hangs (these files used to hang or run away), not a speed target.
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(60), $"{name}: {clock.Elapsed}"); // process start included
        }
    }

    /// <summary>Ctrl-C and SIGTERM at seeded random moments, on both engines: every time, either consistent outputs
    /// (summary.json with completed false, events.jsonl whose SHA-256 is the digest, timeseries.csv), or before the
    /// first slice exit 130 with one line and nothing written, or (if the run won) a completed run.</summary>
    [Fact]
    public async Task Interrupts_at_random_moments_leave_consistent_outputs_on_both_engines()
    {
        var random = new Random(20261202);
        for (int i = 0; i < 8; i++)
        {
            string engine = i % 2 == 0 ? "orleans" : "reference", signal = i % 4 < 2 ? "INT" : "TERM";
            int delayMs = random.Next(50, 5000);
            var dir = Repo.TempDir();
            using var p = Start("run", "scenarios/mexico-flight-refusal.yaml", "--out", dir, "--speed", "172800", "--engine", engine);
            await Task.Delay(delayMs); // the random moment is the point of the test
            p.Signal(signal);
            var r = await p.ExitAsync(TimeSpan.FromSeconds(60));
            string err = r.Err, output = r.Out, what = $"case {i}: {engine}, SIG{signal} after {delayMs} ms: exit {r.ExitCode}: {err}";
            Assert.DoesNotContain("   at ", err + output);
            Assert.DoesNotContain("Exception", err);
            var summary = Path.Combine(dir, "summary.json");
            if (!File.Exists(summary))
            {
                Assert.True(r.ExitCode == 130, what);
                Assert.Contains("interrupted before the run started", err);
                Assert.False(File.Exists(Path.Combine(dir, "events.jsonl")), what);
                continue;
            }
            var s = Summary(dir);
            var events = Path.Combine(dir, "events.jsonl");
            Assert.True(r.ExitCode == ((bool)s["completed"]! ? 0 : 130), what);
            Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(events))), (string)s["digest"]!);
            Assert.Equal(File.ReadLines(events).Count(), (long)s["events"]!);
            Assert.True(File.Exists(Path.Combine(dir, "timeseries.csv")), what);
        }
    }
}
