using SovereigntySim.Domain.Bargaining;
using SovereigntySim.Domain.Randomness;
using SovereigntySim.Domain.Scenario;

namespace SovereigntySim.Domain.Tests;

public sealed class BargainingTests
{
    private static readonly NegotiationSpec Settings = new(); // caps 1..40, notice 0..72h, passengers 50..135
    private static readonly IssueSpace Space = new(Settings);
    private static readonly IssueWeightsSpec Equal = new();

    // ---- Concession -------------------------------------------------------------------------------------------

    [Theory]
    [InlineData(0.2)]
    [InlineData(1.0)]
    [InlineData(5.0)]
    public void Alpha_starts_at_the_initial_concession_and_ends_at_one(double beta)
    {
        Assert.Equal(0.1, Concession.Alpha(0, beta, 0.1), 12);
        Assert.Equal(1.0, Concession.Alpha(1, beta, 0.1), 12);
        // Times outside [0, 1] are clamped.
        Assert.Equal(0.1, Concession.Alpha(-3, beta, 0.1), 12);
        Assert.Equal(1.0, Concession.Alpha(7, beta, 0.1), 12);
    }

    [Fact]
    public void Linear_tactic_concedes_in_proportion_to_time()
    {
        Assert.Equal(0.2 + 0.8 * 0.25, Concession.Alpha(0.25, 1, 0.2), 12);
        Assert.Equal(0.2 + 0.8 * 0.5, Concession.Alpha(0.5, 1, 0.2), 12);
    }

    [Theory]
    [InlineData(0.1)]
    [InlineData(0.5)]
    [InlineData(0.9)]
    public void Boulware_concedes_later_than_conceder_at_the_same_time(double t)
    {
        double boulware = Concession.Alpha(t, 0.5, 0.05);
        double linear = Concession.Alpha(t, 1, 0.05);
        double conceder = Concession.Alpha(t, 2, 0.05);
        Assert.True(boulware < linear && linear < conceder, $"boulware {boulware}, linear {linear}, conceder {conceder}");
        // So Boulware still asks for more.
        Assert.True(Concession.Aspiration(t, 0.5, 0.05, 0.4) > Concession.Aspiration(t, 2, 0.05, 0.4));
    }

    [Fact]
    public void Aspiration_runs_from_near_one_down_to_the_reservation_value()
    {
        Assert.Equal(1 - 0.05 * (1 - 0.4), Concession.Aspiration(0, 0.8, 0.05, 0.4), 12);
        Assert.Equal(0.4, Concession.Aspiration(1, 0.8, 0.05, 0.4), 12);
        Assert.Equal(1.0, Concession.Aspiration(0, 0.8, 0, 0.4), 12);
        double previous = 2;
        for (int k = 0; k <= 20; k++)
        {
            double a = Concession.Aspiration(k / 20.0, 1.5, 0.05, 0.4);
            Assert.True(a <= previous + 1e-15, $"aspiration rose at t={k / 20.0}");
            Assert.InRange(a, 0.4 - 1e-12, 1);
            previous = a;
        }
    }

    [Fact]
    public void Aspiration_clamps_the_reservation_value()
    {
        Assert.Equal(0.0, Concession.Aspiration(1, 1, 0, -0.5), 12);
        Assert.Equal(1.0, Concession.Aspiration(1, 1, 0, 1.5), 12);
    }

    // ---- Utility ----------------------------------------------------------------------------------------------

    [Fact]
    public void Utility_weights_are_normalised()
    {
        var u = new Utility(new IssueWeightsSpec { Aircraft = 4, Restraints = 4, Notice = 3, WeeklyCap = 1, PassengersPerFlight = 1, Documentation = 3, ThirdCountryNationals = 1, Monitoring = 3 }, sending: false);
        Assert.Equal(1.0, u.Weights.Sum(), 12);
        Assert.Equal(4.0 / 20, u.Weights[(int)Issue.Aircraft], 12);
        Assert.Equal(1.0 / 20, u.Weights[(int)Issue.WeeklyCap], 12);
        Assert.Equal(3.0 / 20, u.Weights[(int)Issue.Monitoring], 12);
    }

