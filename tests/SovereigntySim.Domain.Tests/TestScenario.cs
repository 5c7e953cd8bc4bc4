using System.Globalization;
using SovereigntySim.Domain.Metrics;
using SovereigntySim.Domain.Scenario;
using SovereigntySim.Domain.Simulation;

namespace SovereigntySim.Domain.Tests;

/// <summary>
/// A small hand-built scenario (US sends, MX receives; one enforcement agency, one screening agency, two ministries,
/// one facility with 200 detainees, one daily charter; 10 days at 1h) and helpers to vary it and run it.
/// </summary>
internal static class TestScenario
{
    public static readonly DateTimeOffset Start = new(2025, 1, 20, 0, 0, 0, TimeSpan.Zero);

    public const string PopulationId = "mx-pop";
    public const string PlanId = "mx-charter";

    /// <summary>'day N HH:00' as a scenario time (day 1 is the start date).</summary>
    public static ScenarioTime Day(int day, int hour = 0) => new(TimeSpan.FromDays(day - 1) + TimeSpan.FromHours(hour), null);

    /// <summary>Tick of 'day N HH:00' at the one-hour step.</summary>
    public static long Tick(int day, int hour = 0) => (day - 1) * 24L + hour;

    /// <summary>The run's metrics, folded as the runner folds them.</summary>
    public static RunMetrics Metrics(RunResult run)
    {
        var m = new MetricsAccumulator(run.World.Clock);
        foreach (var e in run.Events) m.Add(e);
        m.Finish(run.World.Clock.EndTick);
        return m.Summary();
    }

    /// <summary>A scripted event at 'day N HH:00'.</summary>
    public static ScriptedEventSpec Script(int day, int hour, ScriptedEventKind kind, string country, string against = "", InstrumentKind? instrument = null) =>
        new() { At = Day(day, hour), Kind = kind, Country = country, Against = against, Instrument = instrument };

    public static ScenarioSpec Small(long seed = 42, int days = 10) => new()
    {
        Name = "small",
        Seed = seed,
        Start = Start,
        Duration = TimeSpan.FromDays(days),
        Step = TimeSpan.FromHours(1),
        Countries =
        [
            new CountrySpec
            {
                Id = "US",
                Name = "United States",
                // Backing down would cost the U.S. dearly with its audience: it carries out its threats.
                Politics = new PoliticsSpec { DomesticPressure = 0.6, SovereigntySalience = 0.3, ThreatAudienceCost = 1 },
                Instruments =
                [
                    new InstrumentSpec { Kind = InstrumentKind.VisaSanctions, DailyCostToTarget = 0.01, GraceHours = 24 },
                    // Tariff costs are per unit of rate and of export share: 0.16 a day to Mexico (0.8 x 0.25 x 0.8), 0.005 to the U.S.
                    new InstrumentSpec { Kind = InstrumentKind.Tariff, Rate = 0.25, DailyCostToTarget = 0.8, DailyCostToSelf = 0.005 / (0.25 * 0.15), GraceHours = 24 },
                ],
            },
            new CountrySpec
            {
                Id = "MX",
                Name = "Mexico",
                Acceptance = new AcceptancePolicySpec
                {
                    DocumentationStandard = DocumentStandard.Partial,
                    CivilianAircraftOnly = true,
                    AdvanceNoticeHours = 24,
                    AcceptThirdCountryNationals = true,
                },
                Politics = new PoliticsSpec { DomesticPressure = 0.4, SovereigntySalience = 0.5 },
                // 0.0075 a day to the U.S. (0.2 x 0.25 x 0.15), 0.016 to Mexico (0.08 x 0.25 x 0.8).
                Instruments = [new InstrumentSpec { Kind = InstrumentKind.CounterTariff, Rate = 0.25, DailyCostToTarget = 0.2, DailyCostToSelf = 0.08, GraceHours = 0 }],
            },
        ],
        Relations =
        [
            new RelationSpec { From = "US", To = "MX", Tension = 0.2, TradeExposure = 0.15 },
            new RelationSpec { From = "MX", To = "US", Tension = 0.2, TradeExposure = 0.8 },
        ],
        Agencies = new AgenciesSpec
        {
            Enforcement = [new EnforcementSpec { Id = "ICE", Country = "US" }],
            Screening = [new ScreeningSpec { Id = "INM", Country = "MX" }],
            Ministries =
            [
                new MinistrySpec { Id = "STATE", Country = "US", Beta = 0.8 },
                new MinistrySpec { Id = "SRE", Country = "MX", Beta = 1.5 },
            ],
        },
        Facilities = [new FacilitySpec { Id = "staging", Agency = "ICE", Capacity = 1000 }],
        Populations =
        [
            new PopulationSpec
            {
                Id = PopulationId, Facility = "staging", Destination = "MX", Initial = 200, ArrivalsPerDay = 5,
            },
        ],
        FlightPlans =
        [
            new FlightPlanSpec
            {
                Id = PlanId, Agency = "ICE", Facility = "staging", Destination = "MX", Aircraft = AircraftKind.Charter,
                Seats = 50, NoticeHours = 24, First = Day(2, 10), IntervalHours = 24,
            },
        ],
    };

