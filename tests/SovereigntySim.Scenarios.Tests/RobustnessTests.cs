using static SovereigntySim.Scenarios.Tests.Scenarios;

namespace SovereigntySim.Scenarios.Tests;

/// <summary>The loader never throws and never falls back to its internal-error message, whatever the input.</summary>
public class RobustnessTests
{
    private static void AssertHandled(string yaml, params string[] overrides)
    {
        var result = Load(yaml, overrides); // throwing here fails the test
        Assert.Equal(result.Errors.Count == 0, result.Ok);
        Assert.DoesNotContain(result.Errors, e => e.Found.StartsWith("an internal error"));
        Assert.All(result.Errors, e => Assert.True(e.Line >= 1 && e.Column >= 1, e.ToString()));
        var order = result.Errors.Select(e => (e.File == "--set" ? 0 : 1, e.Line, e.Column)).ToList();
        Assert.Equal(order.Order(), order);
    }

    [Fact]
    public void Every_truncation_of_a_scenario_is_handled()
    {
        for (int length = 0; length <= Base.Length; length++) AssertHandled(Base[..length]);
    }

    [Fact]
    public void Random_yaml_punctuation_is_handled()
    {
        const string Punctuation = ":-[]{}\"'#&*!|>%@`?,\t \n";
        var random = new Random(20250120); // fixed: failures must reproduce
        for (int i = 0; i < 2000; i++)
        {
            var chars = Base.ToCharArray();
            for (int k = 0; k < 1 + i % 3; k++) chars[random.Next(chars.Length)] = Punctuation[random.Next(Punctuation.Length)];
            AssertHandled(new string(chars));
        }
    }

    [Theory]
    [InlineData("")]
    [InlineData("=")]
    [InlineData("[")]
    [InlineData("a[")]
    [InlineData("a[]=1")]
    [InlineData("countries[-1].id=x")]
    [InlineData("countries[99999999999].id=x")]
    [InlineData(".=1")]
    [InlineData("a.b.c.d=1")]
    [InlineData("countries=")]
    [InlineData("countries.US=")]
    [InlineData("countries.US.id={")]
    [InlineData("events[0].at=day 99999999999")]
    [InlineData("name=*alias")]
    [InlineData("seed=1\n---\n2")]
    public void Strange_overrides_are_handled(string set)
    {
        AssertHandled(Base, set);
        Assert.False(Load(Base, set).Ok);
    }
}
