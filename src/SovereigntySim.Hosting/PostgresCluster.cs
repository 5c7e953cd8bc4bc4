using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Orleans.Configuration;
using SovereigntySim.Grains;
using SovereigntySim.Hosting.Serialization;

namespace SovereigntySim.Hosting;

/// <summary>
/// A SovereigntySim cluster: silos that find each other and keep grain state in PostgreSQL through Orleans' ADO.NET
/// providers (schema: scripts/postgres/schema.sql), and clients that find the silos there; silos and clients speak
/// mutual TLS with the cluster's certificate where the connection string names a password file (<see cref="ClusterCertificate"/>).
/// </summary>
public static class PostgresCluster
{
    private const string Invariant = "Npgsql";
    public const string ClusterId = "sovsim";

    private static void Name(ClusterOptions o)
    {
        o.ClusterId = ClusterId;
        o.ServiceId = ClusterId;
    }

    /// <summary>Why a connection string cannot be used (one line), or null. Checked before anything starts.</summary>
    public static string? ConnectionProblem(string? connectionString)
    {
        if (string.IsNullOrWhiteSpace(connectionString)) return "it is empty";
        if (connectionString.Length > 4096) return "it is longer than 4,096 characters";
        try
        {
            var b = new Npgsql.NpgsqlConnectionStringBuilder(connectionString);
            if (string.IsNullOrWhiteSpace(b.Host)) return "it names no Host (e.g. Host=127.0.0.1;Port=55432;Username=sovsim;Database=sovsim)";
            if (b.Port is < 1 or > 65535) return "its Port is not between 1 and 65535";
            return null;
        }
        catch (Exception e) when (e is ArgumentException or FormatException or KeyNotFoundException or InvalidCastException or OverflowException)
        {
            return "it is not a PostgreSQL connection string (" + e.Message.Split('\n')[0] + ")";
        }
    }

    /// <summary>Starts a silo of the cluster advertising <paramref name="advertise"/>. A silo advertising a loopback
    /// address (the scripted topology) listens on loopback only; any other (a container's own address) listens on
    /// every address of its host, as containers need.</summary>
    /// <summary>Returns once the database accepts a connection; says so once (<paramref name="notice"/>) if it has to
    /// wait, and fails with the reason in words (<see cref="ClusterFaultException"/>) after the outage limit (the same
    /// as the silos' storage calls: <see cref="FaultToleranceOptions.OutageLimit"/>).</summary>
    public static async Task WaitForDatabaseAsync(string connectionString, CancellationToken cancellation = default, Action<string>? notice = null, FaultToleranceOptions? faults = null)
    {
        var limit = (faults ?? Settings.FaultTolerance.Value).OutageLimit;
        var waited = System.Diagnostics.Stopwatch.StartNew();
        bool told = false;
        while (true)
        {
            try
            {
                await using var db = new Npgsql.NpgsqlConnection(connectionString);
                await db.OpenAsync(cancellation);
                return;
            }
            catch (Exception e) when (e is Npgsql.NpgsqlException or System.Net.Sockets.SocketException or TimeoutException)
            {
                var why = e.GetBaseException().Message.Split('\n')[0].Trim();
                if (waited.Elapsed >= limit)
                    throw new ClusterFaultException($"PostgreSQL did not answer for {limit.TotalSeconds:N0} s ({why}); nothing was run");
                if (!told) notice?.Invoke($"PostgreSQL does not answer ({why}); waiting up to {limit.TotalSeconds:N0} s");
                told = true;
                await Task.Delay(TimeSpan.FromSeconds(1), cancellation);
            }
        }
    }

