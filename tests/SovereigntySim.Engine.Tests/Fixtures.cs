using Orleans.TestingHost;
using SovereigntySim.Domain.Scenario;
using SovereigntySim.Grains;
using SovereigntySim.Hosting;
using SovereigntySim.Hosting.Engines;
using SovereigntySim.Hosting.Outputs;
using SovereigntySim.Hosting.Runs;
using SovereigntySim.Hosting.Serialization;
using SovereigntySim.Scenarios;

namespace SovereigntySim.Engine.Tests;

/// <summary>An in-process Orleans test cluster configured like a SovereigntySim silo. With <paramref name="spread"/>,
/// agents are scattered over the silos instead of living beside their run (<see cref="AgentPlacementOptions"/>), so a
/// run's messages cross silos: the determinism tests show that changes nothing.</summary>
public abstract class ClusterFixture(short silos, bool spread = false) : IAsyncLifetime
{
    public InProcessTestCluster Cluster { get; private set; } = null!;
    public IClusterClient Client => Cluster.Client;

    public async Task InitializeAsync()
    {
        var builder = new InProcessTestClusterBuilder(silos);
        builder.ConfigureSilo((_, silo) => silo.ConfigureSovereigntySim().AddMemoryGrainStorageAsDefault()
            .Configure<AgentPlacementOptions>(o => o.Spread = spread));
        builder.ConfigureClient(client => client.Services.AddDomainSerialization());
        Cluster = builder.Build();
        await Cluster.DeployAsync();
        await Cluster.WaitForLivenessToStabilizeAsync();
    }

    public async Task DisposeAsync() => await Cluster.DisposeAsync();
}

public sealed class OneSiloCluster() : ClusterFixture(1);
public sealed class ThreeSiloCluster() : ClusterFixture(3, spread: true);

[CollectionDefinition(Name)]
public sealed class OneSiloCollection : ICollectionFixture<OneSiloCluster>
{
    public const string Name = "one silo";
}

[CollectionDefinition(Name)]
public sealed class ThreeSiloCollection : ICollectionFixture<ThreeSiloCluster>
{
    public const string Name = "three silos";
}

/// <summary>Paths into the repository and scenario loading for tests.</summary>
public static class Repo
{
    public static string Root { get; } = FindRoot();

    private static string FindRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "SovereigntySim.sln"))) dir = dir.Parent;
        return dir?.FullName ?? throw new InvalidOperationException("SovereigntySim.sln not found above the test directory");
    }

    public static string Scenario(string name) => Path.Combine(Root, "scenarios", name);

    public static ScenarioSpec Load(string name, params string[] overrides)
    {
        var result = ScenarioLoader.Load(Scenario(name), overrides);
        Assert.True(result.Ok, string.Join("\n", result.Errors));
        return result.Spec!;
    }

    /// <summary>Runs an engine through the run pipeline into a fresh run folder.</summary>
    public static async Task<(RunResult Result, string Dir)> RunInFolder(ISimulationEngine engine)
    {
        var dir = TempDir();
        var result = await RunPipeline.RunAsync(engine, new RunRequest(engine.World.Spec, Provenance.Of(null, [])), RunFolder.Sinks(dir));
        return (result, dir);
    }

    public static string TempDir()
    {
        var dir = Path.Combine(Path.GetTempPath(), "sovsim-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        return dir;
    }
}
