using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Orleans.Configuration;
using SovereigntySim.Grains;
using SovereigntySim.Hosting.Serialization;

namespace SovereigntySim.Hosting;

/// <summary>The embedded default: one silo in this process, localhost clustering, in-memory storage.</summary>
public sealed class EmbeddedCluster : IAsyncDisposable
{
    private readonly IHost _host;

    private EmbeddedCluster(IHost host) => _host = host;

    public IClusterClient Client => _host.Services.GetRequiredService<IClusterClient>();

    public static async Task<EmbeddedCluster> StartAsync(CancellationToken cancellation = default)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { Args = [], DisableDefaults = true });
        builder.Logging.ClearProviders().SetMinimumLevel(LogLevel.Warning);
        // Ports chosen by the OS so several runs (and test hosts) can share a machine.
        var (siloPort, gatewayPort) = FreePorts();
        builder.UseOrleans(silo => silo.ConfigureSovereigntySim()
            .AddMemoryGrainStorageAsDefault()
            .UseLocalhostClustering(siloPort: siloPort, gatewayPort: gatewayPort));
        builder.Services.AddSingleton<IHostLifetime, QuietLifetime>();
        var host = builder.Build();
        await host.StartAsync(cancellation);
        return new EmbeddedCluster(host);
    }

    /// <summary>Two distinct free ports: both are held until both are known.</summary>
    public static (int, int) FreePorts()
    {
        var a = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        var b = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        a.Start();
        b.Start();
        var ports = (((System.Net.IPEndPoint)a.LocalEndpoint).Port, ((System.Net.IPEndPoint)b.LocalEndpoint).Port);
        a.Stop();
        b.Stop();
        return ports;
    }

    public async ValueTask DisposeAsync()
    {
        await _host.StopAsync();
        _host.Dispose();
    }
}

public static class SiloConfiguration
{
    /// <summary>What every SovereigntySim silo needs, whatever its clustering and storage: serialisation, the world
    /// cache, a generous response timeout for grain-to-grain calls.</summary>
    public static ISiloBuilder ConfigureSovereigntySim(this ISiloBuilder silo)
    {
        silo.Services.AddDomainSerialization();
        silo.Services.AddSingleton<WorldCache>();
        silo.Services.AddSingleton(Settings.FaultTolerance);
        silo.Services.AddSingleton<IRunExecutor, Experiments.LocalRunExecutor>();
        silo.Services.AddPlacementDirector<Grains.AgentPlacement, Grains.AgentPlacementDirector>();
        // A long step of a large run may keep a grain busy for a while; it is not stuck.
        silo.Configure<SiloMessagingOptions>(o => o.ResponseTimeout = TimeSpan.FromMinutes(10));
        return silo;
    }
}
