using SovereigntySim.Domain.Agents;
using SovereigntySim.Domain.Randomness;
using SovereigntySim.Domain.Scenario;
using SovereigntySim.Domain.Screening;

namespace SovereigntySim.Domain.Tests;

public sealed class ScreeningRulesTests
{
    // A policy that any well-behaved flight and passenger passes, and an agency whose draws are certain.
    private static readonly AcceptancePolicySpec Open = new()
    {
        DocumentationStandard = DocumentStandard.Any,
        CivilianAircraftOnly = false,
        AdvanceNoticeHours = 24,
        WeeklyFlightCap = 0,
        MaxPassengersPerFlight = 135,
        RestraintsAllowed = true,
        HealthScreeningRequired = false,
        AcceptThirdCountryNationals = true,
        MonitoringRequired = false,
    };

    private static readonly ScreeningSpec Certain = new()
    {
        Id = "INM", Country = "MX", PartialVerificationRate = 1, DisputedAcceptRate = 1, NationalityCheckRate = 1, IrregularityThreshold = 0.25,
    };

    private static FlightTerms Flight(AircraftKind aircraft = AircraftKind.Charter, bool restraints = false, bool health = true, bool monitors = false) =>
        new("ICE", "staging", "US", "MX", aircraft, 135, restraints, health, monitors, 5, 8577, DepartureTick: 48, ManifestTick: 24, TestSensitivity: new FlightPlanSpec().TestSensitivity);

    private static Passenger Clean(long id = 1) => new(id, false, DocumentStatus.Verified, LegalStatus.FinalOrder, Vulnerability.None);

    private static StreamRandom Inspector(ulong key = 0xC0FFEE) => new(key);

    // ---- flight-level violations ------------------------------------------------------------------------------

    [Fact]
    public void A_compliant_flight_has_no_violations()
    {
        Assert.Empty(ScreeningRules.FlightViolations(Open, Flight(), noticeGivenHours: 24, capReached: false));
    }

    [Fact]
    public void Military_aircraft_is_refused_only_under_civilian_aircraft_only()
    {
        var civilianOnly = Open with { CivilianAircraftOnly = true };
        Assert.Equal([Reason.AircraftType], ScreeningRules.FlightViolations(civilianOnly, Flight(AircraftKind.Military), 48, false));
        Assert.Empty(ScreeningRules.FlightViolations(civilianOnly, Flight(AircraftKind.Charter), 48, false));
        Assert.Empty(ScreeningRules.FlightViolations(civilianOnly, Flight(AircraftKind.ReceivingState), 48, false));
        Assert.Empty(ScreeningRules.FlightViolations(Open, Flight(AircraftKind.Military), 48, false));
    }

    [Theory]
    [InlineData(23.9, true)]
    [InlineData(0, true)]
    [InlineData(24, false)]
    [InlineData(72, false)]
    public void Notice_shorter_than_required_is_missing_notice(double given, bool violated)
    {
        var reasons = ScreeningRules.FlightViolations(Open, Flight(), given, false);
        Assert.Equal(violated, reasons.Contains(Reason.MissingNotice));
        Assert.Equal(violated ? 1 : 0, reasons.Count);
    }

    [Fact]
    public void Cap_reached_is_a_violation()
    {
        Assert.Equal([Reason.CapReached], ScreeningRules.FlightViolations(Open, Flight(), 48, capReached: true));
    }

    [Fact]
    public void Restraints_are_refused_only_when_not_allowed_and_used()
    {
        var noRestraints = Open with { RestraintsAllowed = false };
        Assert.Equal([Reason.Restraints], ScreeningRules.FlightViolations(noRestraints, Flight(restraints: true), 48, false));
        Assert.Empty(ScreeningRules.FlightViolations(noRestraints, Flight(restraints: false), 48, false));
        Assert.Empty(ScreeningRules.FlightViolations(Open, Flight(restraints: true), 48, false));
    }

    [Fact]
    public void Health_screening_is_refused_only_when_required_and_missing()
    {
        var required = Open with { HealthScreeningRequired = true };
        Assert.Equal([Reason.HealthScreening], ScreeningRules.FlightViolations(required, Flight(health: false), 48, false));
        Assert.Empty(ScreeningRules.FlightViolations(required, Flight(health: true), 48, false));
        Assert.Empty(ScreeningRules.FlightViolations(Open, Flight(health: false), 48, false));
    }

