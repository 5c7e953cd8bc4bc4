using System.Globalization;
using System.Text.RegularExpressions;

namespace SovereigntySim.Web;

/// <summary>Run speed in human units: <c>1d/s</c>, <c>6h/s</c>, <c>30m/s</c>, <c>90s/s</c> (simulated time per wall
/// second) or <c>max</c> (as fast as possible).</summary>
public readonly partial record struct Speed(double? SimulatedSecondsPerSecond)
{
    public static readonly Speed Max = new(null);
    public static readonly Speed OneDayPerSecond = new(86_400);

    public bool IsMax => SimulatedSecondsPerSecond is null;

    public static bool TryParse(string? text, out Speed speed, out string error)
    {
        speed = Max;
        error = "";
        var t = (text ?? "").Trim();
        if (t.Equals("max", StringComparison.OrdinalIgnoreCase)) return true;
        var m = Pattern().Match(t);
        if (!m.Success || !double.TryParse(m.Groups[1].Value, NumberStyles.Float, CultureInfo.InvariantCulture, out var n) || !(n > 0))
        {
            error = $"a speed such as 1d/s, 6h/s, 30m/s or max, found '{Scenarios.SafeText.Excerpt(t, 40)}'";
            return false;
        }
        double seconds = n * m.Groups[2].Value switch { "d" => 86_400, "h" => 3_600, "m" => 60, _ => 1 };
        // The same bounds as `sovsim run --speed` (simulated seconds per wall second).
        if (seconds is < 0.001 or > 1e9)
        {
            error = "a speed between 0.001 simulated seconds and 1e9 simulated seconds (about 31 years) per second";
            return false;
        }
        speed = new Speed(seconds);
        return true;
    }

    public override string ToString() => SimulatedSecondsPerSecond switch
    {
        null => "max",
        var s when s % 86_400 == 0 => $"{s / 86_400:0.###}d/s",
        var s when s % 3_600 == 0 => $"{s / 3_600:0.###}h/s",
        var s when s % 60 == 0 => $"{s / 60:0.###}m/s",
        var s => $"{s:0.###}s/s",
    };

    [GeneratedRegex(@"^([0-9]+(?:\.[0-9]+)?)\s*([dhms])\s*/\s*s$")]
    private static partial Regex Pattern();
}
