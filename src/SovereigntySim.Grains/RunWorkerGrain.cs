namespace SovereigntySim.Grains;

/// <summary>Runs one whole run per call on its silo. Workers are placed at random, so an experiment's workers spread
/// over the cluster; the run itself is CPU-bound and goes to the thread pool, off the grain scheduler.</summary>
[Orleans.Placement.RandomPlacement]
public sealed class RunWorkerGrain(IRunExecutor executor, ILocalSiloDetails silo) : Grain, IRunWorkerGrain
{
    public async Task<RunOutcome> Run(RunWork work, CancellationToken cancellation)
    {
        var outcome = await Task.Run(() => executor.ExecuteAsync(work, cancellation), CancellationToken.None);
        return outcome with { Silo = silo.SiloAddress.ToString() };
    }
}
