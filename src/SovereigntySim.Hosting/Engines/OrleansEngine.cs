using System.Security.Cryptography;
using SovereigntySim.Domain.Agents;
using SovereigntySim.Domain.Scenario;
using SovereigntySim.Domain.Simulation;
using SovereigntySim.Grains;

namespace SovereigntySim.Hosting.Engines;

/// <summary>Runs a scenario on an Orleans cluster (embedded or remote) through its simulation grain.</summary>
public sealed class OrleansEngine : ISimulationEngine
{
    private readonly ISimulationGrain _run;
    private readonly IAsyncDisposable? _owned;

    private OrleansEngine(World world, ISimulationGrain run, IAsyncDisposable? owned)
    {
        World = world;
        _run = run;
        _owned = owned;
    }

    /// <summary>The key of the run's simulation grain, where its record stays after the run.</summary>
    public string RunId => _run.GetPrimaryKeyString();

    public string Name => "orleans";
    public World World { get; }

    /// <summary>Starts a run on the cluster the client is connected to; <paramref name="owned"/> is disposed with the engine.</summary>
    public static async Task<OrleansEngine> StartAsync(IClusterClient client, ScenarioSpec spec, IAsyncDisposable? owned = null)
    {
        // The run id only names grains; it never enters the simulation, so a random one keeps runs apart safely.
        var runId = $"{spec.Name}-{spec.Seed}-{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(6))}";
        var run = client.GetGrain<ISimulationGrain>(runId);
        await run.Start(new ScenarioPayload(spec));
        return new OrleansEngine(new World(spec), run, owned);
    }

    public async Task<Slice> RunAsync(long untilTick) => (await _run.Run(untilTick)).Slice;

    public async Task<MigrantView?> GetMigrantAsync(long migrantId) => (await _run.GetMigrant(migrantId)).Migrant;

    public async Task<IReadOnlyList<MigrantRecord>> GetMicrodataAsync(int caseload) => (await _run.GetMicrodata(caseload)).Migrants;

    public async ValueTask DisposeAsync()
    {
        try { await _run.End(); }
        finally { if (_owned is not null) await _owned.DisposeAsync(); }
    }
}
