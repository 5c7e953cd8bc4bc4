using MathNet.Numerics.Statistics;

namespace SovereigntySim.Experiments;

/// <summary>
/// Morris (1991) one-at-a-time screening: r trajectories on a p-level grid of [0, 1]^k, each of k+1 points where
/// consecutive points differ in one parameter by ±Δ, Δ = p / (2(p − 1)). Points are stored trajectory after
/// trajectory: trajectory t holds points t(k+1) … t(k+1)+k, and its step s moves from point s to s+1.
/// </summary>
public sealed record MorrisDesign(
    IReadOnlyList<Parameter> Parameters,
    IReadOnlyList<DesignPoint> Points,
    IReadOnlyList<MorrisTrajectory> Trajectories,
    int Levels,
    double Delta,
    long Seed) : Design(Parameters, Points)
{
    public static MorrisDesign Create(IReadOnlyList<Parameter> parameters, int trajectories, int levels, long seed)
    {
        Validate(parameters);
        if (trajectories < 1) throw new ArgumentException($"Morris needs at least one trajectory, found {trajectories}");
        // Even p makes Δ land on the grid and gives every level the same chance (Morris 1991).
        if (levels < 2 || levels % 2 != 0) throw new ArgumentException($"Morris levels must be even and at least 2, found {levels}");
        int k = parameters.Count;
        CheckedSize((double)trajectories * (k + 1), "the Morris design");
        double delta = levels / (2.0 * (levels - 1));
        var random = Stream(seed, "morris");
        var points = new List<DesignPoint>(trajectories * (k + 1));
        var paths = new MorrisTrajectory[trajectories];
        var x = new double[k];
        for (int t = 0; t < trajectories; t++)
        {
            // Base point on the levels 0 … 1−Δ, a random direction per parameter and a random order: the rows of
            // Morris's B* = (J x* + (Δ/2)[(2B − J) D* + J]) P*, built one step at a time.
            var direction = new int[k];
            for (int i = 0; i < k; i++)
            {
                double level = random.Next(levels / 2) / (double)(levels - 1);
                direction[i] = random.Next(2) == 0 ? 1 : -1;
                x[i] = direction[i] > 0 ? level : level + delta;
            }
            int[] order = MathNet.Numerics.Combinatorics.GeneratePermutation(k, random);
            int first = points.Count;
            points.Add(AtUnit(parameters, first, x));
            var steps = new MorrisStep[k];
            for (int s = 0; s < k; s++)
            {
                int i = order[s];
                x[i] += direction[i] * delta;
                steps[s] = new MorrisStep(i, direction[i] * delta);
                points.Add(AtUnit(parameters, points.Count, x));
            }
            paths[t] = new MorrisTrajectory(first, steps);
        }
        return new MorrisDesign(parameters, points, paths, levels, delta, seed);
    }
}

/// <summary>One trajectory: its first point's index and, per step, which parameter moved and by how much.</summary>
public sealed record MorrisTrajectory(int First, IReadOnlyList<MorrisStep> Steps);

/// <summary>Step of a trajectory: parameter index and its signed change (±Δ) on the normalised [0, 1] scale.</summary>
public sealed record MorrisStep(int Parameter, double Delta);

/// <summary>
/// Morris screening measures of one parameter over its r elementary effects: Mu (mean), MuStar (mean of absolute
/// effects, Campolongo et al. 2007, immune to effects of opposite sign cancelling) and Sigma (sample standard
/// deviation: non-linearity or interactions; NaN with one trajectory).
/// </summary>
public sealed record MorrisIndex(string Path, double Mu, double MuStar, double Sigma, int Effects);

public static class MorrisAnalysis
{
    /// <summary>
    /// Elementary effects EE = (y(x + Δeᵢ) − y(x)) / Δ with Δ on the normalised [0, 1] scale of each parameter, so
    /// an effect is "output change per full range of the input" and parameters in different units compare. For an
    /// integer or list parameter the realised change is the rounded one; Δ stays the nominal one.
    /// </summary>
    /// <param name="design">The design the runs came from.</param>
    /// <param name="outputs">One output per design point, in point order; NaN is refused.</param>
    public static IReadOnlyList<MorrisIndex> Estimate(MorrisDesign design, IReadOnlyList<double> outputs)
    {
        Outputs.RequireComplete(outputs, design.Points.Count, "Morris screening");
        int k = design.Parameters.Count;
        var effects = Enumerable.Range(0, k).Select(_ => new List<double>(design.Trajectories.Count)).ToArray();
        foreach (var trajectory in design.Trajectories)
        {
            for (int s = 0; s < trajectory.Steps.Count; s++)
            {
                var step = trajectory.Steps[s];
                int from = trajectory.First + s;
                effects[step.Parameter].Add((outputs[from + 1] - outputs[from]) / step.Delta);
            }
        }
        return Enumerable.Range(0, k).Select(i => new MorrisIndex(
            design.Parameters[i].Path,
            effects[i].Mean(),
            effects[i].Select(Math.Abs).Mean(),
            effects[i].StandardDeviation(),
            effects[i].Count)).ToArray();
    }
}

/// <summary>Checks shared by the sensitivity estimators.</summary>
internal static class Outputs
{
    /// <summary>
    /// Sensitivity estimators pair runs, so a missing output (NaN: a run with no agreement, say) cannot just be
    /// dropped: it is refused with the count, and the caller decides what a missing outcome should count as.
    /// </summary>
    public static void RequireComplete(IReadOnlyList<double> outputs, int expected, string analysis)
    {
        if (outputs.Count != expected)
            throw new ArgumentException($"{analysis} needs one output per design point: {expected} points, {outputs.Count} outputs");
        int missing = outputs.Count(double.IsNaN);
        if (missing > 0)
            throw new ArgumentException(
                $"{analysis} cannot use outputs with NaN: {missing} of {outputs.Count} outputs are NaN; "
                + "give those runs a value (e.g. the run length for 'day of agreement') or choose another output");
        int infinite = outputs.Count(double.IsInfinity);
        if (infinite > 0)
            throw new ArgumentException($"{analysis} cannot use infinite outputs: {infinite} of {outputs.Count} are infinite");
    }
}
