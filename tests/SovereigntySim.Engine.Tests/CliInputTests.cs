namespace SovereigntySim.Engine.Tests;

/// <summary>Issue 18 item 7: bad command lines are refused before anything runs (exit 2) with words a user can act
/// on, never an internal message ("Failed to convert 'abc' to Nullable`1", "__default_command") or a file's content.</summary>
public sealed class CliInputTests
{
    private const string Mexico = "scenarios/mexico-flight-refusal.yaml";

    [Theory]
    [InlineData("--seed: expected a whole number up to 9223372036854775807, found 'abc'", "run", Mexico, "--seed", "abc")]
    [InlineData("--seed: expected a whole number, found nothing", "run", Mexico, "--seed")]
    [InlineData("--scale: expected a number, found 'x'", "run", Mexico, "--scale", "x")]
    [InlineData("--scale: expected a number, found nothing", "bench", Mexico, "--scale")]
    [InlineData("--replications: expected a whole number up to 2147483647, found '1.5'", "run", Mexico, "--replications", "1.5")]
    [InlineData("--migrant: expected a whole number up to 9223372036854775807, found 'abc'", "run", Mexico, "--migrant", "abc")]
    [InlineData("--port: expected a whole number up to 2147483647, found 'x'", "serve", "--port", "x")]
    [InlineData("'--' ends what sovsim reads: --seed 1 would be ignored", "run", Mexico, "--", "--seed", "1")]
    [InlineData("unexpected argument 'extra' for run", "run", Mexico, "extra")]
    [InlineData("sensitivity needs lo < hi, found 1:1", "sensitivity", Mexico, "--param", "negotiation.roundHours=1:1")]
    [InlineData("--samples must be at least 8", "sensitivity", Mexico, "--method", "sobol", "--samples", "3", "--param", "negotiation.roundHours=1:4")]
    public async Task A_bad_command_line_is_refused_in_words(string expected, params string[] args)
    {
        var r = await CliTests.Run(args);
        Assert.Equal(2, r.ExitCode);
        Assert.Contains(expected, r.Err);
        Assert.DoesNotContain("Nullable", r.Err);
        Assert.DoesNotContain("__default_command", r.Err);
    }

    [Fact]
    public async Task Bench_into_a_file_is_refused_and_a_text_file_is_never_echoed()
    {
        var file = Path.Combine(Repo.TempDir(), "bench.json");
        File.WriteAllText(file, "{}");
        var bench = await CliTests.Run("bench", Mexico, "--out", file);
        Assert.Equal(2, bench.ExitCode);
        Assert.Contains("it exists and is not a folder", bench.Err);

        // A file of one line of text (a password file, a token) is refused without showing it.
        var secret = Path.Combine(Repo.TempDir(), "token");
        File.WriteAllText(secret, "s3cret-token-never-shown\n");
        var run = await CliTests.Run("run", secret);
        Assert.Equal(2, run.ExitCode);
        Assert.Contains("expected a mapping, found text that is not a scenario", run.Err);
        Assert.DoesNotContain("s3cret", run.Err + run.Out);
    }
}
