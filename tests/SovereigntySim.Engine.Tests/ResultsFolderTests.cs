using SovereigntySim.Hosting.Outputs;
using SovereigntySim.Hosting.Runs;

namespace SovereigntySim.Engine.Tests;

/// <summary>Issue 18 item 2: results are never overwritten or mixed. Each case the issue found is refused with a
/// clear error (exit 2) unless --force, which replaces the folder whole; two processes cannot write one folder.</summary>
public sealed class ResultsFolderTests
{
    private const string Mexico = "scenarios/mexico-flight-refusal.yaml";
    private static readonly string[] Short = ["--engine", "reference", "--set", "duration=5d"];

    private static async Task<CliTests.Result> Run(string dir, params string[] more) =>
        await CliTests.Run(["run", Mexico, "--out", dir, .. Short, .. more]);

    private static string Digest(string dir) => (string)System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(Path.Combine(dir, "summary.json")))!["digest"]!;

    [Fact]
    public async Task Another_run_into_a_finished_runs_folder_is_refused_and_the_same_run_replaces_it_whole()
    {
        var dir = Repo.TempDir();
        Assert.Equal(0, (await Run(dir)).ExitCode);
        var digest = Digest(dir);
        File.WriteAllText(Path.Combine(dir, "report.html"), "an old report");

        // Another run (another seed): refused, nothing touched.
        var other = await Run(dir, "--seed", "7");
        Assert.Equal(2, other.ExitCode);
        Assert.Contains("holds another run", other.Err);
        Assert.Contains("--force", other.Err);
        Assert.Equal(digest, Digest(dir));
        Assert.True(File.Exists(Path.Combine(dir, "report.html")));

        // The same run again: the folder is replaced whole, so the old report does not stay beside the new log.
        Assert.Equal(0, (await Run(dir)).ExitCode);
        Assert.Equal(digest, Digest(dir));
        Assert.False(File.Exists(Path.Combine(dir, "report.html")));

        // --force replaces it with the other run, whole.
        File.WriteAllText(Path.Combine(dir, "report.html"), "an old report");
        Assert.Equal(0, (await Run(dir, "--seed", "7", "--force")).ExitCode);
        Assert.NotEqual(digest, Digest(dir));
        Assert.False(File.Exists(Path.Combine(dir, "report.html")));
    }

    [Fact]
    public void An_interrupted_run_an_experiment_and_foreign_files_are_refused()
    {
        // An interrupted run: its checkpoint is kept for --resume.
        var interrupted = Repo.TempDir();
        File.WriteAllText(Path.Combine(interrupted, "events.jsonl"), "");
        File.WriteAllText(Path.Combine(interrupted, CheckpointFile.Name), "checkpoint");
        var e = Assert.Throws<ResultsFolderException>(() => ResultsFolder.Claim(interrupted, ResultsKind.Run, force: false, "scenario"));
        Assert.Contains("an interrupted run", e.Message);
        Assert.Contains("--resume", e.Message);
        Assert.True(File.Exists(Path.Combine(interrupted, CheckpointFile.Name)));
        // ... which its resumption may take.
        using (ResultsFolder.Claim(interrupted, ResultsKind.Continuation, force: false)) { }

        // A single run into an experiment's folder, and an experiment into a run's.
        var experiment = Repo.TempDir();
        File.WriteAllText(Path.Combine(experiment, Hosting.Experiments.ExperimentTables.ExperimentFile), "{}");
        File.WriteAllText(Path.Combine(experiment, "negotiations.csv"), "the experiment's");
        Assert.Contains("an experiment", Assert.Throws<ResultsFolderException>(() => ResultsFolder.Claim(experiment, ResultsKind.Run, false, "s")).Message);
        Assert.Equal("the experiment's", File.ReadAllText(Path.Combine(experiment, "negotiations.csv")));
        using (ResultsFolder.Claim(experiment, ResultsKind.Experiment, force: false)) { } // continues its own plan
        var run = Repo.TempDir();
        File.WriteAllText(Path.Combine(run, "summary.json"), "{\"completed\": true}");
        File.WriteAllText(Path.Combine(run, "events.jsonl"), "");
        Assert.Contains("another run", Assert.Throws<ResultsFolderException>(() => ResultsFolder.Claim(run, ResultsKind.Experiment, false)).Message);

        // Files that are not results are refused even with --force: it replaces results only.
        var home = Repo.TempDir();
        File.WriteAllText(Path.Combine(home, "thesis.tex"), "precious");
        Assert.Contains("not SovereigntySim results", Assert.Throws<ResultsFolderException>(() => ResultsFolder.Claim(home, ResultsKind.Run, true, "s")).Message);
        Assert.Equal("precious", File.ReadAllText(Path.Combine(home, "thesis.tex")));

        // A new folder is its owner's alone.
        var fresh = Path.Combine(Repo.TempDir(), "a", "run");
        using (ResultsFolder.Claim(fresh, ResultsKind.Run, force: false, "s"))
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(fresh));

        // --force empties a results folder before anything is written.
        using (ResultsFolder.Claim(interrupted, ResultsKind.Run, force: true, "s"))
            Assert.Equal([ResultsFolder.LockFile], Directory.GetFileSystemEntries(interrupted).Select(Path.GetFileName));
        Assert.Empty(Directory.GetFileSystemEntries(interrupted));
    }

    [Fact]
    public async Task Two_processes_cannot_write_one_folder()
    {
        var dir = Repo.TempDir();
        // A paced run holds the folder for a while (two minutes at most: it is interrupted once the second is refused).
        using var first = CliTests.Start("run", Mexico, "--out", dir, "--engine", "reference", "--speed", "21600");
        Assert.True(await CliTests.Written(Path.Combine(dir, "events.jsonl")), "the first run wrote nothing");
        var second = await Run(dir);
        Assert.Equal(2, second.ExitCode);
        Assert.Contains("being written by another sovsim process", second.Err);
        first.Signal("INT");
        var done = await first.ExitAsync(TimeSpan.FromMinutes(2));
        Assert.Equal(130, done.ExitCode);
        // Once the first is gone the folder is free again (for its resumption).
        Assert.False(File.Exists(Path.Combine(dir, ResultsFolder.LockFile)));
    }

    [Fact]
    public void Default_folders_differ_whenever_the_inputs_differ()
    {
        var spec = Repo.Load("mexico-flight-refusal.yaml");
        var provenance = new Provenance(Mexico, "0", [], "sovsim run");
        var request = new RunRequest(spec, provenance);
        string Folder(RunRequest r, string engine = "orleans") => RunFolder.DefaultDirectory(r, engine);

        Assert.Equal(Folder(request), Folder(new RunRequest(Repo.Load("mexico-flight-refusal.yaml"), provenance)));
        // An edited copy with the same name, another seed, an override, another engine: each its own folder.
        var edited = request with { Spec = spec with { Description = spec.Description + " (edited)" } };
        var seeded = request with { Spec = spec with { Seed = spec.Seed + 1 } };
        var overridden = new RunRequest(Repo.Load("mexico-flight-refusal.yaml", "duration=5d"), provenance with { Overrides = ["duration=5d"] });
        string[] folders = [Folder(request), Folder(edited), Folder(seeded), Folder(overridden), Folder(request, "reference")];
        Assert.Equal(folders.Length, folders.Distinct().Count());
        Assert.All(folders, f => Assert.StartsWith(Path.Combine("results", "mexico-flight-refusal-"), f));
    }
}
