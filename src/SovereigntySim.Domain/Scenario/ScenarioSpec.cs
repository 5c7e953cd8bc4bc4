using System.ComponentModel;
using System.ComponentModel.DataAnnotations;

namespace SovereigntySim.Domain.Scenario;

// The scenario as a researcher writes it. Property names map to camelCase YAML keys; [Required], [Range] and
// [Description] drive both validation and the published JSON Schema, so the three never drift apart.

[Description("A SovereigntySim scenario: who acts, under which policies, over which simulated period.")]
public sealed record ScenarioSpec
{
    [Required, Description("Short name; used for the default output folder.")]
    public string Name { get; init; } = "";

    [Description("What the scenario models and its sources.")]
    public string Description { get; init; } = "";

    [Range(0, long.MaxValue), Description("Root seed; every agent's random stream is derived from it.")]
    public long Seed { get; init; } = 1;

    [Required, Description("Simulated start, ISO 8601 with offset, e.g. 2025-01-20T00:00:00Z.")]
    public DateTimeOffset Start { get; init; }

    [Required, Description("Simulated length, e.g. 30d or 36h.")]
    public TimeSpan Duration { get; init; }

    [Description("Clock step; must divide one day (e.g. 15m, 1h, 6h, 1d).")]
    public TimeSpan Step { get; init; } = TimeSpan.FromHours(1);

    public OutputSpec Output { get; init; } = new();

    [Required, Description("Countries, as sending and receiving states.")]
    public List<CountrySpec> Countries { get; init; } = [];

    public AgenciesSpec Agencies { get; init; } = new();

    [Description("Directed relations between countries (tension, trade exposure).")]
    public List<RelationSpec> Relations { get; init; } = [];

    [Description("Detention facilities run by enforcement agencies.")]
    public List<FacilitySpec> Facilities { get; init; } = [];

    [Description("Population generators: who is detained where, awaiting removal to which country.")]
    public List<PopulationSpec> Populations { get; init; } = [];

    [Description("Removal flight schedules.")]
    public List<FlightPlanSpec> FlightPlans { get; init; } = [];

    public NegotiationSpec Negotiation { get; init; } = new();

    [Description("Scripted events at fixed simulated times.")]
    public List<ScriptedEventSpec> Events { get; init; } = [];

    [Description("Outcome measures of your own over the event log, reported beside the built-in ones (column measure.<id> of runs.csv, aggregates, sweeps, validation and reports).")]
    public List<MeasureSpec> Measures { get; init; } = [];
}

/// <summary>What a user-defined outcome measure takes of the events that match it.</summary>
public enum MeasureOf
{
    /// <summary>How many events match.</summary>
    Count,
    /// <summary>Simulated days from the start to the nth matching event (none: missing).</summary>
    First,
    /// <summary>Simulated days from the start to the last matching event (none: missing).</summary>
    Last,
    /// <summary>The sum of a numeric field over the matching events.</summary>
    Sum,
}

[Description("An outcome measure over the events: how many match, when the first (or nth) or the last matching one happened, or the sum of a field over them.")]
public sealed record MeasureSpec
{
    [Required, Description("Name: letters and digits, starting with a letter; its column is measure.<id>.")]
    public string Id { get; init; } = "";

    [Description("What it measures, in words.")]
    public string What { get; init; } = "";

    [Required, Description("count: matching events; first: days from the start to the nth matching event; last: days to the last; sum: the sum of a numeric field over them.")]
    public MeasureOf Of { get; init; }

    [Required, Description("The event kind, e.g. flight.landed (docs/model.md, the event table).")]
    public string Event { get; init; } = "";

    [Description("Only events logged by this agent (e.g. country/MX), or by any agent whose id starts with it when it ends in '/' (flight/charter/).")]
    public string? Actor { get; init; }

    [Description("Only events about this agent (e.g. country/CO), or any whose id starts with it when it ends in '/'.")]
    public string? Subject { get; init; }

    [Description("Only events whose fields have these values.")]
    public List<FieldValueSpec> Where { get; init; } = [];

    [Description("The numeric field summed (of: sum).")]
    public string? Field { get; init; }

    [Range(1, int.MaxValue), Description("For of: first, which matching event counts (2: the second).")]
    public int Nth { get; init; } = 1;
}

[Description("A field of an event and the value it must have (a number compares as a number, a flag as true or false).")]
public sealed record FieldValueSpec
{
    [Required, Description("The field's key, e.g. instrument.")]
    public string Field { get; init; } = "";

    [Required, Description("The value it must have, e.g. tariff.")]
    public string Value { get; init; } = "";
}

public enum MigrantEventLog
{
    /// <summary>One line per migrant-event in events.jsonl.</summary>
    Full,
    /// <summary>One line per caseload and round with counts and the XXH3-128 hash of its migrant-events.</summary>
    Compact,
}

public sealed record OutputSpec
{
    [Description("full: one line per migrant-event; compact: one line per caseload and round with counts and the XXH3-128 hash of its migrant-events (for large runs).")]
    public MigrantEventLog MigrantEvents { get; init; } = MigrantEventLog.Full;
}

