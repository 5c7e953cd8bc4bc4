using SovereigntySim.Domain.Bargaining;
using SovereigntySim.Domain.Scenario;
using SovereigntySim.Domain.Simulation;

namespace SovereigntySim.Domain.Agents;

/// <summary>
/// A foreign ministry bargaining for its state under incomplete information. Its reservation value and resolve are
/// private, drawn per run around the scenario's values; the reservation value moves with the state's politics: up
/// with audience costs (Fearon 1994), never below the win-set its domestic pressure sets (Putnam 1988), down with the
/// cost of delay. Its demands fall with simulated time since the dispute's talks began (Faratin et al. 1998) toward
/// its reservation value, and it accepts an offer worth its current demand. It holds a belief about the other side's
/// reservation value, learnt from the other's offers, and decides with it: it tells its country the deal it expects
/// (for escalation), walks out when continuing is worth less than the standoff, and resumes talks once the standoff's
/// costs have lowered its reservation value enough for a deal to look likely again.
/// </summary>
public sealed partial class Ministry : Agent
{
    private readonly MinistrySpec _spec;
    private double _reservation, _resolve;
    private readonly Dictionary<string, PoliticalState> _politics = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Partner> _partners = new(StringComparer.Ordinal);

    public Ministry(string id, World world) : base(id, world)
    {
        _spec = world.Spec.Agencies.Ministries.First(m => AgentIds.Ministry(m.Id) == id);
        // The private type, drawn in this order from the ministry's own stream.
        DrawType();
    }

    private void DrawType()
    {
        double spread = World.Negotiation.TypeSpread;
        _reservation = PrivateType.Draw(Random, _spec.ReservationValue, spread);
        _resolve = PrivateType.Draw(Random, _spec.Resolve, spread);
    }

    private double DelayWeight => _spec.DelayCostWeight * 2 * (1 - _resolve);
    /// <summary>Hours over which patience alone takes this side from its opening demand to its floor.</summary>
    private double PatienceHours => Math.Max(1, _spec.ConcessionDays * 24 * 2 * _resolve);
    private double AudienceCostPerDay => World.Countries[_spec.Country].Politics.AudienceCostPerDay;

    protected override void On(string from, IMessage message)
    {
        switch (message)
        {
            case Start: LogType(null); break;
            case GovernmentChanged:
                DrawType();
                LogType(["governmentChange"]);
                break;
            case PoliticalState s:
                // The concession made so far ran at the old costs; the new ones set the pace from now.
                if (_partners.TryGetValue(s.Partner, out var known) && known.ProgressAt is not null) Advance(known, s.Partner, Reservation(s.Partner));
                _politics[s.Partner] = s;
                ConsiderResuming(s);
                break;
            case AgreementReached a: Agreed(a.Sending == _spec.Country ? a.Receiving : a.Sending); break;
            case NegotiationEnded e: Ended(e.Sending == _spec.Country ? e.Receiving : e.Sending); break;
            case OfferRequest r: Send(from, Respond(r)); break;
        }
    }

    private void LogType(IReadOnlyList<string>? reasons) =>
        Log(EventKinds.MinistryType, AgentIds.Country(_spec.Country), reasons, Field.Of("reservationValue", Math.Round(_reservation, 6)),
            Field.Of("resolve", Math.Round(_resolve, 6)), Field.Of("delayWeight", Math.Round(DelayWeight, 6)),
            Field.Of("patienceDays", Math.Round(PatienceHours / 24, 6)));

    /// <summary>The least this side accepts now.</summary>
    private double Reservation(string partner)
    {
        if (_politics.GetValueOrDefault(partner) is not { } state) return _reservation;
        double r = Math.Max(_reservation + state.AudienceCost, state.WinSetFloor);
        // A receiving state's floor is never above what its own policy already gives it: its refusals enforce that
        // policy, and it stays if no agreement is reached (the no-agreement alternative).
        if (state.Policy is { } policy && _partners.TryGetValue(partner, out var p))
            r = Math.Min(r, p.Self.Of(p.Space.Positions(Terms.StatusQuo(policy))));
        // A demand outside the flight terms (its own fugitives, a change of the other's migration policy) raises the
        // floor above anything flight terms can give: only the costs of the standoff bring it down.
        r += state.LinkedDemand;
        // The costs of no agreement lower the floor too: the win-set widens as the standoff grows costly (Putnam 1988).
        return Math.Clamp(r - DelayWeight * state.DelayCost, 0, 1);
    }

