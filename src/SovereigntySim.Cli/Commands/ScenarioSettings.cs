using System.ComponentModel;
using Spectre.Console.Cli;
using SovereigntySim.Domain.Scenario;
using SovereigntySim.Scenarios;

namespace SovereigntySim.Cli.Commands;

/// <summary>Options shared by every command that reads a scenario.</summary>
public class ScenarioSettings : CommandSettings
{
    [CommandArgument(0, "<FILE>"), Description("Scenario file (YAML).")]
    public string File { get; init; } = "";

    [CommandOption("--set <PATH=VALUE>"), Description("Override a scenario value, e.g. --set countries.MX.acceptance.weeklyFlightCap=10 (repeatable).")]
    public string[] Set { get; init; } = [];

    [CommandOption("--seed <N>"), Description("Seed (same as --set seed=N).")]
    public long? Seed { get; init; }

    [CommandOption("--scale <FACTOR>"), Description("Scale the volume: people, beds and flight frequency (e.g. 0.01 for 1%).")]
    public double? Scale { get; init; }

    public override Spectre.Console.ValidationResult Validate() => Scale is { } f && !(double.IsFinite(f) && f > 0 && f <= 1000)
        ? Spectre.Console.ValidationResult.Error("--scale must be a factor above 0 and at most 1000")
        : Spectre.Console.ValidationResult.Success();

    /// <summary>Loads the scenario, or prints every error as file:line:column and returns null.</summary>
    public ScenarioSpec? Load()
    {
        var overrides = Set.ToList();
        if (Seed is { } seed) overrides.Add($"seed={seed}");
        var result = ScenarioLoader.Load(File, overrides);
        foreach (var error in result.Errors) Console.Error.WriteLine(error.ToString());
        if (!result.Ok) Console.Error.WriteLine($"{File}: {result.Errors.Count} error(s); nothing was run.");
        return result.Ok ? Hosting.Runs.ScenarioScaling.Scale(result.Spec!, Scale ?? 1) : null;
    }
}