    [Fact]
    public void Monitoring_is_refused_only_when_required_and_missing()
    {
        var required = Open with { MonitoringRequired = true };
        Assert.Equal([Reason.Monitoring], ScreeningRules.FlightViolations(required, Flight(monitors: false), 48, false));
        Assert.Empty(ScreeningRules.FlightViolations(required, Flight(monitors: true), 48, false));
    }

    [Fact]
    public void All_violations_are_listed_in_rule_order()
    {
        var strict = Open with { CivilianAircraftOnly = true, RestraintsAllowed = false, HealthScreeningRequired = true, MonitoringRequired = true };
        var reasons = ScreeningRules.FlightViolations(strict, Flight(AircraftKind.Military, restraints: true, health: false, monitors: false), 1, capReached: true);
        Assert.Equal([Reason.AircraftType, Reason.MissingNotice, Reason.CapReached, Reason.Restraints, Reason.HealthScreening, Reason.Monitoring], reasons);
    }

    [Fact]
    public void A_flight_violation_refuses_the_flight_without_inspecting_people()
    {
        var passengers = new[] { Clean(1), Clean(2) with { Documents = DocumentStatus.Missing } };
        var d = ScreeningRules.Decide(Open with { CivilianAircraftOnly = true }, Certain, Flight(AircraftKind.Military), passengers, 48, false, Inspector());
        Assert.Equal(FlightVerdict.Refused, d.Verdict);
        Assert.Equal([Reason.AircraftType], d.FlightReasons);
        Assert.Empty(d.Refusals);
    }

    // ---- person-level reasons ---------------------------------------------------------------------------------

    [Fact]
    public void A_clean_passenger_is_accepted()
    {
        Assert.Equal(Reason.None, ScreeningRules.Person(Open, Certain, Flight(), Clean(), 0, Inspector()));
    }

    [Fact]
    public void Passengers_at_or_beyond_the_limit_are_refused_by_position()
    {
        var policy = Open with { MaxPassengersPerFlight = 3 };
        Assert.Equal(Reason.None, ScreeningRules.Person(policy, Certain, Flight(), Clean(), 2, Inspector()));
        Assert.Equal(Reason.PassengerLimit, ScreeningRules.Person(policy, Certain, Flight(), Clean(), 3, Inspector()));
        Assert.Equal(Reason.PassengerLimit, ScreeningRules.Person(policy, Certain, Flight(), Clean(), 100, Inspector()));
    }

    [Fact]
    public void Third_country_nationals_are_refused_when_not_accepted_and_found()
    {
        var tcn = Clean() with { ThirdCountry = true };
        var refusing = Open with { AcceptThirdCountryNationals = false };
        Assert.Equal(Reason.ThirdCountryNational, ScreeningRules.Person(refusing, Certain, Flight(), tcn, 0, Inspector()));
        Assert.Equal(Reason.None, ScreeningRules.Person(Open, Certain, Flight(), tcn, 0, Inspector()));
        // A nationality check that never finds the record lets the person through.
        Assert.Equal(Reason.None, ScreeningRules.Person(refusing, Certain with { NationalityCheckRate = 0 }, Flight(), tcn, 0, Inspector()));
    }

    [Fact]
    public void A_third_country_national_taken_in_under_a_transfer_is_not_asked_for_the_receiving_states_papers()
    {
        var strict = Open with { DocumentationStandard = DocumentStandard.Verified };
        var missing = Clean() with { Documents = DocumentStatus.Missing };
        Assert.Equal(Reason.MissingDocuments, ScreeningRules.Person(strict, Certain, Flight(), missing, 0, Inspector()));
        Assert.Equal(Reason.None, ScreeningRules.Person(strict, Certain, Flight(), missing with { ThirdCountry = true }, 0, Inspector()));
        // Refused as a non-national where no transfer is accepted, whatever the papers.
        Assert.Equal(Reason.ThirdCountryNational,
            ScreeningRules.Person(strict with { AcceptThirdCountryNationals = false }, Certain, Flight(), missing with { ThirdCountry = true }, 0, Inspector()));
    }

