namespace SovereigntySim.Domain.Bargaining;

/// <summary>
/// Time-dependent concession (Faratin, Sierra and Jennings 1998): the share of the way from the best value to the
/// reservation value conceded by time fraction t is α(t) = k + (1 − k)·t^(1/β); β &lt; 1 holds out (Boulware),
/// β &gt; 1 concedes early (Conceder). A ministry's t is the simulated time since its dispute's talks began over its
/// concession time, never a count of rounds.
/// </summary>
public static class Concession
{
    public static double Alpha(double timeFraction, double beta, double initial)
    {
        double t = Math.Clamp(timeFraction, 0, 1);
        return initial + (1 - initial) * Math.Pow(t, 1 / beta);
    }

    /// <summary>The utility a side aims for at time t, between 1 and its reservation value.</summary>
    public static double Aspiration(double timeFraction, double beta, double initial, double reservation) =>
        1 - Alpha(timeFraction, beta, initial) * (1 - Math.Clamp(reservation, 0, 1));
}

/// <summary>
/// Builds the offer that gives its author at least a target utility while leaving the other side as much as
/// possible: it concedes first on the issues that cost it least per unit of value to the other side, level by level,
/// skipping a step that would fall below the target and going on with cheaper issues (a greedy trade-off over a
/// linear additive utility; Faratin, Sierra and Jennings 2002).
/// </summary>
public static class TradeOff
{
    public static double[] Offer(Utility self, Utility other, double target, double[][] levels)
    {
        int n = self.Weights.Length;
        var x = new double[n];
        // Each term starts at the level nearest this side's end: its own end, unless a red line of the other side
        // leaves only the other's.
        for (int i = 0; i < n; i++) x[i] = self.Sending ? levels[i][^1] : levels[i][0];
        double u = self.Of(x);
        var order = Enumerable.Range(0, n)
            .OrderBy(i => self.Weights[i] / Math.Max(other.Weights[i], 1e-9))
            .ThenBy(i => i)
            .ToArray();
        foreach (int i in order)
        {
            // A term off the agenda weighs nothing to either side: it stays where it is.
            if (self.Weights[i] == 0 && other.Weights[i] == 0) continue;
            // Walk from this side's end of the issue toward the other's.
            var steps = self.Sending ? levels[i].Reverse() : levels[i];
            foreach (var level in steps)
            {
                double next = u - self.Weights[i] * Math.Abs(level - x[i]);
                if (next < target - 1e-12) break;
                u = next;
                x[i] = level;
            }
        }
        return x;
    }
}

/// <summary>Nash bargaining: the product of both sides' gains over their disagreement values.</summary>
public static class Nash
{
    public static double Product(double u1, double d1, double u2, double d2) => Math.Max(0, u1 - d1) * Math.Max(0, u2 - d2);
}
