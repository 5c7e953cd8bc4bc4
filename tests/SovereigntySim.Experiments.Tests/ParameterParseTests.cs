namespace SovereigntySim.Experiments.Tests;

public sealed class ParameterParseTests
{
    [Theory]
    [InlineData("countries.MX.acceptance.weeklyFlightCap", "missing '='")]
    [InlineData("=1:2", "missing path")]
    [InlineData("x=", "missing values")]
    [InlineData("x=5:1", "empty range")]
    [InlineData("x=5:1:1", "empty range")]
    [InlineData("x=0:1:0", "step must be positive")]
    [InlineData("x=0:1:-0.5", "step must be positive")]
    [InlineData("x=low:1", "non-numeric lower bound 'low'")]
    [InlineData("x=0:high", "non-numeric upper bound 'high'")]
    [InlineData("x=0:1:fine", "non-numeric step 'fine'")]
    [InlineData("x=0:NaN", "non-numeric upper bound")]
    [InlineData("x=0:1e6:1", "too many grid values: 1000001")]
    [InlineData("x=0:1:2:3", "2 or 3 parts")]
    [InlineData("x=1,,2", "empty value at position 2")]
    public void Bad_input_is_refused_with_a_message_naming_the_problem(string text, string problem)
    {
        var result = Parameter.Parse(text);
        Assert.False(result.IsSuccess);
        Assert.Null(result.Parameter);
        Assert.Contains(problem, result.Error);
        Assert.StartsWith($"'{text}'", result.Error);
    }

    [Fact]
    public void A_grid_of_exactly_the_limit_is_accepted()
    {
        Assert.True(Parameter.Parse($"x=1:{Parameter.MaxGridValues}:1").IsSuccess);
        Assert.False(Parameter.Parse($"x=0:{Parameter.MaxGridValues}:1").IsSuccess);
    }

    [Fact]
    public void Ranges_are_integer_valued_when_written_with_integers()
    {
        Assert.Equal(new RangeParameter("a.b", 0, 20, null, true), Parameter.Parse("a.b=0:20").Parameter);
        Assert.Equal(new RangeParameter("a.b", 0, 2, null, false), Parameter.Parse("a.b=0.0:2").Parameter);
        Assert.Equal(new RangeParameter("a.b", -1, 1, 0.25, false), Parameter.Parse(" a.b = -1:1:0.25 ").Parameter);
        Assert.Equal(new RangeParameter("a.b", 0, 10, 2, true), Parameter.Parse("a.b=0:10:2").Parameter);
        Assert.Equal(new RangeParameter("a.b", 3, 3, null, true), Parameter.Parse("a.b=3:3").Parameter);
    }

    [Fact]
    public void Lists_keep_their_values_as_written()
    {
        var list = Assert.IsType<ListParameter>(Parameter.Parse("negotiation.enabled=true, false").Parameter);
        Assert.Equal("negotiation.enabled", list.Path);
        Assert.Equal(["true", "false"], list.Values);
        var one = Assert.IsType<ListParameter>(Parameter.Parse("duration=10d").Parameter);
        Assert.Equal(["10d"], one.Values);
    }

    [Fact]
    public void Numbers_are_formatted_invariantly_and_whole_numbers_without_decimals()
    {
        Assert.Equal("5", Parameter.Format(5.0));
        Assert.Equal("0.1", Parameter.Format(0.1));
        Assert.Equal("-2.5", Parameter.Format(-2.5));
        Assert.Equal("0", Parameter.Format(-0.0));
    }
}