    [Fact]
    public void All_zero_weights_become_equal_weights()
    {
        var zero = new IssueWeightsSpec { Aircraft = 0, Restraints = 0, Notice = 0, WeeklyCap = 0, PassengersPerFlight = 0, Documentation = 0, ThirdCountryNationals = 0, Monitoring = 0 };
        var u = new Utility(zero, sending: true);
        // Equal over the agenda (the eight flight conditions by default); terms off the agenda weigh nothing.
        Assert.All(u.Weights.Take(8), w => Assert.Equal(1.0 / 8, w, 12));
        Assert.All(u.Weights.Skip(8), w => Assert.Equal(0.0, w, 12));
    }

    [Fact]
    public void Sending_prefers_one_and_receiving_prefers_zero()
    {
        double[] ones = [1, 1, 1, 1, 1, 1, 1, 1], zeros = new double[8];
        var sending = new Utility(Equal, sending: true);
        var receiving = new Utility(Equal, sending: false);
        Assert.Equal(1.0, sending.Of(ones), 12);
        Assert.Equal(0.0, sending.Of(zeros), 12);
        Assert.Equal(0.0, receiving.Of(ones), 12);
        Assert.Equal(1.0, receiving.Of(zeros), 12);
        Assert.Equal(0.3, sending.Value(0.3), 12);
        Assert.Equal(0.7, receiving.Value(0.3), 12);
        // Utilities of one position are complementary under equal weights.
        double[] mixed = [0.5, 1, 0.25, 0, 0.8, 0.5, 0, 1];
        Assert.Equal(1.0, sending.Of(mixed) + receiving.Of(mixed), 12);
    }

    // ---- IssueSpace -------------------------------------------------------------------------------------------

    [Fact]
    public void Ideals_are_the_ends_of_every_issue()
    {
        Assert.Equal(new Terms(AircraftKind.Military, true, 0, 0, 135, DocumentStandard.Any, true, false), Space.SendingIdeal());
        var r = Space.ReceivingIdeal();
        Assert.Equal(AircraftKind.ReceivingState, r.Aircraft);
        Assert.False(r.Restraints);
        Assert.Equal(72, r.NoticeHours);
        Assert.Equal(1, r.WeeklyCap);
        Assert.Equal(50, r.PassengersPerFlight);
        Assert.Equal(DocumentStandard.Verified, r.Documentation);
        Assert.False(r.ThirdCountryNationals);
        Assert.True(r.Monitoring);
        Assert.All(Space.Positions(Space.SendingIdeal()), x => Assert.Equal(1.0, x));
    }

    [Fact]
    public void Positions_of_representative_terms()
    {
        var t = new Terms(AircraftKind.Charter, false, 24, 10, 100, DocumentStandard.Partial, true, true);
        var x = Space.Positions(t);
        Assert.Equal(0.5, x[0], 12);
        Assert.Equal(0.0, x[1], 12);
        Assert.Equal(1 - 24.0 / 72, x[2], 12);
        Assert.Equal((10.0 - 1) / 40, x[3], 12);
        Assert.Equal(50.0 / 85, x[4], 12);
        Assert.Equal(0.5, x[5], 12);
        Assert.Equal(1.0, x[6], 12);
        Assert.Equal(0.0, x[7], 12);
        Assert.Equal(t, Space.FromPositions(x, proposerIsSending: true));
        Assert.Equal(t, Space.FromPositions(x, proposerIsSending: false));
    }

    [Fact]
    public void Levels_span_zero_to_one_with_the_issue_resolution()
    {
        var levels = Space.Levels();
        Assert.Equal(Space.Count, levels.Length);
        Assert.Equal([3, 2, 73, 41, 86, 3], levels[..6].Select(l => l.Length));
        Assert.All(levels[6..], l => Assert.Equal(2, l.Length)); // yes or no
        Assert.All(levels, l => { Assert.Equal(0.0, l[0]); Assert.Equal(1.0, l[^1]); });
    }

