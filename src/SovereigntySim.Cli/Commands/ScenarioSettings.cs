using System.ComponentModel;
using Spectre.Console.Cli;
using SovereigntySim.Domain.Scenario;
using SovereigntySim.Hosting.Runs;
using SovereigntySim.Scenarios;

namespace SovereigntySim.Cli.Commands;

/// <summary>Options shared by every command that reads a scenario.</summary>
public class ScenarioSettings : CommandSettings
{
    // Optional for the parser only, so that `run --resume DIR` needs none; every other use requires it (Validate).
    [CommandArgument(0, "[FILE]"), Description("Scenario file (YAML).")]
    public string File { get; init; } = "";

    [CommandOption("--set <PATH=VALUE>"), Description("Override a scenario value, e.g. --set countries.MX.acceptance.weeklyFlightCap=10 (repeatable).")]
    public string[] Set { get; init; } = [];

    [CommandOption("--measure <YAML>"), Description("Add an outcome measure of your own (repeatable; same as --set measures+=YAML), e.g. --measure '{id: secondLanding, of: first, event: flight.landed, nth: 2}'.")]
    public string[] Measure { get; init; } = [];

    [CommandOption("--seed <N>"), Description("Seed (same as --set seed=N).")]
    public long? Seed { get; init; }

    [CommandOption("--scale <FACTOR>"), Description("Scale the volume: people, beds and flight frequency (e.g. 0.01 for 1%).")]
    public double? Scale { get; init; }

    public override Spectre.Console.ValidationResult Validate() => File.Length == 0 && !FileOptional
        ? Spectre.Console.ValidationResult.Error("a scenario FILE is required")
        : Scale is { } f && !(double.IsFinite(f) && f > 0 && f <= 1000)
        ? Spectre.Console.ValidationResult.Error("--scale must be a factor above 0 and at most 1000")
        : Spectre.Console.ValidationResult.Success();

    /// <summary>True when these settings name a run without a scenario file (run --resume).</summary>
    protected virtual bool FileOptional => false;

    /// <summary>The --set overrides, with --seed last, as the loader applies them.</summary>
    public IReadOnlyList<string> Overrides => [.. Set, .. Measure.Select(m => "measures+=" + m), .. Seed is { } seed ? [$"seed={seed}"] : Array.Empty<string>()];

    /// <summary>What names the results of these settings besides the file: the overrides and the scale.</summary>
    public IReadOnlyList<string> Variant => Scale is { } f ? [.. Overrides, $"scale={f.ToString("R", System.Globalization.CultureInfo.InvariantCulture)}"] : Overrides;

    /// <summary>Applies the scale after binding (it multiplies several values at once).</summary>
    public ScenarioSpec Adjust(ScenarioSpec spec) => ScenarioScaling.Scale(spec, Scale ?? 1);

    /// <summary>Loads the scenario, or prints every error as file:line:column and returns null.</summary>
    public ScenarioSpec? Load()
    {
        var result = ScenarioLoader.Load(File, Overrides);
        if (!result.Ok) PrintErrors(result.Errors);
        return result.Ok ? Adjust(result.Spec!) : null;
    }

    /// <summary>The run these settings describe: the effective scenario and its provenance.</summary>
    public RunRequest? Request() => Load() is { } spec ? new RunRequest(spec, Provenance.Of(File, Overrides)) : null;

    public void PrintErrors(IReadOnlyList<ScenarioError> errors)
    {
        // At most 50 lines: a broken file can hold thousands of errors, and the first ones are what to fix.
        foreach (var error in errors.Take(50)) Console.Error.WriteLine(error.ToString());
        if (errors.Count > 50) Console.Error.WriteLine($"... and {errors.Count - 50} more");
        Console.Error.WriteLine($"{SafeText.Excerpt(File, 200)}: {errors.Count} error(s); nothing was run.");
    }
}
