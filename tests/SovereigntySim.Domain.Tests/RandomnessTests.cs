using MathNet.Numerics.Distributions;
using SovereigntySim.Domain.Randomness;

namespace SovereigntySim.Domain.Tests;

public sealed class RandomnessTests
{
    private const ulong Gamma = 0x9E3779B97F4A7C15UL;

    private static ulong[] Draws(StreamRandom r, int n) => Enumerable.Range(0, n).Select(_ => r.NextUInt64()).ToArray();

    [Fact]
    public void The_nth_draw_is_splitmix_of_key_plus_n_gamma()
    {
        var r = new StreamRandom(12345);
        for (ulong n = 1; n <= 5; n++) Assert.Equal(StreamRandom.Mix(12345 + n * Gamma), r.NextUInt64());
        Assert.Equal(5UL, r.Counter);
    }

    [Fact]
    public void A_draw_depends_only_on_key_and_counter()
    {
        var a = new StreamRandom(777);
        Draws(a, 40);
        // A fresh instance started at the same counter gives the same next draws, and so does one repositioned there.
        var b = new StreamRandom(777, 40);
        var c = new StreamRandom(1).Position(777, 40);
        var expected = Draws(a, 10);
        Assert.Equal(expected, Draws(b, 10));
        Assert.Equal(expected, Draws(c, 10));
    }

    [Fact]
    public void Position_resumes_a_stream_after_serving_another()
    {
        var shared = new StreamRandom(0);
        shared.Position(1001, 0);
        var first = Draws(shared, 3);
        ulong saved = shared.Counter;
        // Serve another migrant in between.
        shared.Position(2002, 0);
        Draws(shared, 7);
        // Back to the first migrant where it stopped.
        shared.Position(1001, saved);
        var resumed = Draws(shared, 3);

        var straight = Draws(new StreamRandom(1001), 6);
        Assert.Equal(straight[..3], first);
        Assert.Equal(straight[3..], resumed);
    }

    [Fact]
    public void Position_returns_the_same_instance()
    {
        var r = new StreamRandom(5);
        Assert.Same(r, r.Position(6, 2));
        Assert.Equal(6UL, r.Key);
        Assert.Equal(2UL, r.Counter);
    }

    [Fact]
    public void Agent_keys_differ_by_id_and_by_seed_and_are_stable()
    {
        var ids = new[] { "country/US", "country/MX", "screening/INM", "caseload/mx-pop/000", "caseload/mx-pop/001", "flight/mx-charter/00000", "flight/mx-charter/00001" };
        var keys = ids.Select(id => Seeds.ForAgent(42, id)).ToList();
        Assert.Equal(ids.Length, keys.Distinct().Count());
        Assert.Equal(keys, ids.Select(id => Seeds.ForAgent(42, id)));
        Assert.All(ids, id => Assert.NotEqual(Seeds.ForAgent(42, id), Seeds.ForAgent(43, id)));
        // Different keys give different streams.
        Assert.NotEqual(Draws(new StreamRandom(keys[0]), 4), Draws(new StreamRandom(keys[1]), 4));
    }

    [Fact]
    public void Migrant_keys_differ_by_id_and_by_seed()
    {
        var ids = new long[] { 0, 1, 2, 1L << 32, (1L << 32) | 1, (5L << 32) | 99 };
        var keys = ids.Select(id => Seeds.ForMigrant(7, id)).ToList();
        Assert.Equal(ids.Length, keys.Distinct().Count());
        Assert.All(ids, id => Assert.NotEqual(Seeds.ForMigrant(7, id), Seeds.ForMigrant(8, id)));
        Assert.Equal(Seeds.ForMigrant(7, 12), Seeds.ForMigrant(7, 12));
    }

    [Fact]
    public void NextDouble_is_in_the_unit_interval_and_roughly_uniform()
    {
        var r = new StreamRandom(Seeds.ForAgent(1, "uniformity"));
        const int n = 100_000;
        double sum = 0;
        var bins = new int[10];
        for (int i = 0; i < n; i++)
        {
            double v = r.NextDouble();
            Assert.True(v >= 0 && v < 1, $"draw {v}");
            sum += v;
            bins[(int)(v * 10)]++;
        }
        Assert.InRange(sum / n, 0.49, 0.51);
        Assert.All(bins, b => Assert.InRange(b, 9_500, 10_500));
    }

    [Fact]
    public void Integer_draws_stay_in_range()
    {
        var r = new StreamRandom(99);
        var seen = new HashSet<int>();
        for (int i = 0; i < 10_000; i++)
        {
            int v = r.Next(7);
            Assert.InRange(v, 0, 6);
            seen.Add(v);
            Assert.InRange(r.Next(-3, 4), -3, 3);
            Assert.True(r.Next() >= 0);
        }
        Assert.Equal(7, seen.Count);
        Assert.Equal(0, r.Next(0));
        Assert.Throws<ArgumentOutOfRangeException>(() => r.Next(-5));
    }