    /// <summary>Every level of every issue survives FromPositions → Positions, for either proposer.</summary>
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Positions_round_trip_on_every_level(bool proposerIsSending)
    {
        var levels = Space.Levels();
        var failures = new List<string>();
        for (int i = 0; i < Space.Count; i++)
            foreach (var level in levels[i])
            {
                double[] x = [0.5, 1, 0.5, 0.5, 0.5, 0.5, 0, 1, 1, 0, 1, 1, .. new double[Space.Count - 12]];
                x[i] = level;
                var back = Space.Positions(Space.FromPositions(x, proposerIsSending));
                if (Math.Abs(back[i] - level) > 1e-9) failures.Add($"{(Issue)i} level {level} -> {back[i]}");
            }
        Assert.Empty(failures);
    }

    [Fact]
    public void Snapping_between_levels_rounds_toward_the_proposer()
    {
        // Notice position 0.51 lies between 36h and 35h: the sending side rounds to less notice, the receiving to more.
        double[] x = [0.5, 1, 0.51, 0.5, 0.5, 0.5, .. Enumerable.Repeat(1.0, Space.Count - 6)];
        Assert.Equal(35, Space.FromPositions(x, proposerIsSending: true).NoticeHours);
        Assert.Equal(36, Space.FromPositions(x, proposerIsSending: false).NoticeHours);
        // Aircraft position 0.3: charter for the sending side, the receiving state's own aircraft for the receiving.
        x[0] = 0.3;
        Assert.Equal(AircraftKind.Charter, Space.FromPositions(x, true).Aircraft);
        Assert.Equal(AircraftKind.ReceivingState, Space.FromPositions(x, false).Aircraft);
    }

    [Fact]
    public void Snapped_terms_never_give_the_proposer_less_than_its_positions()
    {
        var random = new StreamRandom(2024);
        var sending = new Utility(Equal, true);
        var receiving = new Utility(Equal, false);
        for (int n = 0; n < 500; n++)
        {
            var x = new double[Space.Count];
            for (int i = 0; i < 8; i++) x[i] = random.NextDouble();
            Assert.True(sending.Of(Space.Positions(Space.FromPositions(x, true))) >= sending.Of(x) - 1e-9);
            Assert.True(receiving.Of(Space.Positions(Space.FromPositions(x, false))) >= receiving.Of(x) - 1e-9);
        }
    }

    /// <summary>Weekly-cap position 0 is a cap of one flight a week: the receiving side's ideal is worth exactly 1 to
    /// it, and a receiving offer gives its author what the trade-off aimed for.</summary>
    [Fact]
    public void Receiving_ideal_is_worth_one_to_the_receiving_side()
    {
        var receiving = new Utility(Equal, false);
        Assert.Equal(1, Space.ReceivingIdeal().WeeklyCap);
        Assert.Equal(0, Space.Positions(Space.ReceivingIdeal())[(int)Issue.WeeklyCap], 12);
        Assert.Equal(1, receiving.Of(Space.Positions(Space.ReceivingIdeal())), 12);
        var x = TradeOff.Offer(receiving, new Utility(new IssueWeightsSpec { Monitoring = 10 }, true), 1 - 1.0 / 8, Space.Levels());
        double aimed = receiving.Of(x);
        double got = receiving.Of(Space.Positions(Space.FromPositions(x, proposerIsSending: false)));
        Assert.Equal(aimed, got, 12);
    }

    // ---- TradeOff ---------------------------------------------------------------------------------------------

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Target_one_gives_the_ideal(bool sending)
    {
        var self = new Utility(Equal, sending);
        var other = new Utility(Equal, !sending);
        var x = TradeOff.Offer(self, other, 1, Space.Levels());
        Assert.All(x, v => Assert.Equal(sending ? 1.0 : 0.0, v));
    }

