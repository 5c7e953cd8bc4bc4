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
public class ScriptedCluster : IAsyncLifetime
{
    /// <summary>Settings its silos get from their environment (sovsim's configuration: SOVSIM_Section__Key).</summary>
    protected virtual IReadOnlyDictionary<string, string> SiloSettings => new Dictionary<string, string>();

    private readonly string _state = Repo.TempDir();
    private readonly Dictionary<string, string> _env = new();
    public string Connection { get; private set; } = "";
    /// <summary>The cluster's state folder: password files, silo pid files and logs.</summary>
    public string State => _state;

    /// <summary>Starts whatever of the three silos is not running (after a test killed one).</summary>
    public async Task RestoreAsync()
    {
        var up = await Script("up", "3");
        Assert.True(up.Code == 0, up.Err + up.Out);
    }

    /// <summary>The first of <paramref name="count"/> consecutive free ports, avoiding <paramref name="taken"/>
    /// (scripts/cluster numbers silo and gateway ports up from a base).</summary>
    public static int FreePorts(int count, params int[] taken)
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

    /// <summary>Stops the cluster's PostgreSQL (fast shutdown: open sessions are cut); the silos keep running.</summary>
    public async Task StopDatabaseAsync()
    {
        var stop = await Script("db-stop");
        Assert.True(stop.Code == 0, stop.Err);
    }

    /// <summary>Starts the cluster's PostgreSQL again (a no-op while it runs).</summary>
    public async Task StartDatabaseAsync()
    {
        var start = await Script("db");
        Assert.True(start.Code == 0, start.Err);
    }

    /// <summary>How many times the silos' logs say <paramref name="text"/>.</summary>
    public int SiloLogCount(string text) => Directory.GetFiles(_state, "silo-*.log").Sum(log =>
    {
        using var reader = new StreamReader(new FileStream(log, FileMode.Open, FileAccess.Read, FileShare.ReadWrite));
        return System.Text.RegularExpressions.Regex.Count(reader.ReadToEnd(), System.Text.RegularExpressions.Regex.Escape(text));
    });

    /// <summary>Every run record in the cluster's grain storage, as stored, by run id.</summary>
    /// <summary>A connection to the cluster's database, not from the pool: a pooled one is cut when a test restarts it.</summary>
    private async Task<NpgsqlConnection> OpenAsync()
    {
        var db = new NpgsqlConnection(Connection + ";Pooling=false");
        await db.OpenAsync();
        return db;
    }

    public async Task<Dictionary<string, System.Text.Json.Nodes.JsonNode>> RunRecordsAsync()
    {
        await using var db = await OpenAsync();
        await using var query = new NpgsqlCommand(
            "SELECT grain_id_ext, convert_from(payload_binary, 'UTF8') FROM sovsim_grain_state WHERE grain_type = 'run' AND payload_binary IS NOT NULL", db);
        var records = new Dictionary<string, System.Text.Json.Nodes.JsonNode>();
        await using var reader = await query.ExecuteReaderAsync();
        while (await reader.ReadAsync()) records[reader.GetString(0)] = System.Text.Json.Nodes.JsonNode.Parse(reader.GetString(1))!;
        return records;
    }

    public async Task InitializeAsync()
    {
        // A cluster of its own: state, database port and silo ports that nothing else uses.
        _env["SOVSIM_CLUSTER_DIR"] = _state;
        // The tests run on the solution's build: the script need not build again beside them.
        _env["SOVSIM_NO_BUILD"] = "1";
        foreach (var (key, value) in SiloSettings) _env[key] = value;
        int pg = FreePorts(1), silos = FreePorts(3, pg), gateways = FreePorts(3, pg, silos);
        _env["SOVSIM_PG_PORT"] = pg.ToString();
        _env["SOVSIM_SILO_PORT"] = silos.ToString();
        _env["SOVSIM_GATEWAY_PORT"] = gateways.ToString();
        var up = await Script("up", "3");
        Assert.True(up.Code == 0, up.Err + up.Out);
        Connection = up.Out.Trim().Split('\n')[^1];
        Assert.StartsWith("Host=127.0.0.1;", Connection);
        Assert.Contains("Passfile=", Connection);
    }

    /// <summary>Waits (bounded) until the run writing to <paramref name="dir"/> has a checkpoint in the cluster's grain
    /// storage; returns its id, or null if the run ended or the time ran out first.</summary>
    public async Task<string?> StoredCheckpointAsync(string dir, CliTests.Running run, TimeSpan limit)
    {
        var watch = Stopwatch.StartNew();
        var idFile = Path.Combine(dir, "checkpoint.id");
        while (watch.Elapsed < limit && !run.Process.HasExited)
        {
            if (File.Exists(idFile) && File.ReadAllText(idFile).Trim() is { Length: > 0 } id && await HasCheckpointAsync(id)) return id;
            await Task.Delay(200);
        }
        return null;
    }

