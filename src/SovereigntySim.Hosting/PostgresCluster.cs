using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Orleans.Configuration;
using SovereigntySim.Hosting.Serialization;

namespace SovereigntySim.Hosting;

/// <summary>
/// A SovereigntySim cluster: silos that find each other and keep grain state in PostgreSQL through Orleans' ADO.NET
/// providers (schema: scripts/postgres/schema.sql), and clients that find the silos there.
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

    /// <summary>Starts a silo of the cluster, listening on all addresses and advertising <paramref name="advertise"/>.</summary>
    public static async Task<IHost> StartSiloAsync(string connectionString, IPAddress advertise, int siloPort, int gatewayPort, CancellationToken cancellation)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { Args = [], DisableDefaults = true });
        builder.Logging.AddSimpleConsole(o => o.SingleLine = true).SetMinimumLevel(LogLevel.Warning);
        builder.UseOrleans(silo =>
        {
            silo.ConfigureSovereigntySim();
            silo.Configure<ClusterOptions>(Name);
            silo.ConfigureEndpoints(advertise, siloPort, gatewayPort, listenOnAnyHostAddress: true);
            silo.UseAdoNetClustering(o =>
            {
                o.Invariant = Invariant;
                o.ConnectionString = connectionString;
            });
            silo.AddAdoNetGrainStorageAsDefault(o =>
            {
                o.Invariant = Invariant;
                o.ConnectionString = connectionString;
            });
        });
        var host = builder.Build();
        await host.StartAsync(cancellation);
        return host;
    }

    /// <summary>Connects a client to the cluster whose membership is in the database.</summary>
    public static async Task<ClientHost> ConnectAsync(string connectionString, CancellationToken cancellation = default)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { Args = [], DisableDefaults = true });
        builder.Logging.ClearProviders();
        builder.UseOrleansClient(client =>
        {
            client.Configure<ClusterOptions>(Name);
            client.UseAdoNetClustering(o =>
            {
                o.Invariant = Invariant;
                o.ConnectionString = connectionString;
            });
            client.Configure<ClientMessagingOptions>(o => o.ResponseTimeout = TimeSpan.FromMinutes(10));
            client.Services.AddDomainSerialization();
        });
        var host = builder.Build();
        await host.StartAsync(cancellation);
        return new ClientHost(host);
    }
}

/// <summary>A connected cluster client, disposed with its host.</summary>
public sealed class ClientHost(IHost host) : IAsyncDisposable
{
    public IClusterClient Client => host.Services.GetRequiredService<IClusterClient>();

    public async ValueTask DisposeAsync()
    {
        await host.StopAsync();
        host.Dispose();
    }
}
