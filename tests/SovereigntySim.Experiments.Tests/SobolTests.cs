namespace SovereigntySim.Experiments.Tests;

public sealed class SobolTests
{
    private const double A = 7, B = 0.1;

    private static readonly Parameter[] Ishigami =
    [
        new RangeParameter("x1", -Math.PI, Math.PI),
        new RangeParameter("x2", -Math.PI, Math.PI),
        new RangeParameter("x3", -Math.PI, Math.PI),
    ];

    // Ishigami & Homma (1990): f = sin x1 + a sin² x2 + b x3⁴ sin x1 on [−π, π]³.
    private static double F(DesignPoint p) =>
        Math.Sin(p.Number(0)) + A * Math.Pow(Math.Sin(p.Number(1)), 2) + B * Math.Pow(p.Number(2), 4) * Math.Sin(p.Number(0));

    // Analytic partial variances (e.g. Saltelli et al. 2008, Global Sensitivity Analysis: The Primer, §4.8).
    private static readonly double V1 = 0.5 * Math.Pow(1 + B * Math.Pow(Math.PI, 4) / 5, 2);
    private static readonly double V2 = A * A / 8;
    private static readonly double V13 = 8 * B * B * Math.Pow(Math.PI, 8) / 225;
    private static readonly double V = 0.5 + A * A / 8 + B * Math.Pow(Math.PI, 4) / 5 + B * B * Math.Pow(Math.PI, 8) / 18;
    private static readonly double[] ExpectedFirst = [V1 / V, V2 / V, 0];
    private static readonly double[] ExpectedTotal = [(V1 + V13) / V, V2 / V, V13 / V];

    // Pseudo-random base samples. Measured when this test was written, over seeds 1000..1049 / 1000..1029:
    // N = 8192 gave standard deviations up to 0.015 per index (errors up to 0.038: 0.03 would fail for some seeds);
    // N = 65536 gives at most 0.0053 (errors up to 0.013). With N = 65536 (under a second) a tolerance of 0.03
    // is over 5.6 standard deviations, so a correct estimator passes for practically every seed, while a wrong
    // formula (f(A) in place of f(B) in S1, ST without its 1/2) misses by far more.
    private const int N = 65536;
    private const double Tolerance = 0.03;

    [Fact]
    public void The_analytic_indices_are_the_published_ones()
    {
        Assert.Equal([0.3139, 0.4424, 0], ExpectedFirst.Select(v => Math.Round(v, 4)));
        Assert.Equal([0.5576, 0.4424, 0.2437], ExpectedTotal.Select(v => Math.Round(v, 4)));
    }

    [Fact]
    public void Indices_of_the_Ishigami_function_match_the_analytic_ones()
    {
        var design = SaltelliDesign.Create(Ishigami, N, seed: 2026);
        Assert.Equal(N * 5, design.Points.Count);
        var result = SobolAnalysis.Estimate(design, design.Points.Select(F).ToArray());
        Assert.Equal(V, result.Variance, 0.05 * V);
        for (int i = 0; i < 3; i++)
        {
            Assert.Equal(Ishigami[i].Path, result.Indices[i].Path);
            Assert.Equal(ExpectedFirst[i], result.Indices[i].First, Tolerance);
            Assert.Equal(ExpectedTotal[i], result.Indices[i].Total, Tolerance);
        }
    }

    // Sobol' sampling, N = 4096: over 30 digital shifts (seeds 1000..1029) the largest standard deviation of an
    // estimate was 0.0015 and the largest error 0.0031, so 0.01 is over 6 standard deviations, and three times
    // tighter than the pseudo-random test with a sixteenth of the runs.
    [Fact]
    public void Sobol_sampling_reaches_the_analytic_indices_with_fewer_runs()
    {
        var design = SaltelliDesign.Create(Ishigami, 4096, seed: 2026, SaltelliSampling.Sobol);
        Assert.Equal(SaltelliSampling.Sobol, design.Sampling);
        var result = SobolAnalysis.Estimate(design, design.Points.Select(F).ToArray());
        for (int i = 0; i < 3; i++)
        {
            Assert.Equal(ExpectedFirst[i], result.Indices[i].First, 0.01);
            Assert.Equal(ExpectedTotal[i], result.Indices[i].Total, 0.01);
        }
    }