    /// <summary>The process id of the silo listening on <paramref name="endpoint"/> (host:port, as a run's record names it).</summary>
    public int SiloPid(string endpoint)
    {
        int index = int.Parse(endpoint[(endpoint.LastIndexOf(':') + 1)..]) - int.Parse(_env["SOVSIM_SILO_PORT"]!);
        Assert.InRange(index, 0, 2);
        return int.Parse(File.ReadAllText(Path.Combine(State, $"silo-{index}.pid")).Trim());
    }

    /// <summary>Whether grain storage holds a checkpoint (its manifest) under <paramref name="id"/>.</summary>
    public async Task<bool> HasCheckpointAsync(string id)
    {
        await using var db = await OpenAsync();
        await using var query = new NpgsqlCommand(
            "SELECT count(*) FROM sovsim_grain_state WHERE grain_type = 'checkpoint' AND grain_id_ext = @part AND payload_binary IS NOT NULL", db);
        query.Parameters.AddWithValue("part", id + "/manifest");
        return (long)(await query.ExecuteScalarAsync())! > 0;
    }

    public async Task DisposeAsync()
    {
        var down = await Script("down", "--purge");
        Assert.True(down.Code == 0, down.Err);
    }
}

/// <summary>A run on the scripted cluster gives the reference runner's digest and leaves its record in PostgreSQL.</summary>
[CollectionDefinition(Name)]
public sealed class ScriptedClusterCollection : ICollectionFixture<ScriptedCluster>
{
    public const string Name = "scripted cluster";
}

[Collection(ScriptedClusterCollection.Name)]
public sealed class ClusterTests(ScriptedCluster cluster)
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

    /// <summary>Issue 17: a run's agents are activated on the silo of its simulation grain (its record names it), so
    /// its rounds do not cross silos; several runs spread over the silos instead.</summary>
    [Fact]
    public async Task A_runs_agents_live_on_the_silo_its_record_names()
    {
        var spec = Repo.Load("colombia-2025.yaml");
        await using var client = await PostgresCluster.ConnectAsync(Connection);
        var silos = new HashSet<string>();
        for (int run = 0; run < 6; run++)
        {
            await using var engine = await OrleansEngine.StartAsync(client.Client, spec);
            await engine.RunAsync(engine.World.Clock.TicksForDays(3));
            var silo = (await client.Client.GetGrain<ISimulationGrain>(engine.RunId).GetRecord()).Silo;
            var agents = (await client.Client.GetGrain<IManagementGrain>(0).GetDetailedGrainStatistics())
                .Where(g => g.GrainId.Key.ToString()!.StartsWith(engine.RunId + "|", StringComparison.Ordinal)).ToList();
            Assert.True(agents.Count > 10, $"{agents.Count} agent activations of run {engine.RunId}");
            Assert.All(agents, g => Assert.Equal(silo, g.SiloAddress.Endpoint.ToString()));
            silos.Add(silo);
        }
        // Runs themselves are placed over the cluster: six runs do not all land on one of three silos.
        Assert.True(silos.Count >= 2, $"six runs all on {string.Join(", ", silos)}");
    }

    /// <summary>Issue 17 item 6: `sovsim serve --cluster` is a client of the cluster; a run started on its page runs on
    /// the silos (its record is in PostgreSQL) and ends with the digest `sovsim run` gives on the embedded silo.</summary>
    [Fact]
    public async Task Serve_with_cluster_runs_the_pages_runs_on_the_silos_with_the_embedded_digest()
    {
        var embedded = Repo.TempDir();
        var cli = await CliTests.Run("run", "scenarios/colombia-2025.yaml", "--out", embedded);
        Assert.True(cli.ExitCode == 0, cli.Err);
        var digest = (string)System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(Path.Combine(embedded, "summary.json")))!["digest"]!;
        var earlier = (await cluster.RunRecordsAsync()).Keys.ToHashSet();
        int port = ScriptedCluster.FreePorts(1);
        using var serve = CliTests.Start("serve", "--cluster", cluster.Connection, "--port", port.ToString());
        try
        {
            var limit = Stopwatch.StartNew();
            using var http = await CliTests.ServedAsync(serve, port);
            var id = await CliTests.StartLiveRunAsync(http, "colombia-2025", "max");
            var run = await CliTests.LiveRunUntilAsync(http, id, s => s is "completed" or "failed" or "stopped", TimeSpan.FromMinutes(4) - limit.Elapsed);
            Assert.Equal("completed", (string)run["status"]!);
            Assert.Equal(digest, (string)run["digest"]!);
            // The run's record says completed once the server has closed the run's engine, just after the page says so.
            bool Completed(System.Text.Json.Nodes.JsonNode r) => (string)r["Scenario"]! == "colombia-2025" && (string)r["Status"]! == RunStatus.Completed;
            var written = Stopwatch.StartNew();
            while (!(await cluster.RunRecordsAsync()).Where(r => !earlier.Contains(r.Key)).Any(r => Completed(r.Value)))
            {
                Assert.True(written.Elapsed < TimeSpan.FromSeconds(60), "no completed record of the run in PostgreSQL");
                await Task.Delay(250);
            }
            // No silo in this process: the Orleans dashboard says where it is instead.
            var dashboard = await http.GetAsync("orleans/");
            Assert.Equal(HttpStatusCode.NotFound, dashboard.StatusCode);
            Assert.Contains("client of a cluster", await dashboard.Content.ReadAsStringAsync());
        }
        finally
        {
            serve.Stop();
        }
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