    /// <summary>Inverse of the SplitMix64 finaliser, to build a key whose first draw is all ones.</summary>
    private static ulong Unmix(ulong z)
    {
        static ulong Inverse(ulong c)
        {
            ulong x = c; // Newton iteration for the inverse of an odd number mod 2^64
            for (int i = 0; i < 6; i++) x *= 2 - c * x;
            return x;
        }
        z ^= (z >> 31) ^ (z >> 62);
        z *= Inverse(0x94D049BB133111EBUL);
        z ^= (z >> 27) ^ (z >> 54);
        z *= Inverse(0xBF58476D1CE4E5B9UL);
        z ^= (z >> 30) ^ (z >> 60);
        return z;
    }

    [Fact]
    public void Extreme_draws_stay_inside_their_ranges()
    {
        Assert.Equal(ulong.MaxValue, StreamRandom.Mix(Unmix(ulong.MaxValue)));
        ulong key = Unmix(ulong.MaxValue) - Gamma; // the first draw of this stream is 2^64 − 1
        Assert.Equal(ulong.MaxValue, new StreamRandom(key).NextUInt64());
        Assert.True(new StreamRandom(key).NextDouble() < 1);
        Assert.Equal(9, new StreamRandom(key).Next(10));
        Assert.Equal(-1, new StreamRandom(key).Next(-10, 0));
    }

    /// <summary>Next() stays below int.MaxValue even for the largest possible draw, as System.Random promises.</summary>
    [Fact]
    public void Next_is_below_int_MaxValue_even_for_the_largest_draw()
    {
        ulong key = Unmix(ulong.MaxValue) - Gamma;
        Assert.Equal(ulong.MaxValue, new StreamRandom(key).NextUInt64());
        Assert.True(new StreamRandom(key).Next() < int.MaxValue);
    }

    /// <summary>Next(min, max) covers ranges wider than int.MaxValue and rejects reversed bounds.</summary>
    [Fact]
    public void Next_over_the_full_int_range_spreads_and_bad_bounds_throw()
    {
        var r = new StreamRandom(5);
        var draws = Enumerable.Range(0, 200).Select(_ => r.Next(int.MinValue, int.MaxValue)).ToList();
        Assert.Contains(draws, d => d < 0);
        Assert.Contains(draws, d => d > 0);
        Assert.True(draws.Distinct().Count() > 190);
        Assert.Throws<ArgumentOutOfRangeException>(() => r.Next(5, 3));
        Assert.Throws<ArgumentOutOfRangeException>(() => r.Next(-1));
    }

    [Fact]
    public void Bernoulli_with_certain_probabilities_draws_nothing()
    {
        var r = new StreamRandom(3);
        Assert.False(r.Bernoulli(0));
        Assert.False(r.Bernoulli(-1));
        Assert.True(r.Bernoulli(1));
        Assert.True(r.Bernoulli(2));
        Assert.Equal(0UL, r.Counter);
        int hits = 0;
        for (int i = 0; i < 10_000; i++) if (r.Bernoulli(0.3)) hits++;
        Assert.Equal(10_000UL, r.Counter);
        Assert.InRange(hits, 2_800, 3_200);
    }

    [Fact]
    public void NextBytes_is_deterministic_and_advances_the_counter()
    {
        var a = new byte[16];
        var b = new byte[16];
        var ra = new StreamRandom(11);
        ra.NextBytes(a);
        new StreamRandom(11).NextBytes(b.AsSpan());
        Assert.Equal(a, b);
        Assert.Equal(16UL, ra.Counter);
        Assert.Contains(a, x => x != 0);
    }

    [Fact]
    public void MathNet_distributions_sample_deterministically_from_the_stream()
    {
        static double[] Sample(ulong key)
        {
            var r = new StreamRandom(key);
            return
            [
                Normal.Sample(r, 0, 1),
                Exponential.Sample(r, 1 / 30.0),
                Poisson.Sample(r, 4.5),
                Poisson.Sample(r, 120),
                Categorical.Sample(r, [0.6, 0.25, 0.1, 0.05]),
                MathNet.Numerics.Distributions.Gamma.Sample(r, 2, 3),
                r.Counter,
            ];
        }
        Assert.Equal(Sample(2025), Sample(2025));
        Assert.NotEqual(Sample(2025), Sample(2026));
    }

    [Fact]
    public void MathNet_samples_have_the_expected_means()
    {
        var r = new StreamRandom(Seeds.ForAgent(3, "means"));
        const int n = 20_000;
        double poisson = 0, exponential = 0;
        for (int i = 0; i < n; i++)
        {
            poisson += Poisson.Sample(r, 5);
            exponential += Exponential.Sample(r, 0.5);
        }
        Assert.InRange(poisson / n, 4.9, 5.1);
        Assert.InRange(exponential / n, 1.94, 2.06);
    }
}