    [Theory]
    [InlineData(true, 0.95)]
    [InlineData(true, 0.7)]
    [InlineData(true, 0.3)]
    [InlineData(false, 0.9)]
    [InlineData(false, 0.5)]
    public void Offer_reaches_the_target_but_concedes_below_the_ideal(bool sending, double target)
    {
        var self = new Utility(new IssueWeightsSpec { Aircraft = 1, Restraints = 1, Notice = 2, WeeklyCap = 5, PassengersPerFlight = 3, Documentation = 4, ThirdCountryNationals = 2, Monitoring = 1 }, sending);
        var other = new Utility(new IssueWeightsSpec { Aircraft = 4, Restraints = 4, Notice = 3, WeeklyCap = 1, PassengersPerFlight = 1, Documentation = 3, ThirdCountryNationals = 1, Monitoring = 3 }, !sending);
        var levels = Space.Levels();
        var x = TradeOff.Offer(self, other, target, levels);
        double u = self.Of(x);
        Assert.True(u >= target - 1e-9, $"utility {u} below target {target}");
        Assert.True(u < 1, $"utility {u} is the ideal");
        // Every position is one of its issue's levels.
        for (int i = 0; i < x.Length; i++) Assert.Contains(levels[i], l => Math.Abs(l - x[i]) < 1e-12);
        // The other side gains from the concession.
        Assert.True(other.Of(x) > 0);
    }

    [Fact]
    public void Offer_concedes_first_on_the_issue_cheapest_for_self_and_dearest_to_the_other()
    {
        var self = new Utility(Equal, sending: true); // 1/8 per issue
        var other = new Utility(new IssueWeightsSpec { Aircraft = 10 }, sending: false); // aircraft 10/17, others 1/17
        var levels = Space.Levels();

        // Conceding aircraft fully costs exactly 1/8: nothing else moves.
        var x = TradeOff.Offer(self, other, 1 - 1.0 / 8, levels);
        // (terms off the agenda stay at the author's end)
        Assert.Equal(0.0, x[0]);
        Assert.All(x[1..], v => Assert.Equal(1.0, v));

        // Half the aircraft range fits (0.9375); the next step would not, so the rest of the slack (0.0375) goes to
        // the next issues in order: restraints is one step of 1/8 (too big), notice takes 21 steps of 1/576.
        x = TradeOff.Offer(self, other, 0.9, levels);
        Assert.Equal(0.5, x[0], 12);
        Assert.Equal(1.0, x[1], 12);
        Assert.Equal(51.0 / 72, x[2], 9);
        Assert.All(x[3..], v => Assert.Equal(1.0, v));
    }

    [Fact]
    public void Receiving_offer_walks_up_from_zero()
    {
        var self = new Utility(Equal, sending: false);
        var other = new Utility(new IssueWeightsSpec { Monitoring = 10 }, sending: true);
        var x = TradeOff.Offer(self, other, 1 - 1.0 / 8, Space.Levels());
        Assert.Equal(x.Select((_, i) => i == (int)Issue.Monitoring ? 1.0 : 0), x);
    }

    // ---- Private types and beliefs -------------------------------------------------------------------------------

    [Fact]
    public void A_certain_type_is_its_mean_and_consumes_no_draw()
    {
        var random = new StreamRandom(7);
        Assert.Equal(0.45, PrivateType.Draw(random, 0.45, 0), 12);
        Assert.Equal(1.0, PrivateType.Draw(random, 1, 0.3), 12);
        Assert.Equal(0UL, random.Counter);
        Assert.Null(PrivateType.Parameters(0.45, 0));
    }

    [Theory]
    [InlineData(0.45, 0.3)]
    [InlineData(0.8, 0.5)]
    public void Private_types_have_the_scenario_value_as_mean_and_the_spread_as_relative_sd(double mean, double spread)
    {
        var (a, b) = PrivateType.Parameters(mean, spread)!.Value;
        Assert.Equal(mean, a / (a + b), 12);
        Assert.Equal(1 / (spread * spread) - 1, a + b, 9);
        var random = new StreamRandom(2025);
        var draws = Enumerable.Range(0, 20_000).Select(_ => PrivateType.Draw(random, mean, spread)).ToArray();
        double m = draws.Average(), sd = Math.Sqrt(draws.Select(d => (d - m) * (d - m)).Average());
        Assert.Equal(mean, m, 2);
        Assert.Equal(spread * Math.Sqrt(mean * (1 - mean)), sd, 2);
        Assert.All(draws, d => Assert.InRange(d, 0, 1));
    }

