using MathNet.Numerics.Statistics;

namespace SovereigntySim.Experiments;

/// <summary>
/// Saltelli's sampling scheme for Sobol' indices (Saltelli et al. 2010): two independent N×k matrices A and B of
/// uniforms on [0, 1]^k and, for each parameter i, AB_i = A with column i taken from B: N(k + 2) runs. Row j of A
/// and B together is point j of a 2k-dimensional sample: pseudo-random from the seed's stream, or the digitally
/// shifted Sobol' sequence (<see cref="SaltelliSampling.Sobol"/>: smaller errors at the same N, best with N a
/// power of two; up to <see cref="SobolSequence.MaxDimensions"/>/2 parameters). Points come in blocks of N: A, then B, then AB_1 … AB_k, row j of every block
/// belonging to base sample j (see <see cref="IndexOfA"/>, <see cref="IndexOfB"/>, <see cref="IndexOfAB"/>).
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

    public int IndexOfA(int sample) => sample;
    public int IndexOfB(int sample) => BaseSamples + sample;
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
        int n = design.BaseSamples;
        var fA = new double[n];
        var fB = new double[n];
        for (int j = 0; j < n; j++)
        {
            fA[j] = outputs[design.IndexOfA(j)];
            fB[j] = outputs[design.IndexOfB(j)];
        }
        double variance = fA.Concat(fB).Variance();
        var first = new double[n];
        var total = new double[n];
        var indices = new SobolIndex[design.Parameters.Count];
        for (int i = 0; i < indices.Length; i++)
        {
            for (int j = 0; j < n; j++)
            {
                double fAB = outputs[design.IndexOfAB(i, j)];
                first[j] = fB[j] * (fAB - fA[j]);
                total[j] = (fA[j] - fAB) * (fA[j] - fAB) / 2;
            }
            indices[i] = variance > 0
                ? new SobolIndex(design.Parameters[i].Path, first.Mean() / variance, total.Mean() / variance)
                : new SobolIndex(design.Parameters[i].Path, double.NaN, double.NaN);
        }
        return new SobolResult(variance, indices);
    }
}