public enum DocumentStandard { Any, Partial, Verified }

public enum AircraftKind
{
    /// <summary>Sending state's military aircraft (e.g. C-17).</summary>
    Military,
    /// <summary>Civilian charter (ICE Air).</summary>
    Charter,
    /// <summary>The receiving state's own aircraft picks its nationals up (Colombia, Jan 2025).</summary>
    ReceivingState,
}

/// <summary>A count whose absence of limit is written `none` in scenario files, --set and sweeps; the model holds it as
/// 0. So 0 is never written for "no limit", and a sweep from 0 does not jump from no limit to the tightest one.</summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class NoneMeansAttribute(string meaning) : Attribute
{
    /// <summary>What none stands for, for messages and the schema (e.g. "no cap").</summary>
    public string Meaning { get; } = meaning;
}

[Description("What a receiving state requires before it clears a removal flight.")]
public sealed record AcceptancePolicySpec
{
    [Description("Lowest document status accepted without refusal: any, partial (verified by consular check) or verified.")]
    public DocumentStandard DocumentationStandard { get; init; } = DocumentStandard.Partial;
    [Description("Refuse military aircraft.")]
    public bool CivilianAircraftOnly { get; init; }
    [Range(0.0, 720.0), Description("Hours of notice required between manifest submission and departure.")]
    public double AdvanceNoticeHours { get; init; } = 24;
    [Range(1, 1000), NoneMeans("no cap"), Description("Flights cleared per ISO week, or none (the default) for no cap.")]
    public int WeeklyFlightCap { get; init; }
    [Range(1, 500), Description("Most passengers accepted on one flight.")]
    public int MaxPassengersPerFlight { get; init; } = 135;
    [Description("Accept deportees in restraints (handcuffs, shackles).")]
    public bool RestraintsAllowed { get; init; } = true;
    [Description("Require a health screening certificate for the flight.")]
    public bool HealthScreeningRequired { get; init; }
    [Description("Accept nationals of other countries.")]
    public bool AcceptThirdCountryNationals { get; init; }
    [Description("Require independent monitors on board.")]
    public bool MonitoringRequired { get; init; }
    [Description("Decide disputed identities case by case, at once: a person refused for a disputed identity is reviewed within the population's legal.expeditedReviewDays instead of legal.caseReviewDays (the cooperation an agreement on caseByCase buys).")]
    public bool CaseByCaseReview { get; init; }
}

[Description("A partial acceptance policy: only the keys given change.")]
public sealed record PolicyPatchSpec
{
    public DocumentStandard? DocumentationStandard { get; init; }
    public bool? CivilianAircraftOnly { get; init; }
    [Range(0.0, 720.0)] public double? AdvanceNoticeHours { get; init; }
    [Range(1, 1000), NoneMeans("no cap")] public int? WeeklyFlightCap { get; init; }
    [Range(1, 500)] public int? MaxPassengersPerFlight { get; init; }
    public bool? RestraintsAllowed { get; init; }
    public bool? HealthScreeningRequired { get; init; }
    public bool? AcceptThirdCountryNationals { get; init; }
    public bool? MonitoringRequired { get; init; }
    public bool? CaseByCaseReview { get; init; }
}

[Description("Domestic politics of a country (Putnam's level II, Fearon's audiences).")]
public sealed record PoliticsSpec
{
    [Range(0.0, 1.0), Description("Domestic pressure for a hard line: against accepting removal flights (receiving state), for removals and escalation (sending state).")]
    public double DomesticPressure { get; init; } = 0.3;
    [Range(0.0, 1.0), Description("Share of the gap between domestic pressure and its baseline that closes each day.")]
    public double PressureDecayPerDay { get; init; } = 0.1;
    [Range(0.0, 1.0), Description("How much sovereignty and dignity matter to the public; drives counter-escalation.")]
    public double SovereigntySalience { get; init; } = 0.5;
    [Range(0.0, 1.0), Description("Audience cost added per day of public confrontation (Fearon 1994), in utility units.")]
    public double AudienceCostPerDay { get; init; } = 0.01;
    [Range(0.0, 1.0), Description("Win-set: utility a deal must reach to be ratified at home, per unit of domestic pressure (Putnam 1988).")]
    public double RatificationWeight { get; init; } = 0.3;
    [Range(0.0, 1.0), Description("Mean of the country's private commitment to its threats, drawn per run (Beta, spread negotiation.typeSpread); also the public prior of its partners' belief that it carries threats out.")]
    public double ThreatCredibility { get; init; } = 0.5;
    [Range(0.0, 10.0), Description("Audience cost, in utility units, of backing down: leaving a threat unexecuted or lifting a measure without a deal (times the private commitment), or leaving a sanction unanswered (times sovereignty salience) (Fearon 1994).")]
    public double ThreatAudienceCost { get; init; } = 0.1;
    [Range(0.0, 1.0), Description("Domestic pressure at which the country adopts policyUnderPressure (checked daily, once).")]
    public double PressureThreshold { get; init; } = 1.0;
    [Description("Acceptance policy changes the country makes when domestic pressure reaches pressureThreshold.")]
    public PolicyPatchSpec? PolicyUnderPressure { get; init; }
}

