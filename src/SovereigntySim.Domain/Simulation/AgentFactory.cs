using SovereigntySim.Domain.Agents;

namespace SovereigntySim.Domain.Simulation;

/// <summary>Creates the agent an id names; flights and negotiations come into being with their first message.</summary>
public static class AgentFactory
{
    public static Agent Create(string id, World world) => AgentIds.KindOf(id) switch
    {
        "country" => new Country(id, world),
        "enforcement" => new Enforcement(id, world),
        "screening" => new ScreeningAgency(id, world),
        "ministry" => new Ministry(id, world),
        "advocacy" => new AdvocacyGroup(id, world),
        "observer" => new Observer(id, world),
        "caseload" => new Caseload(id, world),
        "flight" => new Flight(id, world),
        "negotiation" => new Negotiation(id, world),
        _ => throw new ArgumentException($"no agent kind for id '{id}'", nameof(id)),
    };
}
