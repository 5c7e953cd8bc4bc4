namespace SovereigntySim.Domain.Agents;

public enum DocumentStatus : byte { Verified, Partial, Missing, Disputed }

public enum LegalStatus : byte { FinalOrder, PendingAppeal, AsylumClaim }

[Flags]
public enum Vulnerability : byte
{
    None = 0, Minor = 1, Medical = 2, FamilyTies = 4,
    /// <summary>A child travelling without family whose hand-over to the receiving state's child-protection authority is arranged.</summary>
    Escorted = 8,
}

/// <summary>Where a migrant stands in the removal process.</summary>
public enum MigrantStatus : byte
{
    /// <summary>Detained, waiting for a legal decision, a travel document or a cool-down after a refusal.</summary>
    Detained,
    /// <summary>Detained and ready to be booked on a flight.</summary>
    Removable,
    Booked,
    Removed,
    /// <summary>Released at the legal limit of detention (Zadvydas).</summary>
    Released,
    /// <summary>Won an appeal or asylum: leaves the removal caseload.</summary>
    Relief,
}

/// <summary>Why a flight or a person was refused, or what else happened to them.</summary>
public enum Reason : byte
{
    None,
    AircraftType,
    MissingNotice,
    CapReached,
    Restraints,
    HealthScreening,
    Monitoring,
    PassengerLimit,
    ProceduralIrregularities,
    UnverifiedDocuments,
    MissingDocuments,
    DisputedDocuments,
    ThirdCountryNational,
    PendingLegalProcess,
    UnaccompaniedMinor,
    MedicalClearance,
    ClearanceRevoked,
    TurnedBack,
    NoScreeningAgency,
    DetentionLimit,
    AppealGranted,
    AsylumGranted,
    AppealDenied,
    AsylumDenied,
    TravelDocument,
    FinalOrder,
    /// <summary>Removed by land to a neighbouring country, not by flight.</summary>
    LandReturn,
    /// <summary>Flight-level: the receiving state has suspended (or capped) the origin's flights.</summary>
    Suspended,
    /// <summary>Person-level: identity or nationality disputed (not the papers); decided case by case.</summary>
    DisputedIdentity,
}

public enum MigrantEventKind : byte
{
    Detained,
    AppealFiled,
    AppealDenied,
    AsylumDenied,
    ReliefGranted,
    TravelDocumentIssued,
    Removable,
    Booked,
    Refused,
    Returned,
    Removed,
    Released,
}

/// <summary>One person on a manifest, with the circumstances the receiving state screens.</summary>
public readonly record struct Passenger(
    long MigrantId,
    bool ThirdCountry,
    DocumentStatus Documents,
    LegalStatus Legal,
    Vulnerability Vulnerabilities,
    bool IdentitySettled = false);

public static class Names
{
    public static string Camel<T>(T value) where T : struct, Enum => Camel(value.ToString());

    public static string Camel(string name) => char.ToLowerInvariant(name[0]) + name[1..];

    /// <summary>Flags as a '+'-separated camelCase list, "none" when empty.</summary>
    public static string Flags(Vulnerability v) => v == Vulnerability.None
        ? "none"
        : string.Join('+', Enum.GetValues<Vulnerability>().Where(f => f != Vulnerability.None && v.HasFlag(f)).Select(f => Camel(f)));
}
