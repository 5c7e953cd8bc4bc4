using MathNet.Numerics.Distributions;
using SovereigntySim.Domain.Randomness;

namespace SovereigntySim.Experiments.Tests;

/// <summary>ABC-SMC on simulators whose answer is known: the posterior finds the true parameter and narrows the prior.</summary>
public sealed class AbcSmcTests
{
    private const double TrueTheta = 2.5;
    private const int Draws = 20;

    // The "observed" data: 20 draws of Normal(2.5, 1), summarised by their mean.
    private static readonly double ObservedMean = Sample(TrueTheta, 12345);

    private static double Sample(double theta, long seed)
    {
        var random = new StreamRandom((ulong)seed);
        return Enumerable.Range(0, Draws).Select(_ => Normal.Sample(random, theta, 1)).Average();
    }

    private static Task<IReadOnlyList<double>> Toy(IReadOnlyList<Candidate> batch, CancellationToken _) =>
        Task.FromResult<IReadOnlyList<double>>(batch.Select(c => Math.Abs(Sample(c.Values[0], c.Seed) - ObservedMean)).ToList());

    private static async Task<IReadOnlyList<Population>> Fit(Prior prior, long seed, int particles = 300, int generations = 6, AbcKernel kernel = AbcKernel.Full)
    {
        var abc = new AbcSmc([prior], new AbcSettings(particles, generations, seed, Kernel: kernel));
        return await abc.RunAsync(null, Toy);
    }

    [Fact]
    public async Task The_90_percent_interval_holds_the_true_theta_and_is_narrower_than_the_prior()
    {
        var prior = new Prior("theta", -10, 10, PriorScale.Linear);
        var generations = await Fit(prior, 7);
        Assert.Equal(6, generations.Count);
        var last = generations[^1];
        var summary = AbcSmc.Summarise([prior], last).Single();
        Assert.InRange(TrueTheta, summary.Q05, summary.Q95);
        // The prior's 90% interval is 18 wide; the posterior's is about 2 × 1.645 / √20 ≈ 0.74 plus the tolerance.
        Assert.True(summary.Q95 - summary.Q05 < 2, $"90% interval {summary.Q05}..{summary.Q95}");
        Assert.All(generations, g => Assert.Equal(1, g.Particles.Sum(p => p.Weight), 9));
        Assert.All(generations.Skip(1), g => Assert.True(g.Epsilon <= generations[g.Generation - 1].Epsilon));
        Assert.True(double.IsPositiveInfinity(generations[0].Epsilon));
    }

    /// <summary>The local kernel (one covariance per particle, Filippi et al. 2013) finds the truth as the global one
    /// does, and its weights stay spread over the particles.</summary>
    [Fact]
    public async Task The_local_kernel_finds_the_true_theta_too()
    {
        var prior = new Prior("theta", -10, 10, PriorScale.Linear);
        var generations = await Fit(prior, 7, kernel: AbcKernel.Local);
        var summary = AbcSmc.Summarise([prior], generations[^1]).Single();
        Assert.InRange(TrueTheta, summary.Q05, summary.Q95);
        Assert.True(summary.Q95 - summary.Q05 < 2, $"90% interval {summary.Q05}..{summary.Q95}");
        Assert.All(generations.Skip(1), g => Assert.True(g.EffectiveSampleSize > g.Particles.Count / 4.0, $"generation {g.Generation}: ESS {g.EffectiveSampleSize:0.0}"));
    }

    [Fact]
    public async Task A_log_scale_prior_finds_a_positive_parameter_and_stays_inside_its_bounds()
    {
        var prior = new Prior("theta", 0.1, 100, PriorScale.Log);
        var generations = await Fit(prior, 3, particles: 200, generations: 5);
        var summary = AbcSmc.Summarise([prior], generations[^1]).Single();
        Assert.InRange(TrueTheta, summary.Q05, summary.Q95);
        Assert.All(generations.SelectMany(g => g.Particles), p => Assert.InRange(p.Values[0], 0.1, 100));
    }

