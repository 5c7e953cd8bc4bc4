using YamlDotNet.RepresentationModel;

namespace SovereigntySim.Scenarios;

/// <summary>Loads a scenario file: YAML, then --set overrides, then binding onto <see cref="ScenarioSpec"/>, then the
/// semantic rules. Never throws for bad input; every problem is a <see cref="ScenarioError"/>.</summary>
public static class ScenarioLoader
{
    public static ScenarioLoadResult Load(string path, IReadOnlyList<string> overrides)
    {
        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (Exception e)
        {
            return new ScenarioLoadResult(null, [new ScenarioError(path, 1, 1, "(root)", "a readable scenario file", e.Message)]);
        }
        return LoadText(text, path, overrides);
    }

    public static ScenarioLoadResult LoadText(string yaml, string fileName, IReadOnlyList<string> overrides)
    {
        var errors = new List<ScenarioError>();
        ScenarioSpec? spec = null;
        try
        {
            spec = Run(yaml ?? "", fileName, overrides ?? [], errors);
        }
        catch (Exception e)
        {
            // A bug here must still reach the user as an error, not a crash.
            errors.Add(new ScenarioError(fileName, 1, 1, "(root)", "a scenario the loader can process", $"an internal error: {e.GetType().Name}: {e.Message}"));
        }
        var sorted = errors
            .OrderBy(e => e.File == Overrides.File ? 0 : 1) // the command line before the file it modifies
            .ThenBy(e => e.Line).ThenBy(e => e.Column)
            .ToList();
        return new ScenarioLoadResult(sorted.Count == 0 ? spec : null, sorted);
    }

    private static ScenarioSpec? Run(string yaml, string fileName, IReadOnlyList<string> overrides, List<ScenarioError> errors)
    {
        var root = YamlText.Parse(yaml, YamlText.InFile(fileName), "", errors);
        if (root is null) return null;

        var source = new SourceMap(fileName);
        foreach (var arg in overrides) Overrides.Apply(root, arg ?? "", source, errors);

        var binder = new Binder(source, errors);
        if (!binder.TryBind(root, typeof(ScenarioSpec), false, "", out var bound) || errors.Count > 0) return null;

        // Semantic rules run only on a cleanly bound scenario: on a broken one they would mostly echo earlier errors.
        var spec = (ScenarioSpec)bound!;
        new ScenarioValidator(spec, binder.Positions, errors).Run();
        return errors.Count == 0 ? spec : null;
    }
}
