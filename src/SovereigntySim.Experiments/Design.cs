using SovereigntySim.Domain.Randomness;

namespace SovereigntySim.Experiments;

/// <summary>
/// The runs of an experiment: one <see cref="DesignPoint"/> per run, in the order the estimators expect the outputs.
/// </summary>
public abstract record Design(IReadOnlyList<Parameter> Parameters, IReadOnlyList<DesignPoint> Points)
{
    /// <summary>Designs larger than this are refused: every point is a simulation run.</summary>
    public const int MaxPoints = 10_000_000;

    /// <summary>Checks what every design needs, so a bad parameter fails here with its path rather than deep inside.</summary>
    protected static void Validate(IReadOnlyList<Parameter> parameters)
    {
        if (parameters.Count == 0) throw new ArgumentException("a design needs at least one parameter");
        var duplicate = parameters.GroupBy(p => p.Path).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null) throw new ArgumentException($"parameter {duplicate.Key} is given {duplicate.Count()} times");
        foreach (var p in parameters)
        {
            switch (p)
            {
                case ListParameter { Values.Count: 0 }:
                    throw new ArgumentException($"{p.Path}: the list of values is empty");
                case RangeParameter r when !double.IsFinite(r.Lo) || !double.IsFinite(r.Hi) || r.Lo > r.Hi:
                    throw new ArgumentException($"{p.Path}: empty or non-finite range {Parameter.Format(r.Lo)}:{Parameter.Format(r.Hi)}");
                case RangeParameter { Step: double step } when !(step > 0 && double.IsFinite(step)):
                    throw new ArgumentException($"{p.Path}: step must be positive, found {Parameter.Format(step)}");
                case RangeParameter { IsInteger: true } r when Math.Ceiling(r.Lo) > Math.Floor(r.Hi):
                    throw new ArgumentException($"{p.Path}: no integer in {Parameter.Format(r.Lo)}:{Parameter.Format(r.Hi)}");
            }
        }
    }

    /// <summary>Refuses designs of more than <see cref="MaxPoints"/> points before allocating them.</summary>
    protected static int CheckedSize(double points, string what)
    {
        if (points > MaxPoints) throw new ArgumentException($"{what} has {points:0} points (at most {MaxPoints})");
        return (int)points;
    }

    /// <summary>The point at unit coordinates u (one per parameter), each mapped by its parameter.</summary>
    protected static DesignPoint AtUnit(IReadOnlyList<Parameter> parameters, int index, ReadOnlySpan<double> u)
    {
        var values = new ParameterValue[parameters.Count];
        for (int i = 0; i < values.Length; i++) values[i] = parameters[i].FromUnit(u[i]);
        return new DesignPoint(index, values);
    }

    /// <summary>A stream of its own for each kind of design, so two designs from one seed do not share draws.</summary>
    protected static StreamRandom Stream(long seed, string design) => new(Seeds.ForAgent(seed, "experiments/" + design));
}

/// <summary>One run of a design: its position in the design and one value per parameter, in parameter order.</summary>
public sealed record DesignPoint(int Index, IReadOnlyList<ParameterValue> Values)
{
    /// <summary>The `--set path=value` arguments of this run.</summary>
    public IEnumerable<string> Settings => Values.Select(v => v.Setting);

    /// <summary>The numeric value of parameter i (NaN for a list item that is not a number).</summary>
    public double Number(int i) => Values[i].Number ?? double.NaN;
}

/// <summary>
/// Every combination of every parameter's grid values (the cartesian product), first parameter varying slowest, as
/// nested loops would. A range without a step takes every integer when integer-valued and is refused otherwise.
/// </summary>
public sealed record GridDesign(IReadOnlyList<Parameter> Parameters, IReadOnlyList<DesignPoint> Points)
    : Design(Parameters, Points)
{
    public static GridDesign Create(IReadOnlyList<Parameter> parameters)
    {
        Validate(parameters);
        var axes = parameters.Select(p => p.GridValues()).ToArray();
        int size = CheckedSize(axes.Aggregate(1.0, (n, a) => n * a.Count), "the grid");
        var points = new DesignPoint[size];
        for (int index = 0; index < size; index++)
        {
            // Mixed-radix digits of the index, last parameter fastest.
            var values = new ParameterValue[axes.Length];
            int rest = index;
            for (int i = axes.Length - 1; i >= 0; i--)
            {
                values[i] = axes[i][rest % axes[i].Count];
                rest /= axes[i].Count;
            }
            points[index] = new DesignPoint(index, values);
        }
        return new GridDesign(parameters, points);
    }
}

/// <summary>
/// Latin hypercube sample (McKay, Beckman &amp; Conover 1979): M points; in every dimension each of the M equal strata
/// of [0, 1] holds exactly one point, at a uniform position inside it, with strata paired across dimensions by
/// independent random permutations. Unit values are mapped by each parameter, so integer ranges and lists are
/// stratified over their values (M a multiple of a list's length gives each item equally often).
/// </summary>
public sealed record LatinHypercubeDesign(IReadOnlyList<Parameter> Parameters, IReadOnlyList<DesignPoint> Points, long Seed)
    : Design(Parameters, Points)
{
    public static LatinHypercubeDesign Create(IReadOnlyList<Parameter> parameters, int samples, long seed)
    {
        Validate(parameters);
        if (samples < 1) throw new ArgumentException($"a Latin hypercube needs at least one sample, found {samples}");
        CheckedSize(samples, "the Latin hypercube");
        var random = Stream(seed, "lhs");
        int k = parameters.Count;
        var unit = new double[samples, k];
        for (int d = 0; d < k; d++)
        {
            int[] strata = MathNet.Numerics.Combinatorics.GeneratePermutation(samples, random);
            for (int j = 0; j < samples; j++) unit[j, d] = (strata[j] + random.NextDouble()) / samples;
        }
        var points = new DesignPoint[samples];
        var row = new double[k];
        for (int j = 0; j < samples; j++)
        {
            for (int d = 0; d < k; d++) row[d] = unit[j, d];
            points[j] = AtUnit(parameters, j, row);
        }
        return new LatinHypercubeDesign(parameters, points, seed);
    }
}
