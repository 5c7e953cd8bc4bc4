namespace SovereigntySim.Scenarios.Tests;

/// <summary>Priors files: the shipped one loads, and each kind of bad file gets one located error.</summary>
public class PriorsTests
{
    private static ScenarioError Single(string yaml)
    {
        var result = PriorsLoader.LoadText(yaml, "priors.yaml");
        Assert.False(result.Ok);
        return Assert.Single(result.Errors);
    }

    [Fact]
    public void The_shipped_priors_load()
    {
        var root = new DirectoryInfo(AppContext.BaseDirectory);
        while (!File.Exists(Path.Combine(root.FullName, "SovereigntySim.sln"))) root = root.Parent!;
        var result = PriorsLoader.Load(Path.Combine(root.FullName, "data", "calibration", "priors.yaml"));
        Assert.True(result.Ok, string.Join("\n", result.Errors));
        Assert.Contains(result.Spec!.Parameters, p => p.Path == "negotiation.tariffDailyCost" && p.Scale == PriorSpace.Log && p.Lo == 1 && p.Hi == 30);
    }

    [Theory]
    [InlineData("parameters:\n  - path: a.b\n    lo: 5\n    hi: 1\n", 4, 9, "parameters[0].hi", "a number above lo (5)")]
    [InlineData("parameters:\n  - path: a.b\n    lo: 0\n    hi: 1\n    scale: log\n", 3, 9, "parameters[0].lo", "a number above 0 (scale: log)")]
    [InlineData("parameters:\n  - path: a.b\n    lo: 1\n    hi: 2\n    shape: log\n", 5, 5, "parameters[0].shape", "one of: path, lo, hi, scale, why")]
    [InlineData("parameters:\n  - path: a.b\n    lo: 1\n    hi: 2\n  - path: a.b\n    lo: 1\n    hi: 3\n", 5, 11, "parameters[1].path", "each path once")]
    [InlineData("parameters: []\n", 1, 13, "parameters", "at least one parameter (path, lo, hi)")]
    [InlineData("parameters:\n  - path: a.b\n    lo: 1\n    hi: 2\n    scale: cubic\n", 5, 12, "parameters[0].scale", "one of: linear, log")]
    public void A_bad_priors_file_is_one_located_error(string yaml, int line, int column, string path, string expected)
    {
        var error = Single(yaml);
        Assert.Equal(("priors.yaml", line, column, path, expected), (error.File, error.Line, error.Column, error.Path, error.Expected));
    }
}
