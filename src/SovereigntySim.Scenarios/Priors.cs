using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using System.Globalization;

namespace SovereigntySim.Scenarios;

/// <summary>How a prior spreads over its range: uniformly, or uniformly in the logarithm (an order of magnitude unknown).</summary>
public enum PriorSpace { Linear, Log }

/// <summary>A calibration's priors file: the shared behavioural constants to fit and the range each may take.</summary>
public sealed record PriorsSpec
{
    [Required, Description("The constants to fit, each a --set path with its range.")]
    public List<PriorSpec> Parameters { get; init; } = [];
}

/// <summary>One constant to fit: a path as --set takes it (a * segment sets every item of a list) and its prior range.</summary>
public sealed record PriorSpec
{
    [Required, Description("A --set path every case's scenario accepts, e.g. negotiation.tariffDailyCost or agencies.ministries.*.resolve.")]
    public string Path { get; init; } = "";
    [Required, Description("Lowest value the prior allows.")] public double? Lo { get; init; }
    [Required, Description("Highest value the prior allows (above lo).")] public double? Hi { get; init; }
    [Description("linear (uniform on [lo, hi], the default) or log (uniform in the logarithm; lo above 0).")]
    public PriorSpace Scale { get; init; } = PriorSpace.Linear;
    [Description("Why this range: the source or the argument.")] public string Why { get; init; } = "";
}

public sealed record PriorsLoadResult(PriorsSpec? Spec, IReadOnlyList<ScenarioError> Errors)
{
    public bool Ok => Spec is not null && Errors.Count == 0;
}

/// <summary>Loads a priors file with the scenario loader's machinery; every problem is one located line.</summary>
public static class PriorsLoader
{
    public static PriorsLoadResult Load(string file)
    {
        var (text, error) = SpecFile.Read(file, "a readable priors file");
        return error is null ? LoadText(text!, file) : new PriorsLoadResult(null, [error]);
    }

    public static PriorsLoadResult LoadText(string yaml, string file)
    {
        PriorsSpec? loaded = null;
        var errors = SpecFile.Load<PriorsSpec>(yaml, file, "a priors file", (spec, at, found) =>
        {
            void Error(string path, string expected, string what) => found.Add(at(path).Error(path, expected, what));
            if (spec.Parameters.Count == 0) Error("parameters", "at least one parameter (path, lo, hi)", "none");
            var paths = new HashSet<string>(StringComparer.Ordinal);
            for (int i = 0; i < spec.Parameters.Count; i++)
            {
                var p = spec.Parameters[i];
                var here = $"parameters[{i}]";
                if (!paths.Add(p.Path)) Error($"{here}.path", "each path once", $"'{p.Path}' again");
                if (p.Lo is not { } lo || p.Hi is not { } hi) continue;
                if (!double.IsFinite(lo)) Error($"{here}.lo", "a finite number", Num(lo));
                else if (!double.IsFinite(hi)) Error($"{here}.hi", "a finite number", Num(hi));
                else if (hi <= lo) Error($"{here}.hi", $"a number above lo ({Num(lo)})", Num(hi));
                else if (p.Scale == PriorSpace.Log && lo <= 0) Error($"{here}.lo", "a number above 0 (scale: log)", Num(lo));
            }
            loaded = spec;
        });
        return new PriorsLoadResult(errors.Count == 0 ? loaded : null, errors);
    }

    private static string Num(double x) => x.ToString(CultureInfo.InvariantCulture);
}
