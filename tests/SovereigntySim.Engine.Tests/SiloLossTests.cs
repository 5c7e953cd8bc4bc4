using SovereigntySim.Grains;
using SovereigntySim.Hosting;

namespace SovereigntySim.Engine.Tests;

/// <summary>The one rule runs and experiments follow after a failed call on a cluster (<see cref="SiloLoss"/>); each
/// caller's end-to-end behaviour is in ClusterSecurityTests (a silo killed mid-run, during replications, all silos gone).</summary>
public sealed class SiloLossTests
{
    private static readonly FaultToleranceOptions Faults = new() { LossRetries = 2, LossDetection = TimeSpan.FromSeconds(5) };

    private static Func<TimeSpan, CancellationToken, Task<string?>> Membership(string? says, List<TimeSpan> asked) => (limit, _) =>
    {
        asked.Add(limit);
        return Task.FromResult(says);
    };

    [Fact]
    public async Task A_failure_goes_on_only_when_membership_declares_a_silo_gone_within_the_detection_time()
    {
        var loss = new SiloLoss(Faults);
        var asked = new List<TimeSpan>();
        Assert.Equal("silo 127.0.0.1:1 left", await loss.VerdictAsync(new TimeoutException(), 0, Membership("silo 127.0.0.1:1 left", asked), default));
        Assert.Null(await loss.VerdictAsync(new InvalidOperationException("a bug"), 0, Membership(null, asked), default));
        Assert.Equal([Faults.LossDetection, Faults.LossDetection], asked);
    }

    [Fact]
    public async Task A_named_loss_needs_no_wait_and_a_cluster_gone_whole_or_a_spent_budget_stops_the_work()
    {
        var loss = new SiloLoss(Faults);
        var asked = new List<TimeSpan>();
        Assert.Equal("silo x left", await loss.VerdictAsync(new ClusterFaultException("silo x left"), 1, Membership("other", asked), default));
        Assert.Null(await loss.VerdictAsync(new ClusterGoneException("all gone"), 0, Membership("silo y left", asked), default));
        Assert.Null(await loss.VerdictAsync(new ClusterFaultException("silo x left"), 2, Membership("silo y left", asked), default));
        Assert.False(loss.MayRetry(2));
        Assert.True(loss.MayRetry(1));
        using var stopping = new CancellationTokenSource();
        stopping.Cancel();
        Assert.Null(await loss.VerdictAsync(new TimeoutException(), 0, Membership("silo y left", asked), stopping.Token));
        Assert.Empty(asked);
    }
}