/// <summary>Kinds of instrument. Every kind works through its daily costs; flightSuspension also makes the user's
/// screening refuse (or cap) the target's removal flights.</summary>
public enum InstrumentKind { VisaSanctions, Tariff, AidSuspension, CounterTariff, Licences, EconomicSanctions, MilitaryCooperation, FlightSuspension }

/// <summary>What lifts an applied instrument once the dispute is settled.</summary>
public enum LiftOn
{
    /// <summary>The agreement: lifted with it, or kept until the first flight lands when its relief was on the table.</summary>
    Agreement,
    /// <summary>Compliance, as INA 243(d) has it: kept after the agreement until the target has taken back
    /// negotiation.complianceShare of the people at issue. The statute, not the talks, lifts it, so its relief is
    /// never on the agenda.</summary>
    Compliance,
}

[Description("One rung on a country's escalation ladder, in order of use.")]
public sealed record InstrumentSpec
{
    [Required] public InstrumentKind Kind { get; init; }
    [Description("Name that relations[].links refer to; defaults to the kind (e.g. tariff). Two rungs of one kind share it.")]
    public string Id { get; init; } = "";
    [Range(0.0, 5.0), Description("Tariff rate (0.25 = 25%); for flightSuspension, 0 suspends every flight and n > 0 caps them at n a week.")]
    public double Rate { get; init; }
    [Range(0.0, 100.0), Description("Daily cost to the target while applied, in utility units. Tariffs: per unit of rate at full trade exposure (the cost is this x rate x the share of the target's exports that go to the user). Default: negotiation.instrumentDailyCost; tariffs negotiation.tariffDailyCost.")]
    public double? DailyCostToTarget { get; init; }
    [Range(0.0, 100.0), Description("Daily cost to the user while applied, in utility units. Tariffs: per unit of rate at full trade exposure (x rate x the share of the user's exports that go to the target: the trade the dispute puts at risk). Default: a quarter of negotiation.instrumentDailyCost; tariffs negotiation.tariffDailyCost.")]
    public double? DailyCostToSelf { get; init; }
    [Range(0.0, 8760.0), Description("Hours between the threat and its application if no agreement is reached (at most a year).")]
    public double GraceHours { get; init; } = 24;
    [Description("What lifts it once applied: agreement (with the deal, or at the first landing after it when its relief was negotiated) or compliance (an INA 243(d) sanction: only once the target has taken back negotiation.complianceShare of the people at issue).")]
    public LiftOn LiftOn { get; init; } = LiftOn.Agreement;
}

public sealed record CountrySpec
{
    [Required, Description("Short code, e.g. US, MX.")] public string Id { get; init; } = "";
    public string Name { get; init; } = "";
    [Description("Policy applied to removal flights arriving in this country.")]
    public AcceptancePolicySpec Acceptance { get; init; } = new();
    public PoliticsSpec Politics { get; init; } = new();
    [Description("Escalation ladder, first rung first.")]
    public List<InstrumentSpec> Instruments { get; init; } = [];
    [Description("Posture of the administration in office (a sending state's era): the escalation ladder it has and how readily it threatens and carries out (docs/model.md §6, 'Postures by era'). Fills instruments when none are given and the politics keys not given.")]
    public Posture? Posture { get; init; }
    [Description("This state pays receiving states for taking people (funding for holding or transit, a fee per place): a receiving state's relations[].paymentDemand on it is then a term of the agenda it can meet; from a state that does not pay, the demand stays outside the flight terms, as a linked demand. Set by the trump2 posture.")]
    public bool Pays { get; init; }
    [Description("Administrations that take office during the run (an inauguration), in order: from its date each has its posture's ladder, threat politics and payments. Pending threats of the one before lapse, measures in force stay, and its negotiators' types are drawn again.")]
    public List<AdministrationSpec> Administrations { get; init; } = [];

    /// <summary>This state as the given administration governs it: its ladder, its threat politics and whether it pays.</summary>
    public CountrySpec Under(AdministrationSpec a) => this with
    {
        Posture = a.Posture, Instruments = a.Instruments, Pays = a.Pays, Politics = a.Politics ?? Politics, Administrations = [],
    };
}

/// <summary>An administration that takes office in a country during the run (docs/model.md §6, "Postures by era").</summary>
public sealed record AdministrationSpec
{
    [Required, Description("When it takes office: 'day N HH:MM' (day 1 is the start date) or an ISO 8601 timestamp.")]
    public ScenarioTime At { get; init; }
    [Required, Description("Its posture: fills instruments when none are given and the politics keys not given (the country's own keys fill the rest).")]
    public Posture? Posture { get; init; }
    [Description("Its escalation ladder, first rung first.")]
    public List<InstrumentSpec> Instruments { get; init; } = [];
    public PoliticsSpec? Politics { get; init; }
    [Description("It pays receiving states for taking people (set by the trump2 posture).")]
    public bool Pays { get; init; }
}

/// <summary>A sending state's posture by administration: which instruments it has and how readily it uses them
/// (the table is data: src/SovereigntySim.Scenarios/postures.yaml).</summary>
public enum Posture { Bush, Obama, Trump1, Biden, Trump2 }

