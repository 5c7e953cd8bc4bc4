using System.Globalization;
using System.Text.RegularExpressions;

namespace SovereigntySim.Domain.Scenario;

/// <summary>A moment of a scenario as an offset from its start: written 'day N [HH:MM]' (day 1 is the start
/// date) or as an absolute ISO 8601 timestamp, resolved against the start when the scenario is compiled.</summary>
public readonly partial record struct ScenarioTime(TimeSpan? Offset, DateTimeOffset? Absolute)
{
    public TimeSpan OffsetFrom(DateTimeOffset start) => Offset ?? (Absolute!.Value - start);

    public static bool TryParse(string text, out ScenarioTime value, out string error)
    {
        value = default;
        var m = DayPattern().Match(text.Trim());
        if (m.Success)
        {
            int day = int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture);
            int hh = m.Groups[2].Success ? int.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture) : 0;
            int mm = m.Groups[3].Success ? int.Parse(m.Groups[3].Value, CultureInfo.InvariantCulture) : 0;
            if (day < 1) { error = "day numbers start at 1"; return false; }
            if (hh > 23 || mm > 59) { error = "a time of day HH:MM with HH 00-23 and MM 00-59"; return false; }
            value = new ScenarioTime(TimeSpan.FromDays(day - 1) + new TimeSpan(hh, mm, 0), null);
            error = "";
            return true;
        }
        if (DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var abs))
        {
            value = new ScenarioTime(null, abs);
            error = "";
            return true;
        }
        error = "'day N' or 'day N HH:MM' (day 1 is the start date) or an ISO 8601 timestamp";
        return false;
    }

    public override string ToString() => Offset is { } o
        ? $"day {(int)o.TotalDays + 1} {o.Hours:00}:{o.Minutes:00}"
        : Absolute!.Value.ToString("O", CultureInfo.InvariantCulture);

    [GeneratedRegex(@"^day\s+(\d+)(?:\s+(\d{1,2}):(\d{2}))?$", RegexOptions.IgnoreCase)]
    private static partial Regex DayPattern();
}

/// <summary>Durations are written with units: 90m, 36h, 30d, 2d12h.</summary>
public static partial class DurationText
{
    public static bool TryParse(string text, out TimeSpan value)
    {
        value = TimeSpan.Zero;
        var m = Pattern().Match(text.Trim());
        if (!m.Success || m.Length == 0) return false;
        double d = m.Groups[1].Success ? double.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture) : 0;
        double h = m.Groups[2].Success ? double.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture) : 0;
        double min = m.Groups[3].Success ? double.Parse(m.Groups[3].Value, CultureInfo.InvariantCulture) : 0;
        value = TimeSpan.FromDays(d) + TimeSpan.FromHours(h) + TimeSpan.FromMinutes(min);
        return true;
    }

    public static string Format(TimeSpan t)
    {
        if (t.TotalMinutes % 1440 == 0) return $"{(long)t.TotalDays}d";
        if (t.TotalMinutes % 60 == 0) return $"{(long)t.TotalHours}h";
        return $"{(long)t.TotalMinutes}m";
    }

    [GeneratedRegex(@"^(?=\d)(?:(\d+(?:\.\d+)?)d)?(?:(\d+(?:\.\d+)?)h)?(?:(\d+(?:\.\d+)?)m)?$")]
    private static partial Regex Pattern();
}
