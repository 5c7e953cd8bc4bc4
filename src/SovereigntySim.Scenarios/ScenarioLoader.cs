using YamlDotNet.RepresentationModel;

namespace SovereigntySim.Scenarios;

/// <summary>Loads a scenario file: YAML, then --set overrides, then binding onto <see cref="ScenarioSpec"/>, then the
/// semantic rules. Never throws for bad input; every problem is a <see cref="ScenarioError"/>.</summary>
public static class ScenarioLoader
{
    public static ScenarioLoadResult Load(string path, IReadOnlyList<string> overrides)
    {
        var (text, refused) = Read(path);
        return refused ?? LoadText(text!, path, overrides);
    }

    /// <summary>Reads a scenario file within the size limit: its text, or the located error that refuses it.</summary>
    public static (string? Text, ScenarioLoadResult? Refused) Read(string path)
    {
        string text;
        try
        {
            // Read at most one byte past the limit, so that a device or a huge file is refused without reading it all.
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, 1 << 16);
            var buffer = new byte[Limits.MaxFileBytes + 1];
            int length = 0, read;
            while (length < buffer.Length && (read = stream.Read(buffer, length, buffer.Length - length)) > 0) length += read;
            if (length > Limits.MaxFileBytes)
                return (null, Refused(path, 1, 1, $"a scenario file of at most {Limits.MaxFileBytes / 1024:N0} KiB", "a larger file"));
            text = new System.Text.UTF8Encoding(false, false).GetString(buffer, 0, length);
            if (text.Length > 0 && text[0] == '\uFEFF') text = text[1..];
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            return (null, Refused(path, 1, 1, "a readable scenario file", e.Message));
        }
        return (text, null);
    }

    private static ScenarioLoadResult Refused(string file, int line, int column, string expected, string found) =>
        new(null, [new ScenarioError(file, line, column, "(root)", expected, found)]);

    /// <summary>Text, not binary: the first control character (other than tab and line breaks) or undecodable byte,
    /// with its position, in one linear pass.</summary>
    private static ScenarioError? NotText(string text, string fileName)
    {
        int line = 1, column = 1;
        for (int i = 0; i < text.Length; i++)
        {
            char c = text[i];
            if (c == '\n') { line++; column = 1; continue; }
            if (c == '\uFFFD')
                return new ScenarioError(fileName, line, column, "(root)", "UTF-8 text", "bytes that are not UTF-8 (binary data?)");
            if (char.IsControl(c) && c is not ('\t' or '\r'))
                return new ScenarioError(fileName, line, column, "(root)", "text without control characters", $"U+{(int)c:X4} (binary data?)");
            column++;
        }
        return null;
    }

    public static ScenarioLoadResult LoadText(string yaml, string fileName, IReadOnlyList<string> overrides)
    {
        if ((yaml ?? "").Length > Limits.MaxFileBytes)
            return Refused(fileName, 1, 1, $"a scenario of at most {Limits.MaxFileBytes / 1024:N0} KiB", "a larger text");
        if (NotText(yaml ?? "", fileName) is { } binary) return new ScenarioLoadResult(null, [binary]);
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
        // A wrong value of the era table is found again in every country that names the era: say it once, as the table's.
        var inTable = sorted.Where(e => e.Path.StartsWith(Postures.Key + ".", StringComparison.Ordinal)).Select(Where).ToHashSet();
        sorted.RemoveAll(e => !e.Path.StartsWith(Postures.Key + ".", StringComparison.Ordinal) && inTable.Contains(Where(e)));
        static (string, int, int, string, string) Where(ScenarioError e) => (e.File, e.Line, e.Column, e.Expected, e.Found);
        return new ScenarioLoadResult(sorted.Count == 0 ? spec : null, sorted);
    }

    private static ScenarioSpec? Run(string yaml, string fileName, IReadOnlyList<string> overrides, List<ScenarioError> errors)
    {
        var root = YamlText.Parse(yaml, YamlText.InFile(fileName), "", errors);
        if (root is null) return null;

        var source = new SourceMap(fileName);
        // The era table first, so that --set postures.trump1... finds the embedded values to change.
        Postures.Seed(root, source);
        foreach (var arg in overrides) Overrides.Apply(root, arg ?? "", source, errors);
        // After the overrides, so that --set countries.US.posture=obama takes the era's values.
        var postures = Postures.Apply(root, source);

        var binder = new Binder(source, errors);
        if (postures is not null) Postures.Check(postures, binder);
        if (!binder.TryBind(root, typeof(ScenarioSpec), false, "", out var bound) || errors.Count > 0) return null;

        // Semantic rules run only on a cleanly bound scenario: on a broken one they would mostly echo earlier errors.
        var spec = (ScenarioSpec)bound!;
        new ScenarioValidator(spec, binder.Positions, errors).Run();
        return errors.Count == 0 ? spec : null;
    }
}
