using System.Globalization;
using System.Text.RegularExpressions;

namespace SovereigntySim.Scenarios;

/// <summary>The leaf types of the scenario model: how each is written in YAML, converted, and described.</summary>
internal static partial class Scalars
{
    private const string IsoBody = @"\d{4}-\d{2}-\d{2}(?:[Tt ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:[Zz]|[+-]\d{2}:\d{2})?)?";

    /// <summary>ISO 8601 timestamps; stricter than DateTimeOffset.TryParse so files mean the same in every culture.</summary>
    public const string TimestampPattern = "^" + IsoBody + "$";

    /// <summary>Mirrors DurationText's grammar (90m, 36h, 30d, 2d12h) for the schema.</summary>
    public const string DurationPattern = @"^(?=\d)(?:\d+(?:\.\d+)?d)?(?:\d+(?:\.\d+)?h)?(?:\d+(?:\.\d+)?m)?$";

    /// <summary>Mirrors ScenarioTime's grammar: 'day N [HH:MM]' or a timestamp.</summary>
    public const string ScenarioTimePattern = @"^(?:[Dd][Aa][Yy]\s+\d+(?:\s+\d{1,2}:\d{2})?|" + IsoBody + ")$";

    public static bool IsScalar(Type t) =>
        t == typeof(string) || t == typeof(int) || t == typeof(long) || t == typeof(double) || t == typeof(bool)
        || t.IsEnum || t == typeof(DateTimeOffset) || t == typeof(TimeSpan) || t == typeof(ScenarioTime);

    public static IReadOnlyList<string> EnumNames(Type t) => Enum.GetNames(t).Select(ScenarioModel.CamelCase).ToList();

    /// <summary>What a value of this type looks like, for "expected ..." messages.</summary>
    public static string Describe(Type t) => t switch
    {
        _ when t == typeof(string) => "a string",
        _ when t == typeof(int) || t == typeof(long) => "an integer",
        _ when t == typeof(double) => "a number",
        _ when t == typeof(bool) => "true or false",
        _ when t.IsEnum => "one of: " + string.Join(", ", EnumNames(t)),
        _ when t == typeof(DateTimeOffset) => "an ISO 8601 timestamp such as 2025-01-20T00:00:00Z",
        _ when t == typeof(TimeSpan) => "a duration such as 30d, 36h, 90m or 2d12h",
        _ when t == typeof(ScenarioTime) => "a time such as 'day 3 08:00' or an ISO 8601 timestamp",
        _ when ScenarioModel.IsList(t, out _) => "a list",
        _ => "a mapping",
    };

    /// <summary>Converts scalar text to <paramref name="t"/>; on failure <paramref name="expected"/> says what would do.</summary>
    public static bool TryConvert(Type t, string text, out object? value, out string expected)
    {
        try
        {
            return ConvertText(t, text, out value, out expected);
        }
        catch (Exception e) when (e is ArithmeticException or ArgumentException or FormatException)
        {
            // The domain parsers throw on numbers too large for TimeSpan ("99999999999d", "day 99999999").
            value = null;
            expected = Describe(t) + " of a representable size";
            return false;
        }
    }

    private static bool ConvertText(Type t, string text, out object? value, out string expected)
    {
        expected = Describe(t);
        value = null;
        var inv = CultureInfo.InvariantCulture;
        if (t == typeof(string)) value = text;
        else if (t == typeof(int) && int.TryParse(text, NumberStyles.AllowLeadingSign, inv, out var i)) value = i;
        else if (t == typeof(long) && long.TryParse(text, NumberStyles.AllowLeadingSign, inv, out var l)) value = l;
        else if (t == typeof(double) && double.TryParse(text, NumberStyles.Float, inv, out var d) && double.IsFinite(d)) value = d;
        else if (t == typeof(bool) && bool.TryParse(text, out var b)) value = b; // true/false in any case, as YAML 1.2
        else if (t.IsEnum) value = Enum.GetNames(t).FirstOrDefault(n => ScenarioModel.CamelCase(n) == text) is { } name ? Enum.Parse(t, name) : null;
        else if (t == typeof(DateTimeOffset) && Timestamp().IsMatch(text)
                 && DateTimeOffset.TryParse(text, inv, DateTimeStyles.AssumeUniversal, out var dto)) value = dto;
        else if (t == typeof(TimeSpan) && DurationText.TryParse(text, out var span)) value = span;
        else if (t == typeof(ScenarioTime))
        {
            if (!ScenarioTime.TryParse(text, out var st, out var error)) expected = "a scenario time: " + error;
            else if (st.Absolute is null || Timestamp().IsMatch(text.Trim())) value = st;
        }
        return value is not null;
    }

    [GeneratedRegex(TimestampPattern)]
    private static partial Regex Timestamp();
}
