using System.Text.RegularExpressions;

namespace SovereigntySim.Scenarios.Tests;

/// <summary>Broken scenarios under corpus/: line 1 is "# expect: LINE:COLUMN message-part", optionally prefixed by a
/// file ("--set:1:12"); further "# set: path=value" lines are passed as overrides.</summary>
public partial class CorpusTests
{
    private static readonly string Dir = Path.Combine(AppContext.BaseDirectory, "corpus");

    public static TheoryData<string> Files() => new(Directory.GetFiles(Dir, "*.yaml").Select(Path.GetFileName).Order()!);

    [Fact]
    public void Corpus_is_there() => Assert.True(Directory.GetFiles(Dir, "*.yaml").Length >= 15);

    [Theory]
    [MemberData(nameof(Files))]
    public void First_error_is_the_expected_one(string name)
    {
        string path = Path.Combine(Dir, name);
        var lines = File.ReadAllLines(path);
        var expect = Expect().Match(lines[0]);
        Assert.True(expect.Success, $"{name}: line 1 must be '# expect: LINE:COLUMN message-part'");
        var overrides = lines.Select(l => Set().Match(l)).Where(m => m.Success).Select(m => m.Groups[1].Value).ToList();

        var result = ScenarioLoader.Load(path, overrides);

        Assert.False(result.Ok, $"{name} loaded without errors");
        var first = result.Errors[0];
        string file = expect.Groups["file"].Success ? expect.Groups["file"].Value : path;
        Assert.Equal((file, int.Parse(expect.Groups["line"].Value), int.Parse(expect.Groups["column"].Value)), (first.File, first.Line, first.Column));
        Assert.Contains(expect.Groups["message"].Value, first.ToString());
    }

    [GeneratedRegex(@"^# expect: (?:(?<file>[^:\s]+):)?(?<line>\d+):(?<column>\d+) (?<message>.+)$")]
    private static partial Regex Expect();

    [GeneratedRegex(@"^# set: (.*)$")]
    private static partial Regex Set();
}
