namespace SovereigntySim.Hosting.Outputs;

/// <summary>What a results folder may take.</summary>
public enum ResultsKind
{
    /// <summary>One run: events.jsonl, summary.json, the tables.</summary>
    Run,
    /// <summary>The same folder again, to go on with what it holds: a resumed run, a continued experiment.</summary>
    Continuation,
    /// <summary>Many runs: an experiment, a validation or a calibration, which check their own plan when they continue.</summary>
    Experiment,
}

/// <summary>
/// A results folder claimed by one process: results are never overwritten by another run's nor mixed with them.
/// A folder that holds another run, an interrupted run or an experiment is refused, unless the caller forces it,
/// and then it is emptied first (never mixed); a folder with files that are not results is refused even then. The
/// same run again (the same effective scenario: runs are deterministic) replaces its folder whole. While the claim
/// lives, a lock file keeps a second process out.
/// </summary>
public sealed class ResultsFolder : IDisposable
{
    public const string LockFile = ".sovsim.lock";

    // What identifies results, by the files that only they write.
    private static readonly string[] RunFiles = ["events.jsonl", "summary.json", RunFolder.ScenarioFile];
    // (an interrupted validation or calibration may hold only its folders: cases/, folds/, generations/)
    private static readonly string[] ExperimentFiles =
        [Experiments.ExperimentTables.ExperimentFile, "validation.json", "crossvalidation.json", "progress.json", "cases", "folds", "generations", ComparisonFile];

    /// <summary>What `sovsim compare` writes first in its folder: what is compared (its baseline and what-if are experiments below it).</summary>
    public const string ComparisonFile = "comparison.json";

    private readonly FileStream _lock;

    private ResultsFolder(string dir, FileStream lockStream)
    {
        Directory = dir;
        _lock = lockStream;
    }

    public string Directory { get; }

    /// <summary>Claims <paramref name="dir"/> (created if missing) for results of <paramref name="kind"/>; for a run,
    /// <paramref name="scenario"/> is its effective scenario (scenario.yaml), which says whether a run already there is
    /// the same. Throws <see cref="ResultsFolderException"/> with one line that says why not and what to do.</summary>
    public static ResultsFolder Claim(string dir, ResultsKind kind, bool force, string? scenario = null)
    {
        if (File.Exists(dir) || (Path.Exists(dir) && !System.IO.Directory.Exists(dir))) throw new ResultsFolderException($"--out {dir}: it exists and is not a folder");
        FileStream held;
        try
        {
            // A new folder is its owner's alone: a cluster run's folder names its checkpoint in the cluster.
            if (!System.IO.Directory.Exists(dir))
            {
                if (OperatingSystem.IsWindows()) System.IO.Directory.CreateDirectory(dir);
                else System.IO.Directory.CreateDirectory(dir, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            }
            // FileShare.None is an exclusive lock on Linux too: a second sovsim on the folder cannot open it.
            held = new FileStream(Path.Combine(dir, LockFile), FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None, 1, FileOptions.DeleteOnClose);
        }
        catch (IOException) when (File.Exists(Path.Combine(dir, LockFile)))
        {
            throw new ResultsFolderException($"{dir} is being written by another sovsim process (it holds {LockFile}): wait for it or choose another --out");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            throw new ResultsFolderException($"--out {dir}: not a writable folder ({e.Message.Split('\n')[0]})");
        }
        var folder = new ResultsFolder(dir, held);
        try
        {
            folder.Check(kind, force, scenario);
            return folder;
        }
        catch
        {
            folder.Dispose();
            throw;
        }
    }

    private void Check(ResultsKind kind, bool force, string? scenario)
    {
        if (kind == ResultsKind.Continuation) return; // its own folder: the caller knows what is there
        var holds = Holds();
        if (holds == Content.Nothing) return;
        if (holds == Content.Other)
            throw new ResultsFolderException($"{Directory} holds files that are not SovereigntySim results: choose another --out (--force replaces only results)");
        if (force)
        {
            Empty();
            return;
        }
        string? why = (kind, holds) switch
        {
            (ResultsKind.Experiment, Content.Experiment) => null, // it checks that it is the same plan, and continues it
            (_, Content.InterruptedRun) => "an interrupted run (resume it with sovsim run --resume " + Directory + ")",
            (_, Content.Experiment) => "an experiment, a validation or a calibration",
            (ResultsKind.Run, Content.Run) when scenario is not null && SameScenario(scenario) => null,
            _ => "another run",
        };
        if (why is not null) throw new ResultsFolderException($"{Directory} holds {why}: choose another --out, or add --force to replace it");
        // The same run again gives the same results: they replace the old ones whole, so nothing stale stays beside them.
        if (kind == ResultsKind.Run) Empty();
    }

    private enum Content { Nothing, Run, InterruptedRun, Experiment, Other }

    private Content Holds()
    {
        var entries = System.IO.Directory.EnumerateFileSystemEntries(Directory).Select(Path.GetFileName).Where(n => n != LockFile).ToList();
        if (entries.Count == 0) return Content.Nothing;
        if (entries.Any(e => ExperimentFiles.Contains(e))) return Content.Experiment;
        if (!entries.Any(e => RunFiles.Contains(e))) return Content.Other;
        // A run that did not finish: its checkpoint is still there, or its summary says so (or it has none: killed).
        return File.Exists(Path.Combine(Directory, Runs.CheckpointFile.Name)) || !Completed(Path.Combine(Directory, "summary.json")) ? Content.InterruptedRun : Content.Run;
    }

    private static bool Completed(string summary)
    {
        if (!File.Exists(summary)) return false;
        try { return System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(summary))?["completed"]?.GetValue<bool>() == true; }
        catch (Exception e) when (e is System.Text.Json.JsonException or InvalidOperationException) { return false; }
    }

    private bool SameScenario(string scenario)
    {
        var file = Path.Combine(Directory, RunFolder.ScenarioFile);
        return File.Exists(file) && File.ReadAllText(file) == scenario;
    }

    /// <summary>Removes everything in the folder but the lock.</summary>
    private void Empty()
    {
        foreach (var entry in System.IO.Directory.EnumerateFileSystemEntries(Directory).Where(e => Path.GetFileName(e) != LockFile).ToList())
        {
            if (System.IO.Directory.Exists(entry)) System.IO.Directory.Delete(entry, recursive: true);
            else File.Delete(entry);
        }
    }

    public void Dispose() => _lock.Dispose();
}

/// <summary>A results folder that cannot take these results.</summary>
public sealed class ResultsFolderException(string message) : Exception(message);
