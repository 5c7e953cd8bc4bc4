using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Npgsql;
using Orleans.Runtime;
using SovereigntySim.Domain.Simulation;
using SovereigntySim.Grains;
using SovereigntySim.Hosting;
using SovereigntySim.Hosting.Engines;
using SovereigntySim.Hosting.Runs;

namespace SovereigntySim.Engine.Tests;

/// <summary>The cluster topology for real, started by scripts/cluster: PostgreSQL on 127.0.0.1 and three
/// `sovsim silo` processes that find each other through it.</summary>
public sealed class ScriptedCluster : IAsyncLifetime
{
    private readonly string _state = Repo.TempDir();
    private readonly Dictionary<string, string> _env = new();
    public string Connection { get; private set; } = "";

    /// <summary>The first of <paramref name="count"/> consecutive free ports, avoiding <paramref name="taken"/>
    /// (scripts/cluster numbers silo and gateway ports up from a base).</summary>
    private static int FreePorts(int count, params int[] taken)
    {
        for (int attempt = 0; attempt < 100; attempt++)
        {
            int first = Random.Shared.Next(20_000, 60_000);
            var range = Enumerable.Range(first, count).ToList();
            if (range.Any(p => taken.Any(t => Math.Abs(t - p) < count))) continue;
            if (range.All(Free)) return first;
        }
        throw new InvalidOperationException("no free port range found");
    }

    private static bool Free(int port)
    {
        try
        {
            var l = new TcpListener(IPAddress.Loopback, port);
            l.Start();
            l.Stop();
            return true;
        }
        catch (SocketException) { return false; }
    }

    private async Task<(int Code, string Out, string Err)> Script(params string[] args)
    {
        var psi = new ProcessStartInfo("bash") { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = Repo.Root };
        psi.ArgumentList.Add(Path.Combine(Repo.Root, "scripts", "cluster"));
        foreach (var a in args) psi.ArgumentList.Add(a);
        foreach (var (k, v) in _env) psi.Environment[k] = v;
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        await p.WaitForExitAsync(new CancellationTokenSource(TimeSpan.FromMinutes(3)).Token);
        return (p.ExitCode, await stdout, await stderr);
    }

    public async Task InitializeAsync()
    {
        // A cluster of its own: state, database port and silo ports that nothing else uses.
        _env["SOVSIM_CLUSTER_DIR"] = _state;
        int pg = FreePorts(1), silos = FreePorts(3, pg), gateways = FreePorts(3, pg, silos);
        _env["SOVSIM_PG_PORT"] = pg.ToString();
        _env["SOVSIM_SILO_PORT"] = silos.ToString();
        _env["SOVSIM_GATEWAY_PORT"] = gateways.ToString();
        var up = await Script("up", "3");
        Assert.True(up.Code == 0, up.Err + up.Out);
        Connection = up.Out.Trim().Split('\n')[^1];
        Assert.StartsWith("Host=127.0.0.1;", Connection);
    }

    public async Task DisposeAsync()
    {
        var down = await Script("down", "--purge");
        Assert.True(down.Code == 0, down.Err);
    }
}

/// <summary>A run on the scripted cluster gives the reference runner's digest and leaves its record in PostgreSQL.</summary>
public sealed class ClusterTests(ScriptedCluster cluster) : IClassFixture<ScriptedCluster>
{
    private string Connection => cluster.Connection;

    [Fact]
    public async Task A_run_on_three_silos_over_postgres_matches_the_reference_and_keeps_its_record()
    {
        var spec = Repo.Load("colombia-2025.yaml");
        RunResult reference;
        await using (var engine = new ReferenceEngine(new World(spec))) reference = (await Repo.RunInFolder(engine)).Result;

        string runId;
        RunResult clustered;
        await using (var client = await PostgresCluster.ConnectAsync(Connection))
        {
            var hosts = await client.Client.GetGrain<IManagementGrain>(0).GetHosts(onlyActive: true);
            Assert.Equal(3, hosts.Count);
            await using var engine = await OrleansEngine.StartAsync(client.Client, spec);
            runId = engine.RunId;
            clustered = (await Repo.RunInFolder(engine)).Result;
        }
        Assert.Equal(reference.Digest, clustered.Digest);

        // The run's record outlives its activation: a new client reads it back from PostgreSQL.
        await using (var client = await PostgresCluster.ConnectAsync(Connection))
        {
            var record = await client.Client.GetGrain<ISimulationGrain>(runId).GetRecord();
            Assert.Equal(("colombia-2025", spec.Seed, true), (record.Scenario, record.Seed, record.Ended));
            Assert.Equal(record.EndTick, record.ReachedTick);
            Assert.Equal(clustered.Events, record.Events);
        }
        await using var db = new NpgsqlConnection(Connection);
        await db.OpenAsync();
        await using var rows = new NpgsqlCommand("SELECT count(*) FROM sovsim_grain_state WHERE grain_type = 'run' AND payload_binary IS NOT NULL", db);
        Assert.True((long)(await rows.ExecuteScalarAsync())! >= 1);
    }

    [Fact]
    public async Task Sovsim_run_with_cluster_gives_the_embedded_digest()
    {
        string embedded = Repo.TempDir(), clustered = Repo.TempDir();
        var a = await CliTests.Run("run", "scenarios/mexico-flight-refusal.yaml", "--out", embedded);
        var b = await CliTests.Run("run", "scenarios/mexico-flight-refusal.yaml", "--out", clustered, "--cluster", Connection);
        Assert.True(a.ExitCode == 0, a.Err);
        Assert.True(b.ExitCode == 0, b.Err);
        string Digest(string dir) => System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(Path.Combine(dir, "summary.json")))!["digest"]!.GetValue<string>();
        Assert.Equal(Digest(embedded), Digest(clustered));
    }

    [Fact]
    public async Task Replications_on_the_cluster_spread_whole_runs_over_the_silos_and_match_the_embedded_digests()
    {
        string embedded = Repo.TempDir(), clustered = Repo.TempDir();
        string[] args = ["run", "scenarios/mexico-flight-refusal.yaml", "--set", "duration=5d", "--replications", "8", "--parallel", "8"];
        var a = await CliTests.Run([.. args, "--out", embedded]);
        var b = await CliTests.Run([.. args, "--out", clustered, "--cluster", Connection]);
        Assert.True(a.ExitCode == 0, a.Err + a.Out);
        Assert.True(b.ExitCode == 0, b.Err + b.Out);
        static List<string[]> Rows(string dir) => File.ReadAllLines(Path.Combine(dir, "runs.csv")).Skip(1).Select(l => l.Split(',')).ToList();
        var header = File.ReadAllLines(Path.Combine(clustered, "runs.csv"))[0].Split(',');
        int digest = Array.IndexOf(header, "digest"), silo = Array.IndexOf(header, "silo");
        Assert.Equal(Rows(embedded).Select(r => r[digest]), Rows(clustered).Select(r => r[digest]));
        Assert.True(Rows(clustered).Select(r => r[silo]).Distinct().Count() >= 2, "all runs on one silo");

        // Sweeps and sensitivity take the same way to the cluster.
        var sweep = Repo.TempDir();
        var c = await CliTests.Run("sweep", "scenarios/mexico-flight-refusal.yaml", "--set", "duration=5d", "--vary", "negotiation.roundHours=2,6",
            "--out", sweep, "--cluster", Connection);
        Assert.True(c.ExitCode == 0, c.Err + c.Out);
        Assert.Equal(2, Rows(sweep).Count);
    }
}
