using SovereigntySim.Grains;

namespace SovereigntySim.Web;

/// <summary>
/// How much the live page is sent and kept, bound from the configuration section <see cref="Section"/>
/// (<c>SOVSIM_Live__PushInterval=00:00:00.5</c>, or <c>sovsim.json</c>): a slow link or a long run may want fewer
/// pushes or shorter histories. What a run computes never depends on them.
/// </summary>
public sealed class LiveOptions : ICheckedOptions
{
    public const string Section = "Live";

    /// <summary>How often a running run's totals, points and timeline are pushed to its watchers (wall time).</summary>
    public TimeSpan PushInterval { get; set; } = TimeSpan.FromSeconds(0.2);

    /// <summary>Timeline entries per push at most; the rest are counted as dropped.</summary>
    public int MaxTimelinePerPush { get; set; } = 300;

    /// <summary>Timeline entries a run keeps for a late watcher.</summary>
    public int MaxTimelineKept { get; set; } = 3000;

    /// <summary>Chart points a run keeps (a long slow run's older half is thinned beyond this).</summary>
    public int MaxPointsKept { get; set; } = 4000;

    public IEnumerable<string> Problems()
    {
        if (PushInterval < TimeSpan.FromMilliseconds(10) || PushInterval > TimeSpan.FromMinutes(1))
            yield return $"{Section}:{nameof(PushInterval)}: expected 00:00:00.01 to 00:01:00, found {PushInterval}";
        foreach (var (name, value, least) in new[] { (nameof(MaxTimelinePerPush), MaxTimelinePerPush, 1), (nameof(MaxTimelineKept), MaxTimelineKept, 1),
                     (nameof(MaxPointsKept), MaxPointsKept, 100) })
            if (value < least || value > 10_000_000) yield return $"{Section}:{name}: expected {least} to 10,000,000, found {value}";
    }
}
