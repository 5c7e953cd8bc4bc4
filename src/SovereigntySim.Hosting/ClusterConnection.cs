namespace SovereigntySim.Hosting;

/// <summary>The cluster runs go to: the embedded silo (default) or a client of a PostgreSQL cluster. One place opens
/// either, for single runs (<see cref="Runs.RunHost"/>) and for experiments, calibrations and validations alike.</summary>
public sealed class ClusterConnection : IAsyncDisposable
{
    private readonly IAsyncDisposable _owner;

    private ClusterConnection(IClusterClient client, IAsyncDisposable owner, Func<CancellationToken, Task<ClusterWatch>>? watch = null) =>
        (Client, _owner, Watch) = (client, owner, watch);

    public IClusterClient Client { get; }
    /// <summary>Notes a PostgreSQL cluster's active silos (null on the embedded silo, which cannot lose one).</summary>
    public Func<CancellationToken, Task<ClusterWatch>>? Watch { get; }

    /// <summary>The embedded silo when <paramref name="cluster"/> is null; otherwise a client of that PostgreSQL cluster
    /// (a database that does not answer yet is waited for, and <paramref name="notice"/> told so).</summary>
    public static async Task<ClusterConnection> OpenAsync(string? cluster, CancellationToken cancellation, Action<string>? notice = null)
    {
        if (cluster is null)
        {
            var embedded = await EmbeddedCluster.StartAsync(cancellation);
            return new ClusterConnection(embedded.Client, embedded);
        }
        var client = await PostgresCluster.ConnectAsync(cluster, cancellation, notice);
        return new ClusterConnection(client.Client, client, client.WatchAsync);
    }

    public ValueTask DisposeAsync() => _owner.DisposeAsync();
}
