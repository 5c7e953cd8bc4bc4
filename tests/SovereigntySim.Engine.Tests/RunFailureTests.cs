using System.Text.Json.Nodes;
using SovereigntySim.Domain.Simulation;
using SovereigntySim.Hosting.Engines;
using SovereigntySim.Hosting.Outputs;
using SovereigntySim.Hosting.Runs;

namespace SovereigntySim.Engine.Tests;

/// <summary>A run that meets a state that cannot be right stops with a clear error and keeps what it computed
/// (issue 18: a non-finite number once made a run fail with an empty log and no summary).</summary>
public sealed class RunFailureTests
{
    /// <summary>The reference engine, except that on day 3 one agent logs a number that is not finite.</summary>
    private sealed class Poisoned(ReferenceEngine inner) : ISimulationEngine
    {
        public string Name => inner.Name;
        public World World => inner.World;

        public async Task<Slice> RunAsync(long untilTick)
        {
            var slice = await inner.RunAsync(untilTick);
            if (slice.FromTick < 2 * World.Clock.TicksPerDay || untilTick > 3 * World.Clock.TicksPerDay) return slice;
            var bad = new SimEvent(slice.FromTick, "ministry.type", "ministry/SRE", null, null, [Field.Of("reservationValue", double.NaN)]);
            return slice with { Events = [.. slice.Events, bad] };
        }

        public Task<Domain.Agents.MigrantView?> GetMigrantAsync(long migrantId) => inner.GetMigrantAsync(migrantId);
        public Task<IReadOnlyList<Domain.Agents.MigrantRecord>> GetMicrodataAsync(int caseload) => inner.GetMicrodataAsync(caseload);
        public Task InjectAsync(Domain.Scenario.ScriptedEventSpec scripted) => inner.InjectAsync(scripted);
        public Task<Grains.RunSnapshot> SnapshotAsync() => inner.SnapshotAsync();
        public ValueTask DisposeAsync() => inner.DisposeAsync();
    }

    [Fact]
    public async Task A_number_that_is_not_finite_stops_the_run_and_keeps_the_days_before()
    {
        var spec = Repo.Load("mexico-flight-refusal.yaml");
        await using var engine = new Poisoned(new ReferenceEngine(new World(spec)));
        var dir = Repo.TempDir();

        var failed = await Assert.ThrowsAsync<RunFailedException>(() =>
            RunPipeline.RunAsync(engine, new RunRequest(spec, Provenance.Of(null, [])), RunFolder.Sinks(dir)));

        // The error names the event and the field; the summary says the run did not complete.
        Assert.Contains("ministry.type of ministry/SRE", failed.Message);
        Assert.Contains("reservationValue is NaN", failed.Message);
        var summary = JsonNode.Parse(File.ReadAllText(Path.Combine(dir, "summary.json")))!;
        Assert.False((bool)summary["completed"]!);
        Assert.Contains("reservationValue", (string)summary["error"]!);
        // The first two days are in the log, whole; nothing of the third.
        var lines = File.ReadAllLines(Path.Combine(dir, "events.jsonl"));
        Assert.NotEmpty(lines);
        Assert.All(lines, l => Assert.StartsWith("{\"t\":\"2025-01-2", l));
        var last = JsonNode.Parse(lines[^1])!;
        Assert.True((long)last["tick"]! < 2 * engine.World.Clock.TicksPerDay);
    }
}
