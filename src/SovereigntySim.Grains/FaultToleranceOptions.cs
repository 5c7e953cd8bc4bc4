namespace SovereigntySim.Grains;

/// <summary>
/// How a cluster rides out faults: PostgreSQL away for a while, a silo lost. Bound from the configuration section
/// <see cref="Section"/> (the environment's <c>SOVSIM_FaultTolerance__OutageLimit=00:00:20</c>, or <c>sovsim.json</c>
/// in the working folder), the same for silos, clients and the live server; docs/architecture.md, "Configuration".
/// </summary>
public sealed class FaultToleranceOptions : ICheckedOptions
{
    public const string Section = "FaultTolerance";

    /// <summary>How long anything of the cluster waits for a PostgreSQL that does not answer: a grain's storage call,
    /// a client's connection and checkpoint load.</summary>
    public TimeSpan OutageLimit { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>How long a failed call waits for membership to say whether a silo was lost (the cluster's death
    /// detection time), for a run and for an experiment's runs alike.</summary>
    public TimeSpan LossDetection { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How many times a run goes on after losing a silo (a run from its last checkpoint, an experiment's run
    /// sent again) before it is given up.</summary>
    public int LossRetries { get; set; } = 3;

    /// <summary>How long a client keeps trying to reach a gateway before it gives up.</summary>
    public TimeSpan GatewayPatience { get; set; } = TimeSpan.FromSeconds(20);

    /// <summary>How often a client waiting on a slice of a run on the cluster checks that the run's silos are still there.</summary>
    public TimeSpan WatchPeriod { get; set; } = TimeSpan.FromSeconds(1);

    public IEnumerable<string> Problems()
    {
        foreach (var (name, value) in new[] { (nameof(OutageLimit), OutageLimit), (nameof(LossDetection), LossDetection), (nameof(GatewayPatience), GatewayPatience), (nameof(WatchPeriod), WatchPeriod) })
            if (value <= TimeSpan.Zero || value > TimeSpan.FromDays(1))
                yield return $"{Section}:{name}: expected a duration over 0 and at most a day (e.g. 00:01:00), found {value}";
        if (LossRetries is < 0 or > 100) yield return $"{Section}:{nameof(LossRetries)}: expected 0 to 100, found {LossRetries}";
    }
}
