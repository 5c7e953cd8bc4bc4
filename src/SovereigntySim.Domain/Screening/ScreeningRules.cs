using SovereigntySim.Domain.Agents;
using SovereigntySim.Domain.Scenario;

namespace SovereigntySim.Domain.Screening;

/// <summary>
/// How a receiving state's immigration authority inspects a manifest. First the flight (aircraft, notice, weekly cap,
/// restraints, health certificate, monitors); then each person (passenger limit, nationality, pending legal process,
/// documents, unaccompanied minors, medical clearance). If too many people are refused, the whole flight is refused
/// for procedural irregularities, as Mexico's INM did in the founding case.
/// </summary>
public static class ScreeningRules
{
    public static IReadOnlyList<Reason> FlightViolations(AcceptancePolicySpec policy, FlightTerms flight, double noticeGivenHours, bool capReached, bool suspended = false)
    {
        var reasons = new List<Reason>();
        if (suspended) reasons.Add(Reason.Suspended);
        if (policy.CivilianAircraftOnly && flight.Aircraft == AircraftKind.Military) reasons.Add(Reason.AircraftType);
        if (noticeGivenHours + 1e-9 < policy.AdvanceNoticeHours) reasons.Add(Reason.MissingNotice);
        if (capReached) reasons.Add(Reason.CapReached);
        if (!policy.RestraintsAllowed && flight.Restraints) reasons.Add(Reason.Restraints);
        if (policy.HealthScreeningRequired && !flight.HealthScreening) reasons.Add(Reason.HealthScreening);
        if (policy.MonitoringRequired && !flight.Monitors) reasons.Add(Reason.Monitoring);
        return reasons;
    }

    /// <summary>A child without family on the flight and no hand-over to child protection arranged.</summary>
    public static bool Unaccompanied(Vulnerability v) =>
        (v & Vulnerability.Minor) != 0 && (v & (Vulnerability.FamilyTies | Vulnerability.Escorted)) == 0;

    /// <summary>The reason a person is refused, or <see cref="Reason.None"/>. Draws come from the inspector's stream.</summary>
    public static Reason Person(AcceptancePolicySpec policy, ScreeningSpec agency, FlightTerms flight, in Passenger p, int position, Random inspector)
    {
        if (position >= policy.MaxPassengersPerFlight) return Reason.PassengerLimit;
        if (p.ThirdCountry && !policy.AcceptThirdCountryNationals && Draw(inspector, agency.NationalityCheckRate)) return Reason.ThirdCountryNational;
        if (!p.IdentitySettled && Draw(inspector, agency.IdentityDisputeRate)) return Reason.DisputedIdentity;
        if (p.Legal != LegalStatus.FinalOrder) return Reason.PendingLegalProcess;
        // Travel documents prove the receiving state's nationality: a non-national it takes in under a transfer is
        // admitted as such, not asked to prove it (Panama, Costa Rica, El Salvador, 2025).
        if (!(p.ThirdCountry && policy.AcceptThirdCountryNationals) && Documents(policy.DocumentationStandard, agency, p.Documents, inspector) is var docs && docs != Reason.None)
            return docs;
        if (Unaccompanied(p.Vulnerabilities)) return Reason.UnaccompaniedMinor;
        if ((p.Vulnerabilities & Vulnerability.Medical) != 0 && !flight.HealthScreening) return Reason.MedicalClearance;
        return Reason.None;
    }

    public static Reason Documents(DocumentStandard standard, ScreeningSpec agency, DocumentStatus docs, Random inspector) => (standard, docs) switch
    {
        (_, DocumentStatus.Verified) => Reason.None,
        (_, DocumentStatus.Missing) => Reason.MissingDocuments,
        (DocumentStandard.Any, DocumentStatus.Partial) => Reason.None,
        (DocumentStandard.Any, DocumentStatus.Disputed) => Draw(inspector, agency.DisputedAcceptRate) ? Reason.None : Reason.DisputedDocuments,
        (DocumentStandard.Partial, DocumentStatus.Partial) => Draw(inspector, agency.PartialVerificationRate) ? Reason.None : Reason.UnverifiedDocuments,
        (DocumentStandard.Partial, DocumentStatus.Disputed) => Reason.DisputedDocuments,
        (DocumentStandard.Verified, DocumentStatus.Partial) => Reason.UnverifiedDocuments,
        _ => Reason.DisputedDocuments,
    };

    private static bool Draw(Random r, double p) => p >= 1 || (p > 0 && r.NextDouble() < p);

    public static ScreeningDecision Decide(
        AcceptancePolicySpec policy, ScreeningSpec agency, FlightTerms flight, IReadOnlyList<Passenger> passengers,
        double noticeGivenHours, bool capReached, Random inspector, bool suspended = false)
    {
        var flightReasons = FlightViolations(policy, flight, noticeGivenHours, capReached, suspended);
        if (flightReasons.Count > 0) return new ScreeningDecision(FlightVerdict.Refused, flightReasons, []);
        var refusals = new List<PersonRefusal>();
        for (int i = 0; i < passengers.Count; i++)
        {
            var reason = Person(policy, agency, flight, passengers[i], i, inspector);
            if (reason != Reason.None) refusals.Add(new PersonRefusal(passengers[i].MigrantId, reason));
        }
        if (passengers.Count > 0 && (double)refusals.Count / passengers.Count > agency.IrregularityThreshold)
        {
            // The most frequent individual reasons are cited with the irregularity, most frequent first.
            var cited = refusals.GroupBy(r => r.Reason).OrderByDescending(g => g.Count()).ThenBy(g => g.Key).Take(2).Select(g => g.Key);
            return new ScreeningDecision(FlightVerdict.Refused, [Reason.ProceduralIrregularities, .. cited], refusals) { ExpeditedReview = policy.CaseByCaseReview };
        }
        return new ScreeningDecision(refusals.Count == 0 ? FlightVerdict.Cleared : FlightVerdict.PartiallyCleared, [], refusals)
        {
            ExpeditedReview = policy.CaseByCaseReview,
        };
    }
}