    public static async Task<IHost> StartSiloAsync(string connectionString, IPAddress advertise, int siloPort, int gatewayPort, CancellationToken cancellation)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { Args = [], DisableDefaults = true });
        builder.Logging.AddSimpleConsole(o => o.SingleLine = true).SetMinimumLevel(LogLevel.Warning);
        var certificate = ClusterCertificate.PathFor(connectionString) is { } path ? ClusterCertificate.Load(path) : null;
        builder.UseOrleans(silo =>
        {
            if (certificate is not null) silo.UseTls(o => ClusterCertificate.Configure(o, certificate));
            silo.ConfigureSovereigntySim();
            silo.Configure<ClusterOptions>(Name);
            silo.ConfigureEndpoints(advertise, siloPort, gatewayPort, listenOnAnyHostAddress: !IPAddress.IsLoopback(advertise));
            // The liveness defaults survive PostgreSQL going away (tried up to 75 s): silos keep probing each other
            // directly, and declaring one dead is a write to the table, so an outage alone stops no silo.
            silo.Configure<ClusterMembershipOptions>(o =>
            {
                // Rows of dead silos are removed once they are a few minutes old (the default keeps them a week).
                o.DefunctSiloCleanupPeriod = TimeSpan.FromMinutes(1);
                o.DefunctSiloExpiration = TimeSpan.FromMinutes(3);
            });
            silo.UseAdoNetClustering(o =>
            {
                o.Invariant = Invariant;
                o.ConnectionString = connectionString;
            });
            silo.AddAdoNetGrainStorageAsDefault(o =>
            {
                o.Invariant = Invariant;
                o.ConnectionString = connectionString;
                o.GrainStorageSerializer = new StateSerializer();
            });
        });
        var host = builder.Build();
        await host.StartAsync(cancellation);
        return host;
    }

    /// <summary>A client of the cluster whose membership is in the database: its certificate (mutual TLS, when the
    /// connection's Passfile has one beside it), membership, timeouts and the domain's serialisation. For a client host
    /// of one's own (<see cref="ConnectAsync"/>) or one an application builds (the live server with --cluster).</summary>
    public static void ConfigureClient(IClientBuilder client, string connectionString, FaultToleranceOptions? faults = null)
    {
        var patience = (faults ?? Settings.FaultTolerance.Value).GatewayPatience;
        var certificate = ClusterCertificate.PathFor(connectionString) is { } path ? ClusterCertificate.Load(path) : null;
        if (certificate is not null) client.UseTls(o => ClusterCertificate.Configure(o, certificate));
        client.Configure<ClusterOptions>(Name);
        client.UseAdoNetClustering(o =>
        {
            o.Invariant = Invariant;
            o.ConnectionString = connectionString;
        });
        // A slice of a large run may take minutes; a silo that dies is noticed by ClusterWatch within seconds.
        client.Configure<ClientMessagingOptions>(o => o.ResponseTimeout = TimeSpan.FromMinutes(10));
        client.Configure<GatewayOptions>(o => o.GatewayListRefreshPeriod = TimeSpan.FromSeconds(5));
        client.Services.AddDomainSerialization();
        // A gateway that refuses this client (at the TLS handshake: its certificate is not the cluster's) or none
        // answering: try for a while (silos may be starting), then give up with the reason instead of forever.
        var firstFailure = new System.Diagnostics.Stopwatch();
        client.UseConnectionRetryFilter(async (_, cancellation) =>
        {
            firstFailure.Start();
            if (firstFailure.Elapsed >= patience) return false;
            await Task.Delay(TimeSpan.FromSeconds(1), cancellation);
            return true;
        });
    }

    /// <summary>Whether a failure came from the database (Npgsql's exceptions, which cross to the client).</summary>
    public static bool FromDatabase(Exception e)
    {
        for (var x = e; x is not null; x = x.InnerException)
            if (x.GetType().Namespace?.StartsWith("Npgsql", StringComparison.Ordinal) == true) return true;
        return false;
    }

    /// <summary>Whether a call failed on a silo that membership still lists but that is gone (a cluster restarted after
    /// every silo died, before the new silos have declared the old ones dead): worth trying again shortly.</summary>
    public static bool Settling(Exception e)
    {
        for (var x = e; x is not null; x = x.InnerException)
            if (x is Orleans.Runtime.SiloUnavailableException) return true;
        return false;
    }

    /// <summary>Why a client could not join the cluster, in one line: no gateway answered, or the gateways refused it.</summary>
    public static string GatewayRefused(Exception e, FaultToleranceOptions? faults = null)
    {
        var patience = (faults ?? Settings.FaultTolerance.Value).GatewayPatience;
        var inner = e;
        while (inner.InnerException is not null) inner = inner.InnerException;
        return $"no gateway of the cluster let this client in within {patience.TotalSeconds:N0} s ({Scenarios.SafeText.Excerpt(inner.Message.Split('\n')[0].Trim(), 160)}): "
            + "are its silos up, and is this client's certificate (cluster.pfx beside the Passfile) the one they use? Nothing was run";
    }

    /// <summary>Connects a client to the cluster whose membership is in the database.</summary>
    public static async Task<ClientHost> ConnectAsync(string connectionString, CancellationToken cancellation = default, Action<string>? notice = null, FaultToleranceOptions? faults = null)
    {
        faults ??= Settings.FaultTolerance.Value;
        // PostgreSQL away as a run starts (restarting, say) is waited for, as grain storage waits for it later.
        await WaitForDatabaseAsync(connectionString, cancellation, notice, faults);
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { Args = [], DisableDefaults = true });
        builder.Logging.ClearProviders();
        builder.UseOrleansClient(client => ConfigureClient(client, connectionString, faults));
        builder.Services.AddSingleton<IHostLifetime, QuietLifetime>();
        var host = builder.Build();
        try { await host.StartAsync(cancellation); }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            host.Dispose();
            throw new ClusterFaultException(GatewayRefused(e, faults));
        }
        return new ClientHost(host, connectionString, notice, faults);
    }
}

/// <summary>A connected cluster client, disposed with its host.</summary>
public sealed class ClientHost(IHost host, string connectionString, Action<string>? notice = null, FaultToleranceOptions? faults = null) : IAsyncDisposable
{
    public IClusterClient Client => host.Services.GetRequiredService<IClusterClient>();

    /// <summary>Starts watching the silos active now (see <see cref="ClusterWatch"/>).</summary>
    public Task<ClusterWatch> WatchAsync(CancellationToken cancellation = default) => ClusterWatch.StartAsync(connectionString, cancellation, notice, faults);

    public async ValueTask DisposeAsync()
    {
        // Bounded: after a cluster fault the client must not hold the process.
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        try { await host.StopAsync(timeout.Token); }
        catch (OperationCanceledException) { }
        host.Dispose();
    }
}

/// <summary>A host lifetime that leaves signals alone: the sovsim command handles Ctrl-C and SIGTERM itself (it
/// stops a run between slices and writes its outputs), so a client or embedded silo must not stop on them.</summary>
public sealed class QuietLifetime : IHostLifetime
{
    public Task WaitForStartAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
