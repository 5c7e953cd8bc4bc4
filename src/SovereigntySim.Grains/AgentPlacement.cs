using Microsoft.Extensions.Options;
using Orleans.Placement;
using Orleans.Runtime;
using Orleans.Runtime.Placement;

namespace SovereigntySim.Grains;

/// <summary>
/// Where a run's agents are activated: on the silo that asks for them, which is their run's simulation grain's, so a
/// run's rounds (a sequential chain of calls) never cross silos and a cluster spreads whole runs instead (with random
/// placement, stress-1m took three times as long on three silos as on one). <see cref="AgentPlacementOptions.Spread"/>
/// scatters them at random instead: the determinism tests use it to show that where agents live never changes a result.
/// </summary>
[GenerateSerializer, Immutable]
public sealed class AgentPlacement : PlacementStrategy;

[AttributeUsage(AttributeTargets.Class, AllowMultiple = false)]
public sealed class AgentPlacementAttribute() : PlacementAttribute(new AgentPlacement());

public sealed class AgentPlacementOptions
{
    /// <summary>Place each agent on a random compatible silo instead of beside its run (tests of placement independence).</summary>
    public bool Spread { get; set; }
}

public sealed class AgentPlacementDirector(IOptions<AgentPlacementOptions> options) : IPlacementDirector
{
    public Task<SiloAddress> OnAddActivation(PlacementStrategy strategy, PlacementTarget target, IPlacementContext context)
    {
        var silos = context.GetCompatibleSilos(target);
        if (!options.Value.Spread && silos.Contains(context.LocalSilo)) return Task.FromResult(context.LocalSilo);
        // Where an agent lives never enters the simulation: the shared generator is fine here.
        return Task.FromResult(silos[Random.Shared.Next(silos.Length)]);
    }
}
