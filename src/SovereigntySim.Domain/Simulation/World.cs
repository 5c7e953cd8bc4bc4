using SovereigntySim.Domain.Scenario;

namespace SovereigntySim.Domain.Simulation;

/// <summary>Agent identities. Their ordinal order is the canonical order of delivery and logging.</summary>
public static class AgentIds
{
    public const string Script = "script";
    public static string Country(string id) => $"country/{id}";
    public static string Enforcement(string id) => $"enforcement/{id}";
    public static string Screening(string id) => $"screening/{id}";
    public static string Ministry(string id) => $"ministry/{id}";
    public static string Advocacy(string id) => $"advocacy/{id}";
    public static string Observer(string id) => $"observer/{id}";
    public static string Caseload(string populationId, int partition) => $"caseload/{populationId}/{partition:D3}";
    public static string Flight(string planId, int number) => $"flight/{planId}/{number:D5}";
    public static string Negotiation(string sending, string receiving) => $"negotiation/{sending}-{receiving}";

    public static string KindOf(string agentId)
    {
        int slash = agentId.IndexOf('/');
        return slash < 0 ? agentId : agentId[..slash];
    }

    /// <summary>An agent id without its kind: MX for country/MX, US-MX for negotiation/US-MX, charter/00001 for
    /// flight/charter/00001; empty for an id without one (script).</summary>
    public static string NameOf(string agentId)
    {
        int slash = agentId.IndexOf('/');
        return slash < 0 ? "" : agentId[(slash + 1)..];
    }

    /// <summary>The state a country agent stands for (MX for country/MX); null for any other agent.</summary>
    public static string? CountryOf(string agentId) => KindOf(agentId) == "country" ? NameOf(agentId) : null;

    /// <summary>The sending and receiving states of a negotiation: US and MX for negotiation/US-MX.</summary>
    public static (string Sending, string Receiving) PartiesOf(string negotiationId)
    {
        var pair = NameOf(negotiationId).Split('-', 2);
        return (pair[0], pair[1]);
    }

    /// <summary>The flight plan a flight agent belongs to (charter for flight/charter/00001); null for any other agent.</summary>
    public static string? PlanOf(string agentId)
    {
        var parts = agentId.Split('/');
        return parts.Length == 3 && parts[0] == "flight" ? parts[1] : null;
    }
}

/// <summary>A population's caseload partitions and where its migrants' ids start.</summary>
public sealed record CaseloadInfo(PopulationSpec Population, int Partition, int Index, string AgentId)
{
    /// <summary>Migrant ids carry their caseload in the high 32 bits, so any migrant can be found by id.</summary>
    public long MigrantId(int local) => ((long)Index << 32) | (uint)local;
}

/// <summary>
/// A scenario compiled for running: the spec plus the lookups agents need. Built the same way on every silo from
/// the same spec, so it never has to travel.
/// </summary>
public sealed class World
{
    public World(ScenarioSpec spec)
    {
        Spec = spec;
        Clock = new SimClock(spec.Start, spec.Step, spec.Duration);
        // The scenario as each administration in office governs it, from the tick it takes office.
        var offices = spec.Countries.SelectMany(c => c.Administrations).Select(a => TickOf(a.At)).Distinct().Order().ToList();
        _eras = [(0, spec), .. offices.Select(t => (t, spec with { Countries = [.. spec.Countries.Select(c => InOffice(c, t))] }))];
        _countriesByEra = [.. _eras.Select(e => (IReadOnlyDictionary<string, CountrySpec>)e.Spec.Countries.ToDictionary(c => c.Id, StringComparer.Ordinal))];
        Countries = _countriesByEra[0];
        var caseloads = new List<CaseloadInfo>();
        foreach (var p in spec.Populations)
            for (int q = 0; q < p.Partitions; q++)
                caseloads.Add(new CaseloadInfo(p, q, caseloads.Count, AgentIds.Caseload(p.Id, q)));
        Caseloads = caseloads;
        CaseloadsByAgent = caseloads.ToDictionary(c => c.AgentId, StringComparer.Ordinal);
        Facilities = spec.Facilities.ToDictionary(f => f.Id, StringComparer.Ordinal);
        Enforcement = spec.Agencies.Enforcement.ToDictionary(e => e.Id, StringComparer.Ordinal);
        FlightPlans = spec.FlightPlans.ToDictionary(f => f.Id, StringComparer.Ordinal);
        Epidemic = spec.Populations.Any(p => p.InfectionPrevalence > 0);

        var ids = new List<string>();
        ids.AddRange(spec.Countries.Select(c => AgentIds.Country(c.Id)));
        ids.AddRange(spec.Agencies.Enforcement.Select(a => AgentIds.Enforcement(a.Id)));
        ids.AddRange(spec.Agencies.Screening.Select(a => AgentIds.Screening(a.Id)));
        ids.AddRange(spec.Agencies.Ministries.Select(a => AgentIds.Ministry(a.Id)));
        ids.AddRange(spec.Agencies.Advocacy.Select(a => AgentIds.Advocacy(a.Id)));
        ids.AddRange(spec.Agencies.Observers.Select(a => AgentIds.Observer(a.Id)));
        ids.AddRange(caseloads.Select(c => c.AgentId));
        ids.Sort(StringComparer.Ordinal);
        StaticAgents = ids;

        _caseloadsAt = caseloads.GroupBy(c => (c.Population.Facility, c.Population.Destination)).ToDictionary(g => g.Key, g => g.ToArray());
        _screeningOf = new(StringComparer.Ordinal);
        foreach (var s in spec.Agencies.Screening) _screeningOf.TryAdd(s.Country, AgentIds.Screening(s.Id));
        _ministryOf = new(StringComparer.Ordinal);
        foreach (var m in spec.Agencies.Ministries) _ministryOf.TryAdd(m.Country, m);
        _enforcementOf = spec.Agencies.Enforcement.ToLookup(e => e.Country, e => AgentIds.Enforcement(e.Id), StringComparer.Ordinal);
    }

