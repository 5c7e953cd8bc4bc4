using SovereigntySim.Grains;
using SovereigntySim.Hosting;

namespace SovereigntySim.Engine.Tests;

/// <summary>The process's tunables come from configuration (sovsim.json in the working folder, SOVSIM_ variables), are
/// checked before anything runs, and a bad one is a located error with exit 2, never a stack trace.</summary>
public sealed class SettingsTests
{
    private static string Key(string name) => $"{Settings.EnvironmentPrefix}{FaultToleranceOptions.Section}__{name}";
    private static readonly string Scenario = Path.Combine(Repo.Root, "scenarios", "mexico-flight-refusal.yaml");

    private static async Task<CliTests.Result> Validate(string folder, Dictionary<string, string>? environment = null)
    {
        using var p = CliTests.StartIn(folder, environment, "validate", Scenario);
        return await p.ExitAsync(TimeSpan.FromMinutes(2));
    }

    [Theory]
    [InlineData("OutageLimit", "a minute", "FaultTolerance:OutageLimit")]
    [InlineData("OutageLimit", "-00:00:05", "expected a duration over 0")]
    [InlineData("LossRetries", "1000", "expected 0 to 100, found 1000")]
    [InlineData("OutageLimt", "00:00:10", "OutageLimt")]
    public async Task A_bad_setting_in_the_environment_names_its_key_and_stops_before_anything_runs(string name, string value, string expected)
    {
        var r = await Validate(Repo.Root, new() { [Key(name)] = value });
        Assert.True(r.ExitCode == 2, $"exit {r.ExitCode}: {r.Err}{r.Out}");
        Assert.Contains(expected, r.Err);
        Assert.Contains($"{Settings.EnvironmentPrefix}{FaultToleranceOptions.Section}__", r.Err);
        Assert.DoesNotContain("   at ", r.Err + r.Out);
        Assert.DoesNotContain(": ok (", r.Out); // the scenario was not even read
    }

    [Fact]
    public async Task A_settings_file_is_read_from_the_working_folder_and_a_broken_one_is_located()
    {
        var dir = Repo.TempDir();
        var file = Path.Combine(dir, Settings.FileName);
        File.WriteAllText(file, "{ \"FaultTolerance\": { \"OutageLimit\": \"00:00:30\" } }\n");
        var good = await Validate(dir);
        Assert.True(good.ExitCode == 0, good.Err + good.Out);

        File.WriteAllText(file, "{ \"FaultTolerance\": { \"LossRetries\": -1 } }\n");
        var outOfRange = await Validate(dir);
        Assert.Equal(2, outOfRange.ExitCode);
        Assert.Contains("LossRetries: expected 0 to 100, found -1", outOfRange.Err);

        // The environment wins over the file.
        var overridden = await Validate(dir, new() { [Key("LossRetries")] = "2" });
        Assert.True(overridden.ExitCode == 0, overridden.Err + overridden.Out);

        File.WriteAllText(file, "{\n  \"FaultTolerance\": { \"OutageLimit\": }\n}\n");
        var broken = await Validate(dir);
        Assert.Equal(2, broken.ExitCode);
        Assert.Contains(file, broken.Err);
        Assert.Contains("LineNumber: 1", broken.Err); // the reader counts lines from 0: the second line
        Assert.DoesNotContain("   at ", broken.Err + broken.Out);
    }

    /// <summary>The live server's section is read as it starts: a bad value stops `sovsim serve` the same way.</summary>
    [Fact]
    public async Task A_bad_live_setting_stops_the_server_with_its_key()
    {
        using var p = CliTests.StartIn(Repo.Root, new Dictionary<string, string> { [$"{Settings.EnvironmentPrefix}Live__PushInterval"] = "00:00:00" }, "serve", "--port", ScriptedCluster.FreePorts(1).ToString());
        var r = await p.ExitAsync(TimeSpan.FromMinutes(2));
        Assert.True(r.ExitCode == 2, $"exit {r.ExitCode}: {r.Err}{r.Out}");
        Assert.Contains("Live:PushInterval: expected 00:00:00.01 to 00:01:00, found 00:00:00", r.Err);
        Assert.DoesNotContain("   at ", r.Err + r.Out);
    }

    [Fact]
    public void The_defaults_can_be_used()
    {
        var defaults = new FaultToleranceOptions();
        Assert.Empty(defaults.Problems());
        Assert.Equal(TimeSpan.FromSeconds(60), defaults.OutageLimit);
        Assert.Equal(3, defaults.LossRetries);
        Assert.Empty(new SovereigntySim.Web.LiveOptions().Problems());
    }
}
