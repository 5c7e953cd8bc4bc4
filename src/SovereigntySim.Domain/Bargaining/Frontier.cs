namespace SovereigntySim.Domain.Bargaining;

/// <summary>
/// The Pareto frontier of a negotiation's issue space and its Nash point, for analysing agreements (as NegMAS and
/// GENIUS do): how far an agreement lies from the frontier, and from the deal that maximises the Nash product.
/// </summary>
public static class Frontier
{
    /// <summary>Points (sending's utility, receiving's utility) on the frontier, sending's utility falling. With linear
    /// additive utilities the sending side's trade-off offers at falling targets trace it; dominated points are dropped.</summary>
    public static IReadOnlyList<(double Sending, double Receiving)> Of(Utility sending, Utility receiving, double[][] levels, int steps = 100)
    {
        var points = new List<(double Sending, double Receiving)>();
        for (int k = 0; k <= steps; k++)
        {
            var x = TradeOff.Offer(sending, receiving, 1 - (double)k / steps, levels);
            points.Add((Math.Round(sending.Of(x), 6), Math.Round(receiving.Of(x), 6)));
        }
        var frontier = new List<(double Sending, double Receiving)>();
        foreach (var p in points.Distinct().OrderByDescending(p => p.Sending).ThenByDescending(p => p.Receiving))
            if (frontier.Count == 0 || p.Receiving > frontier[^1].Receiving) frontier.Add(p);
        return frontier;
    }

    /// <summary>The frontier point with the largest Nash product over the disagreement values; null if no point
    /// gives both sides more than their disagreement value.</summary>
    public static (double Sending, double Receiving)? NashPoint(IReadOnlyList<(double Sending, double Receiving)> frontier, double dSending, double dReceiving)
    {
        (double, double)? best = null;
        double bestProduct = 0;
        foreach (var p in frontier)
        {
            double product = Nash.Product(p.Sending, dSending, p.Receiving, dReceiving);
            if (product > bestProduct)
            {
                bestProduct = product;
                best = p;
            }
        }
        return best;
    }
}
