using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using System.Globalization;
using System.Text.RegularExpressions;
using SovereigntySim.Domain.Metrics;

namespace SovereigntySim.Scenarios;

/// <summary>
/// An observed historical case (or a set of published aggregates) as data: the scenario that models it and the
/// figures the record gives, each an observed range of one outcome measure with its source. Read from
/// data/observed/&lt;case&gt;.yaml by <see cref="ObservedLoader"/>.
/// </summary>
public sealed record ObservedCaseSpec
{
    [Required, Description("Short name of the case, e.g. colombia-2025.")] public string Case { get; init; } = "";
    [Description("What happened, in one line.")] public string Title { get; init; } = "";
    [Required, Description("Scenario file that models the case, relative to the observed file's folder or to any folder above it (e.g. scenarios/colombia-2025.yaml).")]
    public string Scenario { get; init; } = "";
    [Description("--set overrides applied to the scenario for this comparison (path=value).")]
    public List<string> Overrides { get; init; } = [];
    [Range(0.0, 1.0), Description("Share of replications a case figure must have in its observed range to pass.")]
    public double Target { get; init; } = 0.8;
    [Range(0.0, 10.0), Description("Largest relative error of the simulated mean that passes, for figures with a point value.")]
    public double Tolerance { get; init; } = 0.15;
    [Description("The observed figures.")] public List<ObservedFigureSpec> Figures { get; init; } = [];
}

/// <summary>Where a figure comes from: the page's address and its date (as the research notes give it).</summary>
public sealed record ObservedSourceSpec
{
    [Required, Description("Address of the page (http or https).")] public string Url { get; init; } = "";
    [Required, Description("Date of the page or of the data: YYYY, YYYY-MM or YYYY-MM-DD.")] public string Date { get; init; } = "";
}

/// <summary>A categorical expectation: none (the measure is 0) or some (at least 1).</summary>
public enum Expectation { None, Some }

/// <summary>One observed figure: an outcome measure and the range the record puts it in.</summary>
public sealed record ObservedFigureSpec
{
    [Required, Description("Short name of the figure, unique in its file.")] public string Id { get; init; } = "";
    [Description("What the figure is, in words.")] public string What { get; init; } = "";
    [Required, Description("Outcome measure the simulator reports (a column of runs.csv, or removed.<country>).")]
    public string Measure { get; init; } = "";
    [Description("Lowest observed value (omit for no lower bound).")] public double? Lo { get; init; }
    [Description("Highest observed value (omit for no upper bound).")] public double? Hi { get; init; }
    [Description("Categorical expectation instead of a range: none (0) or some (at least 1).")] public Expectation? Expect { get; init; }
    [Description("Point value of a published aggregate: the relative error of the simulated mean is measured against it.")]
    public double? Value { get; init; }
    [Required, Description("Where the figure comes from.")] public ObservedSourceSpec? Source { get; init; }
    [Description("Caveats: uncertainty, inference, what the model cannot represent.")] public string Note { get; init; } = "";

    /// <summary>The observed range, closed; an open end is infinite. A point value without a range stands for the
    /// band value ± tolerance × |value|.</summary>
    public (double Lo, double Hi) RangeWith(double tolerance) => Expect switch
    {
        Expectation.None => (0, 0),
        Expectation.Some => (1, double.PositiveInfinity),
        _ when Lo is null && Hi is null && Value is { } v => (v - tolerance * Math.Abs(v), v + tolerance * Math.Abs(v)),
        _ => (Lo ?? double.NegativeInfinity, Hi ?? double.PositiveInfinity),
    };
}

/// <summary>An observed case ready to run: its spec and the resolved scenario path.</summary>
public sealed record ObservedCase(string File, ObservedCaseSpec Spec, string ScenarioPath);

public sealed record ObservedLoadResult(IReadOnlyList<ObservedCase> Cases, IReadOnlyList<ScenarioError> Errors)
{
    public bool Ok => Errors.Count == 0;
}

/// <summary>
/// Loads observed-case files with the scenario loader's machinery (YAML with positions, the one binder), then checks
/// what spans values: every figure has a source with an http(s) address and a date, a known outcome measure, a
/// non-empty range (or a categorical expectation, not both), a unique id; the scenario file exists and loads with
/// the overrides. Errors are located as file:line:column: path: expected X, found Y.
/// </summary>
public static partial class ObservedLoader
{
    /// <summary>Measures computed per destination country, named prefix + country id.</summary>
    public const string RemovedByDestinationPrefix = "removed.";

    /// <summary>Loads a folder (every *.yaml in it, in name order) or a list of files.</summary>
    public static ObservedLoadResult Load(IReadOnlyList<string> paths)
    {
        var files = new List<string>();
        var errors = new List<ScenarioError>();
        foreach (var path in paths)
        {
            if (Directory.Exists(path))
            {
                var found = Directory.EnumerateFiles(path, "*.yaml").Concat(Directory.EnumerateFiles(path, "*.yml")).Order(StringComparer.Ordinal).ToList();
                if (found.Count == 0) errors.Add(new ScenarioError(path, 1, 1, "(root)", "a folder with observed-case files (*.yaml)", "none"));
                files.AddRange(found);
            }
            else files.Add(path);
        }
        var cases = new List<ObservedCase>();
        foreach (var file in files)
        {
            var one = LoadFile(file);
            errors.AddRange(one.Errors);
            cases.AddRange(one.Cases);
        }
        foreach (var twice in cases.GroupBy(c => c.Spec.Case).Where(g => g.Count() > 1))
            errors.Add(new ScenarioError(twice.Last().File, 1, 1, "case", "each case name once", $"'{twice.Key}' also in {twice.First().File}"));
        return new ObservedLoadResult(errors.Count == 0 ? cases : [], errors);
    }