    [Theory]
    [InlineData(LegalStatus.PendingAppeal)]
    [InlineData(LegalStatus.AsylumClaim)]
    public void Pending_legal_process_is_refused(LegalStatus legal)
    {
        Assert.Equal(Reason.PendingLegalProcess, ScreeningRules.Person(Open, Certain, Flight(), Clean() with { Legal = legal }, 0, Inspector()));
    }

    public static TheoryData<DocumentStandard, DocumentStatus, double, Reason> DocumentCases => new()
    {
        // standard 'any'
        { DocumentStandard.Any, DocumentStatus.Verified, 0, Reason.None },
        { DocumentStandard.Any, DocumentStatus.Partial, 0, Reason.None },
        { DocumentStandard.Any, DocumentStatus.Missing, 1, Reason.MissingDocuments },
        { DocumentStandard.Any, DocumentStatus.Disputed, 1, Reason.None },
        { DocumentStandard.Any, DocumentStatus.Disputed, 0, Reason.DisputedDocuments },
        // standard 'partial'
        { DocumentStandard.Partial, DocumentStatus.Verified, 0, Reason.None },
        { DocumentStandard.Partial, DocumentStatus.Partial, 1, Reason.None },
        { DocumentStandard.Partial, DocumentStatus.Partial, 0, Reason.UnverifiedDocuments },
        { DocumentStandard.Partial, DocumentStatus.Missing, 1, Reason.MissingDocuments },
        { DocumentStandard.Partial, DocumentStatus.Disputed, 1, Reason.DisputedDocuments },
        // standard 'verified'
        { DocumentStandard.Verified, DocumentStatus.Verified, 0, Reason.None },
        { DocumentStandard.Verified, DocumentStatus.Partial, 1, Reason.UnverifiedDocuments },
        { DocumentStandard.Verified, DocumentStatus.Missing, 1, Reason.MissingDocuments },
        { DocumentStandard.Verified, DocumentStatus.Disputed, 1, Reason.DisputedDocuments },
    };

    /// <param name="rate">Used as both the partial verification and the disputed acceptance rate.</param>
    [Theory]
    [MemberData(nameof(DocumentCases))]
    public void Each_documentation_standard_and_document_status(DocumentStandard standard, DocumentStatus docs, double rate, Reason expected)
    {
        var agency = Certain with { PartialVerificationRate = rate, DisputedAcceptRate = rate };
        Assert.Equal(expected, ScreeningRules.Documents(standard, agency, docs, Inspector()));
        // And the same through the whole person check.
        var policy = Open with { DocumentationStandard = standard };
        Assert.Equal(expected, ScreeningRules.Person(policy, agency, Flight(), Clean() with { Documents = docs }, 0, Inspector()));
    }

    [Fact]
    public void Uncertain_document_checks_draw_from_the_inspector_stream()
    {
        var agency = Certain with { PartialVerificationRate = 0.5 };
        var inspector = Inspector(7);
        var mirror = Inspector(7);
        int accepted = 0;
        for (int n = 0; n < 200; n++)
        {
            var expected = mirror.NextDouble() < 0.5 ? Reason.None : Reason.UnverifiedDocuments;
            var got = ScreeningRules.Documents(DocumentStandard.Partial, agency, DocumentStatus.Partial, inspector);
            Assert.Equal(expected, got);
            if (got == Reason.None) accepted++;
        }
        Assert.Equal(mirror.Counter, inspector.Counter);
        Assert.InRange(accepted, 60, 140);
    }

    [Fact]
    public void Certain_checks_consume_no_draws()
    {
        var inspector = Inspector();
        ScreeningRules.Documents(DocumentStandard.Partial, Certain, DocumentStatus.Partial, inspector);
        ScreeningRules.Documents(DocumentStandard.Any, Certain with { DisputedAcceptRate = 0 }, DocumentStatus.Disputed, inspector);
        ScreeningRules.Person(Open with { AcceptThirdCountryNationals = false }, Certain, Flight(), Clean() with { ThirdCountry = true }, 0, inspector);
        Assert.Equal(0UL, inspector.Counter);
    }

