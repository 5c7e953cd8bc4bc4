using System.Globalization;
using System.Text;

namespace SovereigntySim.Reports;

internal static class Format
{
    /// <summary>A number for a table or a label: thousands grouped above 1000, four significant digits below; "–" for missing.</summary>
    public static string Number(double v)
    {
        if (!double.IsFinite(v)) return "–";
        double a = Math.Abs(v);
        if (a >= 1e12 || (a < 1e-3 && a > 0)) return v.ToString("G4", CultureInfo.InvariantCulture);
        if (a >= 1000) return v.ToString("#,0", CultureInfo.InvariantCulture);
        return Math.Round(v, 4 - (a >= 1 ? (int)Math.Floor(Math.Log10(a)) + 1 : 0)).ToString("0.####", CultureInfo.InvariantCulture);
    }

    /// <summary>A share as a whole percentage ("42%"); "–" for missing.</summary>
    public static string Share(double v) => double.IsFinite(v) ? Math.Round(v * 100).ToString("0", CultureInfo.InvariantCulture) + "%" : "–";

    /// <summary>An element id made of [a-z0-9-] from any text.</summary>
    public static string Slug(string text)
    {
        var b = new StringBuilder();
        foreach (char c in text.ToLowerInvariant())
            b.Append(c is >= 'a' and <= 'z' or >= '0' and <= '9' ? c : '-');
        return string.Join('-', b.ToString().Split('-', StringSplitOptions.RemoveEmptyEntries));
    }
}
