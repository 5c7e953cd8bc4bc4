namespace SovereigntySim.Scenarios;

/// <summary>What every YAML file the project reads beside scenarios (observed cases, priors) shares with the scenario
/// loader: the YAML reader with positions, the one binder, and errors located at the node or its nearest written
/// ancestor.</summary>
internal static class SpecFile
{
    /// <summary>Reads and binds a file's text onto <typeparamref name="T"/>; then, when binding went without errors,
    /// <paramref name="check"/> looks at what spans values (its errors located through <see cref="At"/>).</summary>
    public static IReadOnlyList<ScenarioError> Load<T>(string yaml, string file, string what, Action<T, Func<string, SourcePos>, List<ScenarioError>> check)
    {
        var errors = new List<ScenarioError>();
        try
        {
            var root = YamlText.Parse(yaml ?? "", YamlText.InFile(file), "", errors);
            if (root is not null)
            {
                var binder = new Binder(new SourceMap(file), errors);
                if (binder.TryBind(root, typeof(T), false, "", out var bound) && errors.Count == 0)
                    check((T)bound!, path => At(binder.Positions, path, file), errors);
            }
        }
        catch (Exception e)
        {
            errors.Add(new ScenarioError(file, 1, 1, "(root)", $"{what} the loader can process", $"an internal error: {e.GetType().Name}: {e.Message}"));
        }
        return errors.OrderBy(e => e.File == file ? 0 : 1).ThenBy(e => e.Line).ThenBy(e => e.Column).ToList();
    }

    /// <summary>A file's text, or the located error that says it could not be read (<paramref name="readable"/>: what
    /// was expected, e.g. "a readable priors file").</summary>
    public static (string? Text, ScenarioError? Error) Read(string file, string readable)
    {
        try { return (File.ReadAllText(file), null); }
        catch (Exception e) { return (null, new ScenarioError(file, 1, 1, "(root)", readable, e.Message)); }
    }

    /// <summary>The position of a path, or of its nearest written ancestor when it was left out.</summary>
    public static SourcePos At(IReadOnlyDictionary<string, SourcePos> positions, string path, string file)
    {
        var at = path;
        while (!positions.ContainsKey(at) && at.Length > 0) at = Paths.Parent(at);
        return positions.TryGetValue(at, out var p) ? p : new SourcePos(file, 1, 1);
    }
}