/// <summary>A scenario's <c>postures</c> block: what the loader checks it against (it merges the block into the embedded table and the table into the countries before binding, so no spec holds it), and its part of the JSON schema.</summary>
[Description("The era table (docs/model.md §6, 'Postures by era'), for a calibration or a what-if: an era given here changes the embedded table's keys it gives (politics key by key, a ladder as a whole) for every country and administration that names the era; e.g. --set postures.trump1.politics.threatCredibility=0.7. A country's own instruments and politics still win.")]
public sealed record PostureTable
{
    public PostureSpec? Bush { get; init; }
    public PostureSpec? Obama { get; init; }
    public PostureSpec? Trump1 { get; init; }
    public PostureSpec? Biden { get; init; }
    public PostureSpec? Trump2 { get; init; }
}

[Description("One era: the ladder its administration has, its threat politics, and whether it pays receiving states.")]
public sealed record PostureSpec
{
    [Description("Escalation ladder, first rung first.")]
    public List<InstrumentSpec> Instruments { get; init; } = [];
    public PoliticsSpec? Politics { get; init; }
    [Description("It pays receiving states for taking people.")]
    public bool Pays { get; init; }
}

public sealed record RelationSpec
{
    [Required] public string From { get; init; } = "";
    [Required] public string To { get; init; } = "";
    [Range(0.0, 1.0), Description("Initial tension of From toward To.")]
    public double Tension { get; init; } = 0.1;
    [Range(0.0, 1.0), Description("Share of From's exports that go to To: scales the damage of To's tariffs.")]
    public double TradeExposure { get; init; } = 0.1;
    [Description("Instruments (ids on From's or To's ladder) linked to any dispute between the two: relief from them is on the agenda, and an agreement says which are lifted and which stay (until the first flight lands after it).")]
    public List<string> Links { get; init; } = [];
    [Description("What From, as a receiving state, demands of To outside the flight terms (e.g. the return of its own fugitives, a change of To's migration policy). Flight terms cannot pay for it: it raises From's floor in any dispute with To by negotiation.linkedDemandValue until a change of government in From drops it.")]
    public string LinkedDemand { get; init; } = "";
    [Description("What From, as a receiving state, asks To to pay (funding for holding third-country nationals, the cost of its officials' verification missions). If To pays (countries[].pays), payment is a term on the agenda of every negotiation between them, weighed like any other (issue weight payment), and an agreement says whether To pays; if not, it is a linked demand.")]
    public string PaymentDemand { get; init; } = "";
}

[Description("Agencies by kind.")]
public sealed record AgenciesSpec
{
    public List<EnforcementSpec> Enforcement { get; init; } = [];
    public List<ScreeningSpec> Screening { get; init; } = [];
    public List<MinistrySpec> Ministries { get; init; } = [];
    public List<AdvocacySpec> Advocacy { get; init; } = [];
    public List<ObserverSpec> Observers { get; init; } = [];
}

[Description("Removal enforcement (e.g. ICE ERO): detention, manifests, flights, re-booking, release.")]
public sealed record EnforcementSpec
{
    [Required] public string Id { get; init; } = "";
    [Required] public string Country { get; init; } = "";
    [Range(1.0, 3650.0), Description("Days after which anyone still detained and not on a flight is released (after Zadvydas v. Davis, 2001: removal no longer reasonably foreseeable).")]
    public double DetentionLimitDays { get; init; } = 180;
    [Description("Leave off manifests the people the receiving state's known policy would refuse.")]
    public bool FilterManifests { get; init; }
    [Description("Book people with a pending appeal or asylum claim (a due-process gap advocates report).")]
    public bool BookPendingCases { get; init; }
    [Range(0.0, 1_000_000.0), Description("Cost per flight-hour in USD of the civilian charter or partner aircraft that replaces military aircraft after an agreement (ICE charter, 2021).")]
    public double CharterCostPerHour { get; init; } = 8577;
}

[Description("The receiving state's immigration screening (e.g. Mexico's INM): inspects each manifest.")]
public sealed record ScreeningSpec
{
    [Required] public string Id { get; init; } = "";
    [Required] public string Country { get; init; } = "";
    [Range(0.0, 1.0), Description("Probability a consular check verifies partial documents.")]
    public double PartialVerificationRate { get; init; } = 0.7;
    [Range(0.0, 1.0), Description("Probability disputed documents are accepted when the standard is 'any'.")]
    public double DisputedAcceptRate { get; init; } = 0.5;
    [Range(0.0, 1.0), Description("Refuse the whole flight for procedural irregularities when more than this share of its passengers is refused.")]
    public double IrregularityThreshold { get; init; } = 0.25;
    [Range(0.0, 240.0), Description("Hours the inspection takes.")]
    public double InspectionHours { get; init; } = 4;
    [Range(0.0, 1.0), Description("Probability an individual inspection finds a nationality record for a third-country national (refused when not accepted).")]
    public double NationalityCheckRate { get; init; } = 1.0;
    [Range(0.0, 1.0), Description("Probability the inspection disputes the identity or nationality of a passenger not yet reviewed (not the same as disputed papers): the person is refused and their case is decided case by case.")]
    public double IdentityDisputeRate { get; init; }
    [Range(0.0, 1.0), Description("Probability a landed flight reports an incident (abuse, an infected passenger) that makes the country suspend the origin's flights.")]
    public double IncidentRate { get; init; }
}