    /// <summary>A spread at the schema's floor (0, or as near it as a double goes) is a certain type, never NaN: the
    /// property test found a run with negotiation.typeSpread=8.6e-38 that logged a NaN belief.</summary>
    [Theory]
    [InlineData(0.0)]
    [InlineData(8.6165e-38)]
    [InlineData(1e-6)]
    public void A_vanishing_spread_is_a_certain_type(double spread)
    {
        var belief = ReservationBelief.Prior(0.45, spread);
        Assert.Equal(0.45, belief.Mean, 12);
        Assert.Equal(0.45, PrivateType.Draw(new Random(1), 0.45, spread), 12);
        Assert.True(double.IsFinite(new Credibility(0.7, spread).Mean));
    }

    [Fact]
    public void A_belief_starts_at_the_prior_and_moves_toward_types_that_explain_the_offers()
    {
        var belief = ReservationBelief.Prior(0.45, 0.3);
        Assert.Equal(ReservationBelief.Cells, belief.Points.Length);
        Assert.Equal(1, belief.Weights.Sum(), 12);
        Assert.Equal(0.45, belief.Mean, 2);
        // The other side asks for far more than a 0.45 type would by now: it is tougher than thought.
        belief.Observe(r => 0.5 + 0.4 * r, observed: 0.9, noise: 0.1, weight: 1);
        Assert.True(belief.Mean > 0.55, $"mean {belief.Mean}");
        var soft = ReservationBelief.Prior(0.45, 0.3);
        soft.Observe(r => 0.5 + 0.4 * r, observed: 0.55, noise: 0.1, weight: 1);
        Assert.True(soft.Mean < 0.45, $"mean {soft.Mean}");
    }

    /// <summary>Evidence is tempered by the hours it stands for: two offers of half a day teach what one of a day does.</summary>
    [Fact]
    public void Two_half_day_observations_weigh_as_much_as_one_full_day()
    {
        var once = ReservationBelief.Prior(0.45, 0.3);
        once.Observe(r => 0.5 + 0.4 * r, 0.8, 0.1, 1);
        var twice = ReservationBelief.Prior(0.45, 0.3);
        twice.Observe(r => 0.5 + 0.4 * r, 0.8, 0.1, 0.5);
        twice.Observe(r => 0.5 + 0.4 * r, 0.8, 0.1, 0.5);
        for (int i = 0; i < once.Weights.Length; i++) Assert.Equal(once.Weights[i], twice.Weights[i], 12);
    }

    [Fact]
    public void Complete_information_is_a_belief_that_never_moves()
    {
        var belief = ReservationBelief.Prior(0.45, 0);
        belief.Observe(r => r, 0.9, 0.1, 1);
        Assert.Equal([0.45], belief.Points);
        Assert.Equal(0.45, belief.Mean, 12);
    }

    [Fact]
    public void Credibility_rises_with_threats_carried_out_and_falls_with_threats_left_unexecuted()
    {
        var c = new Credibility(0.5, 0.3);
        double k = 1 / 0.09 - 1;
        Assert.Equal(0.5, c.Mean, 12);
        c.Bluffed();
        Assert.Equal(0.5 * k / (k + 1), c.Mean, 12);
        c.Carried();
        c.Carried();
        Assert.Equal((0.5 * k + 2) / (k + 3), c.Mean, 12);
        // A certain record hardly moves.
        var certain = new Credibility(0.8, 0);
        certain.Bluffed();
        Assert.Equal(0.8, certain.Mean, 5);
    }

    // ---- Nash -------------------------------------------------------------------------------------------------

    [Fact]
    public void Nash_product_multiplies_gains_over_disagreement()
    {
        Assert.Equal(0.3 * 0.1, Nash.Product(0.7, 0.4, 0.6, 0.5), 12);
        Assert.Equal(0.0, Nash.Product(0.3, 0.4, 0.9, 0.5), 12);
        Assert.Equal(0.0, Nash.Product(0.9, 0.4, 0.2, 0.5), 12);
        Assert.Equal(0.0, Nash.Product(0.4, 0.4, 0.9, 0.5), 12);
    }

