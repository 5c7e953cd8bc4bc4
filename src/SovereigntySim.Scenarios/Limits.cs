using System.Text;

namespace SovereigntySim.Scenarios;

/// <summary>Bounds on scenario input, so that any file or --set value is answered (accepted or refused with a located
/// error) within a second or two. Documented in README.md ("Strict input").</summary>
public static class Limits
{
    /// <summary>Largest scenario file read (the shipped ones are under 16 KiB).</summary>
    public const int MaxFileBytes = 1 << 20;
    /// <summary>Deepest nesting of mappings and lists (the scenario model needs 6); checked while parsing.</summary>
    public const int MaxDepth = 32;
    /// <summary>Longest simulated period.</summary>
    public const int MaxDays = 3660;
    /// <summary>Most people over a run: detained at the start plus expected arrivals.</summary>
    public const double MaxPeople = 20_000_000;
    /// <summary>Longest scenario name (it names the output folder and run ids).</summary>
    public const int MaxNameLength = 100;
}

/// <summary>Foreign text made safe to print: control and bidirectional-format characters escaped, and cut to a short
/// excerpt, so a message can neither drive the terminal nor flood it.</summary>
public static class SafeText
{
    public static string Excerpt(string? text, int max = 80)
    {
        if (string.IsNullOrEmpty(text)) return text ?? "";
        var sb = new StringBuilder(Math.Min(text.Length, max) + 16);
        int shown = 0;
        foreach (char c in text)
        {
            if (shown >= max)
            {
                sb.Append($"...({text.Length - shown} more characters)");
                break;
            }
            if (char.IsControl(c) || c is >= '\u202A' and <= '\u202E' or >= '\u2066' and <= '\u2069' or '\u200E' or '\u200F' or '\uFEFF')
                sb.Append(c <= 0xFF ? $"\\x{(int)c:X2}" : $"\\u{(int)c:X4}");
            else sb.Append(c);
            shown++;
        }
        return sb.ToString();
    }
}