[Description("A foreign ministry (e.g. State, SRE): negotiates for its country.")]
public sealed record MinistrySpec
{
    [Required] public string Id { get; init; } = "";
    [Required] public string Country { get; init; } = "";
    [Range(0.01, 50.0), Description("Concession exponent beta (Faratin et al. 1998): <1 Boulware (late), 1 linear, >1 Conceder (early).")]
    public double Beta { get; init; } = 1.0;
    [Range(0.0, 1.0), Description("Initial concession k: share of the range conceded in the first offer.")]
    public double InitialConcession { get; init; } = 0.05;
    [Range(0.0, 1.0), Description("Mean of the private reservation utility (before any cost of delay), drawn per run (Beta, spread negotiation.typeSpread); also the other side's prior belief.")]
    public double ReservationValue { get; init; } = 0.4;
    [Range(0.0, 10.0), Description("How strongly each unit of delay cost lowers the reservation value and speeds concession, at average resolve.")]
    public double DelayCostWeight { get; init; } = 1.0;
    [Range(0.01, 0.99), Description("Mean of the private resolve, drawn per run (Beta, spread negotiation.typeSpread): patience scales the concession time by 2 x resolve and delay costs by 2 x (1 - resolve).")]
    public double Resolve { get; init; } = 0.5;
    [Range(0.05, 365.0), Description("Patience: simulated days over which the ministry, at average resolve and with no cost of delay, would concede from its opening demand to its floor in a dispute over everything it weighs; a dispute over a share of it (the agenda's weights) takes that share of the time, and costs of delay shorten it.")]
    public double ConcessionDays { get; init; } = 7;
    [Description("Issue weights of this side's linear additive utility; normalised to sum to 1 over the issues on a negotiation's agenda. Omitted: the profile of the side's role in each dispute (sending: documentation 3, weeklyCap 3, thirdCountryNationals 2, restraints 1, passengersPerFlight 1, caseByCase 1, relief 1, aircraft 0.5, notice 0.5, monitoring 0.5, health 0.5, payment 0.5, assurances 0.25; receiving: aircraft 3, restraints 3, payment 3, documentation 2, thirdCountryNationals 2, others 1, passengersPerFlight 0.5).")]
    public IssueWeightsSpec? Weights { get; init; }

    /// <summary>The weights this ministry bargains with in a given role: its own, or the role's profile.</summary>
    public IssueWeightsSpec WeightsAs(bool sending) => Weights ?? (sending ? IssueWeightsSpec.Sending : IssueWeightsSpec.Receiving);
    [Description("Terms this side never concedes (e.g. [weeklyCap]): its offers keep them at its own end and it accepts no offer that moves them.")]
    public List<Issue> RedLines { get; init; } = [];
}

[Description("Relative importance of each negotiated term.")]
public sealed record IssueWeightsSpec
{
    [Range(0.0, 100.0)] public double Aircraft { get; init; } = 1;
    [Range(0.0, 100.0)] public double Restraints { get; init; } = 1;
    [Range(0.0, 100.0)] public double Notice { get; init; } = 1;
    [Range(0.0, 100.0)] public double WeeklyCap { get; init; } = 1;
    [Range(0.0, 100.0)] public double PassengersPerFlight { get; init; } = 1;
    [Range(0.0, 100.0)] public double Documentation { get; init; } = 1;
    [Range(0.0, 100.0)] public double ThirdCountryNationals { get; init; } = 1;
    [Range(0.0, 100.0)] public double Monitoring { get; init; } = 1;
    [Range(0.0, 100.0), Description("Health requirements: testing and certificates for the flight.")] public double Health { get; init; } = 1;
    [Range(0.0, 100.0), Description("Assurances: follow-up of complaints and monitoring of treatment, the cheap settlement of a grievance over treatment.")] public double Assurances { get; init; } = 1;
    [Range(0.0, 100.0), Description("Case-by-case decisions on people whose identity or nationality is disputed.")] public double CaseByCase { get; init; } = 1;
    [Range(0.0, 100.0), Description("The payment a receiving state asked for (relations[].paymentDemand): on the agenda only when it did.")] public double Payment { get; init; } = 1;
    [Range(0.0, 100.0), Description("Relief from each linked instrument (lifting it, or keeping it for the side that uses it).")] public double Relief { get; init; } = 1;

    /// <summary>What each term costs a sending state when no weights are given (docs/model.md §7): what decides how
    /// many people it can remove weighs most (documentation, weekly caps, third-country nationals), how they travel
    /// little (aircraft, notice, monitoring), and assurances, a complaints follow-up, almost nothing.</summary>
    public static readonly IssueWeightsSpec Sending = new()
    {
        Aircraft = 0.5, Restraints = 1, Notice = 0.5, WeeklyCap = 3, PassengersPerFlight = 1, Documentation = 3,
        ThirdCountryNationals = 2, Monitoring = 0.5, Health = 0.5, Assurances = 0.25, CaseByCase = 1, Payment = 0.5, Relief = 1,
    };

