using System.Text.Json.Nodes;
using SovereigntySim.Domain.Simulation;
using SovereigntySim.Grains;
using SovereigntySim.Hosting.Engines;
using SovereigntySim.Hosting.Runs;

namespace SovereigntySim.Engine.Tests;

/// <summary>A scripted cluster whose silos wait <see cref="OutageLimit"/> for PostgreSQL (the default is a minute), set
/// through their configuration as a user would: a short outage is still ridden out, a long one fails sooner.</summary>
public sealed class ShortOutageCluster : ScriptedCluster
{
    public static readonly TimeSpan OutageLimit = TimeSpan.FromSeconds(20);

    protected override IReadOnlyDictionary<string, string> SiloSettings => new Dictionary<string, string>
    {
        [$"{Hosting.Settings.EnvironmentPrefix}{FaultToleranceOptions.Section}__{nameof(FaultToleranceOptions.OutageLimit)}"] = OutageLimit.ToString(),
    };
}

/// <summary>PostgreSQL stopped in the middle of a paced run of us-removals-fy2024 on the scripted cluster. The cluster
/// is one of its own (a class fixture, so its own collection): the outages must not touch the cluster other tests share.</summary>
public sealed class PostgresOutageTests(ShortOutageCluster cluster) : IClassFixture<ShortOutageCluster>
{
    private const string Scenario = "us-removals-fy2024.yaml";
    private const string Retried = "failed to save the run's record, trying again";

    private static async Task<string> ReferenceDigest()
    {
        await using var engine = new ReferenceEngine(new World(Repo.Load(Scenario)));
        return (await Repo.RunInFolder(engine)).Result.Digest;
    }

    /// <summary>A run paced to about 75 s, under way: it has written a checkpoint (bounded wait).</summary>
    private CliTests.Running StartPacedRun(string dir) =>
        CliTests.Start("run", $"scenarios/{Scenario}", "--cluster", cluster.Connection, "--out", dir, "--speed", "432000");

    /// <summary>Waits until the run has a checkpoint in PostgreSQL; returns its id.</summary>
    private async Task<string> UnderWay(CliTests.Running run, string dir)
    {
        var id = await cluster.StoredCheckpointAsync(dir, run, TimeSpan.FromSeconds(90));
        if (run.Process.HasExited) Assert.Fail($"the paced run ended before the database could be stopped: exit {run.Process.ExitCode}: {await run.Err}");
        Assert.True(id is not null, "the paced run wrote no checkpoint");
        return id!;
    }

    private static JsonNode Summary(string dir) => JsonNode.Parse(File.ReadAllText(Path.Combine(dir, "summary.json")))!;

    /// <summary>Issue 18 item 4: down as a run starts. The client waits for the database (and says so) instead of
    /// failing at once with an empty folder, and the run then ends with the digest of the reference runner.</summary>
    [Fact]
    public async Task Postgres_down_as_a_run_starts_is_waited_for()
    {
        var spec = Repo.Load("mexico-flight-refusal.yaml");
        string reference;
        await using (var engine = new ReferenceEngine(new World(spec))) reference = (await Repo.RunInFolder(engine)).Result.Digest;
        var dir = Repo.TempDir();
        await cluster.StopDatabaseAsync();
        using var p = CliTests.Start("run", "scenarios/mexico-flight-refusal.yaml", "--cluster", cluster.Connection, "--out", dir);
        try
        {
            // The outage itself, not a wait for the client: six seconds of a database that does not answer.
            await Task.Delay(TimeSpan.FromSeconds(6));
            Assert.False(p.Process.HasExited, "the run gave up while the database was down");
            await cluster.StartDatabaseAsync();
            var r = await p.ExitAsync(TimeSpan.FromMinutes(3));
            Assert.True(r.ExitCode == 0, $"exit {r.ExitCode}: {r.Err}");
            Assert.Contains("PostgreSQL does not answer", r.Err);
            Assert.DoesNotContain("   at ", r.Err + r.Out);
            Assert.DoesNotContain("codec", r.Err);
            Assert.Equal(reference, (string)Summary(dir)["digest"]!);
        }
        finally
        {
            p.Stop();
            await cluster.StartDatabaseAsync();
        }
    }

