namespace SovereigntySim.Experiments.Tests;

public sealed class GridDesignTests
{
    private static Parameter P(string text) => Parameter.Parse(text).Parameter!;

    [Fact]
    public void A_floating_step_reaches_its_inclusive_end()
    {
        var grid = GridDesign.Create([P("x=0:1:0.1")]);
        Assert.Equal(11, grid.Points.Count);
        Assert.Equal(
            ["0", "0.1", "0.2", "0.3", "0.4", "0.5", "0.6", "0.7", "0.8", "0.9", "1"],
            grid.Points.Select(p => p.Values[0].Text));
        Assert.Equal(0.3, grid.Points[3].Number(0));
        Assert.Equal(1.0, grid.Points[10].Number(0));
        // 0.3 / 0.1 is 2.9999999999999996 in floating point: the end is still reached.
        Assert.Equal(["0", "0.1", "0.2", "0.3"], GridDesign.Create([P("x=0:0.3:0.1")]).Points.Select(p => p.Values[0].Text));
        // A step that does not land on the end stops before it.
        Assert.Equal(["0", "0.4", "0.8"], GridDesign.Create([P("x=0:1:0.4")]).Points.Select(p => p.Values[0].Text));
    }

    [Fact]
    public void The_first_parameter_varies_slowest()
    {
        var grid = GridDesign.Create([P("a=1:2"), P("b=x,y,z")]);
        Assert.Equal(6, grid.Points.Count);
        Assert.Equal(
            ["a=1 b=x", "a=1 b=y", "a=1 b=z", "a=2 b=x", "a=2 b=y", "a=2 b=z"],
            grid.Points.Select(p => string.Join(' ', p.Settings)));
        Assert.Equal(Enumerable.Range(0, 6), grid.Points.Select(p => p.Index));
    }

    [Fact]
    public void Counts_multiply_and_lists_give_numbers_where_numeric()
    {
        var grid = GridDesign.Create([P("a=0:10:2"), P("b=1,2,5"), P("c=true,false"), P("d=-1.5:1.5:0.5")]);
        Assert.Equal(6 * 3 * 2 * 7, grid.Points.Count);
        var last = grid.Points[^1];
        Assert.Equal(["a=10", "b=5", "c=false", "d=1.5"], last.Settings);
        Assert.Equal(5.0, last.Values[1].Number);
        Assert.Null(last.Values[2].Number);
        Assert.True(double.IsNaN(last.Number(2)));
    }

    [Fact]
    public void A_real_range_without_step_or_a_repeated_path_is_refused()
    {
        Assert.Contains("a grid needs x=lo:hi:step", Assert.Throws<ArgumentException>(() => GridDesign.Create([P("x=0.0:1")])).Message);
        Assert.Contains("x is given 2 times", Assert.Throws<ArgumentException>(() => GridDesign.Create([P("x=1,2"), P("x=3:4")])).Message);
        Assert.Contains("has 1000000000000 points", Assert.Throws<ArgumentException>(
            () => GridDesign.Create([P("a=1:10000"), P("b=1:10000"), P("c=1:10000")])).Message);
    }

    [Fact]
    public void Parameters_built_in_code_are_checked_like_parsed_ones()
    {
        string Error(Parameter p) => Assert.Throws<ArgumentException>(() => LatinHypercubeDesign.Create([p], 4, 1)).Message;
        Assert.Equal("x: the list of values is empty", Error(new ListParameter("x", [])));
        Assert.Equal("x: step must be positive, found 0", Error(new RangeParameter("x", 0, 1, 0)));
        Assert.Equal("x: empty or non-finite range 2:1", Error(new RangeParameter("x", 2, 1)));
        Assert.Equal("x: no integer in 0.2:0.8", Error(new RangeParameter("x", 0.2, 0.8, IsInteger: true)));
        Assert.Equal("a design needs at least one parameter", Assert.Throws<ArgumentException>(() => GridDesign.Create([])).Message);
    }
}