    /// <summary>What this side knows about one partner: its belief lasts the run (types are drawn once a run), the
    /// rest the length of a dispute.</summary>
    private sealed class Partner
    {
        public required Utility Self, Other;
        public required MinistrySpec Spec;
        public required IssueSpace Space;
        /// <summary>The levels each side may offer: its red lines stay at its own end.</summary>
        public required double[][] SelfLevels, OtherLevels;
        public required ReservationBelief Belief;
        /// <summary>This side's utility of the deal it expects if the other side's reservation value is each point
        /// of the belief: the offer the other would make at that aspiration (the same trade-off as ours).</summary>
        public required double[] Deal;
        public long? LastObserved;
        public bool Negotiating;
        public bool Ended;
        /// <summary>The lowest reservation value at any end of talks or resumption in the dispute.</summary>
        public double LowestReservation = double.PositiveInfinity;
        /// <summary>The share of the way from the opening demand to the floor covered so far in the dispute, and when
        /// it was last brought up to date (null: no talks yet in this dispute).</summary>
        public double Progress;
        public long? ProgressAt;
    }

    private Partner PartnerOf(string partner, bool sending, Agenda? agenda)
    {
        agenda ??= Agenda.Flights;
        if (_partners.TryGetValue(partner, out var p))
        {
            // A new negotiation may have a new agenda: the utilities and the expected deals follow it; the belief stays.
            if (p.Space.Agenda.ToString() != agenda.ToString()) Rebuild(p, sending, agenda);
            return p;
        }
        var other = World.MinistryOf(partner)!;
        var belief = ReservationBelief.Prior(other.ReservationValue, World.Negotiation.TypeSpread);
        p = new Partner
        {
            Self = null!, Other = null!, Spec = other, Space = null!, SelfLevels = [], OtherLevels = [], Belief = belief, Deal = [],
        };
        Rebuild(p, sending, agenda);
        return _partners[partner] = p;
    }

    private void Rebuild(Partner p, bool sending, Agenda agenda)
    {
        p.Space = new IssueSpace(World.Negotiation, agenda);
        p.Self = new Utility(_spec.WeightsAs(sending), sending, agenda);
        p.Other = new Utility(p.Spec.WeightsAs(!sending), !sending, agenda);
        var levels = p.Space.Levels();
        p.SelfLevels = RedLined(levels, _spec.RedLines, agenda, sending);
        // The other side knows our red lines too: the deals we expect from it meet them, unless they are its own.
        p.OtherLevels = RedLined(RedLined(levels, _spec.RedLines, agenda, sending), p.Spec.RedLines, agenda, !sending);
        p.Deal = p.Belief.Points.Select(r => DealAt(p, r)).ToArray();
    }

    /// <summary>Red lines are declared, so both sides know them: a red-lined term only has its owner's end. The
    /// relief of a suspension of the sending state's flights is always a red line of the sending side.</summary>
    private static double[][] RedLined(double[][] levels, IReadOnlyList<Issue> redLines, Agenda agenda, bool sending) =>
        levels.Select((l, i) => IsRedLine(i, redLines, agenda, sending) ? [sending ? 1.0 : 0.0] : l).ToArray();

    private static bool IsRedLine(int i, IReadOnlyList<Issue> redLines, Agenda agenda, bool sending) =>
        i < IssueSpace.Fixed ? redLines.Contains((Issue)i) && agenda.Has((Issue)i) : sending && agenda.Measures[i - IssueSpace.Fixed].SuspendsFlights;

    /// <summary>Whether an offer moves one of this side's red lines off its own end.</summary>
    private bool CrossesRedLine(double[] x, Agenda agenda, bool sending)
    {
        for (int i = 0; i < x.Length; i++)
            if (IsRedLine(i, _spec.RedLines, agenda, sending) && Math.Abs(x[i] - (sending ? 1 : 0)) > 1e-9) return true;
        return false;
    }

    /// <summary>This side's utility of the deal it expects if the other side's reservation value is r. A deal that would cross one of this side's red lines is no deal: it counts below any reservation value.</summary>
    private double DealAt(Partner p, double r)
    {
        if (Indivisible(p)) return NoDeal;
        var x = TradeOff.Offer(p.Other, p.Self, r, p.OtherLevels);
        return CrossesRedLine(x, p.Space.Agenda, p.Self.Sending) ? NoDeal : p.Self.Of(x);
    }

    /// <summary>For the sending side, talks in which the red lines of the receiving state hold most of what it wants
    /// on the table (more than half its weight on the agenda's flight terms: no third-country nationals, declared as a
    /// principle by Nigeria and Burkina Faso in 2025; no involuntary returns, Eritrea) cannot settle the dispute: any
    /// deal leaves most of the people it wants to return unreturnable, and what is left (an assurance, a notice period)
    /// is no reason to sign. An indivisible issue (Fearon 1995) is no bargain, whatever relief or payment comes with it.
    /// A loop, not a query: it is asked for every point of the belief and every offer.</summary>
    private static bool Indivisible(Partner p)
    {
        if (!p.Self.Sending || p.Spec.RedLines.Count == 0) return false;
        double redLined = 0, all = 0;
        foreach (var c in FlightConditions.All)
        {
            if (c.OnlyWhenAsked || !p.Space.Agenda.Has(c.Issue)) continue;
            double w = p.Self.Weights[(int)c.Issue];
            all += w;
            if (p.Spec.RedLines.Contains(c.Issue)) redLined += w;
        }
        return all > 0 && redLined > all / 2;
    }

