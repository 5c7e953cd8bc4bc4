namespace SovereigntySim.Experiments.Tests;

public sealed class MorrisTests
{
    private static readonly Parameter[] Unit =
    [
        new RangeParameter("x1", 0, 1),
        new RangeParameter("x2", 0, 1),
        new RangeParameter("x3", 0, 1),
    ];

    // y = 4·x1 + 0·x2 + x3²: elementary effects of x1 are all 4, of x2 all 0, of x3 (2x + Δ) vary with x.
    private static double F(DesignPoint p) => 4 * p.Number(0) + 0 * p.Number(1) + p.Number(2) * p.Number(2);

    [Fact]
    public void Screening_measures_match_the_known_effects()
    {
        var design = MorrisDesign.Create(Unit, trajectories: 20, levels: 4, seed: 5);
        var indices = MorrisAnalysis.Estimate(design, design.Points.Select(F).ToArray());
        var (x1, x2, x3) = (indices[0], indices[1], indices[2]);
        Assert.Equal(["x1", "x2", "x3"], indices.Select(i => i.Path));
        Assert.All(indices, i => Assert.Equal(20, i.Effects));
        Assert.Equal(4, x1.Mu, 1e-12);
        Assert.Equal(4, x1.MuStar, 1e-12);
        Assert.True(x1.Sigma < 1e-12, $"sigma of the linear term is {x1.Sigma}");
        Assert.Equal(0, x2.MuStar);
        Assert.Equal(0, x2.Sigma);
        Assert.True(x3.Sigma > 0.1, $"sigma of the quadratic term is {x3.Sigma}");
        Assert.True(x1.MuStar > x3.MuStar && x3.MuStar > x2.MuStar);
        // With p = 4, Δ = 2/3: x3's effect 2x + Δ is 2/3 from x = 0 and 4/3 from x = 1/3.
        Assert.InRange(x3.MuStar, 2.0 / 3 - 1e-12, 4.0 / 3 + 1e-12);
    }

    [Fact]
    public void Effects_are_per_unit_of_the_normalised_input()
    {
        // The same function on ranges 100 times wider in x1: per normalised unit, x1's effect is 100 times larger.
        Parameter[] wide = [new RangeParameter("x1", 0, 100), Unit[1], Unit[2]];
        var design = MorrisDesign.Create(wide, trajectories: 6, levels: 4, seed: 5);
        var indices = MorrisAnalysis.Estimate(design, design.Points.Select(F).ToArray());
        Assert.Equal(400, indices[0].MuStar, 1e-9);
    }

    [Fact]
    public void Trajectories_move_each_parameter_once_by_delta_on_the_level_grid()
    {
        var design = MorrisDesign.Create(Unit, trajectories: 10, levels: 6, seed: 9);
        double delta = 6 / (2.0 * 5);
        Assert.Equal(delta, design.Delta);
        Assert.Equal(10 * 4, design.Points.Count);
        Assert.Equal(design.Points.Select((_, i) => i), design.Points.Select(p => p.Index));
        foreach (var t in design.Trajectories)
        {
            Assert.Equal([0, 1, 2], t.Steps.Select(s => s.Parameter).OrderBy(i => i));
            for (int s = 0; s < 3; s++)
            {
                var (from, to) = (design.Points[t.First + s], design.Points[t.First + s + 1]);
                int moved = t.Steps[s].Parameter;
                for (int i = 0; i < 3; i++)
                {
                    double change = to.Number(i) - from.Number(i);
                    Assert.Equal(i == moved ? t.Steps[s].Delta : 0, change, 1e-12);
                    // Every coordinate stays on the levels 0, 1/5, ..., 1.
                    Assert.Equal(Math.Round(to.Number(i) * 5), to.Number(i) * 5, 1e-9);
                }
                Assert.Equal(delta, Math.Abs(t.Steps[s].Delta));
            }
        }
    }

    [Fact]
    public void The_same_seed_gives_the_same_trajectories()
    {
        static string[] Settings(long seed) =>
            MorrisDesign.Create(Unit, 5, 4, seed).Points.Select(p => string.Join(' ', p.Settings)).ToArray();
        Assert.Equal(Settings(1), Settings(1));
        Assert.NotEqual(Settings(1), Settings(2));
    }

    [Fact]
    public void Bad_levels_and_missing_outputs_are_refused()
    {
        Assert.Contains("even", Assert.Throws<ArgumentException>(() => MorrisDesign.Create(Unit, 4, 5, 1)).Message);
        var design = MorrisDesign.Create(Unit, 4, 4, 1);
        var y = design.Points.Select(F).ToArray();
        y[3] = double.NaN;
        y[7] = double.NaN;
        var error = Assert.Throws<ArgumentException>(() => MorrisAnalysis.Estimate(design, y));
        Assert.Contains("2 of 16 outputs are NaN", error.Message);
        Assert.Contains("16 points, 15 outputs", Assert.Throws<ArgumentException>(() => MorrisAnalysis.Estimate(design, y[1..])).Message);
    }
}
