namespace SovereigntySim.Reports;

/// <summary>
/// Bins for an outcome histogram. Integer outcomes spanning at most <see cref="MaxIntegerBins"/> values get one bin
/// per value (counts of flights or days read best that way). Otherwise the Freedman–Diaconis rule (width
/// 2·IQR·n^(−1/3), robust to the long tails of cost outcomes), falling back to Sturges (⌈log2 n⌉ + 1 bins) when the
/// IQR is zero or Freedman–Diaconis would give more than <see cref="MaxBins"/> bins. Integer data never gets bins
/// narrower than 1. The last bin is closed on the right, so every value is counted once.
/// </summary>
public static class Histogram
{
    public const int MaxIntegerBins = 30;
    public const int MaxBins = 50;

    public sealed record Bins(IReadOnlyList<double> Edges, IReadOnlyList<int> Counts, string Rule)
    {
        public int Total => Counts.Sum();
    }

    public static Bins Of(IEnumerable<double> data)
    {
        var v = data.Where(double.IsFinite).Order().ToArray();
        if (v.Length == 0) return new Bins([], [], "none");
        double min = v[0], max = v[^1];
        bool integers = v.All(x => x == Math.Floor(x));
        if (min == max) return new Bins([min - 0.5, max + 0.5], [v.Length], "one value");
        if (integers && max - min + 1 <= MaxIntegerBins)
            return Count(v, Enumerable.Range(0, (int)(max - min) + 2).Select(i => min - 0.5 + i).ToArray(), "one bin per value");

        double iqr = Quantile(v, 0.75) - Quantile(v, 0.25);
        double width = 2 * iqr / Math.Cbrt(v.Length);
        string rule = "Freedman–Diaconis";
        if (!(width > 0) || Math.Ceiling((max - min) / width) > MaxBins)
        {
            width = (max - min) / (Math.Ceiling(Math.Log2(v.Length)) + 1);
            rule = "Sturges";
        }
        if (integers) width = Math.Max(1, Math.Ceiling(width));
        int k = Math.Max(1, (int)Math.Ceiling((max - min) / width - 1e-9));
        return Count(v, Enumerable.Range(0, k + 1).Select(i => min + i * width).ToArray(), rule);
    }

    private static Bins Count(double[] sorted, double[] edges, string rule)
    {
        var counts = new int[edges.Length - 1];
        foreach (double x in sorted)
        {
            int i = (int)Math.Floor((x - edges[0]) / (edges[1] - edges[0]));
            counts[Math.Clamp(i, 0, counts.Length - 1)]++;
        }
        return new Bins(edges, counts, rule);
    }

    /// <summary>Quantile of sorted data by linear interpolation (type 7, as R and numpy default).</summary>
    public static double Quantile(IReadOnlyList<double> sorted, double p)
    {
        double h = (sorted.Count - 1) * p;
        int lo = (int)Math.Floor(h);
        int hi = Math.Min(lo + 1, sorted.Count - 1);
        return sorted[lo] + (h - lo) * (sorted[hi] - sorted[lo]);
    }
}
