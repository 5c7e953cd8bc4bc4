using System.Data.Common;
using System.Diagnostics;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;

namespace SovereigntySim.Grains;

/// <summary>
/// Calls to grain storage from the run's grains. A database that cannot be reached (PostgreSQL restarted, or away for
/// a moment) is waited for, up to <see cref="FaultToleranceOptions.OutageLimit"/>: the call is tried again after 0.5 s, then after twice as
/// long each time, up to 5 s, with a warning each time; the run then goes on as if nothing happened. Any other
/// failure, or an outage longer than that, fails the call at once. The storage's own exceptions (Npgsql's) have no
/// codec to cross to the client, which would see only "could not find a codec": a failure is passed on in words.
/// </summary>
public static class StorageCall
{
    /// <param name="what">What the call does, for messages ("save the run's record").</param>
    /// <param name="who">Whose call it is, for the log (a run or checkpoint id).</param>
    /// <param name="outageLimit">How long a database that cannot be reached is waited for.</param>
    public static async Task Run(Func<Task> call, string what, ILogger logger, string who, TimeSpan outageLimit)
    {
        var waited = Stopwatch.StartNew();
        var pause = TimeSpan.FromSeconds(0.5);
        for (int attempt = 1; ; attempt++)
        {
            try
            {
                await call();
                return;
            }
            catch (Exception e) when (e.GetType().Namespace?.StartsWith("System", StringComparison.Ordinal) != true || Unreachable(e))
            {
                var cause = e.GetBaseException();
                var why = $"{cause.GetType().Name}: {cause.Message.Split('\n')[0].Trim()}";
                if (!Unreachable(e) || waited.Elapsed + pause > outageLimit)
                {
                    var after = attempt == 1 ? "" : $" (after {attempt} attempts over {waited.Elapsed.TotalSeconds:N0} s)";
                    throw new InvalidOperationException($"grain storage failed to {what}{after}: {why}");
                }
                logger.LogWarning("{Who}: failed to {What}, trying again in {Pause} s: {Cause}", who, what, pause.TotalSeconds, why);
                await Task.Delay(pause);
                pause = TimeSpan.FromTicks(Math.Min(pause.Ticks * 2, TimeSpan.FromSeconds(5).Ticks));
            }
        }
    }

    /// <summary>Whether a storage failure says the database could not be reached (worth waiting for), rather than
    /// that it refused the call.</summary>
    private static bool Unreachable(Exception e)
    {
        for (var x = e; x is not null; x = x.InnerException)
            if (x is DbException { IsTransient: true } or SocketException or TimeoutException or IOException) return true;
        return false;
    }
}
