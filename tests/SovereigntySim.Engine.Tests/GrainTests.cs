using SovereigntySim.Grains;
using SovereigntySim.Hosting.Engines;

namespace SovereigntySim.Engine.Tests;

[Collection(OneSiloCollection.Name)]
public sealed class GrainTests(OneSiloCluster cluster)
{
    [Fact]
    public async Task A_migrant_can_be_looked_up_by_id_with_its_history()
    {
        var spec = Repo.Load("mexico-flight-refusal.yaml", "duration=6d");
        await using var engine = await OrleansEngine.StartAsync(cluster.Client, spec);
        await engine.RunAsync(engine.World.Clock.EndTick);
        var caseload = engine.World.Caseloads[0];

        // The first detainees are the longest held: they are booked first, so their history goes beyond detention.
        var migrant = await engine.GetMigrantAsync(caseload.MigrantId(0));
        Assert.NotNull(migrant);
        Assert.Equal(caseload.MigrantId(0), migrant.Id);
        Assert.Equal("detained", migrant.History[0].Kind);
        Assert.Contains(migrant.History, h => h.Kind == "booked" && h.Flight is not null);

        Assert.Null(await engine.GetMigrantAsync(caseload.MigrantId(50_000_000)));
        Assert.Null(await engine.GetMigrantAsync(caseload.MigrantId(0) | 0x8000_0000L)); // local number with its high bit set
        Assert.Null(await engine.GetMigrantAsync(long.MaxValue));
    }

    [Fact]
    public async Task Slices_advance_simulated_time_and_a_run_cannot_start_twice()
    {
        var spec = Repo.Load("colombia-2025.yaml");
        var run = cluster.Client.GetGrain<ISimulationGrain>($"test-{Guid.NewGuid():N}");
        await run.Start(new ScenarioPayload(spec));
        var first = (await run.Run(24)).Slice;
        Assert.Equal(24, first.NextTick);
        Assert.All(first.Events, e => Assert.InRange(e.Tick, 0, 23));
        var second = (await run.Run(48)).Slice;
        Assert.All(second.Events, e => Assert.InRange(e.Tick, 24, 47));
        Assert.Contains(second.Events, e => e.Kind == "flight.turnedBack");
        await Assert.ThrowsAnyAsync<Exception>(() => run.Start(new ScenarioPayload(spec)));
        await run.End();
    }

    [Fact]
    public async Task Flight_and_negotiation_agents_are_created_by_their_first_message()
    {
        var spec = Repo.Load("colombia-2025.yaml");
        await using var engine = await OrleansEngine.StartAsync(cluster.Client, spec);
        var slice = await engine.RunAsync(engine.World.Clock.EndTick);
        Assert.Contains(slice.Events, e => e.Actor.StartsWith("flight/co-c17/", StringComparison.Ordinal));
        var turnedBack = slice.Events.First(e => e.Kind == "flight.turnedBack");
        var agreement = slice.Events.Single(e => e is { Actor: "negotiation/US-CO", Kind: "negotiation.agreement" });
        // Colombia, 26 Jan 2025: turned back before dawn, resolved the same day.
        Assert.InRange(agreement.Tick - turnedBack.Tick, 1, 23);
    }
}

/// <summary>An agent grain that loses its agent after the agent's first message fails the run, naming the agent,
/// instead of rebuilding it from the scenario (which silently gave wrong results).</summary>
[Collection(OneSiloCollection.Name)]
public sealed class LostAgentTests(OneSiloCluster cluster)
{
    /// <summary>Deactivates one agent's grain (Release: drops the agent and deactivates) after the given day.</summary>
    private sealed class DeactivateAfter(IClusterClient client, Func<string> runId, string agentId, long tick) : SovereigntySim.Hosting.Runs.IRunSink
    {
        public void Write(SovereigntySim.Domain.Simulation.Slice slice, ReadOnlySpan<byte> logLines)
        {
            if (slice.NextTick == tick) client.GetGrain<IAgentGrain>(AgentGrainKey.Of(runId(), agentId)).Release().GetAwaiter().GetResult();
        }
    }

    [Fact]
    public async Task A_deactivated_agent_fails_the_run_with_its_name_and_the_reason()
    {
        var spec = Repo.Load("mexico-flight-refusal.yaml");
        await using var engine = await OrleansEngine.StartAsync(cluster.Client, spec);
        var caseload = engine.World.Caseloads[0].AgentId;
        var dir = Repo.TempDir();
        var sinks = SovereigntySim.Hosting.Outputs.RunFolder.Sinks(dir).Append(new DeactivateAfter(cluster.Client, () => engine.RunId, caseload, 48)).ToList();

        var failed = await Assert.ThrowsAsync<SovereigntySim.Hosting.Runs.RunFailedException>(() =>
            SovereigntySim.Hosting.Runs.RunPipeline.RunAsync(engine, new SovereigntySim.Hosting.Runs.RunRequest(spec, SovereigntySim.Hosting.Runs.Provenance.Of(null, [])), sinks));

        Assert.False(failed.Result.Completed);
        Assert.Contains($"agent {caseload}", failed.Result.Error);
        Assert.Contains("lost its state", failed.Result.Error);
        var summary = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(Path.Combine(dir, "summary.json")))!;
        Assert.False((bool)summary["completed"]!);
        Assert.Contains(caseload, (string)summary["error"]!);
        // Everything before the failure is kept, and the digest is that of the log as written.
        var events = Path.Combine(dir, "events.jsonl");
        Assert.Equal(Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(File.ReadAllBytes(events))), (string)summary["digest"]!);
        Assert.True(File.ReadLines(events).Any());
    }

    [Fact]
    public async Task Agents_that_keep_their_activations_run_to_the_reference_digest()
    {
        // The guard must not fire on a healthy run: the flag says "created" from the second delivery on.
        var spec = Repo.Load("colombia-2025.yaml");
        SovereigntySim.Hosting.Runs.RunResult reference, orleans;
        await using (var r = new ReferenceEngine(new SovereigntySim.Domain.Simulation.World(spec))) reference = (await Repo.RunInFolder(r)).Result;
        await using (var o = await OrleansEngine.StartAsync(cluster.Client, spec)) orleans = (await Repo.RunInFolder(o)).Result;
        Assert.Equal(reference.Digest, orleans.Digest);
    }

    [Fact]
    public async Task A_lost_agent_is_not_rebuilt_for_a_migrant_lookup_either()
    {
        await using var engine = await OrleansEngine.StartAsync(cluster.Client, Repo.Load("colombia-2025.yaml"));
        var (result, _) = await Repo.RunInFolder(engine);
        Assert.True(result.Completed);
        var lost = engine.World.Caseloads[^1];
        await cluster.Client.GetGrain<IAgentGrain>(AgentGrainKey.Of(engine.RunId, lost.AgentId)).Release();
        var e = await Assert.ThrowsAnyAsync<Exception>(() => engine.GetMigrantAsync(lost.MigrantId(0)));
        Assert.Contains("lost its state", e.Message);
    }
}
