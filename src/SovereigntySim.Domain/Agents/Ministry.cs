using SovereigntySim.Domain.Bargaining;
using SovereigntySim.Domain.Scenario;
using SovereigntySim.Domain.Simulation;

namespace SovereigntySim.Domain.Agents;

/// <summary>
/// A foreign ministry bargaining for its state. Its reservation value starts at its own and moves with the state's
/// politics: up with audience costs (Fearon 1994) and never below the win-set its domestic pressure sets (Putnam
/// 1988), down with the cost of further delay. It concedes over time (Faratin et al. 1998), trades issues off to keep
/// the other side's utility high, accepts an offer worth at least what it would ask next, and (for the sending state)
/// asks its state to escalate after rounds of unacceptable offers, walking away once the ladder is exhausted.
/// </summary>
public sealed class Ministry : Agent
{
    private readonly MinistrySpec _spec;
    private readonly IssueSpace _space;
    private readonly double[][] _levels;
    private readonly Dictionary<string, PoliticalState> _politics = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> _stalled = new(StringComparer.Ordinal);
    private readonly HashSet<string> _exhausted = new(StringComparer.Ordinal);

    public Ministry(string id, World world) : base(id, world)
    {
        _spec = world.Spec.Agencies.Ministries.First(m => AgentIds.Ministry(m.Id) == id);
        _space = new IssueSpace(world.Negotiation);
        _levels = _space.Levels();
    }

    protected override void On(string from, IMessage message)
    {
        switch (message)
        {
            case PoliticalState s: _politics[s.Partner] = s; break;
            case LadderExhausted l: _exhausted.Add(l.Against); _stalled[l.Against] = 0; break;
            case AgreementReached a: Forget(a.Sending == _spec.Country ? a.Receiving : a.Sending); break;
            case NegotiationEnded e: Forget(e.Sending == _spec.Country ? e.Receiving : e.Sending); break;
            case OfferRequest r: Send(from, Respond(r)); break;
        }
    }

    private void Forget(string partner)
    {
        _stalled.Remove(partner);
        _exhausted.Remove(partner);
    }

    /// <summary>The least this side accepts now.</summary>
    public static double Reservation(MinistrySpec spec, PoliticalState? state)
    {
        if (state is null) return spec.ReservationValue;
        double r = spec.ReservationValue + state.AudienceCost - spec.DelayCostWeight * state.DelayCost;
        return Math.Clamp(Math.Max(r, state.WinSetFloor), 0, 1);
    }

    private OfferResponse Respond(OfferRequest r)
    {
        var self = new Utility(_spec.Weights, r.Sending);
        var partnerMinistry = World.MinistryOf(r.Partner)!;
        var other = new Utility(partnerMinistry.Weights, !r.Sending);
        double reservation = Reservation(_spec, _politics.GetValueOrDefault(r.Partner));
        double aspiration = Concession.Aspiration(r.TimeFraction, _spec.Beta, _spec.InitialConcession, reservation);
        if (r.Offer is { } offer)
        {
            double u = self.Of(_space.Positions(offer));
            if (u + 1e-9 >= aspiration) return new OfferResponse(r.Round, true, null, false);
            if (r.Sending && Stalled(r.Partner)) return new OfferResponse(r.Round, false, null, true);
        }
        var counter = _space.FromPositions(TradeOff.Offer(self, other, aspiration, _levels), r.Sending);
        return new OfferResponse(r.Round, false, counter, false);
    }

    /// <summary>Counts unacceptable rounds; escalates after enough of them, walks away once nothing is left.</summary>
    private bool Stalled(string partner)
    {
        int stalled = _stalled.GetValueOrDefault(partner) + 1;
        if (_exhausted.Contains(partner))
        {
            _stalled[partner] = stalled;
            return stalled > World.Negotiation.BreakdownAfterRounds;
        }
        if (stalled >= _spec.EscalateAfterRounds)
        {
            Log("ministry.escalationRequested", AgentIds.Country(partner), null, Field.Of("stalledRounds", stalled));
            Send(AgentIds.Country(_spec.Country), new EscalationRequest(partner));
            stalled = 0;
        }
        _stalled[partner] = stalled;
        return false;
    }
}
