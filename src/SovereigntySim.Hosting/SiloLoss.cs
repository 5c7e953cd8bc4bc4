using SovereigntySim.Grains;

namespace SovereigntySim.Hosting;

/// <summary>
/// The one rule for work on a cluster whose call failed: was it a silo lost (so the work may go on on the silos left),
/// or a failure of its own? A run (<see cref="Runs.RunHost"/>) then goes on from its last checkpoint, an experiment's
/// run (<see cref="Experiments.ExperimentRunner"/>) is sent again from its start; both within the same budget of
/// retries and the same wait for membership (<see cref="FaultToleranceOptions"/>). Runs are deterministic, so either
/// ends with the result it would have had.
/// </summary>
public sealed class SiloLoss(FaultToleranceOptions faults)
{
    /// <summary>The lost silo in words when the failure of attempt <paramref name="attempt"/> (from 0) is a lost silo and
    /// the work may go on; null when it may not: the retries are spent, the work is being stopped, every silo is gone
    /// (nothing to go on on), or no silo is declared gone within the cluster's death detection time (the failure is
    /// the work's own; a call to a silo membership still lists but that is dead counts as lost either way).
    /// <paramref name="lostWithin"/> says which silo left within a time (membership, as the caller
    /// watches it); a failure that already names the lost silo (<see cref="ClusterFaultException"/>) needs no wait.</summary>
    public async Task<string?> VerdictAsync(Exception failure, int attempt, Func<TimeSpan, CancellationToken, Task<string?>> lostWithin, CancellationToken cancellation)
    {
        if (!MayRetry(attempt) || cancellation.IsCancellationRequested || failure is ClusterGoneException) return null;
        if (failure is ClusterFaultException fault) return fault.Message;
        // A call that reached no silo because the one it was placed on is dead but still listed (a cluster restarted
        // after losing its silos, before membership has caught up) is a lost silo too: wait for membership to drop it,
        // so the work is not placed on it again, and go on either way.
        if (PostgresCluster.Settling(failure))
            return await lostWithin(faults.LossDetection, cancellation) ?? "a silo the cluster still lists does not answer (it is settling after a restart)";
        return await lostWithin(faults.LossDetection, cancellation);
    }

    /// <summary>Whether attempt <paramref name="attempt"/> (from 0) may still be followed by another after a lost silo.</summary>
    public bool MayRetry(int attempt) => attempt < faults.LossRetries;
}