/// <summary>The scripted cluster's security and its behaviour when a silo dies.</summary>
[Collection(ScriptedClusterCollection.Name)]
public sealed class ClusterSecurityTests(ScriptedCluster cluster)
{
    private static string Without(string connection, string key) =>
        string.Join(';', connection.Split(';').Where(p => !p.StartsWith(key + "=", StringComparison.OrdinalIgnoreCase)));

    [Fact]
    public async Task Connecting_without_the_password_fails_and_the_owner_is_not_a_superuser()
    {
        // No password (no Passfile), and a wrong one: both refused by SCRAM authentication.
        await using (var nopass = new NpgsqlConnection(Without(cluster.Connection, "Passfile")))
            await Assert.ThrowsAnyAsync<Exception>(() => nopass.OpenAsync());
        await using (var wrong = new NpgsqlConnection(Without(cluster.Connection, "Passfile") + ";Password=guess"))
        {
            var e = await Assert.ThrowsAnyAsync<PostgresException>(() => wrong.OpenAsync());
            Assert.Equal("28P01", e.SqlState); // invalid_password
        }

        await using var db = new NpgsqlConnection(cluster.Connection);
        await db.OpenAsync();
        async Task<object?> One(string sql)
        {
            await using var c = new NpgsqlCommand(sql, db);
            return await c.ExecuteScalarAsync();
        }
        Assert.Equal("sovsim", await One("SELECT current_user"));
        Assert.Equal(false, await One("SELECT rolsuper FROM pg_roles WHERE rolname = current_user"));
        Assert.Equal(false, await One("SELECT rolcreaterole OR rolcreatedb FROM pg_roles WHERE rolname = current_user"));
        Assert.Equal("sovsim", await One("SELECT tableowner FROM pg_tables WHERE tablename = 'orleansquery'"));
        Assert.Equal(false, await One("SELECT has_table_privilege('public', 'orleansquery', 'INSERT, UPDATE, DELETE, TRUNCATE')"));
        Assert.Equal("scram-sha-256", await One("SELECT current_setting('password_encryption')"));
        // COPY ... TO PROGRAM needs a superuser (or pg_execute_server_program): refused.
        await Assert.ThrowsAnyAsync<PostgresException>(() => One("COPY (SELECT 1) TO PROGRAM 'true'"));

        // The password files are private to their owner, and no process shows a password on its command line.
        foreach (var file in new[] { "pgpass", "admin.pgpass", ClusterCertificate.FileName })
            if (!OperatingSystem.IsWindows()) // the cluster script runs on Linux only
                Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Path.Combine(cluster.State, file)));
        var password = File.ReadAllText(Path.Combine(cluster.State, "pgpass")).Trim().Split(':')[^1];
        foreach (var proc in Directory.GetDirectories("/proc").Where(d => int.TryParse(Path.GetFileName(d), out _)))
        {
            string cmdline;
            try { cmdline = File.ReadAllText(Path.Combine(proc, "cmdline")); }
            catch (IOException) { continue; }
            catch (UnauthorizedAccessException) { continue; }
            Assert.DoesNotContain(password, cmdline);
        }
    }

    /// <summary>Issue 18: the gateway serves only a client holding the cluster's certificate (mutual TLS, pinned). A
    /// local user with the database password but another certificate, or speaking plain TCP, gets no grain call
    /// through, so cannot read or clear a run's checkpoints.</summary>
    [Fact]
    public async Task A_client_without_the_clusters_certificate_cannot_join_the_gateway()
    {
        await using (var member = await PostgresCluster.ConnectAsync(cluster.Connection))
            Assert.NotEmpty(await member.Client.GetGrain<IManagementGrain>(0).GetHosts(onlyActive: true));

        // A folder of its own with the password file and a self-signed certificate of the same name.
        var intruder = Repo.TempDir();
        var passfile = Path.Combine(intruder, "pgpass");
        File.Copy(Path.Combine(cluster.State, "pgpass"), passfile);
        using (var key = System.Security.Cryptography.ECDsa.Create(System.Security.Cryptography.ECCurve.NamedCurves.nistP256))
        {
            var request = new System.Security.Cryptography.X509Certificates.CertificateRequest($"CN={ClusterCertificate.HostName}", key,
                System.Security.Cryptography.HashAlgorithmName.SHA256);
            var names = new System.Security.Cryptography.X509Certificates.SubjectAlternativeNameBuilder();
            names.AddDnsName(ClusterCertificate.HostName);
            request.CertificateExtensions.Add(names.Build());
            using var own = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddYears(1));
            File.WriteAllBytes(Path.Combine(intruder, ClusterCertificate.FileName), own.Export(System.Security.Cryptography.X509Certificates.X509ContentType.Pkcs12));
        }
        foreach (var f in Directory.GetFiles(intruder)) File.SetUnixFileMode(f, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        await Refused(Without(cluster.Connection, "Passfile") + ";Passfile=" + passfile);
        // The password itself and no password file: no certificate, plain TCP.
        var password = File.ReadAllText(passfile).Trim().Split(':')[^1];
        await Refused(Without(cluster.Connection, "Passfile") + ";Password=" + password);

        // As a user meets it: sovsim run gives up after the client's patience with the reason, exit 1, no stack trace.
        var started = Stopwatch.StartNew();
        var run = await CliTests.Run("run", "scenarios/colombia-2025.yaml", "--cluster", Without(cluster.Connection, "Passfile") + ";Passfile=" + passfile,
            "--out", Path.Combine(intruder, "out"));
        Assert.Equal(1, run.ExitCode);
        Assert.Contains("no gateway of the cluster let this client in", run.Err);
        Assert.Contains("certificate", run.Err);
        Assert.DoesNotContain("   at ", run.Err + run.Out);
        Assert.True(started.Elapsed < TimeSpan.FromMinutes(2), $"gave up after {started.Elapsed.TotalSeconds:N0} s");

        static async Task Refused(string connection)
        {
            // Refused at the handshake: the client tries the gateways for its patience, then gives up with the reason;
            // no call gets through (the member's call above took well under a second).
            using var patience = new CancellationTokenSource(Hosting.Settings.FaultTolerance.Value.GatewayPatience + TimeSpan.FromSeconds(40));
            var refused = await Assert.ThrowsAnyAsync<Exception>(async () =>
            {
                await using var client = await PostgresCluster.ConnectAsync(connection, patience.Token);
                await client.Client.GetGrain<IManagementGrain>(0).GetHosts(onlyActive: true).WaitAsync(patience.Token);
            });
            Assert.IsType<ClusterFaultException>(refused);
        }
    }

    [Fact]
    public void Silos_and_gateways_listen_on_loopback_only()
    {
        // /proc/net/tcp: local address (hex, little-endian IPv4) and state 0A (listening) of every socket.
        var pids = Directory.GetFiles(cluster.State, "silo-*.pid").Select(f => File.ReadAllText(f).Trim()).ToList();
        Assert.Equal(3, pids.Count);
        var inodes = pids.SelectMany(pid => Directory.GetFiles($"/proc/{pid}/fd").Select(fd =>
        {
            try { return new FileInfo(fd).LinkTarget ?? ""; }
            catch (IOException) { return ""; }
        })).Where(t => t.StartsWith("socket:[")).Select(t => t[8..^1]).ToHashSet();
        var listening = File.ReadAllLines("/proc/net/tcp").Skip(1).Concat(File.ReadAllLines("/proc/net/tcp6").Skip(1))
            .Select(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            .Where(f => f[3] == "0A" && inodes.Contains(f[9]))
            .Select(f => f[1].Split(':')[0]).ToList();
        Assert.True(listening.Count >= 6, $"{listening.Count} listening sockets of the silos found");
        Assert.All(listening, address => Assert.Equal("0100007F", address)); // 127.0.0.1 only: no 0.0.0.0, no ::
    }

    [Fact]
    public void Grain_state_is_read_without_trusting_type_names()
    {
        var serializer = new SovereigntySim.Hosting.Serialization.StateSerializer();
        var planted = new BinaryData("""{"$type":"System.Diagnostics.Process, System.Diagnostics.Process","Scenario":"x","Seed":3}"""u8.ToArray());
        var record = serializer.Deserialize<RunRecord>(planted);
        Assert.Equal(("x", 3L), (record.Scenario, record.Seed));
        Assert.Throws<InvalidOperationException>(() => serializer.Deserialize<object>(planted));
        Assert.Throws<InvalidOperationException>(() => serializer.Serialize(new List<object>()));
    }

    /// <summary>kill -9 of a silo while an experiment's runs are in flight: the runs it held are sent again to fresh
    /// workers on the silos left, within seconds (not the 10-minute response timeout), and every run completes with
    /// the digest its seed gives.</summary>
    [Fact]
    public async Task Killing_a_silo_during_replications_sends_the_runs_in_flight_again()
    {
        RunResult reference;
        await using (var engine = new ReferenceEngine(new World(Repo.Load("us-removals-fy2024.yaml")))) reference = (await Repo.RunInFolder(engine)).Result;

        var dir = Repo.TempDir();
        // Run workers of earlier tests may still be active: the experiment's are counted on top of them.
        await using var watcher = await PostgresCluster.ConnectAsync(cluster.Connection);
        var management = watcher.Client.GetGrain<IManagementGrain>(0);
        var before = await RunWorkersAsync(management);
        using var p = CliTests.Start("run", "scenarios/us-removals-fy2024.yaml",
            "--replications", "12", "--parallel", "12", "--cluster", cluster.Connection, "--out", dir);
        try
        {
            // Twelve year-long runs at once on three silos of two cores take well over 10 s: the kill comes while they
            // run, once all twelve run workers are active on the silos (bounded polling of the cluster's statistics).
            // Workers are placed at random: with twelve in flight, the chance that none is on the killed silo is
            // (2/3)^12, under 1% (with six it was 9%, and the test then saw nothing to send again).
            var deadline = DateTime.UtcNow.AddSeconds(60);
            while (!p.Process.HasExited && DateTime.UtcNow < deadline && NewCount(await RunWorkersAsync(management), before) < 12) await Task.Delay(200);
            if (p.Process.HasExited) Assert.Fail($"the experiment ended before a silo could be killed: exit {p.Process.ExitCode}: {await p.Err}");
            int silo = int.Parse(File.ReadAllText(Path.Combine(cluster.State, "silo-1.pid")).Trim());
            Process.Start("kill", ["-KILL", silo.ToString()])!.WaitForExit();
            var r = await p.ExitAsync(TimeSpan.FromMinutes(5)); // far less than the 10-minute response timeout
            var err = r.Err;
            Assert.True(r.ExitCode == 0, $"exit {r.ExitCode}: {err}");
            Assert.Contains("the runs in flight are sent again", err);
            Assert.DoesNotContain("   at ", err + r.Out);

            var lines = File.ReadAllLines(Path.Combine(dir, "runs.csv"));
            var header = lines[0].Split(',');
            int digest = Array.IndexOf(header, "digest"), completed = Array.IndexOf(header, "completed"), seed = Array.IndexOf(header, "seed");
            var rows = lines.Skip(1).Select(l => l.Split(',')).ToList();
            Assert.Equal(12, rows.Count);
            Assert.All(rows, r => Assert.Equal("true", r[completed], ignoreCase: true));
            Assert.Equal(reference.Digest, rows.Single(r => r[seed] == reference.Seed.ToString()).ElementAt(digest));
            Assert.Equal(12, rows.Select(r => r[digest]).Distinct().Count());
        }
        finally
        {
            p.Stop();
            await cluster.RestoreAsync();
        }
    }

    /// <summary>Run workers active on the cluster (those of earlier tests included).</summary>
    /// <summary>The run workers active on the cluster now, by grain id: an experiment's are the ones not there before
    /// it started (earlier tests' idle workers may be collected meanwhile, so a count alone can fall as well as rise).</summary>
    private static async Task<HashSet<GrainId>> RunWorkersAsync(IManagementGrain management) =>
        [.. (await management.GetDetailedGrainStatistics()).Where(g => g.GrainType.Contains(nameof(Grains.RunWorkerGrain))).Select(g => g.GrainId)];

    private static int NewCount(HashSet<GrainId> now, HashSet<GrainId> before) => now.Count(id => !before.Contains(id));

    /// <summary>kill -9 of every silo of the cluster; the client must stop within a minute (it is given three).</summary>
    private async Task<CliTests.Result> KillEverySiloAsync(CliTests.Running client)
    {
        var killed = Stopwatch.StartNew();
        foreach (var pid in Directory.GetFiles(cluster.State, "silo-*.pid").Select(f => File.ReadAllText(f).Trim()))
            Process.Start("kill", ["-KILL", pid])!.WaitForExit();
        var r = await client.ExitAsync(TimeSpan.FromMinutes(3)); // throws if the client hangs
        Assert.True(killed.Elapsed < TimeSpan.FromSeconds(60), $"the client took {killed.Elapsed.TotalSeconds:N0} s to stop");
        return r;
    }

    /// <summary>Issue 17: the silo a live run of `serve --cluster` lives on is killed (-9) after the run's first weekly
    /// checkpoint. The server goes on from that checkpoint on the silos left, under the same id, by itself, and the run
    /// ends with the digest of the uninterrupted run.</summary>
    [Fact]
    public async Task Killing_the_silo_of_a_live_run_on_the_cluster_goes_on_from_its_checkpoint_by_itself()
    {
        string reference;
        await using (var engine = new ReferenceEngine(new World(Repo.Load("mexico-flight-refusal.yaml")))) reference = (await Repo.RunInFolder(engine)).Result.Digest;
        var earlier = (await cluster.RunRecordsAsync()).Keys.ToHashSet();
        var folder = Repo.TempDir();
        int port = ScriptedCluster.FreePorts(1);
        using var serve = CliTests.StartIn(folder, null, "serve", "--cluster", cluster.Connection, "--port", port.ToString(), "--scenarios", Path.Combine(Repo.Root, "scenarios"));
        try
        {
            var limit = Stopwatch.StartNew();
            using var http = await CliTests.ServedAsync(serve, port);
            // Paced at a simulated day a second: the first weekly checkpoint after about seven seconds, the end after thirty.
            var id = await CliTests.StartLiveRunAsync(http, "mexico-flight-refusal", "1d/s");
            Assert.True(await CliTests.Written(Path.Combine(folder, "results", "serve", "runs", id, "checkpoint.bin")), "the live run wrote no checkpoint");
            var record = (await cluster.RunRecordsAsync()).Where(r => !earlier.Contains(r.Key)).Select(r => r.Value)
                .Single(r => (string)r["Scenario"]! == "mexico-flight-refusal" && (string)r["Status"]! == RunStatus.Running);
            Process.Start("kill", ["-KILL", cluster.SiloPid((string)record["Silo"]!).ToString()])!.WaitForExit();

            // Only completed: a run that lost its silo shows failed until the server has continued it.
            var run = await CliTests.LiveRunUntilAsync(http, id, s => s == "completed", TimeSpan.FromMinutes(5) - limit.Elapsed);
            Assert.Equal(reference, (string)run["digest"]!);
            Assert.True(run["continuedFromTick"]!.GetValue<long>() > 0, "the run started again from the start, not from its checkpoint");
        }
        finally
        {
            serve.Stop();
            await cluster.RestoreAsync();
        }
    }

    /// <summary>Every silo killed while an experiment's runs are in flight: the experiment stops within a minute as
    /// interrupted (its finished runs kept), says why, and the same command continues it once silos are back.</summary>
    [Fact]
    public async Task With_every_silo_gone_an_experiment_stops_within_a_minute_and_continues_once_they_are_back()
    {
        var dir = Repo.TempDir();
        await using var watcher = await PostgresCluster.ConnectAsync(cluster.Connection);
        var management = watcher.Client.GetGrain<IManagementGrain>(0);
        var before = await RunWorkersAsync(management);
        string[] args = ["run", "scenarios/us-removals-fy2024.yaml", "--set", "events=[]", "--replications", "6", "--parallel", "6", "--cluster", cluster.Connection, "--out", dir];
        using var p = CliTests.Start(args);
        try
        {
            // Six runs of a year side by side on two cores take well over 20 s (six of 60 days, a few seconds each since
            // booking classes, once finished before the kill in CI): kill once all six run workers are active (bounded polling).
            var deadline = DateTime.UtcNow.AddSeconds(60);
            while (!p.Process.HasExited && DateTime.UtcNow < deadline && NewCount(await RunWorkersAsync(management), before) < 6) await Task.Delay(200);
            if (p.Process.HasExited) Assert.Fail($"the experiment ended before the silos could be killed: exit {p.Process.ExitCode}: {await p.Err}");
            var r = await KillEverySiloAsync(p);
            Assert.Equal(130, r.ExitCode);
            Assert.Contains("every silo of the cluster is gone", r.Err);
            Assert.DoesNotContain("   at ", r.Err + r.Out);

            await cluster.RestoreAsync();
            // The restarted cluster lists the killed silos as active until the new ones declare them dead. A run sent to
            // one meanwhile is sent again (SiloLoss; SiloLossTests), but a run whose agents' calls time out in those
            // seconds fails (seen once in nine CI runs: 2 of 6 runs, TaskCanceledException and Polly's
            // TimeoutRejectedException). Wait for membership to settle (bounded), so what is tested is the continuation.
            var settled = Stopwatch.StartNew();
            while ((await ClusterWatch.StartAsync(cluster.Connection)).Silos != 3)
            {
                Assert.True(settled.Elapsed < TimeSpan.FromMinutes(2), "the restarted cluster's membership did not settle to three silos");
                await Task.Delay(500);
            }
            using var rerun = CliTests.Start(args);
            var again = await rerun.ExitAsync(TimeSpan.FromMinutes(6));
            Assert.True(again.ExitCode == 0, again.Err + again.Out);
            Assert.Equal(7, File.ReadAllLines(Path.Combine(dir, "runs.csv")).Length);
        }
        finally
        {
            p.Stop();
            await cluster.RestoreAsync();
        }
    }

    /// <summary>kill -9 of a silo in the middle of a run of us-removals-fy2024: the run goes on from its last checkpoint
    /// on the two silos left, every agent rolled back to it and the log cut there, and ends with the digest and the
    /// log of the uninterrupted run.</summary>
    [Fact]
    public async Task Killing_a_silo_mid_run_goes_on_from_the_last_checkpoint_with_the_uninterrupted_digest()
    {
        RunResult reference;
        string referenceDir;
        await using (var engine = new ReferenceEngine(new World(Repo.Load("us-removals-fy2024.yaml")))) (reference, referenceDir) = await Repo.RunInFolder(engine);

        var dir = Repo.TempDir();
        var earlier = (await cluster.RunRecordsAsync()).Keys.ToHashSet();
        var started = Stopwatch.StartNew();
        using var p = CliTests.Start("run", "scenarios/us-removals-fy2024.yaml", "--cluster", cluster.Connection, "--out", dir, "--speed", "432000");
        try
        {
            // A paced run of about 75 s: kill a silo once the run has a checkpoint in PostgreSQL (bounded wait), far from done.
            var checkpoint = await cluster.StoredCheckpointAsync(dir, p, TimeSpan.FromSeconds(90));
            if (p.Process.HasExited) Assert.Fail($"the paced run ended before a silo could be killed: exit {p.Process.ExitCode}: {await p.Err}{await p.Out}");
            Assert.True(checkpoint is not null, $"no checkpoint after {started.Elapsed.TotalSeconds:N0} s");
            // Into the slices after it (those are thrown away and done again): the log grows past its size at the
            // checkpoint (bounded polling).
            var events = Path.Combine(dir, "events.jsonl");
            long atCheckpoint = new FileInfo(events).Length;
            while (started.Elapsed < TimeSpan.FromSeconds(90) && !p.Process.HasExited && new FileInfo(events).Length <= atCheckpoint) await Task.Delay(200);
            // The silo the run lives on (its agents are placed with its simulation grain): killing another would not touch it.
            var record = (await cluster.RunRecordsAsync()).Where(r => !earlier.Contains(r.Key)).Select(r => r.Value)
                .Single(r => (string)r["Scenario"]! == "us-removals-fy2024" && (string)r["Status"]! == RunStatus.Running);
            int silo = cluster.SiloPid((string)record["Silo"]!);
            var killed = Stopwatch.StartNew();
            Process.Start("kill", ["-KILL", silo.ToString()])!.WaitForExit();
            var r = await p.ExitAsync(TimeSpan.FromMinutes(5)); // throws if the run hangs
            var err = r.Err;
            var output = r.Out;
            Assert.True(r.ExitCode == 0, $"exit {r.ExitCode} {killed.Elapsed.TotalSeconds:N1} s after the kill: {err}");
            Assert.Contains("left the cluster during the run", err);
            Assert.Contains("going on from the checkpoint at", err);
            Assert.DoesNotContain("   at ", err + output);

            var summary = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(Path.Combine(dir, "summary.json")))!;
            Assert.True((bool)summary["completed"]!);
            Assert.Equal(reference.Digest, (string)summary["digest"]!);
            Assert.True(File.ReadAllBytes(Path.Combine(referenceDir, "events.jsonl")).AsSpan().SequenceEqual(File.ReadAllBytes(Path.Combine(dir, "events.jsonl"))),
                "events.jsonl differs from the uninterrupted run's");
            Assert.False(await cluster.HasCheckpointAsync(checkpoint), "a completed run leaves no checkpoint");

            // PostgreSQL has the attempt that lost its silo as failed and the one that finished as completed.
            var runs = (await cluster.RunRecordsAsync()).Values.Where(r => (string)r["Scenario"]! == "us-removals-fy2024").ToList();
            Assert.Contains(runs, r => (string)r["Status"]! == RunStatus.Completed && (long)r["ReachedTick"]! == (long)r["EndTick"]!);
            Assert.Contains(runs, r => (string)r["Status"]! == RunStatus.Failed && !string.IsNullOrEmpty((string?)r["Error"]));
        }
        finally
        {
            p.Stop();
            await cluster.RestoreAsync();
        }
    }

    /// <summary>Issue 18 item 4: every silo killed in the middle of a run. Membership cannot tell (no silo is left to
    /// declare the others dead): the client finds no silo answering, stops within a minute with the resume command,
    /// and once the cluster is back the run resumes from its checkpoint to the uninterrupted digest.</summary>
    [Fact]
    public async Task With_every_silo_gone_the_run_stops_within_a_minute_and_resumes_once_they_are_back()
    {
        // 60 days without the year's scripted events, a quarter of the people (about 12 s paced): long enough to kill
        // mid-run after a weekly checkpoint, short enough to resume on three silos while the rest of the suite shares
        // the two cores (a full-scale resumption went past its bound in CI).
        RunResult reference;
        await using (var engine = new ReferenceEngine(new World(ScenarioScaling.Scale(Repo.Load("us-removals-fy2024.yaml", "duration=60d", "events=[]"), 0.25))))
            reference = (await Repo.RunInFolder(engine)).Result;
        var dir = Repo.TempDir();
        using var p = CliTests.Start("run", "scenarios/us-removals-fy2024.yaml", "--set", "duration=60d", "--set", "events=[]", "--scale", "0.25", "--cluster", cluster.Connection,
            "--out", dir, "--speed", "432000");
        try
        {
            var checkpoint = await cluster.StoredCheckpointAsync(dir, p, TimeSpan.FromSeconds(90));
            if (p.Process.HasExited) Assert.Fail($"the paced run ended before the silos could be killed: exit {p.Process.ExitCode}: {await p.Err}");
            Assert.NotNull(checkpoint);
            var r = await KillEverySiloAsync(p);
            Assert.Equal(1, r.ExitCode);
            Assert.Contains("every silo of the cluster is gone", r.Err);
            Assert.Contains("sovsim run --resume", r.Err);
            Assert.DoesNotContain("   at ", r.Err + r.Out);
            Assert.False((bool)System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(Path.Combine(dir, "summary.json")))!["completed"]!);
            // The id that reaches the checkpoint in the cluster is readable by its owner only.
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Path.Combine(dir, "checkpoint.id")));

            await cluster.RestoreAsync();
            using var resuming = CliTests.Start("run", "--resume", dir, "--cluster", cluster.Connection);
            var resumed = await resuming.ExitAsync(TimeSpan.FromMinutes(6));
            Assert.True(resumed.ExitCode == 0, resumed.Err + resumed.Out);
            Assert.Equal(reference.Digest, (string)System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(Path.Combine(dir, "summary.json")))!["digest"]!);
        }
        finally
        {
            p.Stop();
            await cluster.RestoreAsync();
        }
    }

    /// <summary>The client running a cluster run dies (kill -9) after a checkpoint: `sovsim run --resume ID --cluster`
    /// on a new folder continues the run from PostgreSQL alone (the checkpoint, its scenario and the log up to it) and
    /// ends with the uninterrupted run's digest and log; the finished run's checkpoint is removed.</summary>
    [Fact]
    public async Task A_run_whose_client_died_resumes_by_checkpoint_id_from_postgres_alone()
    {
        string[] settings = ["duration=150d"];
        RunResult reference;
        string referenceDir;
        await using (var engine = new ReferenceEngine(new World(Repo.Load("us-removals-fy2024.yaml", settings)))) (reference, referenceDir) = await Repo.RunInFolder(engine);

        var dir = Repo.TempDir();
        string? id;
        using (var p = CliTests.Start("run", "scenarios/us-removals-fy2024.yaml", "--set", settings[0], "--cluster", cluster.Connection, "--out", dir, "--speed", "432000"))
        {
            id = await cluster.StoredCheckpointAsync(dir, p, TimeSpan.FromSeconds(90));
            if (p.Process.HasExited) Assert.Fail($"the paced run ended before its client could be killed: exit {p.Process.ExitCode}: {await p.Err}{await p.Out}");
            Assert.True(id is not null, "no checkpoint in PostgreSQL after 90 s");
            p.Signal("KILL");
            await p.ExitAsync(TimeSpan.FromSeconds(30));
        }
        Assert.False(File.Exists(Path.Combine(dir, "summary.json")), "a killed client writes nothing more");

        var elsewhere = Path.Combine(Repo.TempDir(), "resumed");
        var resumed = await CliTests.Run("run", "--resume", id!, "--cluster", cluster.Connection, "--out", elsewhere);
        Assert.True(resumed.ExitCode == 0, resumed.Err + resumed.Out);
        Assert.DoesNotContain("   at ", resumed.Err + resumed.Out);
        var summary = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(Path.Combine(elsewhere, "summary.json")))!;
        Assert.True((bool)summary["completed"]!);
        Assert.Equal(reference.Digest, (string)summary["digest"]!);
        Assert.True(File.ReadAllBytes(Path.Combine(referenceDir, "events.jsonl")).AsSpan().SequenceEqual(File.ReadAllBytes(Path.Combine(elsewhere, "events.jsonl"))),
            "events.jsonl differs from the uninterrupted run's");
        Assert.False(await cluster.HasCheckpointAsync(id!), "a completed run leaves no checkpoint");

        // Gone now: resuming again says so and runs nothing.
        var again = await CliTests.Run("run", "--resume", id!, "--cluster", cluster.Connection, "--out", Path.Combine(Repo.TempDir(), "again"));
        Assert.Equal(2, again.ExitCode);
        Assert.Contains("holds no checkpoint", again.Err);
    }
}