    [Fact]
    public async Task The_same_seed_gives_the_same_posterior_whatever_the_batching()
    {
        var prior = new Prior("theta", -10, 10, PriorScale.Linear);
        var a = await Fit(prior, 11, particles: 100, generations: 3);
        var b = await Fit(prior, 11, particles: 100, generations: 3);
        Assert.Equal(a.SelectMany(g => g.Particles.Select(p => (p.Values[0], p.Weight))), b.SelectMany(g => g.Particles.Select(p => (p.Values[0], p.Weight))));

        // One candidate per call: the same particles, weights and counts.
        var abc = new AbcSmc([prior], new AbcSettings(100, 3, 11));
        Population? previous = null;
        var oneByOne = new List<Population>();
        for (int g = 0; g < 3; g++)
        {
            previous = await abc.NextGenerationAsync(previous, async (batch, ct) =>
            {
                var all = new List<double>();
                foreach (var c in batch) all.AddRange(await Toy([c], ct));
                return all;
            });
            oneByOne.Add(previous!);
        }
        Assert.Equal(a.Select(g => g.Simulations), oneByOne.Select(g => g.Simulations));
        Assert.Equal(a[^1].Particles.Select(p => p.Values[0]), oneByOne[^1].Particles.Select(p => p.Values[0]));

        var other = await Fit(prior, 12, particles: 100, generations: 3);
        Assert.NotEqual(a[^1].Particles.Select(p => p.Values[0]), other[^1].Particles.Select(p => p.Values[0]));
    }

    [Fact]
    public async Task A_generation_that_cannot_reach_its_tolerance_stops_the_fit_within_the_budget()
    {
        // Distances that never go below 0.5 after the first generation: ε is the median, so half of the first
        // generation met it, but later no candidate improves, so acceptance collapses and the fit stops.
        var abc = new AbcSmc([new Prior("x", 0, 1, PriorScale.Linear)], new AbcSettings(20, 10, 1, MinAcceptance: 0.1));
        int simulated = 0;
        var generations = await abc.RunAsync(null, (batch, _) =>
        {
            simulated += batch.Count;
            return Task.FromResult<IReadOnlyList<double>>(batch.Select(c => c.Generation == 0 ? c.Attempt % 2 : 1.0).ToList());
        });
        Assert.Single(generations);
        Assert.True(simulated <= 20 + abc.Settings.MaxSimulations, $"{simulated} simulations");
    }

    [Fact]
    public void Weighted_quantiles_and_draws_follow_the_weights()
    {
        double[] values = [3, 1, 2];
        double[] weights = [0.5, 0.25, 0.25];
        Assert.Equal(1, AbcSmc.WeightedQuantile(values, weights, 0.05));
        Assert.Equal(2, AbcSmc.WeightedQuantile(values, weights, 0.5));
        Assert.Equal(3, AbcSmc.WeightedQuantile(values, weights, 0.95));
        Assert.Equal(0, AbcSmc.WeightedDraw(weights, 0.2));
        Assert.Equal(1, AbcSmc.WeightedDraw(weights, 0.6));
        Assert.Equal(2, AbcSmc.WeightedDraw(weights, 0.99));
    }

    [Fact]
    public void The_effective_sample_size_says_how_many_particles_the_weights_are_worth()
    {
        static Population Of(params double[] weights) => new(1, 0.1, 10, weights.Select((w, i) => new Particle(i, [0.0], w, 0)).ToList());
        Assert.Equal(4, Of(0.25, 0.25, 0.25, 0.25).EffectiveSampleSize, 9);
        Assert.Equal(1 / (0.7 * 0.7 + 3 * 0.1 * 0.1), Of(0.7, 0.1, 0.1, 0.1).EffectiveSampleSize, 9);
        Assert.False(Of([.. Enumerable.Repeat(0.05, 20)]).Degenerate);
        // One particle of sixty carrying nearly all the weight: what a fit of too many constants came to (docs/validation.md).
        Assert.True(Of([0.9, .. Enumerable.Repeat(0.1 / 59, 59)]).Degenerate);
    }

    [Theory]
    [InlineData(2, 1, PriorScale.Linear)]
    [InlineData(0, 1, PriorScale.Log)]
    public void A_prior_without_a_range_is_refused(double lo, double hi, PriorScale scale) =>
        Assert.Throws<ArgumentException>(() => new AbcSmc([new Prior("x", lo, hi, scale)], new AbcSettings(10, 2, 1)));
}
