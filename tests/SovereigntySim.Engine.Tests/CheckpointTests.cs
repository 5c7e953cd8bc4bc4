using SovereigntySim.Domain.Checkpoints;
using SovereigntySim.Domain.Metrics;
using SovereigntySim.Domain.Scenario;
using SovereigntySim.Domain.Simulation;
using SovereigntySim.Hosting.Engines;
using SovereigntySim.Hosting.Outputs;
using SovereigntySim.Hosting.Runs;

namespace SovereigntySim.Engine.Tests;

/// <summary>A run stopped at any slice (Ctrl-C, which writes a checkpoint there) or crashed after its last periodic
/// checkpoint, then resumed from its folder, ends with the uninterrupted run's digest, log, and tables, byte for byte,
/// on the reference runner, one silo and three silos.</summary>
public sealed class CheckpointTests(OneSiloCluster one, ThreeSiloCluster three)
    : IClassFixture<OneSiloCluster>, IClassFixture<ThreeSiloCluster>
{
    public static TheoryData<string, string, string[]> Cases() => new()
    {
        // Negotiations with offers, agreements, escalation, screening and caseloads.
        { "mexico-flight-refusal.yaml", "reference", [] },
        { "mexico-flight-refusal.yaml", "three", [] },
        { "colombia-2025.yaml", "one", [] },
        { "visa-sanctions-243d.yaml", "reference", [] },
        { "honduras-2025.yaml", "three", [] },
        { "mexico-2025.yaml", "reference", [] },
        // The large-run path: compact migrant logs, partitions, many destinations, land returns, ending mid-day.
        { "us-removals-fy2024.yaml", "reference", ["duration=60d12h", "events.1.at=day 50 08:00", "scale=0.1", "populations.to-gt.partitions=3"] },
        { "us-removals-fy2024.yaml", "one", ["duration=60d12h", "events.1.at=day 50 08:00", "scale=0.1", "populations.to-gt.partitions=3"] },
    };

    private async Task<ISimulationEngine> Engine(string kind, ScenarioSpec spec, Grains.RunSnapshot? snapshot = null) => kind switch
    {
        "reference" => new ReferenceEngine(new World(spec), snapshot: snapshot),
        "one" => await OrleansEngine.StartAsync(one.Client, spec, snapshot: snapshot),
        "three" => await OrleansEngine.StartAsync(three.Client, spec, snapshot: snapshot),
        _ => throw new ArgumentException(kind),
    };

    private static ScenarioSpec Load(string scenario, string[] settings)
    {
        var scale = settings.FirstOrDefault(s => s.StartsWith("scale="));
        var spec = Repo.Load(scenario, settings.Where(s => s != scale).ToArray());
        return scale is null ? spec : ScenarioScaling.Scale(spec, double.Parse(scale[6..], System.Globalization.CultureInfo.InvariantCulture));
    }

    /// <summary>Stops a run (cancels, or throws like a crash) once a slice reaches a tick.</summary>
    private sealed class StopAt(long tick, CancellationTokenSource cancel, bool crash) : IRunSink
    {
        public void Write(Slice slice, ReadOnlySpan<byte> logLines)
        {
            if (slice.NextTick < tick) return;
            if (crash) throw new IOException("simulated crash");
            cancel.Cancel();
        }
    }

    private static readonly string[] Tables = ["events.jsonl", "timeseries.csv", "series.csv", "negotiations.csv", "offers.csv", "frontier.csv"];

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task A_run_resumed_after_interruptions_and_a_crash_ends_with_the_uninterrupted_digest(string scenario, string engine, string[] settings)
    {
        var spec = Load(scenario, settings);
        var request = new RunRequest(spec, Provenance.Of(null, []));
        var clock = new World(spec).Clock;
        // Every two days, so that short scenarios have periodic checkpoints too.
        long period = clock.TicksForDays(2);

        var whole = Repo.TempDir();
        RunResult expected;
        await using (var e = await Engine(engine, spec)) expected = await RunPipeline.RunAsync(e, request, RunFolder.Sinks(whole));
        Assert.True(expected.Completed);

        // One folder, stopped three times by Ctrl-C at different points (a checkpoint each time, at any slice), then
        // crashed after a periodic checkpoint: each time resumed from what is on disk.
        var dir = Repo.TempDir();
        var days = clock.EndTick / clock.TicksPerDay;
        long second = Math.Max(2, days / 3);
        var stops = new (long Day, bool Crash)[] { (1, false), (second, false), (second + 1, false), (second + 4, true) };
        Assert.True(second + 4 < days, $"{scenario} is too short for this test");
        long previous = 0;
        RunCheckpoint? from = null;
        int resumed = 0;
        foreach (var (day, crash) in stops)
        {
            using var cancel = new CancellationTokenSource();
            var checkpoints = new RunCheckpoints(dir, period, from);
            await using (var e = await Engine(engine, spec, from?.Snapshot))
            {
                var sinks = RunFolder.Sinks(dir, from?.Header.LogOffset ?? 0).Append(new StopAt(day * clock.TicksPerDay, cancel, crash)).ToList();
                if (crash)
                {
                    // The process dies in the middle of the run: nothing after the failing slice runs, not even the
                    // end of the pipeline (events.jsonl already holds slices past the last checkpoint).
                    await Assert.ThrowsAsync<IOException>(() => RunPipeline.RunAsync(e, request, sinks, cancel.Token, checkpoints));
                    await checkpoints.EndAsync(completed: false); // in a real crash the write in flight dies or finishes; here it finishes
                }
                else Assert.False((await RunPipeline.RunAsync(e, request, sinks, cancel.Token, checkpoints)).Completed);
            }
            from = await FolderCheckpointStore.ReadAsync(dir);
            // Ctrl-C checkpoints where it stopped; a crash leaves the last periodic checkpoint, behind the log.
            if (crash)
            {
                Assert.True(from.Header.Tick < day * clock.TicksPerDay && from.Header.Tick > previous && from.Header.Tick % period == 0, $"checkpoint at {from.Header.Tick}");
                Assert.True(new FileInfo(Path.Combine(dir, "events.jsonl")).Length > from.Header.LogOffset);
            }
            else Assert.True(day * clock.TicksPerDay == from.Header.Tick, $"stopped at day {day}, checkpoint at tick {from.Header.Tick} of {clock.TicksPerDay} a day");
            previous = from.Header.Tick;
            resumed++;
        }

        RunResult result;
        var last = new RunCheckpoints(dir, period, from);
        await using (var e = await Engine(engine, spec, from!.Snapshot)) result = await RunPipeline.RunAsync(e, request, RunFolder.Sinks(dir, from.Header.LogOffset), checkpoints: last);

        Assert.Equal(4, resumed);
        Assert.True(result.Completed);
        Assert.Equal(expected.Digest, result.Digest);
        Assert.Equal(expected.Events, result.Events);
        foreach (var table in Tables)
            Assert.True(File.ReadAllBytes(Path.Combine(whole, table)).AsSpan().SequenceEqual(File.ReadAllBytes(Path.Combine(dir, table))), $"{table} differs");
        // A completed run leaves no checkpoint to resume.
        Assert.False(File.Exists(Path.Combine(dir, CheckpointFile.Name)));
    }

    [Fact]
    public async Task A_changed_log_or_a_corrupt_checkpoint_is_refused_with_the_reason()
    {
        var spec = Repo.Load("mexico-flight-refusal.yaml", "duration=12d");
        var request = new RunRequest(spec, Provenance.Of(null, []));
        var dir = Repo.TempDir();
        using var cancel = new CancellationTokenSource();
        var clock = new World(spec).Clock;
        await using (var e = new ReferenceEngine(new World(spec)))
            await RunPipeline.RunAsync(e, request, [.. RunFolder.Sinks(dir), new StopAt(9 * clock.TicksPerDay, cancel, false)], cancel.Token,
                new RunCheckpoints(dir, clock.TicksForDays(7)));
        var checkpoint = await FolderCheckpointStore.ReadAsync(dir);
        Assert.True(checkpoint.Header.LogOffset > 0);

        // The log changed before the checkpoint's offset: resuming would continue a different history.
        var events = Path.Combine(dir, "events.jsonl");
        var original = File.ReadAllBytes(events);
        var altered = (byte[])original.Clone();
        altered[checkpoint.Header.LogOffset / 2] ^= 0x01;
        File.WriteAllBytes(events, altered);
        var changed = Assert.Throws<CheckpointException>(() => RunCheckpoints.VerifiedPrefix(dir, checkpoint.Header));
        Assert.Contains("differs from the log", changed.Message);
        File.WriteAllBytes(events, original.AsSpan(0, (int)checkpoint.Header.LogOffset - 10).ToArray());
        Assert.Contains("fewer than", Assert.Throws<CheckpointException>(() => RunCheckpoints.VerifiedPrefix(dir, checkpoint.Header)).Message);

        // Any flipped byte or a truncated file is caught by the checksum.
        var path = Path.Combine(dir, CheckpointFile.Name);
        var bytes = File.ReadAllBytes(path);
        foreach (int at in new[] { 9, bytes.Length / 3, bytes.Length / 2, bytes.Length - 40 })
        {
            var bad = (byte[])bytes.Clone();
            bad[at] ^= 0x20;
            Assert.Contains("corrupt", Assert.Throws<CheckpointException>(() => CheckpointFile.Decode(bad, path)).Message);
        }
        Assert.Contains("corrupt", Assert.Throws<CheckpointException>(() => CheckpointFile.Decode(bytes[..^100], path)).Message);
        Assert.Contains("not a SovereigntySim checkpoint", Assert.Throws<CheckpointException>(() => CheckpointFile.Decode("hello world, this is not it at all..........."u8.ToArray(), path)).Message);

        // An agent's state for another seed is refused by the agent itself (its random stream differs).
        var other = checkpoint.Snapshot;
        var otherSeed = Repo.Load("mexico-flight-refusal.yaml", "duration=12d", "seed=99");
        Assert.Contains("another run", Assert.Throws<CheckpointException>(() => new ReferenceEngine(new World(otherSeed), snapshot: other)).Message);

        File.Delete(path);
        Assert.Contains("has no checkpoint.bin", (await Assert.ThrowsAsync<CheckpointException>(() => FolderCheckpointStore.ReadAsync(dir))).Message);
    }

    /// <summary>A checkpoint stores only the blocks of state the store does not hold yet: a week later, far less than the
    /// first time; a run resumed from the chain of checkpoints continues to the uninterrupted digest (above); a block
    /// altered or lost in its chunk is refused.</summary>
    [Fact]
    public async Task Checkpoints_store_what_changed_and_refuse_a_damaged_chunk()
    {
        var spec = Load("us-removals-fy2024.yaml", ["duration=60d", "events.1.at=day 50 08:00"]);
        var request = new RunRequest(spec, Provenance.Of(null, []));
        var world = new World(spec);
        var dir = Repo.TempDir();
        var store = new FolderCheckpointStore(dir);
        await using var engine = new ReferenceEngine(world);
        var written = new List<long>();
        long state = 0;
        foreach (var day in new[] { 30, 37, 44 })
        {
            await engine.RunAsync(day * world.Clock.TicksPerDay);
            var snapshot = await engine.SnapshotAsync();
            state = snapshot.Agents.Sum(a => a.State.Length + (long)a.Uses.Length * StateBlocks.Size);
            var header = new CheckpointHeader(Scenarios.ScenarioWriter.Write(spec), spec.Seed, snapshot.Tick, 0, Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData([])), 0, request.Provenance);
            written.Add(await store.SaveAsync(header, snapshot, default));
        }
        Assert.True(state > 4 * StateBlocks.Size * 10, $"the state is too small ({state:N0} bytes) to show anything");
        Assert.True(written[1] * 2 < written[0] && written[2] * 2 < written[0], $"bytes written by the three checkpoints: {string.Join(", ", written)} of a state of about {state:N0}");

        // What was stored reads back whole and restores into an engine that goes on like the original.
        var loaded = await FolderCheckpointStore.ReadAsync(dir);
        Assert.Equal(44 * world.Clock.TicksPerDay, loaded.Header.Tick);
        await using (var resumed = new ReferenceEngine(new World(spec), snapshot: loaded.Snapshot))
        {
            using var original = new EventLogWriter(world.Clock);
            using var again = new EventLogWriter(world.Clock);
            var expected = original.Write((await engine.RunAsync(50 * world.Clock.TicksPerDay)).Events).ToArray();
            Assert.True(expected.Length > 1000);
            Assert.Equal(expected, again.Write((await resumed.RunAsync(50 * world.Clock.TicksPerDay)).Events).ToArray());
        }

        var chunks = Directory.GetFiles(Path.Combine(dir, FolderCheckpointStore.Chunks)).Order().ToArray();
        var first = File.ReadAllBytes(chunks[0]);
        // A chunk may hold blocks no longer in use: damage it all over, so that blocks in use are hit.
        var damaged = (byte[])first.Clone();
        for (int at = 0; at < damaged.Length; at += 256) damaged[at] ^= 0x01;
        File.WriteAllBytes(chunks[0], damaged);
        Assert.Contains("does not match its hash", (await Assert.ThrowsAsync<CheckpointException>(() => FolderCheckpointStore.ReadAsync(dir))).Message);
        File.Delete(chunks[0]);
        Assert.Contains("has lost chunk", (await Assert.ThrowsAsync<CheckpointException>(() => FolderCheckpointStore.ReadAsync(dir))).Message);

        await store.DeleteAsync();
        Assert.False(Directory.Exists(Path.Combine(dir, FolderCheckpointStore.Chunks)));
    }
}