    [Fact]
    public void Unaccompanied_minor_is_refused_but_a_minor_with_family_ties_is_not()
    {
        var alone = Clean() with { Vulnerabilities = Vulnerability.Minor };
        var family = Clean() with { Vulnerabilities = Vulnerability.Minor | Vulnerability.FamilyTies };
        Assert.Equal(Reason.UnaccompaniedMinor, ScreeningRules.Person(Open, Certain, Flight(), alone, 0, Inspector()));
        Assert.Equal(Reason.None, ScreeningRules.Person(Open, Certain, Flight(), family, 0, Inspector()));
    }

    [Fact]
    public void Medical_case_is_refused_only_without_health_screening()
    {
        var medical = Clean() with { Vulnerabilities = Vulnerability.Medical };
        Assert.Equal(Reason.MedicalClearance, ScreeningRules.Person(Open, Certain, Flight(health: false), medical, 0, Inspector()));
        Assert.Equal(Reason.None, ScreeningRules.Person(Open, Certain, Flight(health: true), medical, 0, Inspector()));
    }

    [Fact]
    public void The_first_applicable_reason_wins()
    {
        var policy = Open with { MaxPassengersPerFlight = 1, AcceptThirdCountryNationals = false, DocumentationStandard = DocumentStandard.Verified };
        var everything = new Passenger(1, true, DocumentStatus.Missing, LegalStatus.PendingAppeal, Vulnerability.Minor | Vulnerability.Medical);
        var flight = Flight(health: false);
        Assert.Equal(Reason.PassengerLimit, ScreeningRules.Person(policy, Certain, flight, everything, 1, Inspector()));
        Assert.Equal(Reason.ThirdCountryNational, ScreeningRules.Person(policy, Certain, flight, everything, 0, Inspector()));
        var national = everything with { ThirdCountry = false };
        Assert.Equal(Reason.PendingLegalProcess, ScreeningRules.Person(policy, Certain, flight, national, 0, Inspector()));
        var final = national with { Legal = LegalStatus.FinalOrder };
        Assert.Equal(Reason.MissingDocuments, ScreeningRules.Person(policy, Certain, flight, final, 0, Inspector()));
        var documented = final with { Documents = DocumentStatus.Verified };
        Assert.Equal(Reason.UnaccompaniedMinor, ScreeningRules.Person(policy, Certain, flight, documented, 0, Inspector()));
        var adult = documented with { Vulnerabilities = Vulnerability.Medical };
        Assert.Equal(Reason.MedicalClearance, ScreeningRules.Person(policy, Certain, flight, adult, 0, Inspector()));
    }

    // ---- whole decisions --------------------------------------------------------------------------------------

    [Fact]
    public void All_clean_passengers_clear_the_flight()
    {
        var passengers = Enumerable.Range(1, 10).Select(i => Clean(i)).ToList();
        var d = ScreeningRules.Decide(Open, Certain, Flight(), passengers, 48, false, Inspector());
        Assert.Equal(FlightVerdict.Cleared, d.Verdict);
        Assert.Empty(d.FlightReasons);
        Assert.Empty(d.Refusals);
    }

    [Fact]
    public void Refused_share_at_or_below_the_threshold_partially_clears_the_flight()
    {
        // 1 of 4 refused = 0.25, not more than the threshold 0.25.
        var passengers = new[] { Clean(1), Clean(2), Clean(3) with { Documents = DocumentStatus.Missing }, Clean(4) };
        var d = ScreeningRules.Decide(Open, Certain, Flight(), passengers, 48, false, Inspector());
        Assert.Equal(FlightVerdict.PartiallyCleared, d.Verdict);
        Assert.Empty(d.FlightReasons);
        Assert.Equal([new PersonRefusal(3, Reason.MissingDocuments)], d.Refusals);
    }