    // ---- variations -------------------------------------------------------------------------------------------

    public static ScenarioSpec WithCountry(this ScenarioSpec s, string id, Func<CountrySpec, CountrySpec> change) =>
        s with { Countries = s.Countries.Select(c => c.Id == id ? change(c) : c).ToList() };

    public static ScenarioSpec WithAcceptance(this ScenarioSpec s, string id, Func<AcceptancePolicySpec, AcceptancePolicySpec> change) =>
        s.WithCountry(id, c => c with { Acceptance = change(c.Acceptance) });

    public static ScenarioSpec WithPolitics(this ScenarioSpec s, string id, Func<PoliticsSpec, PoliticsSpec> change) =>
        s.WithCountry(id, c => c with { Politics = change(c.Politics) });

    /// <summary>Mexico's counter-tariff at another daily cost to Mexico (given as the daily cost; stored per unit of
    /// its rate, 0.25, and of Mexico's export share to the U.S., 0.8).</summary>
    public static ScenarioSpec WithCounterTariffCost(this ScenarioSpec s, double dailyCostToSelf) => s.WithCountry("MX", c => c with
    {
        Instruments = [c.Instruments[0] with { DailyCostToSelf = dailyCostToSelf / (0.25 * 0.8) }],
    });

    public static ScenarioSpec WithPlan(this ScenarioSpec s, Func<FlightPlanSpec, FlightPlanSpec> change) =>
        s with { FlightPlans = s.FlightPlans.Select(change).ToList() };

    public static ScenarioSpec WithoutFlights(this ScenarioSpec s) => s with { FlightPlans = [] };

    /// <summary>A dispute without talks: every U.S. flight is a military one Mexico refuses (from day 1, when the
    /// first manifest is screened), and negotiation is disabled, so threats are made and applied in a standoff.</summary>
    public static ScenarioSpec InStandoff(this ScenarioSpec s) =>
        s.WithPlan(p => p with { Aircraft = AircraftKind.Military }) with { Negotiation = new NegotiationSpec { Enabled = false } };

    public static ScenarioSpec WithPopulation(this ScenarioSpec s, Func<PopulationSpec, PopulationSpec> change) =>
        s with { Populations = s.Populations.Select(change).ToList() };

    public static ScenarioSpec WithAgencies(this ScenarioSpec s, Func<AgenciesSpec, AgenciesSpec> change) =>
        s with { Agencies = change(s.Agencies) };

    public static ScenarioSpec WithScreening(this ScenarioSpec s, Func<ScreeningSpec, ScreeningSpec> change) =>
        s.WithAgencies(a => a with { Screening = a.Screening.Select(change).ToList() });

    public static ScenarioSpec WithEnforcement(this ScenarioSpec s, Func<EnforcementSpec, EnforcementSpec> change) =>
        s.WithAgencies(a => a with { Enforcement = a.Enforcement.Select(change).ToList() });

