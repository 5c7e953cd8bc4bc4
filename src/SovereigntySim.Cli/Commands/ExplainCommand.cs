using System.ComponentModel;
using Spectre.Console;
using Spectre.Console.Cli;
using SovereigntySim.Domain.Metrics;
using SovereigntySim.Domain.Simulation;
using SovereigntySim.Hosting.Runs;
using SovereigntySim.Scenarios;

namespace SovereigntySim.Cli.Commands;

public sealed class ExplainSettings : CommandSettings
{
    [CommandArgument(0, "<DIR>"), Description("A run folder (events.jsonl and scenario.yaml, as `sovsim run` writes them).")]
    public string Dir { get; init; } = "";

    [CommandOption("--max <N>"), Description("Tell at most N sentences (default 400); the count left out is said at the end.")]
    public int Max { get; init; } = 400;

    public override ValidationResult Validate() => Max < 1 ? ValidationResult.Error("--max must be at least 1") : ValidationResult.Success();
}

/// <summary>Tells a run's story in plain sentences from its event log, each with the line of events.jsonl it comes from.</summary>
public sealed class ExplainCommand : Command<ExplainSettings>
{
    public override int Execute(CommandContext context, ExplainSettings settings, CancellationToken cancellation)
    {
        string dir = settings.Dir, log = Path.Combine(dir, "events.jsonl"), scenario = Path.Combine(dir, "scenario.yaml");
        if (!Directory.Exists(dir)) return Refuse($"{dir}: no such folder; expected a run folder (events.jsonl and scenario.yaml)");
        if (File.Exists(Path.Combine(dir, "experiment.json")))
            return Refuse($"{dir} is an experiment folder; explain one of its runs (kept with --keep-runs, under runs/)");
        foreach (var file in new[] { log, scenario })
            if (!File.Exists(file)) return Refuse($"{file}: not found; expected a run folder (events.jsonl and scenario.yaml, as sovsim run writes them)");
        var loaded = ScenarioLoader.Load(scenario, []);
        if (!loaded.Ok) return Refuse($"{loaded.Errors[0]}");
        IReadOnlyList<StorySentence> story;
        try { story = RunStory.Tell(new World(loaded.Spec!), EventLogReader.Read(File.ReadAllBytes(log))); }
        catch (Exception e) when (e is FormatException or System.Text.Json.JsonException)
        {
            return Refuse($"{log}: {SafeText.Excerpt(e.Message, 200)}");
        }
        foreach (var s in story.Take(settings.Max))
            AnsiConsole.MarkupLineInterpolated($"[grey]{s.Time[..16].Replace('T', ' ')}[/]  {s.Text}  [grey][[events.jsonl:{string.Join(',', s.Lines)}]][/]");
        if (story.Count > settings.Max) Console.WriteLine($"... {story.Count - settings.Max:N0} more sentences (--max {story.Count} to see them all)");
        if (story.Count == 0) Console.WriteLine("Nothing to tell: no refusal, dispute, threat or talks in this run.");
        return ExitCodes.Ok;
    }

    private static int Refuse(string message)
    {
        Console.Error.WriteLine($"explain: {message}");
        return ExitCodes.Usage;
    }
}