    /// <summary>What each term weighs for a receiving state when no weights are given: sovereignty and the dignity of
    /// its nationals (aircraft, restraints) most, then documents and third-country nationals, and assurances as the
    /// settlement that saves face.</summary>
    public static readonly IssueWeightsSpec Receiving = new()
    {
        Aircraft = 3, Restraints = 3, Notice = 1, WeeklyCap = 1, PassengersPerFlight = 0.5, Documentation = 2,
        ThirdCountryNationals = 2, Monitoring = 1, Health = 1, Assurances = 1, CaseByCase = 1, Payment = 3, Relief = 1,
    };
}

public enum TreatmentConcern { Restraints, MilitaryAircraft, Minors, Medical, DueProcess }

[Description("An advocacy group: reacts to treatment events and raises domestic pressure.")]
public sealed record AdvocacySpec
{
    [Required] public string Id { get; init; } = "";
    [Required, Description("Country whose politics the group works in: it raises that country's pressure to refuse flights it receives and lowers its pressure to remove on flights it sends.")] public string Country { get; init; } = "";
    [Description("Treatment events the group reacts to.")]
    public List<TreatmentConcern> Watches { get; init; } = [TreatmentConcern.Restraints, TreatmentConcern.Minors, TreatmentConcern.Medical, TreatmentConcern.DueProcess];
    [Range(0.0, 1.0), Description("Domestic pressure added per alert.")]
    public double PressurePerAlert { get; init; } = 0.03;
    [Range(0.0, 1.0), Description("Domestic pressure added per affected person, on top of the alert.")]
    public double PressurePerPerson { get; init; } = 0.0005;
}

[Description("An international observer: publishes periodic assessments that add reputational costs.")]
public sealed record ObserverSpec
{
    [Required] public string Id { get; init; } = "";
    [Required, Description("Country whose removal practice is assessed.")] public string Assesses { get; init; } = "";
    [Range(0.25, 365.0), Description("Days between assessments.")]
    public double IntervalDays { get; init; } = 7;
    [Range(0.0, 1.0), Description("Reputational cost per concern found, in utility units per day of the assessed state's disputes from then on.")]
    public double CostPerConcern { get; init; } = 0.01;
}

public sealed record FacilitySpec
{
    [Required] public string Id { get; init; } = "";
    [Required, Description("Enforcement agency that runs it.")] public string Agency { get; init; } = "";
    [Range(1, 10_000_000), Description("Beds.")] public int Capacity { get; init; } = 1000;
    [Range(0.0, 10000.0), Description("Cost per bed-day in USD.")] public double DailyCostPerBed { get; init; } = 150;
}

[Description("Shares of document statuses; must sum to 1.")]
public sealed record DocumentMixSpec
{
    [Range(0.0, 1.0)] public double Verified { get; init; } = 0.6;
    [Range(0.0, 1.0)] public double Partial { get; init; } = 0.25;
    [Range(0.0, 1.0)] public double Missing { get; init; } = 0.1;
    [Range(0.0, 1.0)] public double Disputed { get; init; } = 0.05;
}

[Description("Shares of legal statuses; must sum to 1.")]
public sealed record LegalMixSpec
{
    [Range(0.0, 1.0)] public double FinalOrder { get; init; } = 0.85;
    [Range(0.0, 1.0)] public double PendingAppeal { get; init; } = 0.1;
    [Range(0.0, 1.0)] public double AsylumClaim { get; init; } = 0.05;
}

[Description("Independent probabilities of vulnerabilities.")]
public sealed record VulnerabilitySpec
{
    [Range(0.0, 1.0)] public double Minor { get; init; } = 0.02;
    [Range(0.0, 1.0)] public double Medical { get; init; } = 0.05;
    [Range(0.0, 1.0)] public double FamilyTies { get; init; } = 0.3;
}

[Description("The legal track of a detained case.")]
public sealed record LegalProcessSpec
{
    [Range(0.0, 3650.0), Description("Mean days until an appeal is decided (exponential).")]
    public double AppealMeanDays { get; init; } = 45;
    [Range(0.0, 1.0), Description("Probability an appeal succeeds (the person is released from the removal docket).")]
    public double AppealSuccessRate { get; init; } = 0.15;
    [Range(0.0, 3650.0), Description("Mean days until an asylum claim is decided (exponential).")]
    public double AsylumMeanDays { get; init; } = 30;
    [Range(0.0, 1.0), Description("Probability asylum (or withholding) is granted.")]
    public double AsylumGrantRate { get; init; } = 0.2;
    [Range(0.0, 3650.0), Description("Mean days for a consulate to issue a travel document to someone with missing papers (exponential).")]
    public double TravelDocumentMeanDays { get; init; } = 20;
    [Range(0.0, 3650.0), Description("Days a case-by-case review of a disputed identity or nationality takes; the person's identity is then settled and they can be booked again.")]
    public double CaseReviewDays { get; init; } = 14;
    [Range(0.0, 3650.0), Description("Days that review takes when the receiving state has committed to decide disputed identities case by case (acceptance.caseByCaseReview, usually by an agreement).")]
    public double ExpeditedReviewDays { get; init; } = 3;
    [Range(0.0, 1.0), Description("Extra chance per refusal that the person files a new appeal.")]
    public double AppealAfterRefusalRate { get; init; } = 0.1;
}

