namespace SovereigntySim.Experiments.Tests;

public sealed class SobolSequenceTests
{
    [Fact]
    public void The_first_points_are_the_known_ones()
    {
        // Worked by hand from the direction numbers: dimension 1 is van der Corput in Gray-code order; dimension 2
        // (x + 1, m = 1) has v = 1/2, 3/4, 5/8; dimension 3 (x² + x + 1, m = 1, 3) has v = 1/2, 3/4, 1/8.
        var p = SobolSequence.Points(8, 3);
        Assert.Equal([0, 0.5, 0.75, 0.25, 0.375, 0.875, 0.625, 0.125], p.Select(r => r[0]));
        Assert.Equal([0, 0.5, 0.25, 0.75, 0.375, 0.875, 0.125, 0.625], p.Select(r => r[1]));
        Assert.Equal([0, 0.5, 0.25, 0.75, 0.625, 0.125, 0.875, 0.375], p.Select(r => r[2]));
    }

    [Theory]
    [InlineData(null)]
    [InlineData(17L)]
    public void Every_dimension_fills_its_strata_and_pairs_of_the_first_two_form_a_net(long? seed)
    {
        const int m = 6, count = 1 << m;
        var p = SobolSequence.Points(count, SobolSequence.MaxDimensions, seed);
        for (int d = 0; d < SobolSequence.MaxDimensions; d++)
            Assert.Equal(Enumerable.Range(0, count), p.Select(r => (int)(r[d] * count)).OrderBy(s => s));
        // Dimensions 1 and 2 form a (0, m, 2)-net: every box of 2^a × 2^(m−a) equal cells holds exactly one point.
        for (int a = 0; a <= m; a++)
        {
            var cells = p.Select(r => ((int)(r[0] * (1 << a)), (int)(r[1] * (1 << (m - a))))).Distinct().Count();
            Assert.Equal(count, cells);
        }
    }

    [Fact]
    public void A_seed_shifts_the_points_and_the_same_seed_the_same_way()
    {
        Assert.Equal(SobolSequence.Points(16, 4, 3), SobolSequence.Points(16, 4, 3));
        Assert.NotEqual(SobolSequence.Points(16, 4, 3), SobolSequence.Points(16, 4, 4));
        Assert.NotEqual(new double[4], SobolSequence.Points(1, 4, 3)[0]);
        Assert.Contains("1 to 32 dimensions", Assert.Throws<ArgumentException>(() => SobolSequence.Points(4, 33)).Message);
    }
}