    public static ScenarioSpec WithMinistry(this ScenarioSpec s, string country, Func<MinistrySpec, MinistrySpec> change) =>
        s.WithAgencies(a => a with { Ministries = a.Ministries.Select(m => m.Country == country ? change(m) : m).ToList() });

    public static ScenarioSpec WithEvents(this ScenarioSpec s, params ScriptedEventSpec[] events) =>
        s with { Events = [.. s.Events, .. events] };

    /// <summary>MX accepts anything this population can be: every flight is cleared and lands.</summary>
    public static ScenarioSpec Generous(this ScenarioSpec s) => s
        .WithAcceptance("MX", a => a with
        {
            DocumentationStandard = DocumentStandard.Any, CivilianAircraftOnly = false, AdvanceNoticeHours = 0,
            RestraintsAllowed = true, AcceptThirdCountryNationals = true, MaxPassengersPerFlight = 500,
        })
        .WithScreening(x => x with { IrregularityThreshold = 1.0, DisputedAcceptRate = 1.0, PartialVerificationRate = 1.0 })
        .WithPopulation(p => p with
        {
            Documents = new DocumentMixSpec { Verified = 1, Partial = 0, Missing = 0, Disputed = 0 },
            LegalStatus = new LegalMixSpec { FinalOrder = 1, PendingAppeal = 0, AsylumClaim = 0 },
            Vulnerabilities = new VulnerabilitySpec { Minor = 0, Medical = 0.05, FamilyTies = 0.3 },
        });

    // ---- running ----------------------------------------------------------------------------------------------

    /// <summary>Runs the whole scenario with the sequential host, optionally wrapped (e.g. in a <see cref="RecordingHost"/>).</summary>
    public static async Task<RunResult> RunAsync(ScenarioSpec spec, Func<SequentialAgentHost, IAgentHost>? wrap = null)
    {
        var world = new World(spec);
        var sequential = new SequentialAgentHost(world);
        var kernel = new Kernel(world, wrap?.Invoke(sequential) ?? sequential);
        var slice = await kernel.RunAsync(world.Clock.EndTick);
        return new RunResult(world, sequential, kernel, slice.Events);
    }

    /// <summary>Writes the run's events of the given kinds (by prefix) to the test's output, to read a failure by.</summary>
    public static void Show(this Xunit.Abstractions.ITestOutputHelper output, RunResult run, params string[] prefixes)
    {
        foreach (var e in run.Events.Where(e => prefixes.Any(p => e.Kind.StartsWith(p, StringComparison.Ordinal))))
            output.WriteLine(Signature(e));
    }

    /// <summary>Everything that identifies an event, as one comparable string.</summary>
    public static string Signature(SimEvent e) => string.Join('|',
        e.Tick.ToString(CultureInfo.InvariantCulture), e.Kind, e.Actor, e.Subject ?? "",
        string.Join(',', e.Reasons ?? []), string.Join(',', (e.Fields ?? []).Select(f => f.ToString())));
}

internal sealed record RunResult(World World, SequentialAgentHost Host, Kernel Kernel, IReadOnlyList<SimEvent> Events)
{
    public IEnumerable<SimEvent> OfKind(string kind) => Events.Where(e => e.Kind == kind);
    public SimEvent? First(string kind) => Events.FirstOrDefault(e => e.Kind == kind);
    public List<string> Signatures() => Events.Select(TestScenario.Signature).ToList();
}

/// <summary>Wraps another host and records what the kernel hands it.</summary>
internal sealed class RecordingHost(IAgentHost inner) : IAgentHost
{
    public List<(long Tick, IReadOnlyList<AgentBatch> Batches)> Calls { get; } = [];

    public Task<IReadOnlyList<Delivery>> DeliverAsync(long tick, IReadOnlyList<AgentBatch> batches, CancellationToken cancellation)
    {
        Calls.Add((tick, batches.ToList()));
        return inner.DeliverAsync(tick, batches, cancellation);
    }
}
