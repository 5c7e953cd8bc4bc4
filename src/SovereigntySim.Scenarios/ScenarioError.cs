namespace SovereigntySim.Scenarios;

/// <summary>One problem in a scenario, at a 1-based line and column of <see cref="File"/> ("--set" for overrides,
/// where the column is the position within that argument).</summary>
public sealed record ScenarioError(string File, int Line, int Column, string Path, string Expected, string Found)
{
    public override string ToString() =>
        $"{SafeText.Excerpt(File, 200)}:{Line}:{Column}: {SafeText.Excerpt(Path, 160)}: expected {SafeText.Excerpt(Expected, 400)}, found {SafeText.Excerpt(Found, 120)}";
}

/// <summary>The bound scenario when there are no errors; otherwise no scenario and every error found.</summary>
public sealed record ScenarioLoadResult(ScenarioSpec? Spec, IReadOnlyList<ScenarioError> Errors)
{
    public bool Ok => Spec is not null && Errors.Count == 0;
}

/// <summary>Where a node came from: the scenario file or a --set argument.</summary>
internal readonly record struct SourcePos(string File, int Line, int Column)
{
    public ScenarioError Error(string path, string expected, string found) =>
        new(File, Line, Column, Paths.Show(path), expected, found);
}

/// <summary>Paths as users write them: <c>countries[1].acceptance.weeklyFlightCap</c>; "" is the root.</summary>
internal static class Paths
{
    public static string Show(string path) => path.Length == 0 ? "(root)" : path;
    public static string Key(string parent, string key) => parent.Length == 0 ? key : $"{parent}.{key}";
    public static string Index(string parent, int index) => $"{parent}[{index}]";

    public static string Parent(string path)
    {
        int cut = path.LastIndexOfAny(['.', '[']);
        return cut < 0 ? "" : path[..cut];
    }
}