    // ---- Terms ------------------------------------------------------------------------------------------------

    [Fact]
    public void Terms_apply_to_every_negotiated_policy_field_and_keep_the_rest()
    {
        var policy = new AcceptancePolicySpec { HealthScreeningRequired = true, CivilianAircraftOnly = false };
        var terms = new Terms(AircraftKind.Charter, false, 48, 7, 90, DocumentStandard.Verified, false, true);
        var p = terms.ApplyTo(policy);
        Assert.True(p.CivilianAircraftOnly);
        Assert.False(p.RestraintsAllowed);
        Assert.Equal(48, p.AdvanceNoticeHours);
        Assert.Equal(7, p.WeeklyFlightCap);
        Assert.Equal(90, p.MaxPassengersPerFlight);
        Assert.Equal(DocumentStandard.Verified, p.DocumentationStandard);
        Assert.False(p.AcceptThirdCountryNationals);
        Assert.True(p.MonitoringRequired);
        Assert.True(p.HealthScreeningRequired); // not negotiated: kept
    }

    [Theory]
    [InlineData(AircraftKind.Military, false)]
    [InlineData(AircraftKind.Charter, true)]
    [InlineData(AircraftKind.ReceivingState, true)]
    public void Agreed_aircraft_sets_civilian_aircraft_only(AircraftKind aircraft, bool civilianOnly)
    {
        var terms = new Terms(aircraft, true, 0, 0, 135, DocumentStandard.Any, true, false);
        Assert.Equal(civilianOnly, terms.ApplyTo(new AcceptancePolicySpec { CivilianAircraftOnly = !civilianOnly }).CivilianAircraftOnly);
    }

    [Fact]
    public void Terms_text_names_no_cap_as_none()
    {
        Assert.Contains("cap=none", new Terms(AircraftKind.Charter, true, 24, 0, 135, DocumentStandard.Any, true, false).ToString());
        Assert.Contains("cap=12", new Terms(AircraftKind.Charter, true, 24, 12, 135, DocumentStandard.Any, true, false).ToString());
    }
}

public sealed class FrontierTests
{
    private static readonly NegotiationSpec Settings = new();

    [Fact]
    public void The_frontier_runs_from_each_side_s_ideal_and_no_point_dominates_another()
    {
        var sending = new Utility(new IssueWeightsSpec { WeeklyCap = 5, Documentation = 4 }, true);
        var receiving = new Utility(new IssueWeightsSpec { Aircraft = 4, Restraints = 4 }, false);
        var frontier = Frontier.Of(sending, receiving, new IssueSpace(Settings).Levels());
        Assert.Equal(1.0, frontier[0].Sending, 6);
        Assert.Equal(1.0, frontier[^1].Receiving, 6);
        for (int i = 1; i < frontier.Count; i++)
        {
            Assert.True(frontier[i].Sending < frontier[i - 1].Sending);
            Assert.True(frontier[i].Receiving > frontier[i - 1].Receiving);
        }
        // Different priorities leave gains from trade: some point gives both sides more than 0.6.
        Assert.Contains(frontier, p => p.Sending > 0.6 && p.Receiving > 0.6);
    }

    [Fact]
    public void The_nash_point_maximises_the_product_over_the_frontier()
    {
        var sending = new Utility(new IssueWeightsSpec(), true);
        var receiving = new Utility(new IssueWeightsSpec(), false);
        var frontier = Frontier.Of(sending, receiving, new IssueSpace(Settings).Levels());
        var nash = Frontier.NashPoint(frontier, 0.2, 0.4)!.Value;
        double best = Nash.Product(nash.Sending, 0.2, nash.Receiving, 0.4);
        Assert.All(frontier, p => Assert.True(Nash.Product(p.Sending, 0.2, p.Receiving, 0.4) <= best + 1e-12));
        Assert.Null(Frontier.NashPoint(frontier, 0.9, 0.9));
    }
}