    public ScenarioSpec Spec { get; }

    private readonly (long From, ScenarioSpec Spec)[] _eras;
    private readonly IReadOnlyDictionary<string, CountrySpec>[] _countriesByEra;

    private CountrySpec InOffice(CountrySpec c, long tick)
    {
        var current = c.Administrations.LastOrDefault(a => TickOf(a.At) <= tick);
        return current is null ? c : c.Under(current);
    }

    /// <summary>The tick of a moment of the scenario ('day N HH:MM' or a timestamp).</summary>
    public long TickOf(ScenarioTime time) => Clock.TickAt(time.OffsetFrom(Spec.Start));

    private int EraAt(long tick)
    {
        int i = _eras.Length - 1;
        while (i > 0 && _eras[i].From > tick) i--;
        return i;
    }

    /// <summary>A country as the administration in office at <paramref name="tick"/> governs it (countries[].administrations):
    /// a function of simulated time alone, so every agent on every silo sees the same state at the same tick.</summary>
    public CountrySpec CountryAt(string id, long tick) => _countriesByEra[EraAt(tick)][id];

    /// <summary>The scenario with every country as governed at <paramref name="tick"/>.</summary>
    public ScenarioSpec SpecAt(long tick) => _eras[EraAt(tick)].Spec;

    /// <summary>Some population is infectious (populations[].infectionPrevalence): flights draw infections and test.</summary>
    public bool Epidemic { get; }
    public long Seed => Spec.Seed;
    public SimClock Clock { get; }
    public IReadOnlyDictionary<string, CountrySpec> Countries { get; }
    public IReadOnlyList<CaseloadInfo> Caseloads { get; }
    public IReadOnlyDictionary<string, CaseloadInfo> CaseloadsByAgent { get; }
    public IReadOnlyDictionary<string, FacilitySpec> Facilities { get; }
    public IReadOnlyDictionary<string, EnforcementSpec> Enforcement { get; }
    public IReadOnlyDictionary<string, FlightPlanSpec> FlightPlans { get; }

    /// <summary>Agents that exist from the start (flights and negotiations are created by messages).</summary>
    public IReadOnlyList<string> StaticAgents { get; }

    public NegotiationSpec Negotiation => Spec.Negotiation;

    // Looked up on every flight and negotiation round: built once. The first agency of a country in the file serves it.
    private readonly Dictionary<(string Facility, string Destination), CaseloadInfo[]> _caseloadsAt;
    private readonly Dictionary<string, string> _screeningOf;
    private readonly Dictionary<string, MinistrySpec> _ministryOf;
    private readonly ILookup<string, string> _enforcementOf;

    public IEnumerable<CaseloadInfo> CaseloadsOf(string facility, string destination) =>
        _caseloadsAt.GetValueOrDefault((facility, destination)) ?? [];

    public string? ScreeningOf(string country) => _screeningOf.GetValueOrDefault(country);

    public MinistrySpec? MinistryOf(string country) => _ministryOf.GetValueOrDefault(country);

    public IEnumerable<string> EnforcementAgenciesOf(string country) => _enforcementOf[country];

    public RelationSpec Relation(string from, string to) =>
        Spec.Relations.FirstOrDefault(r => r.From == from && r.To == to) ?? new RelationSpec { From = from, To = to };

    /// <summary>Advocacy groups and observers that watch flights between these countries.</summary>
    public IEnumerable<string> Watchers(string origin, string destination) =>
        Spec.Agencies.Advocacy.Where(a => a.Country == origin || a.Country == destination).Select(a => AgentIds.Advocacy(a.Id))
            .Concat(Spec.Agencies.Observers.Where(o => o.Assesses == origin).Select(o => AgentIds.Observer(o.Id)));

    public CaseloadInfo CaseloadOfMigrant(long migrantId) => Caseloads[(int)(migrantId >> 32)];
}
