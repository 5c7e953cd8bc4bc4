using System.Net;
using System.Text.Json.Nodes;
using SovereigntySim.Domain.Simulation;
using SovereigntySim.Hosting.Engines;

namespace SovereigntySim.Engine.Tests;

/// <summary>Nothing lost when `sovsim serve` dies: a live run checkpoints as `sovsim run` does by default (a simulated
/// week), so after the server is killed (-9) a new server on the same results folder continues it from its last
/// checkpoint to the digest of the uninterrupted run.</summary>
public sealed class ServeCrashTests
{
    private const string Scenario = "mexico-flight-refusal";

    private static CliTests.Running Serve(string folder, int port) =>
        CliTests.StartIn(folder, null, "serve", "--port", port.ToString(), "--scenarios", Path.Combine(Repo.Root, "scenarios"));

    [Fact]
    public async Task A_run_whose_server_was_killed_continues_on_a_new_server_from_its_last_checkpoint()
    {
        string reference;
        await using (var engine = new ReferenceEngine(new World(Repo.Load($"{Scenario}.yaml")))) reference = (await Repo.RunInFolder(engine)).Result.Digest;
        var folder = Repo.TempDir();

        // A paced run (a simulated day a second): its first weekly checkpoint comes after about a week's seconds.
        int port = ScriptedCluster.FreePorts(1);
        string id, runFolder;
        using (var first = Serve(folder, port))
        {
            using var http = await CliTests.ServedAsync(first, port);
            id = await CliTests.StartLiveRunAsync(http, Scenario, "1d/s");
            runFolder = Path.Combine(folder, "results", "serve", "runs", id);
            Assert.True(await CliTests.Written(Path.Combine(runFolder, "checkpoint.bin")), "the live run wrote no checkpoint");
            var state = JsonNode.Parse(await http.GetStringAsync($"api/runs/{id}"))!;
            Assert.Equal("running", state["run"]!["status"]!.GetValue<string>());
            first.Stop(); // kill -9: no stop, no last checkpoint, the run's folder as the crash left it
        }

        port = ScriptedCluster.FreePorts(1, port);
        using var second = Serve(folder, port);
        using var again = await CliTests.ServedAsync(second, port);
        var continued = await again.PostAsync($"api/runs/{id}/continue?speed=max", null);
        var body = await continued.Content.ReadAsStringAsync();
        Assert.True(continued.StatusCode == HttpStatusCode.Created, body);
        long from = JsonNode.Parse(body)!["continuedFromTick"]!.GetValue<long>();
        Assert.True(from > 0 && from % (7 * 24) == 0, $"continued from tick {from}: not a weekly checkpoint");
        var end = await CliTests.LiveRunUntilAsync(again, id, s => s is not ("running" or "paused"), TimeSpan.FromMinutes(3));
        Assert.Equal("completed", end["status"]!.GetValue<string>());
        Assert.Equal(reference, end["digest"]!.GetValue<string>());
        // The folder is the whole run's, as `sovsim run` leaves it: the log cut at the checkpoint and continued.
        Assert.Equal(reference, JsonNode.Parse(File.ReadAllText(Path.Combine(runFolder, "summary.json")))!["digest"]!.GetValue<string>());
        Assert.False(File.Exists(Path.Combine(runFolder, "checkpoint.bin")), "a completed run keeps no checkpoint");
        second.Stop();
    }
}
