namespace SovereigntySim.Experiments.Tests;

public sealed class LatinHypercubeTests
{
    private static readonly Parameter[] Parameters =
    [
        new RangeParameter("x", 0, 1),
        new RangeParameter("y", -5, 15),
        new RangeParameter("n", 1, 10, IsInteger: true),
        new ListParameter("flag", ["a", "b", "c"]),
    ];

    [Theory]
    [InlineData(30, 1L)]
    [InlineData(30, 2L)]
    [InlineData(1, 7L)]
    public void Every_stratum_of_every_real_dimension_holds_exactly_one_point(int m, long seed)
    {
        var design = LatinHypercubeDesign.Create(Parameters, m, seed);
        Assert.Equal(m, design.Points.Count);
        foreach (var (index, lo, hi) in new[] { (0, 0.0, 1.0), (1, -5.0, 15.0) })
        {
            var strata = design.Points.Select(p => (int)Math.Floor((p.Number(index) - lo) / (hi - lo) * m)).OrderBy(s => s);
            Assert.Equal(Enumerable.Range(0, m), strata);
        }
    }

    [Fact]
    public void Integers_stay_in_range_and_discrete_values_are_stratified()
    {
        var design = LatinHypercubeDesign.Create(Parameters, 30, 11);
        var n = design.Points.Select(p => p.Number(2)).ToArray();
        Assert.All(n, v => Assert.InRange(v, 1, 10));
        Assert.All(n, v => Assert.Equal(Math.Round(v), v));
        Assert.All(design.Points, p => Assert.DoesNotContain('.', p.Values[2].Text));
        // 30 strata over 10 integers and 3 list items: each value exactly 3 and 10 times.
        Assert.All(n.GroupBy(v => v), g => Assert.Equal(3, g.Count()));
        Assert.Equal(10, n.Distinct().Count());
        Assert.All(design.Points.GroupBy(p => p.Values[3].Text), g => Assert.Equal(10, g.Count()));
    }

    [Fact]
    public void The_same_seed_gives_the_same_design_and_another_seed_another()
    {
        static string[] Settings(long seed) =>
            LatinHypercubeDesign.Create(Parameters, 20, seed).Points.Select(p => string.Join(' ', p.Settings)).ToArray();
        Assert.Equal(Settings(42), Settings(42));
        Assert.NotEqual(Settings(42), Settings(43));
    }
}
