namespace SovereigntySim.Reports.Tests;

/// <summary>sovsim report through the program's entry point, with the argument parsing, exit codes and error
/// handling a user gets. The tests of this class run one after another (one collection), so redirecting the
/// console is safe; no other test writes to it.</summary>
public sealed class ReportCliTests
{
    private static readonly SemaphoreSlim ConsoleLock = new(1, 1);

    public static async Task<(int Code, string Out, string Err)> Sovsim(params string[] args)
    {
        await ConsoleLock.WaitAsync();
        var (stdout, stderr) = (Console.Out, Console.Error);
        using var o = new StringWriter();
        using var e = new StringWriter();
        try
        {
            Console.SetOut(o);
            Console.SetError(e);
            // Spectre.Console keeps the writer it first saw: give it this call's.
            Spectre.Console.AnsiConsole.Console = Spectre.Console.AnsiConsole.Create(new Spectre.Console.AnsiConsoleSettings { Out = new Spectre.Console.AnsiConsoleOutput(o) });
            int code = await SovereigntySim.Cli.Program.Main(args);
            return (code, o.ToString(), e.ToString());
        }
        finally
        {
            Console.SetOut(stdout);
            Console.SetError(stderr);
            ConsoleLock.Release();
        }
    }

    [Fact]
    public async Task Missing_folder_is_one_line_and_exit_code_2()
    {
        var missing = Path.Combine(Path.GetTempPath(), "sovsim-report-tests", "no-such-folder-" + Guid.NewGuid().ToString("N"));
        var (code, _, err) = await Sovsim("report", missing);
        Assert.Equal(2, code);
        Assert.Equal($"report: {missing}: no such folder", err.Trim());
    }

    [Fact]
    public async Task Folder_without_results_is_one_line_and_exit_code_2()
    {
        var empty = ResultFolders.TempDir("empty");
        File.WriteAllText(Path.Combine(empty, "notes.txt"), "nothing here");
        var (code, _, err) = await Sovsim("report", empty);
        Assert.Equal(2, code);
        var line = Assert.Single(err.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains("none of the result files", line);
        Assert.DoesNotContain("   at ", err);
        Assert.False(File.Exists(Path.Combine(empty, "report.html")));
    }

    [Fact]
    public async Task Malformed_validation_csv_is_one_located_line_and_exit_code_2()
    {
        var dir = ResultFolders.TempDir("validation-bad");
        File.WriteAllText(Path.Combine(dir, "validation.csv"), ResultFolders.ValidationCsv.Replace(",0.85,", ",lots,"));
        var (code, _, err) = await Sovsim("report", dir);
        Assert.Equal(2, code);
        Assert.Equal("report: validation.csv, line 2, column 'shareInRange': expected a number, found 'lots'", err.Trim());
    }

    [Fact]
    public async Task Report_writes_the_file_and_prints_its_path()
    {
        var dir = ResultFolders.Sensitivity();
        var (code, stdout, err) = await Sovsim("report", dir);
        Assert.True(code == 0, err);
        Assert.Equal(Path.Combine(dir, "report.html"), stdout.Trim());
        Assert.True(new FileInfo(Path.Combine(dir, "report.html")).Length > 100_000); // Chart.js is inlined
    }
}
