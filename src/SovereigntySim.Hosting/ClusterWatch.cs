using Npgsql;
using SovereigntySim.Grains;

namespace SovereigntySim.Hosting;

/// <summary>
/// Watches the cluster's membership table while a run goes on. A run needs the silo its agents live on (the silo
/// of its simulation grain: <see cref="For"/>; an experiment, every silo its runs started on), so when it leaves
/// (declared dead by the others, or shut down) the run fails at once with that reason, instead of waiting for a
/// response that will never come.
/// </summary>
public sealed class ClusterWatch
{
    private const int Active = 3;

    private readonly string _connection;
    private readonly HashSet<(string Address, int Port, int Generation)> _silos;
    // The silos whose loss loses the run's agents: all of them until the run says where it lives.
    private readonly HashSet<(string Address, int Port, int Generation)> _needed;

    private ClusterWatch(string connection, HashSet<(string, int, int)> silos, HashSet<(string, int, int)>? needed = null) =>
        (_connection, _silos, _needed) = (connection, silos, needed ?? silos);

    /// <summary>The same watch for a run that lives on one silo (host:port, as its record names it): only that silo's
    /// loss fails the run; the others may come and go. An endpoint it does not know leaves the watch as it was.</summary>
    public ClusterWatch For(string endpoint)
    {
        var needed = _silos.Where(s => $"{s.Address}:{s.Port}" == endpoint).ToHashSet();
        return needed.Count == 0 ? this : new ClusterWatch(_connection, _silos, needed);
    }

    public int Silos => _silos.Count;

    /// <summary>Notes the silos active now.</summary>
    public static async Task<ClusterWatch> StartAsync(string connection, CancellationToken cancellation = default, Action<string>? notice = null, FaultToleranceOptions? faults = null)
    {
        await PostgresCluster.WaitForDatabaseAsync(connection, cancellation, notice, faults);
        var rows = await ReadAsync(connection, cancellation);
        return new ClusterWatch(connection, rows.Where(r => r.Status == Active).Select(r => (r.Address, r.Port, r.Generation)).ToHashSet());
    }

    /// <summary>A one-line description of a silo of the run that is no longer active, or null while all are.</summary>
    public async Task<string?> LostSiloAsync(CancellationToken cancellation = default)
    {
        var now = (await ReadAsync(_connection, cancellation)).ToDictionary(r => (r.Address, r.Port, r.Generation), r => r.Status);
        foreach (var silo in _needed)
        {
            if (now.TryGetValue(silo, out var status) && status == Active) continue;
            string state = status switch { 4 => "shutting down", 5 => "stopping", 6 => "declared dead", _ => "gone from the membership table" };
            return $"silo {silo.Address}:{silo.Port} left the cluster during the run ({state}); the run's agents on it are lost";
        }
        return null;
    }

    /// <summary>Whether every silo the run started with is gone: none accepts a connection on its port. Membership cannot say
    /// so (only a live silo declares another dead), so a cluster killed whole would keep its rows active while the
    /// client waits out its response timeout.</summary>
    public async Task<bool> AllGoneAsync(CancellationToken cancellation = default)
    {
        foreach (var (address, port, _) in _silos)
        {
            using var probe = new System.Net.Sockets.TcpClient();
            try
            {
                await probe.ConnectAsync(address, port, cancellation).AsTask().WaitAsync(TimeSpan.FromSeconds(2), cancellation);
                return false;
            }
            catch (Exception e) when (e is System.Net.Sockets.SocketException or TimeoutException) { }
        }
        return _silos.Count > 0;
    }

    /// <summary>After a failed call: waits up to <paramref name="limit"/> for membership to declare one of the run's
    /// silos gone (the failure may arrive before the declaration), and says which; null if all stay active.</summary>
    public async Task<string?> LostSiloWithinAsync(TimeSpan limit, CancellationToken cancellation = default)
    {
        var waited = System.Diagnostics.Stopwatch.StartNew();
        while (true)
        {
            try
            {
                if (await LostSiloAsync(cancellation) is { } lost) return lost;
            }
            catch (Exception e) when (e is NpgsqlException or TimeoutException) { } // the database may be away for a moment
            if (waited.Elapsed >= limit) return null;
            await Task.Delay(TimeSpan.FromSeconds(1), cancellation);
        }
    }

    private static async Task<List<(string Address, int Port, int Generation, int Status)>> ReadAsync(string connection, CancellationToken cancellation)
    {
        await using var db = new NpgsqlConnection(connection);
        await db.OpenAsync(cancellation);
        await using var query = new NpgsqlCommand("SELECT address, port, generation, status FROM sovsim_membership WHERE deployment_id = @d", db);
        query.Parameters.AddWithValue("d", PostgresCluster.ClusterId);
        await using var reader = await query.ExecuteReaderAsync(cancellation);
        var rows = new List<(string, int, int, int)>();
        while (await reader.ReadAsync(cancellation)) rows.Add((reader.GetString(0), reader.GetInt32(1), reader.GetInt32(2), reader.GetInt32(3)));
        return rows;
    }
}

/// <summary>A run on the cluster cannot go on: a silo it uses left, or the cluster cannot be reached.</summary>
public sealed class ClusterFaultException(string message) : Exception(message);

/// <summary>Every silo of the run is gone: nothing is left to go on on, so the run stops (to be resumed once a
/// cluster is back).</summary>
public sealed class ClusterGoneException(string message) : Exception(message);