    /// <summary>Down for a few seconds: the simulation grain's write of the run record fails, is tried again until the
    /// database is back, and the run ends as if nothing had happened.</summary>
    [Fact]
    public async Task Stopping_postgres_for_a_few_seconds_mid_run_makes_the_run_wait_and_end_with_the_uninterrupted_digest()
    {
        var reference = await ReferenceDigest();
        var dir = Repo.TempDir();
        int retriedBefore = cluster.SiloLogCount(Retried);
        var runsBefore = (await cluster.RunRecordsAsync()).Keys;
        using var p = StartPacedRun(dir);
        try
        {
            await UnderWay(p, dir);
            await cluster.StopDatabaseAsync();
            // Down until a write of the run's record has failed (its silo logs each attempt; bounded polling), then a
            // few seconds more.
            var deadline = DateTime.UtcNow.AddSeconds(60);
            while (cluster.SiloLogCount(Retried) == retriedBefore && !p.Process.HasExited && DateTime.UtcNow < deadline) await Task.Delay(200);
            Assert.True(cluster.SiloLogCount(Retried) > retriedBefore, "no write of the run's record failed while the database was down");
            await Task.Delay(TimeSpan.FromSeconds(5));
            await cluster.StartDatabaseAsync();

            var r = await p.ExitAsync(TimeSpan.FromMinutes(5)); // throws if the run hangs
            Assert.True(r.ExitCode == 0, $"exit {r.ExitCode}: {r.Err}");
            Assert.DoesNotContain("   at ", r.Err + r.Out);
            var summary = Summary(dir);
            Assert.True((bool)summary["completed"]!);
            Assert.Equal(reference, (string)summary["digest"]!);

            var record = Assert.Single(await cluster.RunRecordsAsync(), r => !runsBefore.Contains(r.Key)).Value;
            Assert.Equal(RunStatus.Completed, (string)record["Status"]!);
            Assert.Equal((long)record["EndTick"]!, (long)record["ReachedTick"]!);
        }
        finally
        {
            p.Stop();
            await cluster.StartDatabaseAsync();
        }
    }

    /// <summary>Down for longer than the grain waits (<see cref="FaultToleranceOptions.OutageLimit"/>, configured for the
    /// silos: <see cref="ShortOutageCluster"/>): the run fails, after that limit and not the default minute, with the storage error in one line, keeps its checkpoint, and resumed on the cluster once the database is back
    /// ends with the digest of the uninterrupted run.</summary>
    [Fact]
    public async Task Postgres_away_for_longer_than_the_run_waits_fails_clearly_and_the_run_resumes_on_the_cluster()
    {
        var reference = await ReferenceDigest();
        var dir = Repo.TempDir();
        using var p = StartPacedRun(dir);
        string checkpoint = "";
        try
        {
            checkpoint = await UnderWay(p, dir);
            await cluster.StopDatabaseAsync();
            var r = await p.ExitAsync(TimeSpan.FromMinutes(5)); // the grain waits 20 s, the client 30 s more for membership
            Assert.True(r.ExitCode == 1, $"exit {r.ExitCode}: {r.Err}");
            Assert.DoesNotContain("   at ", r.Err + r.Out);
            // Whichever storage call met the outage first says so: saving the run's record, or a checkpoint (on
            // a loaded machine the periodic checkpoint, or the deletion of the one it replaces, can be in flight).
            var failure = Assert.Single(r.Err.Split('\n'), l => l.Contains("grain storage"));
            var waited = System.Text.RegularExpressions.Regex.Match(failure, @"grain storage failed to (save the run's record|save a checkpoint|delete a checkpoint) \(after \d+ attempts over (\d+) s\)");
            Assert.True(waited.Success, failure);
            // The silos' configured limit, not the default minute: the setting reached them.
            Assert.InRange(int.Parse(waited.Groups[2].Value), 5, ShortOutageCluster.OutageLimit.TotalSeconds);
            Assert.Contains($"sovsim run --resume {dir}", r.Err);
            Assert.False((bool)Summary(dir)["completed"]!);
        }
        finally
        {
            p.Stop();
            await cluster.StartDatabaseAsync();
        }
        Assert.True(await cluster.HasCheckpointAsync(checkpoint), "the failed run's checkpoint is gone");

        var resumed = await CliTests.Run("run", "--resume", dir, "--cluster", cluster.Connection);
        Assert.True(resumed.ExitCode == 0, resumed.Err + resumed.Out);
        var summary = Summary(dir);
        Assert.True((bool)summary["completed"]!);
        Assert.Equal(reference, (string)summary["digest"]!);
        Assert.Contains((await cluster.RunRecordsAsync()).Values, r => (string)r["Status"]! == RunStatus.Completed);
    }
}
