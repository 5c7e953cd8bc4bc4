using MathNet.Numerics.Distributions;
using MathNet.Numerics.Statistics;

namespace SovereigntySim.Experiments;

/// <summary>
/// Summary of one output across replicates. N counts the values used; Missing the NaNs left out (runs without the
/// outcome, e.g. no agreement), so a mean is never silently over fewer runs than it seems. Sd is the sample
/// standard deviation (n − 1); CiLow/CiHigh the t-interval of the mean at <see cref="Confidence"/>. Quantiles are
/// R type 7 (linear interpolation between order statistics, the default of R and NumPy). With N = 0 everything
/// is NaN; with N = 1 Sd and the interval are NaN.
/// </summary>
public sealed record Distribution(
    int N,
    int Missing,
    double Mean,
    double Sd,
    double Confidence,
    double CiLow,
    double CiHigh,
    double Median,
    double Q05,
    double Q25,
    double Q75,
    double Q95,
    double Min,
    double Max);

public static class Descriptive
{
    /// <summary>Describes the non-NaN values; confidence is the two-sided level of the interval of the mean.</summary>
    public static Distribution Describe(IEnumerable<double> values, double confidence = 0.95)
    {
        if (!(confidence > 0 && confidence < 1)) throw new ArgumentOutOfRangeException(nameof(confidence), confidence, "must be in (0, 1)");
        var all = values as IReadOnlyCollection<double> ?? values.ToArray();
        double[] sorted = all.Where(v => !double.IsNaN(v)).ToArray();
        Array.Sort(sorted);
        int n = sorted.Length;
        int missing = all.Count - n;
        if (n == 0)
            return new Distribution(0, missing, double.NaN, double.NaN, confidence, double.NaN, double.NaN,
                double.NaN, double.NaN, double.NaN, double.NaN, double.NaN, double.NaN, double.NaN);
        double mean = sorted.Mean();
        double sd = sorted.StandardDeviation(); // NaN for n = 1
        double halfWidth = n >= 2
            ? StudentT.InvCDF(0, 1, n - 1, 1 - (1 - confidence) / 2) * sd / Math.Sqrt(n)
            : double.NaN;
        double Q(double tau) => SortedArrayStatistics.QuantileCustom(sorted, tau, QuantileDefinition.R7);
        return new Distribution(n, missing, mean, sd, confidence, mean - halfWidth, mean + halfWidth,
            // Every continuous quantile definition, R-7 included, gives the usual median at 0.5.
            SortedArrayStatistics.Median(sorted),
            Q(0.05), Q(0.25), Q(0.75), Q(0.95), sorted[0], sorted[^1]);
    }
}
