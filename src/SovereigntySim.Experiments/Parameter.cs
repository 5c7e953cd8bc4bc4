using System.Globalization;

namespace SovereigntySim.Experiments;

/// <summary>
/// One scenario value an experiment varies: a path as `--set` takes it (e.g. `countries.MX.acceptance.weeklyFlightCap`)
/// and the values it may take. Designs only ever ask a parameter for the value at a point u of [0, 1]
/// (<see cref="FromUnit"/>) or for its grid (<see cref="GridValues"/>), so every design handles ranges and lists alike.
/// </summary>
public abstract record Parameter(string Path)
{
    /// <summary>Grids larger than this are refused: each value is at least one simulation run.</summary>
    public const int MaxGridValues = 100_000;

    /// <summary>
    /// The value at u in [0, 1]. Equal-width bins for discrete parameters, so each integer or list item is equally
    /// likely under uniform u and both ends are reached (u = 0 gives the first, u = 1 the last).
    /// </summary>
    public abstract ParameterValue FromUnit(double u);

    /// <summary>The values of a grid sweep, in order.</summary>
    public abstract IReadOnlyList<ParameterValue> GridValues();

    /// <summary>
    /// Parses `path=lo:hi`, `path=lo:hi:step` or `path=v1,v2,...`. A text with a comma is a list, else one with a
    /// colon a range, else a list of one value. A range is integer-valued when its bounds (and step) are written as
    /// integers: write `0.0:2` for a real range from 0 to 2.
    /// </summary>
    public static ParameterParseResult Parse(string text)
    {
        int eq = text.IndexOf('=');
        if (eq < 0) return Fail(text, "missing '=': expected path=lo:hi, path=lo:hi:step or path=v1,v2,...");
        string path = text[..eq].Trim();
        string spec = text[(eq + 1)..].Trim();
        if (path.Length == 0) return Fail(text, "missing path before '='");
        if (spec.Length == 0) return Fail(text, "missing values after '='");
        if (spec.Contains(',') || !spec.Contains(':')) return ParseList(text, path, spec);
        return ParseRange(text, path, spec);
    }

    private static ParameterParseResult ParseList(string text, string path, string spec)
    {
        var items = spec.Split(',').Select(v => v.Trim()).ToArray();
        int empty = Array.FindIndex(items, v => v.Length == 0);
        if (empty >= 0) return Fail(text, $"empty value at position {empty + 1} of the list");
        return new ParameterParseResult(new ListParameter(path, items), null);
    }

    private static ParameterParseResult ParseRange(string text, string path, string spec)
    {
        var parts = spec.Split(':').Select(v => v.Trim()).ToArray();
        if (parts.Length > 3) return Fail(text, $"a range has 2 or 3 parts (lo:hi or lo:hi:step), found {parts.Length}");
        var numbers = new double[parts.Length];
        string[] names = ["lower bound", "upper bound", "step"];
        for (int i = 0; i < parts.Length; i++)
        {
            if (!double.TryParse(parts[i], NumberStyles.Float, CultureInfo.InvariantCulture, out numbers[i])
                || !double.IsFinite(numbers[i]))
                return Fail(text, $"non-numeric {names[i]} '{parts[i]}'");
        }
        double lo = numbers[0], hi = numbers[1];
        double? step = parts.Length == 3 ? numbers[2] : null;
        if (step is <= 0) return Fail(text, $"step must be positive, found {parts[2]}");
        if (lo > hi) return Fail(text, $"empty range: lower bound {parts[0]} is greater than upper bound {parts[1]}");
        bool integer = parts.All(p => long.TryParse(p, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out _));
        var range = new RangeParameter(path, lo, hi, step, integer);
        if (step is not null)
        {
            double count = RangeParameter.GridCount(lo, hi, step.Value);
            if (count > MaxGridValues)
                return Fail(text, $"too many grid values: {count:0} (at most {MaxGridValues})");
        }
        return new ParameterParseResult(range, null);
    }