    private const double NoDeal = -1;

    /// <summary>The chance the belief gives to a deal this side can accept, and the surplus over its reservation
    /// value it expects from such a deal.</summary>
    private static (double Chance, double Surplus) Prospect(Partner p, double reservation)
    {
        double chance = 0, surplus = 0;
        for (int i = 0; i < p.Deal.Length; i++)
        {
            if (p.Deal[i] < reservation) continue;
            chance += p.Belief.Weights[i];
            surplus += p.Belief.Weights[i] * (p.Deal[i] - reservation);
        }
        return (chance, chance > 0 ? surplus / chance : 0);
    }

    /// <summary>Walking out is worth it when the expected surplus of a deal is below the audience cost of one more
    /// day of talks that are expected to fail (Fearon 1994: the public sees a government that talks and gets nothing);
    /// a day is what the belief needs to learn one unit of evidence more.</summary>
    private (bool Worth, double Continue, double Futile) ContinuingWorth(double chance, double surplus)
    {
        double cont = chance * surplus;
        double futile = (1 - chance) * AudienceCostPerDay;
        return (cont >= futile, cont, futile);
    }

    private OfferResponse Respond(OfferRequest r)
    {
        var p = PartnerOf(r.Partner, r.Sending, r.Agenda);
        p.Negotiating = true;
        p.Ended = false;
        double reservation = Reservation(r.Partner);
        double? offered = null;
        if (r.Offer is { } offer)
        {
            var x = p.Space.Positions(offer);
            // A red line is never conceded: an offer that crosses one is worth nothing to this side.
            offered = CrossesRedLine(x, p.Space.Agenda, r.Sending) || Indivisible(p) ? double.NegativeInfinity : p.Self.Of(x);
            Learn(p, p.Other.Of(x), r.OfferedAt);
        }
        double mean = p.Belief.Mean;
        double expected = DealAt(p, mean);
        p.ProgressAt ??= Now; // the dispute's first talks: its concession starts
        double rate = Advance(p, r.Partner, reservation);
        double aspiration = Concession.Aspiration(p.Progress, _spec.Beta, _spec.InitialConcession, reservation);
        var (chance, surplus) = Prospect(p, reservation);
        var why = new List<Field>
        {
            Field.Of(EventFields.Reservation, Math.Round(reservation, 6)), Field.Of(EventFields.Aspiration, Math.Round(aspiration, 6)),
            Field.Of("concession", Math.Round(p.Progress, 6)), Field.Of("concessionPerDay", Math.Round(rate * 24, 6)),
            Field.Of(EventFields.DailyCost, Math.Round(_politics.GetValueOrDefault(r.Partner)?.DailyCost ?? 0, 6)), Field.Of("stake", Math.Round(p.Self.Stake, 6)),
            Field.Of("belief.mean", Math.Round(mean, 6)),
            Field.Of("expectedDeal", Math.Round(expected, 6)), Field.Of("agreementChance", Math.Round(chance, 6)),
        };
        if (offered is { } u)
        {
            why.Insert(0, !double.IsNegativeInfinity(u) ? Field.Of("offerUtility", Math.Round(u, 6))
                : Indivisible(p) ? Field.Of("indivisible", true) : Field.Of("crossesRedLine", true));
            // Accept what meets the aspiration, or, above the floor, what is as good as the best deal the belief says the
            // other side will ever offer: holding out for more only costs time (the AC_combi acceptance of ANAC agents).
            if (u + 1e-9 >= aspiration || (u + 1e-9 >= reservation && u + 1e-9 >= expected))
                return new OfferResponse(r.Round, true, null, false, why);
        }
        // The country decides on escalation with what its ministry now believes.
        Send(AgentIds.Country(_spec.Country), new BargainingView(r.Partner, (aspiration - expected) * p.Self.Stake, mean));
        if (offered is not null)
        {
            var (worth, cont, futile) = ContinuingWorth(chance, surplus);
            bool escalating = _politics.GetValueOrDefault(r.Partner)?.EscalationPending ?? false;
            why.Add(Field.Of("valueOfContinuing", Math.Round(cont, 6)));
            why.Add(Field.Of("costOfFutileTalks", Math.Round(futile, 6)));
            why.Add(Field.Of("escalationPending", escalating));
            if (!worth && !escalating) return new OfferResponse(r.Round, false, null, true, why);
        }
        // On an indivisible issue a concession buys nothing (every term the other side could move is its red line):
        // the sending side restates its demand rather than give up the people it wants to return.
        var counter = p.Space.FromPositions(TradeOff.Offer(p.Self, p.Other, Indivisible(p) ? 1 : aspiration, p.SelfLevels), r.Sending);
        return new OfferResponse(r.Round, false, counter, false, why);
    }

