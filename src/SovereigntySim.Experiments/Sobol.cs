using MathNet.Numerics.Statistics;
using SovereigntySim.Domain.Randomness;

namespace SovereigntySim.Experiments;

/// <summary>
/// Saltelli's sampling scheme for Sobol' indices (Saltelli et al. 2010): two independent N×k matrices A and B of
/// uniforms on [0, 1]^k and, for each parameter i, AB_i = A with column i taken from B: N(k + 2) runs. Row j of A
/// and B together is point j of a 2k-dimensional sample: pseudo-random from the seed's stream, or the digitally
/// shifted Sobol' sequence (<see cref="SaltelliSampling.Sobol"/>: smaller errors at the same N, best with N a
/// power of two; up to <see cref="SobolSequence.MaxDimensions"/>/2 parameters). Points come in blocks of N: A,
/// then B, then AB_1 … AB_k, row j of every block belonging to base sample j (see <see cref="IndexOfA"/>,
/// <see cref="IndexOfB"/>, <see cref="IndexOfAB"/>).
/// </summary>
public sealed record SaltelliDesign(
    IReadOnlyList<Parameter> Parameters,
    IReadOnlyList<DesignPoint> Points,
    int BaseSamples,
    long Seed,
    SaltelliSampling Sampling) : Design(Parameters, Points)
{
    public static SaltelliDesign Create(
        IReadOnlyList<Parameter> parameters, int baseSamples, long seed, SaltelliSampling sampling = SaltelliSampling.PseudoRandom)
    {
        Validate(parameters);
        if (baseSamples < 2) throw new ArgumentException($"Saltelli sampling needs at least 2 base samples, found {baseSamples}");
        int k = parameters.Count;
        int n = baseSamples;
        var points = new DesignPoint[CheckedSize((double)n * (k + 2), "the Saltelli design")];
        if (sampling == SaltelliSampling.Sobol && 2 * k > SobolSequence.MaxDimensions)
            throw new ArgumentException(
                $"Sobol' sampling here supports up to {SobolSequence.MaxDimensions / 2} parameters, found {k}: use pseudo-random sampling");
        var rows = sampling == SaltelliSampling.Sobol ? SobolSequence.Points(n, 2 * k, seed) : null;
        var random = Stream(seed, "saltelli");
        var a = new double[k];
        var b = new double[k];
        var ab = new double[k];
        for (int j = 0; j < n; j++)
        {
            // Row j of A and of B are one 2k-dimensional point: A takes its first k coordinates, B the others.
            for (int i = 0; i < 2 * k; i++) (i < k ? a : b)[i % k] = rows is null ? random.NextDouble() : rows[j][i];
            points[j] = AtUnit(parameters, j, a);
            points[n + j] = AtUnit(parameters, n + j, b);
            for (int i = 0; i < k; i++)
            {
                a.CopyTo(ab, 0);
                ab[i] = b[i];
                int index = (2 + i) * n + j;
                points[index] = AtUnit(parameters, index, ab);
            }
        }
        return new SaltelliDesign(parameters, points, n, seed, sampling);
    }

    /// <summary>Index of row <paramref name="sample"/> of A among the points (and outputs).</summary>
    public int IndexOfA(int sample) => sample;
    /// <summary>Index of row <paramref name="sample"/> of B among the points (and outputs).</summary>
    public int IndexOfB(int sample) => BaseSamples + sample;
    /// <summary>Index of row <paramref name="sample"/> of AB_i (A with column <paramref name="parameter"/> from B).</summary>
    public int IndexOfAB(int parameter, int sample) => (2 + parameter) * BaseSamples + sample;
}

/// <summary>Where the base samples of a Saltelli design come from.</summary>
public enum SaltelliSampling
{
    /// <summary>Uniforms from the seed's SplitMix64 stream: any N, any number of parameters.</summary>
    PseudoRandom,
    /// <summary>The digitally shifted Sobol' sequence (<see cref="SobolSequence"/>): lower error at the same N.</summary>
    Sobol,
}

/// <summary>Sobol' indices of one parameter: First (S1, its own share of the variance) and Total (ST, with interactions).</summary>
public sealed record SobolIndex(string Path, double First, double Total);

/// <summary>The indices and the output variance they are shares of (indices are NaN when it is zero).</summary>
public sealed record SobolResult(double Variance, IReadOnlyList<SobolIndex> Indices);

/// <summary>
/// Percentile bootstrap interval of one parameter's indices: how far the estimates could move with other base
/// samples, which matters when each run is a noisy simulation and N is small.
/// </summary>
public sealed record SobolInterval(string Path, double FirstLow, double FirstHigh, double TotalLow, double TotalHigh);

