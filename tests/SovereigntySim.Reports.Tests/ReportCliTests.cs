using System.Diagnostics;

namespace SovereigntySim.Reports.Tests;

/// <summary>sovsim report as a user runs it: a separate process on the built sovsim.dll.</summary>
public sealed class ReportCliTests
{
    private static async Task<(int Code, string Out, string Err)> Sovsim(params string[] args)
    {
        var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        psi.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "sovsim.dll"));
        foreach (var a in args) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        await p.WaitForExitAsync(timeout.Token);
        return (p.ExitCode, await stdout, await stderr);
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
    public async Task Report_writes_the_file_and_prints_its_path()
    {
        var dir = ResultFolders.Sensitivity();
        var (code, stdout, err) = await Sovsim("report", dir);
        Assert.True(code == 0, err);
        Assert.Equal(Path.Combine(dir, "report.html"), stdout.Trim());
        Assert.True(new FileInfo(Path.Combine(dir, "report.html")).Length > 100_000); // Chart.js is inlined
    }
}
