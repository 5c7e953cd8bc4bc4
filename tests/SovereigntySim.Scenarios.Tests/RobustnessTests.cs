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

/// <summary>The limits on input: each pathological shape is refused with a located error, never a hang.</summary>
public class LimitTests
{
    private static ScenarioError Refused(string yaml, params string[] overrides)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var result = ScenarioLoader.LoadText(yaml, FileName, overrides);
        // A guard against the hangs these shapes used to cause (minutes, or never), not a speed target: the loader
        // answers in milliseconds, and a loaded machine must not fail the test.
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(30), $"took {clock.Elapsed.TotalSeconds:N1} s");
        Assert.False(result.Ok);
        var first = result.Errors[0];
        Assert.True(first.Line >= 1 && first.Column >= 1);
        Assert.DoesNotContain(first.ToString(), char.IsControl);
        return first;
    }

    [Fact]
    public void Deep_flow_nesting_is_refused_at_its_limit()
    {
        var e = Refused("name: " + new string('[', 1_000_000));
        Assert.Contains($"at most {Limits.MaxDepth} levels", e.ToString());
        Assert.Equal((1, 6 + Limits.MaxDepth), (e.Line, e.Column));
    }

    [Fact]
    public void Deep_block_nesting_is_refused()
    {
        var sb = new System.Text.StringBuilder("name: x\n");
        for (int d = 0; d < 1000; d++) sb.Append(new string(' ', d)).Append('k').Append(d).Append(":\n");
        Assert.Contains("levels of nested", Refused(sb.ToString()).ToString());
    }

    [Fact]
    public void An_alias_bomb_is_refused_and_small_aliases_still_work()
    {
        var bomb = "a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n" + string.Join("\n", Enumerable.Range(1, 9).Select(k =>
            $"a{k}: &a{k} [{string.Join(", ", Enumerable.Repeat($"*a{k - 1}", 10))}]"));
        Assert.Contains("values with aliases expanded", Refused(bomb).ToString());
        Assert.Contains("an alias to a complete anchor", Refused("name: &n [1, *n]").ToString());
        Assert.Contains("values with aliases expanded", Refused(Base, "countries[0].name=" + bomb.Replace("\n", ", ").Insert(0, "{") + "}").ToString());
    }

    [Fact]
    public void Huge_files_binary_data_and_extreme_values_are_refused()
    {
        Assert.Contains("KiB", Refused(Base + "\n#" + new string('x', Limits.MaxFileBytes)).ToString());
        var binary = Refused("name: x\nseed: 1\x00\x1b[31m");
        Assert.Equal((2, 8), (binary.Line, binary.Column));
        Assert.Contains("U+0000", binary.ToString());
        Assert.Contains("at most 3,660 days", Refused(Base, "duration=4000d", "step=1d").ToString());
        Assert.Contains("people over the run", Refused(Base, "populations[0].arrivalsPerDay=1000000").ToString());
        Assert.Contains("at most 100 characters", Refused(Base, "name=" + new string('n', 300)).ToString());
    }

    [Fact]
    public void Messages_escape_control_characters_and_cut_long_values()
    {
        var e = Refused(Base, "countries[0].acceptance.weeklyFlightCap=\x1b]0;pwned\x07" + new string('z', 5000));
        var text = e.ToString();
        Assert.DoesNotContain(text, char.IsControl);
        Assert.Contains("\\x1B", text);
        Assert.True(text.Length < 600, text);
    }
}