    private static ParameterParseResult Fail(string text, string problem) => new(null, $"'{text}': {problem}");

    /// <summary>Invariant-culture, round-trip text; whole numbers without decimals; no negative zero.</summary>
    public static string Format(double value) =>
        (value == 0 ? 0.0 : value).ToString("R", CultureInfo.InvariantCulture);
}

/// <summary>A numeric range [Lo, Hi]; Step only matters to grids; integer ranges yield whole numbers only.</summary>
public sealed record RangeParameter(string Path, double Lo, double Hi, double? Step = null, bool IsInteger = false)
    : Parameter(Path)
{
    public override ParameterValue FromUnit(double u)
    {
        u = Math.Clamp(u, 0, 1);
        if (!IsInteger) return Value(Lo + u * (Hi - Lo));
        double count = Math.Floor(Hi) - Math.Ceiling(Lo) + 1;
        return Value(Math.Ceiling(Lo) + Math.Min(Math.Floor(u * count), count - 1));
    }

    public override IReadOnlyList<ParameterValue> GridValues()
    {
        double step = Step ?? (IsInteger ? 1 : throw new ArgumentException(
            $"{Path}={Parameter.Format(Lo)}:{Parameter.Format(Hi)} has no step: a grid needs {Path}=lo:hi:step"));
        double count = GridCount(Lo, Hi, step);
        if (count > MaxGridValues)
            throw new ArgumentException($"{Path}: too many grid values: {count:0} (at most {MaxGridValues})");
        var values = new ParameterValue[(int)count];
        for (int i = 0; i < values.Length; i++)
        {
            // Lo + i·step carries rounding error (0.1·3 = 0.30000000000000004); 15 significant digits remove it,
            // and the last value is Hi itself when the step lands on it within the tolerance.
            double v = double.Parse((Lo + i * step).ToString("G15", CultureInfo.InvariantCulture), CultureInfo.InvariantCulture);
            if (i == values.Length - 1 && Math.Abs(v - Hi) <= GridTolerance * step) v = Hi;
            values[i] = Value(IsInteger ? Math.Round(v) : v);
        }
        return values;
    }

    /// <summary>Relative to the step: how close to Hi the last grid value must come to count as reaching it.</summary>
    public const double GridTolerance = 1e-9;

    /// <summary>Number of values Lo, Lo+step, ... up to Hi inclusive (within <see cref="GridTolerance"/>).</summary>
    public static double GridCount(double lo, double hi, double step) => Math.Floor((hi - lo) / step + GridTolerance) + 1;

    private ParameterValue Value(double v) => new(Path, Format(v), v == 0 ? 0.0 : v);
}

/// <summary>An explicit list of values, kept as written (`true,false`, `1,2,5`, `10d,20d`).</summary>
public sealed record ListParameter(string Path, IReadOnlyList<string> Values) : Parameter(Path)
{
    public override ParameterValue FromUnit(double u)
    {
        int index = (int)Math.Min(Math.Floor(Math.Clamp(u, 0, 1) * Values.Count), Values.Count - 1);
        return Value(index);
    }

    public override IReadOnlyList<ParameterValue> GridValues() => Enumerable.Range(0, Values.Count).Select(Value).ToArray();

    private ParameterValue Value(int index)
    {
        string text = Values[index];
        double? number = double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double v) ? v : null;
        return new ParameterValue(Path, text, number);
    }
}

/// <summary>The outcome of <see cref="Parameter.Parse"/>: the parameter, or an error naming the input and the problem.</summary>
public sealed record ParameterParseResult(Parameter? Parameter, string? Error)
{
    public bool IsSuccess => Parameter is not null;
}

/// <summary>One parameter's value at a design point: Text goes to `--set Path=Text`; Number is set where it is numeric.</summary>
public sealed record ParameterValue(string Path, string Text, double? Number)
{
    /// <summary>The `--set` argument for this value.</summary>
    public string Setting => $"{Path}={Text}";
}
