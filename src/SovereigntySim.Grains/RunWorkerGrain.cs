namespace SovereigntySim.Grains;

/// <summary>Runs one whole run per call on its silo. Workers are placed at random, so an experiment's workers spread
/// over the cluster; the run itself is CPU-bound and goes to the thread pool, off the grain scheduler.</summary>
[Orleans.Placement.RandomPlacement]
public sealed class RunWorkerGrain(IRunExecutor executor) : Grain, IRunWorkerGrain
{
    public Task<RunOutcome> Run(RunWork work, CancellationToken cancellation) =>
        Task.Run(() => executor.ExecuteAsync(work, cancellation), CancellationToken.None);
}