    [Fact]
    public void Refused_share_above_the_threshold_refuses_for_procedural_irregularities_citing_the_top_two_reasons()
    {
        var policy = Open with { AcceptThirdCountryNationals = false };
        var passengers = new List<Passenger>
        {
            Clean(1) with { Documents = DocumentStatus.Missing },
            Clean(2) with { Documents = DocumentStatus.Missing },
            Clean(3) with { Documents = DocumentStatus.Missing },
            Clean(4) with { Legal = LegalStatus.AsylumClaim },
            Clean(5) with { Legal = LegalStatus.PendingAppeal },
            Clean(6) with { ThirdCountry = true },
            Clean(7) with { ThirdCountry = true },
            Clean(8) with { Vulnerabilities = Vulnerability.Minor },
            Clean(9),
            Clean(10),
        };
        var d = ScreeningRules.Decide(policy, Certain, Flight(), passengers, 48, false, Inspector());
        Assert.Equal(FlightVerdict.Refused, d.Verdict);
        // Missing documents (3) first; pending legal process and third-country nationals tie at 2 and the lower
        // reason code (ThirdCountryNational) wins the tie.
        Assert.Equal([Reason.ProceduralIrregularities, Reason.MissingDocuments, Reason.ThirdCountryNational], d.FlightReasons);
        Assert.Equal(8, d.Refusals.Count);
        Assert.Equal([1L, 2, 3, 4, 5, 6, 7, 8], d.Refusals.Select(r => r.MigrantId));
        Assert.Equal(Reason.UnaccompaniedMinor, d.Refusals[^1].Reason);
    }

    [Fact]
    public void Irregularities_with_one_reason_cite_only_that_reason()
    {
        var passengers = new[] { Clean(1) with { Documents = DocumentStatus.Missing }, Clean(2) with { Documents = DocumentStatus.Missing }, Clean(3) };
        var d = ScreeningRules.Decide(Open, Certain, Flight(), passengers, 48, false, Inspector());
        Assert.Equal(FlightVerdict.Refused, d.Verdict);
        Assert.Equal([Reason.ProceduralIrregularities, Reason.MissingDocuments], d.FlightReasons);
    }

    [Fact]
    public void Passenger_limit_refusals_count_toward_irregularities()
    {
        var policy = Open with { MaxPassengersPerFlight = 2 };
        var passengers = Enumerable.Range(1, 4).Select(i => Clean(i)).ToList();
        var d = ScreeningRules.Decide(policy, Certain with { IrregularityThreshold = 0.6 }, Flight(), passengers, 48, false, Inspector());
        Assert.Equal(FlightVerdict.PartiallyCleared, d.Verdict);
        Assert.Equal([new PersonRefusal(3, Reason.PassengerLimit), new PersonRefusal(4, Reason.PassengerLimit)], d.Refusals);

        var strict = ScreeningRules.Decide(policy, Certain with { IrregularityThreshold = 0.4 }, Flight(), passengers, 48, false, Inspector());
        Assert.Equal([Reason.ProceduralIrregularities, Reason.PassengerLimit], strict.FlightReasons);
    }

    [Fact]
    public void An_empty_manifest_is_cleared()
    {
        var d = ScreeningRules.Decide(Open, Certain with { IrregularityThreshold = 0 }, Flight(), [], 48, false, Inspector());
        Assert.Equal(FlightVerdict.Cleared, d.Verdict);
    }

    [Fact]
    public void Decisions_repeat_for_the_same_inspector_key()
    {
        var agency = Certain with { PartialVerificationRate = 0.5, DisputedAcceptRate = 0.5, IrregularityThreshold = 1 };
        var policy = Open with { DocumentationStandard = DocumentStandard.Partial };
        var passengers = Enumerable.Range(1, 50).Select(i => Clean(i) with { Documents = i % 2 == 0 ? DocumentStatus.Partial : DocumentStatus.Verified }).ToList();
        var a = ScreeningRules.Decide(policy, agency, Flight(), passengers, 48, false, Inspector(99));
        var b = ScreeningRules.Decide(policy, agency, Flight(), passengers, 48, false, Inspector(99));
        var c = ScreeningRules.Decide(policy, agency, Flight(), passengers, 48, false, Inspector(100));
        Assert.Equal(a.Refusals, b.Refusals);
        Assert.NotEqual(a.Refusals, c.Refusals);
        Assert.All(a.Refusals, r => Assert.Equal(Reason.UnverifiedDocuments, r.Reason));
        Assert.InRange(a.Refusals.Count, 3, 22);
    }
}
