using MathNet.Numerics.Distributions;

namespace SovereigntySim.Domain.Bargaining;

/// <summary>
/// Private types (Harsanyi 1967): a value known to the scenario only as the mean of a Beta distribution, drawn per run
/// from the agent's own stream. The spread s is the standard deviation as a share of the largest a Beta distribution
/// with that mean can have, √(μ(1 − μ)); so the concentration is α + β = 1/s² − 1.
/// </summary>
public static class PrivateType
{
    /// <summary>Below this spread a type is certain: a Beta of concentration over a million is a point, and its
    /// parameters would overflow toward infinity (NaN densities) as the spread goes to 0.</summary>
    public const double CertainBelow = 1e-3;

    /// <summary>The Beta parameters (α, β) of mean <paramref name="mean"/> and spread <paramref name="spread"/>, or
    /// null when the value is certain (a spread below <see cref="CertainBelow"/>, or a mean of 0 or 1).</summary>
    public static (double A, double B)? Parameters(double mean, double spread)
    {
        if (spread < CertainBelow || mean <= 0 || mean >= 1) return null;
        double concentration = 1 / (spread * spread) - 1;
        return (mean * concentration, (1 - mean) * concentration);
    }

    /// <summary>One draw; a certain value consumes no draw.</summary>
    public static double Draw(Random random, double mean, double spread) =>
        Parameters(mean, spread) is var (a, b) ? Beta.Sample(random, a, b) : Math.Clamp(mean, 0, 1);
}

/// <summary>
/// A side's belief about the other side's reservation value: a distribution over 20 cells of [0, 1] (their
/// midpoints), starting from the prior the other's type is drawn from. Offers are evidence (Bayes' rule with a
/// normal likelihood around the offer the other side's type would make at that time), tempered by the hours the
/// observation stands for, so the belief learns as much per simulated day whatever the round length.
/// </summary>
public sealed partial class ReservationBelief
{
    public const int Cells = 20;

    private ReservationBelief(double[] points, double[] weights)
    {
        Points = points;
        Weights = weights;
    }

    public double[] Points { get; }
    public double[] Weights { get; }

    public static ReservationBelief Prior(double mean, double spread)
    {
        if (PrivateType.Parameters(mean, spread) is not var (a, b)) return new([Math.Clamp(mean, 0, 1)], [1.0]);
        var points = new double[Cells];
        var weights = new double[Cells];
        for (int i = 0; i < Cells; i++)
        {
            points[i] = (i + 0.5) / Cells;
            // The prior mass of each cell, so the belief's mean is close to the prior mean whatever the concentration.
            weights[i] = Beta.CDF(a, b, (i + 1.0) / Cells) - Beta.CDF(a, b, (double)i / Cells);
        }
        var belief = new ReservationBelief(points, weights);
        belief.Normalise();
        return belief;
    }

    public double Mean
    {
        get
        {
            double m = 0;
            for (int i = 0; i < Points.Length; i++) m += Weights[i] * Points[i];
            return m;
        }
    }

    /// <summary>Bayes' rule with the likelihood N(observed; predicted(r), noise²) raised to <paramref name="weight"/>
    /// (one unit of evidence per simulated day of offers).</summary>
    public void Observe(Func<double, double> predicted, double observed, double noise, double weight)
    {
        if (Points.Length == 1 || weight <= 0) return;
        var log = new double[Points.Length];
        double max = double.NegativeInfinity;
        for (int i = 0; i < Points.Length; i++)
        {
            double z = (observed - predicted(Points[i])) / noise;
            log[i] = Math.Log(Math.Max(Weights[i], 1e-300)) - 0.5 * weight * z * z;
            max = Math.Max(max, log[i]);
        }
        for (int i = 0; i < Points.Length; i++) Weights[i] = Math.Exp(log[i] - max);
        Normalise();
    }

    private void Normalise()
    {
        double sum = Weights.Sum();
        for (int i = 0; i < Weights.Length; i++) Weights[i] /= sum;
    }
}

/// <summary>
/// The public record of a country's threats against one partner, as a Beta belief that its next threat will be
/// carried out: the prior has the country's published credibility as its mean; each threat applied at the end of its
/// grace period counts one success, each one left unexecuted one failure (Beta-Bernoulli updating).
/// </summary>
public sealed partial class Credibility
{
    private double _carried, _bluffed;

    /// <summary>A certain prior (spread 0) is a very strong one: a record of a million threats.</summary>
    public Credibility(double mean, double spread) =>
        (_carried, _bluffed) = PrivateType.Parameters(mean, spread) ?? (mean * 1e6, (1 - mean) * 1e6);

    public double Mean => _carried + _bluffed > 0 ? _carried / (_carried + _bluffed) : 0;
    public void Carried() => _carried++;
    public void Bluffed() => _bluffed++;
}