public sealed record PopulationSpec
{
    [Required] public string Id { get; init; } = "";
    [Required] public string Facility { get; init; } = "";
    [Required, Description("Country of removal.")] public string Destination { get; init; } = "";
    [Range(0, 100_000_000), Description("People detained at the start.")] public int Initial { get; init; }
    [Range(0.0, 1_000_000.0), Description("Mean new detentions per day (Poisson).")] public double ArrivalsPerDay { get; init; }
    [Range(0.0, 1.0), Description("Share whose nationality is not the destination's.")] public double ThirdCountryShare { get; init; }
    [Description("Nationalities of those third-country nationals, drawn uniformly (e.g. [VE, CU, HT]); 'other' when empty.")]
    public List<string> ThirdCountryNationalities { get; init; } = [];
    [Range(0.0, 3650.0), Description("Days already spent in detention by the initial population, drawn uniformly up to this.")]
    public double InitialDetentionMaxDays { get; init; } = 60;
    public DocumentMixSpec Documents { get; init; } = new();
    public LegalMixSpec LegalStatus { get; init; } = new();
    public VulnerabilitySpec Vulnerabilities { get; init; } = new();
    public LegalProcessSpec Process { get; init; } = new();
    [Range(1, 4096), Description("Caseload partitions (grains) that share this population.")]
    public int Partitions { get; init; } = 1;
    [Range(0.0, 1.0), Description("Share of people infectious on the day they fly (an epidemic such as COVID-19): each passenger is infected with this probability, a flight with health screening tests them before departure, and a positive case found on arrival makes the receiving state suspend the origin's flights.")]
    public double InfectionPrevalence { get; init; }
    [Range(0.0, 1_000_000.0), Description("Mean removals per day by land (buses to a port of entry) for a neighbouring destination: each day that many removable people, longest held first, leave by land (Poisson); nationals only unless the destination accepts third-country nationals. 0: by air only. A dispute over flights does not stop them.")]
    public double LandReturnsPerDay { get; init; }
}

public sealed record FlightPlanSpec
{
    [Required] public string Id { get; init; } = "";
    [Required, Description("Enforcement agency that operates it.")] public string Agency { get; init; } = "";
    [Required, Description("Facility it departs from.")] public string Facility { get; init; } = "";
    [Required] public string Destination { get; init; } = "";
    public AircraftKind Aircraft { get; init; } = AircraftKind.Charter;
    [Range(1, 500)] public int Seats { get; init; } = 135;
    [Range(0.1, 30.0), Description("Block hours of the round trip.")] public double FlightHours { get; init; } = 5;
    [Range(0.0, 1_000_000.0), Description("Cost per flight-hour in USD.")] public double CostPerHour { get; init; } = 8577;
    [Description("Deportees fly in restraints.")] public bool Restraints { get; init; } = true;
    [Description("Health screening: passengers are checked and tested before departure (those who test positive stay behind) and a certificate accompanies the manifest.")] public bool HealthScreening { get; init; } = true;
    [Range(0.0, 1.0), Description("Share of infected passengers the pre-departure test of a health-screened flight finds.")] public double TestSensitivity { get; init; } = 0.8;
    [Description("Independent monitors fly on board.")] public bool Monitors { get; init; }
    [Range(0.0, 720.0), Description("Hours between manifest submission and departure.")] public double NoticeHours { get; init; } = 48;
    [Required, Description("First departure, e.g. 'day 1 10:00'.")] public ScenarioTime First { get; init; }
    [Range(0.25, 8760.0), Description("Hours between departures.")] public double IntervalHours { get; init; } = 24;
    [Range(0, 1_000_000), Description("Number of flights; 0 means until the end.")] public int Count { get; init; }
}

