namespace SovereigntySim.Experiments.Tests;

public sealed class DescriptiveTests
{
    [Fact]
    public void A_small_sample_matches_values_worked_by_hand()
    {
        var d = Descriptive.Describe([10, 2, 4, 1, 3]);
        Assert.Equal(5, d.N);
        Assert.Equal(0, d.Missing);
        Assert.Equal(4, d.Mean, 1e-12);
        // Squared deviations 9 + 4 + 1 + 0 + 36 = 50, over n − 1 = 4.
        Assert.Equal(Math.Sqrt(12.5), d.Sd, 1e-12);
        double half = 2.7764451051977987 * Math.Sqrt(12.5) / Math.Sqrt(5); // t(0.975, 4)
        Assert.Equal(4 - half, d.CiLow, 1e-9);
        Assert.Equal(4 + half, d.CiHigh, 1e-9);
        Assert.Equal(3, d.Median, 1e-12);
        // h = (n − 1)p + 1 on the sorted 1, 2, 3, 4, 10.
        Assert.Equal(1.2, d.Q05, 1e-12); // h = 1.2: 1 + 0.2·(2 − 1)
        Assert.Equal(2, d.Q25, 1e-12);   // h = 2
        Assert.Equal(4, d.Q75, 1e-12);   // h = 4
        Assert.Equal(8.8, d.Q95, 1e-12); // h = 4.8: 4 + 0.8·(10 − 4)
        Assert.Equal(1, d.Min);
        Assert.Equal(10, d.Max);
    }

    [Fact]
    public void NaNs_are_left_out_and_counted()
    {
        var d = Descriptive.Describe([double.NaN, 1, 2, 3, double.NaN, 4, 10]);
        Assert.Equal(5, d.N);
        Assert.Equal(2, d.Missing);
        Assert.Equal(4, d.Mean, 1e-12);
        Assert.Equal(8.8, d.Q95, 1e-12);
    }

    [Fact]
    public void An_even_sample_has_the_midpoint_median_and_a_99_percent_interval_is_wider()
    {
        var d = Descriptive.Describe([4, 1, 3, 2]);
        Assert.Equal(2.5, d.Median, 1e-12);
        var wide = Descriptive.Describe([4, 1, 3, 2], confidence: 0.99);
        Assert.True(wide.CiLow < d.CiLow && wide.CiHigh > d.CiHigh);
    }

    [Fact]
    public void One_value_has_no_spread_and_none_has_nothing()
    {
        var one = Descriptive.Describe([7.5, double.NaN]);
        Assert.Equal((1, 1, 7.5, 7.5, 7.5, 7.5), (one.N, one.Missing, one.Mean, one.Median, one.Min, one.Max));
        Assert.True(double.IsNaN(one.Sd) && double.IsNaN(one.CiLow) && double.IsNaN(one.CiHigh));
        var none = Descriptive.Describe([double.NaN]);
        Assert.Equal((0, 1), (none.N, none.Missing));
        Assert.True(double.IsNaN(none.Mean) && double.IsNaN(none.Median) && double.IsNaN(none.Min));
    }
}
