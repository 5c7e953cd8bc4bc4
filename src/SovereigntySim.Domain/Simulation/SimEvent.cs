using System.Globalization;

namespace SovereigntySim.Domain.Simulation;

/// <summary>One entry of the canonical event log: when, what, who, to whom, why, and a few named values.</summary>
public sealed record SimEvent(
    long Tick,
    string Kind,
    string Actor,
    string? Subject = null,
    IReadOnlyList<string>? Reasons = null,
    IReadOnlyList<Field>? Fields = null)
{
    public double Number(string key, double fallback = 0)
    {
        if (Fields is null) return fallback;
        foreach (var f in Fields) if (f.Key == key && f.Number is { } n) return n;
        return fallback;
    }

    public string? Text(string key)
    {
        if (Fields is null) return null;
        foreach (var f in Fields) if (f.Key == key) return f.Text;
        return null;
    }
}

/// <summary>A named value of an event: a number, a text, or a yes/no (kept as "true"/"false" text, flagged so the
/// log writes it as a JSON boolean while a note that merely reads "true" stays a string).</summary>
public readonly record struct Field(string Key, double? Number = null, string? Text = null, bool IsFlag = false)
{
    public static Field Of(string key, double value) => new(key, Number: value);
    public static Field Of(string key, string value) => new(key, Text: value);
    public static Field Of(string key, bool value) => new(key, Text: value ? "true" : "false", IsFlag: true);

    public override string ToString() => Number is { } n ? $"{Key}={n.ToString("R", CultureInfo.InvariantCulture)}" : $"{Key}={Text}";
}