[Description("How disputes over refused flights are negotiated.")]
public sealed record NegotiationSpec
{
    public bool Enabled { get; init; } = true;
    [Range(1, 1000), Description("Refused or turned-back flights that open a negotiation.")]
    public int OpenAfterRefusals { get; init; } = 1;
    [Range(0.25, 720.0), Description("Hours per round of offers.")]
    public double RoundHours { get; init; } = 4;
    [Range(0.25, 3650.0), Description("Days before the negotiation ends at its deadline.")]
    public double DeadlineDays { get; init; } = 30;
    [Description("Side that makes the first offer: sending or receiving.")]
    public FirstMover FirstMover { get; init; } = FirstMover.Sending;
    [Range(0.0, 0.95), Description("Spread of the private types (reservation value, resolve, threat commitment) and of the priors about them: standard deviation as a share of the largest a Beta distribution with that mean can have; 0 is complete information.")]
    public double TypeSpread { get; init; } = 0.3;
    [Range(0.01, 1.0), Description("Standard deviation, in utility, of a side's offers around the concession path its type predicts, when the other side reads them as evidence.")]
    public double BeliefNoise { get; init; } = 0.1;
    [Range(0.001, 1.0), Description("How far a ministry's reservation value must fall below its lowest value at any earlier end of talks in the dispute before it resumes them.")]
    public double ResumeMargin { get; init; } = 0.05;
    [Range(1, 1000), Description("Highest weekly flight cap on the table.")]
    public int MaxWeeklyCap { get; init; } = 40;
    [Range(1.0, 720.0), Description("Longest advance notice on the table, in hours.")]
    public double MaxNoticeHours { get; init; } = 72;
    [Range(1, 500), Description("Smallest passengers-per-flight limit on the table.")]
    public int MinPassengers { get; init; } = 50;
    [Range(1, 500), Description("Largest passengers-per-flight limit on the table.")]
    public int MaxPassengers { get; init; } = 135;
    [Range(0.0, 365.0), Description("Days of current costs a negotiator counts as the cost of further delay.")]
    public double CostHorizonDays { get; init; } = 7;
    [Range(0.0, 1.0), Description("Cost to the sending state, in utility units, of each bed-day of a person whose flight was refused or turned back while the dispute lasts.")]
    public double StrandedBedDayCost { get; init; } = 0.00004;
    [Range(0.0, 1000.0), Description("Calibration: daily cost, in utility units, of a tariff at rate 1 on all of a state's exports, to the target and to the user alike (scaled by the rate and by each side's export share to the other).")]
    public double TariffDailyCost { get; init; } = 10;
    [Range(0.0, 10.0), Description("Calibration: daily cost to the target, in utility units, of an instrument other than a tariff whose rung gives none (its cost to the user is a quarter of it).")]
    public double InstrumentDailyCost { get; init; } = 0.02;
    [Range(0.0, 1.0), Description("Calibration: how far a linked demand (relations[].linkedDemand) raises the receiving state's floor above what flight terms can give it.")]
    public double LinkedDemandValue { get; init; } = 0.3;
    [Range(0.0, 1.0), Description("Calibration: the share of the people at issue (populations' initial, for the target) the target must take back after an agreement before an instrument lifted on compliance is lifted (Guyana 2001: 70 of 113 returned by the lifting).")]
    public double ComplianceShare { get; init; } = 0.6;
}

public enum FirstMover { Sending, Receiving }

public enum ScriptedEventKind
{
    /// <summary>A country changes its acceptance policy.</summary>
    SetPolicy,
    /// <summary>A country threatens its next (or the named) instrument against another.</summary>
    Threaten,
    /// <summary>A country applies an instrument at once.</summary>
    Impose,
    /// <summary>A country lifts all instruments it applies to another.</summary>
    Lift,
    /// <summary>A receiving country revokes the clearance of flights already cleared or airborne.</summary>
    RevokeClearances,
    /// <summary>Set a country's domestic pressure.</summary>
    SetPressure,
    /// <summary>Open a negotiation between two countries now.</summary>
    OpenNegotiation,
    /// <summary>A new government takes office in a country: its negotiators' private types are drawn again, its linked
    /// demands are dropped and its audience costs start again.</summary>
    GovernmentChange,
}

public sealed record ScriptedEventSpec
{
    [Required, Description("When: 'day N HH:MM' (day 1 is the start date) or an ISO 8601 timestamp.")]
    public ScenarioTime At { get; init; }
    [Required] public ScriptedEventKind Kind { get; init; }
    [Description("Acting country.")] public string Country { get; init; } = "";
    [Description("Other country (target of a threat, partner of a negotiation).")] public string Against { get; init; } = "";
    [Description("Instrument for threaten/impose; the next rung when omitted.")] public InstrumentKind? Instrument { get; init; }
    [Description("For setPolicy.")] public PolicyPatchSpec? Policy { get; init; }
    [Range(0.0, 1.0), Description("For setPressure.")] public double? Value { get; init; }
    [Description("For revokeClearances, a flightSuspension imposed and openNegotiation: the stated reason (what the talks are about), as refusal reasons (e.g. [restraints, aircraftType]); they put the matching terms on the agenda. Talks opened without one have every flight condition.")]
    public List<Agents.Reason> Reasons { get; init; } = [];
    [Description("Free text copied into the event log.")] public string Note { get; init; } = "";
}

/// <summary>The terms that can be negotiated over removal flights. A negotiation's agenda is the subset its
/// grievance raises (refusal reasons, linked instruments); an agreement changes only those.</summary>
public enum Issue
{
    Aircraft, Restraints, Notice, WeeklyCap, PassengersPerFlight, Documentation, ThirdCountryNationals, Monitoring,
    /// <summary>Health requirements: testing and certificates.</summary>
    Health,
    /// <summary>Assurances: follow-up of complaints, monitoring of treatment.</summary>
    Assurances,
    /// <summary>Disputed identities or nationalities decided case by case.</summary>
    CaseByCase,
    /// <summary>The sending state pays what the receiving state asked for (relations[].paymentDemand).</summary>
    Payment,
}