    [Theory]
    [InlineData(SaltelliSampling.PseudoRandom)]
    [InlineData(SaltelliSampling.Sobol)]
    public void The_same_seed_gives_identical_estimates(SaltelliSampling sampling)
    {
        SobolIndex[] Estimate(long seed)
        {
            var design = SaltelliDesign.Create(Ishigami, 256, seed, sampling);
            return SobolAnalysis.Estimate(design, design.Points.Select(F).ToArray()).Indices.ToArray();
        }
        Assert.Equal(Estimate(3), Estimate(3));
        Assert.NotEqual(Estimate(3), Estimate(4));
    }

    [Fact]
    public void Bootstrap_intervals_are_as_wide_as_the_spread_over_seeds()
    {
        // Standard deviations of the six pseudo-random estimates at N = 8192 over seeds 1000..1049 (S1 then ST),
        // measured when this test was written: a calibrated 95 % interval is about 2 × 1.96 of them wide.
        double[] sd = [0.0152, 0.0126, 0.0119, 0.0113, 0.0076, 0.0051];
        var design = SaltelliDesign.Create(Ishigami, 8192, seed: 2026);
        var y = design.Points.Select(F).ToArray();
        var estimate = SobolAnalysis.Estimate(design, y);
        var intervals = SobolAnalysis.Bootstrap(design, y, resamples: 200, seed: 1);
        for (int i = 0; i < 3; i++)
        {
            var (index, interval) = (estimate.Indices[i], intervals[i]);
            Assert.Equal(index.Path, interval.Path);
            Assert.InRange(index.First, interval.FirstLow, interval.FirstHigh);
            Assert.InRange(index.Total, interval.TotalLow, interval.TotalHigh);
            Assert.InRange((interval.FirstHigh - interval.FirstLow) / (2 * 1.96 * sd[i]), 0.5, 2);
            Assert.InRange((interval.TotalHigh - interval.TotalLow) / (2 * 1.96 * sd[3 + i]), 0.5, 2);
        }
        Assert.Equal(intervals, SobolAnalysis.Bootstrap(design, y, resamples: 200, seed: 1));
        Assert.NotEqual(intervals, SobolAnalysis.Bootstrap(design, y, resamples: 200, seed: 2));
    }

    [Fact]
    public void Sobol_sampling_refuses_more_parameters_than_it_has_dimensions_for()
    {
        var many = Enumerable.Range(0, 17).Select(i => (Parameter)new RangeParameter($"p{i}", 0, 1)).ToArray();
        var error = Assert.Throws<ArgumentException>(() => SaltelliDesign.Create(many, 8, 1, SaltelliSampling.Sobol));
        Assert.Contains("up to 16 parameters, found 17", error.Message);
        Assert.Equal(8 * 19, SaltelliDesign.Create(many, 8, 1).Points.Count);
    }

    [Theory]
    [InlineData(SaltelliSampling.PseudoRandom)]
    [InlineData(SaltelliSampling.Sobol)]
    public void AB_i_is_A_with_column_i_from_B(SaltelliSampling sampling)
    {
        var design = SaltelliDesign.Create(Ishigami, 16, seed: 1, sampling);
        for (int j = 0; j < 16; j++)
        {
            var (a, b) = (design.Points[design.IndexOfA(j)], design.Points[design.IndexOfB(j)]);
            for (int i = 0; i < 3; i++)
            {
                var ab = design.Points[design.IndexOfAB(i, j)];
                Assert.Equal(ab.Index, design.IndexOfAB(i, j));
                for (int c = 0; c < 3; c++) Assert.Equal(c == i ? b.Number(c) : a.Number(c), ab.Number(c));
            }
        }
    }

    [Fact]
    public void Missing_outputs_are_refused_and_a_constant_output_has_no_indices()
    {
        var design = SaltelliDesign.Create(Ishigami, 8, seed: 1);
        var y = design.Points.Select(F).ToArray();
        y[0] = double.NaN;
        Assert.Contains("1 of 40 outputs are NaN", Assert.Throws<ArgumentException>(() => SobolAnalysis.Estimate(design, y)).Message);
        var constant = SobolAnalysis.Estimate(design, new double[40]);
        Assert.Equal(0, constant.Variance);
        Assert.All(constant.Indices, i => Assert.True(double.IsNaN(i.First) && double.IsNaN(i.Total)));
    }
}