    /// <summary>The other side's offer is evidence about its reservation value: a type r would have asked for its
    /// own concession path at the time it made the offer. The evidence counts in proportion to the hours since its
    /// last offer.</summary>
    private void Learn(Partner p, double theirUtility, double hours)
    {
        double since = p.LastObserved is { } last ? Clock.Hours(Now - last) : 2 * World.Negotiation.RoundHours;
        p.LastObserved = Now;
        double theirHours = Math.Max(1, p.Spec.ConcessionDays * 24);
        p.Belief.Observe(r => Concession.Aspiration(hours / theirHours, p.Spec.Beta, p.Spec.InitialConcession, r),
            theirUtility, World.Negotiation.BeliefNoise, Math.Min(since, 24) / 24);
    }

    /// <summary>The dispute is over; what this side learnt about the other's type stays for the next one.</summary>
    private void Agreed(string partner)
    {
        if (!_partners.TryGetValue(partner, out var p)) return;
        p.Negotiating = p.Ended = false;
        p.LastObserved = null;
        p.LowestReservation = double.PositiveInfinity;
        p.Progress = 0;
        p.ProgressAt = null;
    }

    /// <summary>Concession runs on simulated time and on what delay costs, never on rounds (Faratin et al. 1998's
    /// time-dependent tactic, with the deadline of a war of attrition: how long a side holds out is what is at stake
    /// over what waiting costs). The stake is the agenda's share of what this side weighs in the relation. Patience
    /// alone covers the way from the opening demand to the floor in <see cref="PatienceHours"/> times the stake (a
    /// dispute over one minor term in hours, one over the whole package in days); each day's cost of the dispute
    /// covers the share of the way that cost is of the stake and of the range still to concede (a tariff threat on a
    /// state's main market settles within hours). Brings the progress up to now at the pace of the costs known until
    /// now and returns the pace per hour.</summary>
    private double Advance(Partner p, string partner, double reservation)
    {
        double daily = _politics.GetValueOrDefault(partner)?.DailyCost ?? 0;
        double range = Math.Max(1 - reservation, 0.05);
        // Nothing this side weighs is on the agenda (all its weights there are 0): it has nothing to hold out for.
        if (p.Self.Stake <= 0)
        {
            p.Progress = 1;
            p.ProgressAt = Now;
            return 0;
        }
        double rate = (1 / PatienceHours + DelayWeight * daily / range / 24) / p.Self.Stake;
        p.Progress = Math.Min(1, p.Progress + Clock.Hours(Now - p.ProgressAt!.Value) * rate);
        p.ProgressAt = Now;
        return rate;
    }

    private void Ended(string partner)
    {
        if (!_partners.TryGetValue(partner, out var p)) return;
        p.Negotiating = false;
        p.Ended = true;
        p.LastObserved = null;
        p.LowestReservation = Math.Min(p.LowestReservation, Reservation(partner));
    }

    /// <summary>Talks that ended resume when the standoff has lowered this side's reservation value by the margin
    /// below its lowest at any earlier end or resumption, and a deal is again worth talking for. Each resumption needs
    /// a reservation value at least the margin below the last, so a dispute has a bounded number of negotiations.</summary>
    private void ConsiderResuming(PoliticalState s)
    {
        if (!_partners.TryGetValue(s.Partner, out var p) || !p.Ended || p.Negotiating) return;
        double reservation = Reservation(s.Partner);
        if (reservation > p.LowestReservation - World.Negotiation.ResumeMargin) return;
        var (chance, surplus) = Prospect(p, reservation);
        var (worth, cont, futile) = ContinuingWorth(chance, surplus);
        if (!worth) return;
        p.Ended = false;
        double lowest = p.LowestReservation;
        p.LowestReservation = reservation;
        string negotiation = s.Sending ? AgentIds.Negotiation(_spec.Country, s.Partner) : AgentIds.Negotiation(s.Partner, _spec.Country);
        Send(negotiation, new ResumeNegotiation(_spec.Country,
        [
            Field.Of("reservation", Math.Round(reservation, 6)), Field.Of("lowestEarlier", Math.Round(lowest, 6)),
            Field.Of("belief.mean", Math.Round(p.Belief.Mean, 6)), Field.Of("agreementChance", Math.Round(chance, 6)),
            Field.Of("valueOfContinuing", Math.Round(cont, 6)), Field.Of("costOfFutileTalks", Math.Round(futile, 6)),
        ]));
    }
}
