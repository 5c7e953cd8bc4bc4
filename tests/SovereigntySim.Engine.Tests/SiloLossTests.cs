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

    /// <summary>After a restart, a run placed on a silo membership still lists but that is dead fails with
    /// SiloUnavailableException: that is a loss (the run goes on once membership has had its time), not the run's own
    /// failure, even when membership declares nothing in the wait.</summary>
    [Fact]
    public async Task A_call_to_a_listed_but_dead_silo_goes_on_after_membership_had_its_time()
    {
        var loss = new SiloLoss(Faults);
        var asked = new List<TimeSpan>();
        var unavailable = new InvalidOperationException("the call failed", new Orleans.Runtime.SiloUnavailableException("silo 127.0.0.1:2 is unavailable"));
        Assert.Contains("does not answer", await loss.VerdictAsync(unavailable, 0, Membership(null, asked), default));
        Assert.Equal("silo 127.0.0.1:2 declared dead", await loss.VerdictAsync(unavailable, 1, Membership("silo 127.0.0.1:2 declared dead", asked), default));
        Assert.Equal([Faults.LossDetection, Faults.LossDetection], asked);
        // Within the same budget.
        Assert.Null(await loss.VerdictAsync(unavailable, 2, Membership(null, asked), default));
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
