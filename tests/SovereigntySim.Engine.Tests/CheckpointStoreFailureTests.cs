using SovereigntySim.Domain.Simulation;
using SovereigntySim.Hosting.Engines;
using SovereigntySim.Hosting.Outputs;
using SovereigntySim.Hosting.Runs;

namespace SovereigntySim.Engine.Tests;

/// <summary>A checkpoint is stored in the background while the run goes on. When storing it fails (the database went
/// away, a full disk) the run fails like a failed slice: as a run failure with everything computed in its folder,
/// never as an error that escapes the pipeline before the folder is written (as CI once saw with PostgreSQL stopped).</summary>
public sealed class CheckpointStoreFailureTests
{
    /// <summary>A store whose chunk writes fail; it stops the run as its first write fails, so the run ends with that
    /// write still to be heard from.</summary>
    private sealed class FailingStore(CancellationTokenSource stop) : CheckpointStore
    {
        public override string Where => "the failing store";
        protected override Task WriteChunkAsync(long chunk, IReadOnlyList<byte[]> blocks, int length)
        {
            stop.Cancel();
            throw new IOException("the store is down");
        }
        protected override Task<byte[]?> ReadChunkAsync(long chunk) => Task.FromResult<byte[]?>(null);
        protected override Task DeleteChunkAsync(long chunk) => Task.CompletedTask;
        protected override Task WriteManifestAsync(ReadOnlyMemory<byte> manifest) => Task.CompletedTask;
        protected override Task<byte[]?> ReadManifestAsync() => Task.FromResult<byte[]?>(null);
        protected override Task DeleteManifestAsync() => Task.CompletedTask;
    }

    [Fact]
    public async Task A_checkpoint_that_cannot_be_stored_fails_the_run_with_its_folder_written()
    {
        var spec = Repo.Load("mexico-flight-refusal.yaml");
        var dir = Repo.TempDir();
        using var stop = new CancellationTokenSource();
        await using var engine = new ReferenceEngine(new World(spec));
        var checkpoints = new RunCheckpoints(dir, engine.World.Clock.TicksPerDay, store: new FailingStore(stop));
        var failed = await Assert.ThrowsAsync<RunFailedException>(() =>
            RunPipeline.RunAsync(engine, new RunRequest(spec, Provenance.Of(null, [])), RunFolder.Sinks(dir), stop.Token, checkpoints));
        Assert.Equal("IOException: the store is down", failed.Result.Error);
        Assert.False(failed.Result.Completed);
        // Everything computed is kept: the log up to where the run stopped, and the summary saying why.
        var summary = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(Path.Combine(dir, "summary.json")))!;
        Assert.Equal("IOException: the store is down", (string)summary["error"]!);
        Assert.True(new FileInfo(Path.Combine(dir, "events.jsonl")).Length > 0);
    }
}