    public static ObservedLoadResult LoadFile(string file)
    {
        var (text, error) = SpecFile.Read(file, "a readable observed-case file");
        return error is null ? LoadText(text!, file) : new ObservedLoadResult([], [error]);
    }

    public static ObservedLoadResult LoadText(string yaml, string file)
    {
        ObservedCase? loaded = null;
        var errors = SpecFile.Load<ObservedCaseSpec>(yaml, file, "an observed-case file", (spec, at, found) => loaded = Check(file, spec, at, found));
        return new ObservedLoadResult(errors.Count == 0 && loaded is not null ? [loaded] : [], errors);
    }

    /// <summary>Every measure a figure may name for a scenario: the outcome columns (the scenario's own measures
    /// included) and removed.&lt;country&gt;.</summary>
    public static IReadOnlyList<string> Measures(ScenarioSpec? spec) =>
        [.. Outcomes.ColumnsFor(spec), .. (spec?.Countries ?? []).Select(c => RemovedByDestinationPrefix + c.Id)];

    private static ObservedCase? Check(string file, ObservedCaseSpec spec, Func<string, SourcePos> position, List<ScenarioError> errors)
    {
        void Error(string path, string expected, string found) => errors.Add(position(path).Error(path, expected, found));

        if (!Name().IsMatch(spec.Case)) Error("case", "a case name of letters, digits, '.', '_' or '-'", $"'{spec.Case}'");
        var scenarioPath = Resolve(file, spec.Scenario);
        ScenarioSpec? scenario = null;
        if (scenarioPath is null) Error("scenario", "an existing scenario file (relative to this file's folder or a folder above it)", $"'{spec.Scenario}'");
        else
        {
            var result = ScenarioLoader.Load(scenarioPath, spec.Overrides);
            if (result.Ok) scenario = result.Spec;
            else
            {
                Error("scenario", "a scenario that loads with the overrides", $"{result.Errors.Count} error(s) in {spec.Scenario}, listed below");
                errors.AddRange(result.Errors);
            }
        }
        if (spec.Figures.Count == 0) Error("figures", "at least one observed figure", "none");
        var measures = Measures(scenario);
        var ids = new HashSet<string>(StringComparer.Ordinal);
        for (int i = 0; i < spec.Figures.Count; i++)
        {
            var f = spec.Figures[i];
            string at = $"figures[{i}]";
            if (!ids.Add(f.Id)) Error($"{at}.id", "each figure id once in a file", $"'{f.Id}' again");
            bool known = Outcomes.Columns.Contains(f.Measure)
                || ((f.Measure.StartsWith(RemovedByDestinationPrefix, StringComparison.Ordinal) || f.Measure.StartsWith(MeasureFold.Prefix, StringComparison.Ordinal))
                    && (scenario is null || measures.Contains(f.Measure)));
            if (!known)
                Error($"{at}.measure", $"{RemovedByDestinationPrefix}<country id of the scenario>, {MeasureFold.Prefix}<id of one of the scenario's measures> or an outcome measure: one of {string.Join(", ", Outcomes.Columns)}", $"'{f.Measure}'");
            if (f.Expect is not null && (f.Lo is not null || f.Hi is not null))
                Error($"{at}.expect", "either expect or lo/hi, not both", $"expect: {ScenarioModel.CamelCase(f.Expect.ToString()!)} with a range");
            else if (f.Expect is null && f.Lo is null && f.Hi is null && f.Value is null)
                Error(at, "an observed range (lo, hi or both), expect: none | some, or a point value", "none of them");
            else if (f.Lo is { } lo && f.Hi is { } hi && lo > hi)
                Error($"{at}.hi", $"a non-empty range: hi at least lo ({Num(lo)})", Num(hi));
            if (f.Source is { } s)
            {
                if (!Uri.TryCreate(s.Url, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
                    Error($"{at}.source.url", "an http or https address", $"'{s.Url}'");
                if (!DateText().IsMatch(s.Date)) Error($"{at}.source.date", "a date YYYY, YYYY-MM or YYYY-MM-DD", $"'{s.Date}'");
            }
        }
        return scenarioPath is null ? null : new ObservedCase(file, spec, scenarioPath);
    }

    /// <summary>The scenario path, tried against the observed file's folder and then each folder above it.</summary>
    public static string? Resolve(string observedFile, string scenario)
    {
        if (string.IsNullOrWhiteSpace(scenario)) return null;
        if (Path.IsPathRooted(scenario)) return File.Exists(scenario) ? scenario : null;
        for (var dir = new DirectoryInfo(Path.GetDirectoryName(Path.GetFullPath(observedFile))!); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, scenario);
            if (File.Exists(candidate)) return Path.GetRelativePath(Directory.GetCurrentDirectory(), candidate);
        }
        return null;
    }

    private static string Num(double x) => x.ToString(CultureInfo.InvariantCulture);

    [GeneratedRegex(@"^[A-Za-z0-9][A-Za-z0-9._-]*$")]
    private static partial Regex Name();

    [GeneratedRegex(@"^\d{4}(-\d{2}(-\d{2})?)?$")]
    private static partial Regex DateText();
}