public static class SobolAnalysis
{
    /// <summary>
    /// S1ᵢ = mean(f(B)·(f(AB_i) − f(A))) / V (Saltelli et al. 2010) and STᵢ = mean((f(A) − f(AB_i))²) / 2 / V
    /// (Jansen 1999), V the sample variance (n − 1) of the 2N outputs of A and B pooled. Both are unbiased for
    /// the partial variances; at finite N an S1 of a parameter with no effect may come out slightly negative.
    /// </summary>
    /// <param name="design">The design the runs came from.</param>
    /// <param name="outputs">One output per design point, in point order; NaN is refused.</param>
    public static SobolResult Estimate(SaltelliDesign design, IReadOnlyList<double> outputs)
    {
        Outputs.RequireComplete(outputs, design.Points.Count, "Sobol' analysis");
        var (variance, first, total) = Indices(design, outputs, Enumerable.Range(0, design.BaseSamples).ToArray());
        var indices = design.Parameters.Select((p, i) => new SobolIndex(p.Path, first[i], total[i])).ToArray();
        return new SobolResult(variance, indices);
    }

    /// <summary>
    /// Percentile bootstrap (Efron &amp; Tibshirani 1993) of the same estimators: base samples j are drawn with
    /// replacement (A, B and every AB_i row j together, since they are paired), <paramref name="resamples"/> times,
    /// from the stream of <paramref name="seed"/>; bounds are R-7 quantiles of the resampled indices.
    /// </summary>
    public static IReadOnlyList<SobolInterval> Bootstrap(
        SaltelliDesign design, IReadOnlyList<double> outputs, int resamples, long seed, double confidence = 0.95)
    {
        Outputs.RequireComplete(outputs, design.Points.Count, "Sobol' analysis");
        if (resamples < 2) throw new ArgumentException($"a bootstrap needs at least 2 resamples, found {resamples}");
        if (!(confidence > 0 && confidence < 1)) throw new ArgumentOutOfRangeException(nameof(confidence), confidence, "must be in (0, 1)");
        int n = design.BaseSamples, k = design.Parameters.Count;
        var random = new StreamRandom(Seeds.ForAgent(seed, "experiments/sobol-bootstrap"));
        var first = new double[k][];
        var total = new double[k][];
        for (int i = 0; i < k; i++) (first[i], total[i]) = (new double[resamples], new double[resamples]);
        var sample = new int[n];
        for (int b = 0; b < resamples; b++)
        {
            for (int j = 0; j < n; j++) sample[j] = random.Next(n);
            var (_, s1, st) = Indices(design, outputs, sample);
            for (int i = 0; i < k; i++) (first[i][b], total[i][b]) = (s1[i], st[i]);
        }
        double lowTau = (1 - confidence) / 2, highTau = 1 - lowTau;
        double Q(double[] values, double tau) => Statistics.QuantileCustom(values, tau, QuantileDefinition.R7);
        return design.Parameters.Select((p, i) => new SobolInterval(
            p.Path, Q(first[i], lowTau), Q(first[i], highTau), Q(total[i], lowTau), Q(total[i], highTau))).ToArray();
    }

    /// <summary>Variance and both indices of every parameter over the base samples listed (repeats allowed).</summary>
    private static (double Variance, double[] First, double[] Total) Indices(
        SaltelliDesign design, IReadOnlyList<double> outputs, int[] samples)
    {
        int n = samples.Length, k = design.Parameters.Count;
        var fA = new double[n];
        var fB = new double[n];
        for (int j = 0; j < n; j++)
        {
            fA[j] = outputs[design.IndexOfA(samples[j])];
            fB[j] = outputs[design.IndexOfB(samples[j])];
        }
        double variance = fA.Concat(fB).Variance();
        var first = new double[k];
        var total = new double[k];
        var firstTerms = new double[n];
        var totalTerms = new double[n];
        for (int i = 0; i < k; i++)
        {
            for (int j = 0; j < n; j++)
            {
                double fAB = outputs[design.IndexOfAB(i, samples[j])];
                firstTerms[j] = fB[j] * (fAB - fA[j]);
                totalTerms[j] = (fA[j] - fAB) * (fA[j] - fAB) / 2;
            }
            // A constant output has no variance to share out: the indices are undefined.
            first[i] = variance > 0 ? firstTerms.Mean() / variance : double.NaN;
            total[i] = variance > 0 ? totalTerms.Mean() / variance : double.NaN;
        }
        return (variance, first, total);
    }
}
