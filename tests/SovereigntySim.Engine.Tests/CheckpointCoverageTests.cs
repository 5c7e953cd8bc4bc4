using System.Collections;
using System.Reflection;
using SovereigntySim.Domain.Checkpoints;
using SovereigntySim.Domain.Randomness;
using SovereigntySim.Domain.Simulation;

namespace SovereigntySim.Engine.Tests;

/// <summary>
/// Every field of every agent survives a checkpoint: agents taken at several points of several runs are saved,
/// restored into fresh agents built from the scenario, and compared field by field (recursively, through
/// collections, records and nested objects) with the originals. A field added to an agent but not written by its
/// Save/Restore (Domain/Checkpoints/*State.cs) makes this test fail as soon as the field has moved away from the
/// value the constructor gives it in one of these runs.
/// </summary>
public sealed class CheckpointCoverageTests
{
    /// <summary>Fields that are not state between slices, each with why.</summary>
    private static readonly Dictionary<(Type, string), string> NotState = new()
    {
        [(typeof(Agent), "_outgoing")] = "what the last batch sent; replaced at the start of every batch",
        [(typeof(Agent), "_events")] = "what the last batch logged; replaced at the start of every batch",
        [(typeof(Domain.Agents.MigrantLog), "_flight")] = "a cache of the last flight's hash key, recomputed when the flight changes",
        [(typeof(Domain.Agents.MigrantLog), "_flightKey")] = "the cached key of _flight",
        [(typeof(Domain.Agents.MigrantLog), "_block")] = "a scratch buffer, empty between batches (AssertFlushed)",
        [(typeof(Domain.Agents.Caseload), "_migrantRandom")] = "a scratch stream, positioned at a migrant's own (key, counter) before every use",
        [(typeof(Domain.Agents.MigrantLog), "_hash")] = "reset at every flush; nothing is pending between batches (AssertFlushed)",
    };

    public static TheoryData<string, string[]> Runs() => new()
    {
        { "mexico-flight-refusal.yaml", [] },
        { "colombia-2025.yaml", [] },
        { "visa-sanctions-243d.yaml", [] },
        { "honduras-2025.yaml", [] },
        { "brazil-2025.yaml", [] },
        { "mexico-2025.yaml", [] },
        { "us-removals-fy2024.yaml", ["duration=40d", "events.0.at=day 10 08:00", "events.1.at=day 20 08:00", "populations.to-gt.partitions=2"] },
    };

    [Theory]
    [MemberData(nameof(Runs))]
    public async Task Every_agent_field_survives_save_and_restore(string scenario, string[] overrides)
    {
        var world = new World(Repo.Load(scenario, overrides));
        var host = new SequentialAgentHost(world);
        var kernel = new Kernel(world, host);
        var kinds = new HashSet<string>();
        int compared = 0, byBlock = 0;
        var days = world.Clock.EndTick / world.Clock.TicksPerDay;
        foreach (var day in new[] { 1, 2, 3, 5, 8, 13, 21, 34 }.Where(d => d < days))
        {
            await kernel.RunAsync(day * world.Clock.TicksPerDay);
            foreach (var id in host.AgentIds)
            {
                var original = host.Agents[id];
                var bytes = StateBytes.Of(original.Save);
                var copy = AgentFactory.Create(id, world);
                StateBytes.Read(bytes, id, copy.Restore);
                var difference = Difference(original, copy, $"{id}");
                Assert.True(difference is null, $"day {day}: {difference}");
                // Saving the copy gives the same bytes: nothing is lost or reordered on the way back.
                Assert.True(bytes.AsSpan().SequenceEqual(StateBytes.Of(copy.Save)), $"day {day}: {id} saves differently after a restore");
                // The same through an incremental checkpoint: large columns by block.
                var blocks = new StateBlocks();
                var named = original.SaveBytes(blocks);
                var (uses, added) = blocks.Take();
                Assert.Equal(uses.Order(), added.Select(b => b.Id).Order());
                var fromBlocks = AgentFactory.Create(id, world);
                StateBytes.Read(named, id, fromBlocks.Restore, added.ToDictionary(b => b.Id, b => b.Data));
                Assert.True(Difference(original, fromBlocks, id) is null, $"day {day}: {id} restored from blocks differs: {Difference(original, fromBlocks, id)}");
                if (uses.Length > 0) byBlock++;
                kinds.Add(AgentIds.KindOf(id));
                compared++;
            }
        }
        Assert.True(compared > 20, $"only {compared} agents compared");
        if (scenario.StartsWith("us-removals")) Assert.True(byBlock > 0, "no agent had a column large enough to go by block");
        Assert.Contains("caseload", kinds);
        Assert.Contains("flight", kinds);
        Assert.Contains("country", kinds);
    }

    /// <summary>
    /// A field is saved even when no shipped scenario moves it: each agent is restored into a copy, every mutable
    /// scalar of the copy (its own fields, those of the objects it holds, the values of its dictionaries and lists)
    /// is moved to another value, and the copy must survive a save and restore as it is. Dropping one field from a
    /// save (a country's <c>_yielded</c>, a dispute's <c>TalksFailed</c>) turns this red. The caseload's hand-tuned
    /// columns are the one exception, covered by the test above.
    /// </summary>
    [Theory]
    [InlineData("mexico-flight-refusal.yaml")]
    [InlineData("colombia-2025.yaml")]
    [InlineData("history/gambia-2016.yaml")]
    public async Task Every_mutable_field_is_saved_whatever_its_value(string scenario)
    {
        var world = new World(Repo.Load(scenario));
        var host = new SequentialAgentHost(world);
        var kernel = new Kernel(world, host);
        int perturbed = 0;
        foreach (var day in new[] { 2, 6 })
        {
            await kernel.RunAsync(day * world.Clock.TicksPerDay);
            foreach (var id in host.AgentIds.Where(id => host.Agents[id] is not Domain.Agents.Caseload))
            {
                var copy = AgentFactory.Create(id, world);
                StateBytes.Read(StateBytes.Of(host.Agents[id].Save), id, copy.Restore);
                perturbed += Perturb(copy, new HashSet<object>(ReferenceEqualityComparer.Instance));
                var back = AgentFactory.Create(id, world);
                StateBytes.Read(StateBytes.Of(copy.Save), id, back.Restore);
                Assert.True(Difference(copy, back, id) is null, $"day {day}: a value the run could reach is not saved: {Difference(copy, back, id)}");
            }
        }
        Assert.True(perturbed > 50, $"only {perturbed} values perturbed");
    }

    /// <summary>Moves every mutable scalar reachable from <paramref name="o"/> to another value; returns how many.
    /// Read-only fields are what the constructor derives from the scenario (or hold the state objects, which are
    /// walked); records of the scenario and messages are immutable, so nothing in them moves.</summary>
    private static int Perturb(object o, HashSet<object> seen)
    {
        // Records (specs, messages, agendas, terms) are values: the agent replaces them whole, never changes them.
        if (!seen.Add(o) || o is World or StreamRandom or Delegate or string || o.GetType().GetMethod("<Clone>$") is not null) return 0;
        int count = 0;
        if (o is IDictionary dictionary)
        {
            foreach (var key in dictionary.Keys.Cast<object>().ToList())
                if (dictionary[key] is { } v && Moved(v) is { } m) { dictionary[key] = m; count++; }
                else if (dictionary[key] is { } inner && !inner.GetType().IsValueType) count += Perturb(inner, seen);
            return count;
        }
        if (o is IList list && !o.GetType().IsArray)
        {
            for (int i = 0; i < list.Count; i++)
                if (list[i] is { } v && Moved(v) is { } m) { list[i] = m; count++; }
                else if (list[i] is { } inner && !inner.GetType().IsValueType) count += Perturb(inner, seen);
            return count;
        }
        if (o is IEnumerable items && o.GetType().Namespace?.StartsWith("System") == true)
        {
            foreach (var inner in items.Cast<object?>().Where(i => i is not null && !i.GetType().IsValueType)) count += Perturb(inner!, seen);
            return count;
        }
        for (var t = o.GetType(); t is not null && t != typeof(object); t = t.BaseType)
            foreach (var f in t.GetFields(BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.DeclaredOnly))
            {
                if (NotState.ContainsKey((t, f.Name)) || f.GetValue(o) is not { } value) continue;
                if (!f.IsInitOnly && Moved(value) is { } moved) { f.SetValue(o, moved); count++; }
                else if (!value.GetType().IsValueType) count += Perturb(value, seen);
            }
        return count;
    }

    /// <summary>Another value of a scalar, or null for anything else.</summary>
    private static object? Moved(object v) => v switch
    {
        bool b => !b,
        int i => i + 1,
        long l => l + 1,
        double d => double.IsFinite(d) ? d + 0.5 : 0.25,
        Enum e => Enum.ToObject(e.GetType(), Convert.ToInt64(e) + 1),
        _ => null,
    };

    /// <summary>The comparison is not vacuous: it finds a single changed private number deep inside an agent.</summary>
    [Fact]
    public async Task The_comparison_finds_a_field_that_was_not_restored()
    {
        var world = new World(Repo.Load("mexico-flight-refusal.yaml"));
        var host = new SequentialAgentHost(world);
        await new Kernel(world, host).RunAsync(10 * world.Clock.TicksPerDay);
        var country = host.Agents["country/MX"];
        var copy = AgentFactory.Create(country.Id, world);
        StateBytes.Read(StateBytes.Of(country.Save), country.Id, copy.Restore);
        Assert.Null(Difference(country, copy, "MX"));

        var pressure = copy.GetType().GetField("_pressure", BindingFlags.Instance | BindingFlags.NonPublic)!;
        pressure.SetValue(copy, (double)pressure.GetValue(copy)! + 1e-12);
        Assert.Contains("_pressure", Difference(country, copy, "MX"));

        var caseload = host.Agents.Values.First(a => a is Domain.Agents.Caseload);
        var other = AgentFactory.Create(caseload.Id, world);
        StateBytes.Read(StateBytes.Of(caseload.Save), caseload.Id, other.Restore);
        var table = other.GetType().GetField("_m", BindingFlags.Instance | BindingFlags.NonPublic)!.GetValue(other)!;
        var counters = (uint[])table.GetType().GetField("RandomCounter")!.GetValue(table)!;
        counters[0]++;
        Assert.Contains("RandomCounter", Difference(caseload, other, "caseload"));
    }

    /// <summary>The first difference between two object graphs, or null. Collections compare by their items (so
    /// spare capacity does not count), doubles bit for bit, everything else field by field.</summary>
    private static string? Difference(object? a, object? b, string path, HashSet<(object, object)>? seen = null)
    {
        seen ??= new(ReferencePairComparer.Instance);
        if (a is null || b is null) return a is null && b is null ? null : $"{path}: {a ?? "null"} vs {b ?? "null"}";
        var type = a.GetType();
        if (a is double x && b is double y) return BitConverter.DoubleToInt64Bits(x) == BitConverter.DoubleToInt64Bits(y) ? null : $"{path}: {x:R} vs {y:R}";
        if (type.IsPrimitive || type.IsEnum || a is string or decimal) return a.Equals(b) ? null : $"{path}: {a} vs {b}";
        if (a is World && ReferenceEquals(a, b)) return null;
        if (a is Delegate) return null; // callbacks into the agent itself (the migrant log's Log)
        if (a is StreamRandom ra && b is StreamRandom rb) return ra.Key == rb.Key && ra.Counter == rb.Counter ? null : $"{path}: stream ({ra.Key}, {ra.Counter}) vs ({rb.Key}, {rb.Counter})";
        if (!type.IsValueType && !seen.Add((a, b))) return null;
        // A removable queue is the people it holds: a checkpoint keeps a bit per person and puts each back under the
        // class the person has then, once (Checkpoints/CaseloadState.cs, WriteRemovable).
        if (a is Domain.Agents.RemovableQueue qa && b is Domain.Agents.RemovableQueue qb)
            return People(qa).SetEquals(People(qb)) ? null : $"{path}: the queues hold different people ({People(qa).Count} vs {People(qb).Count})";
        if (type.IsGenericType && type.GetGenericTypeDefinition() == typeof(PriorityQueue<,>))
            return Difference(type.GetProperty("UnorderedItems")!.GetValue(a), type.GetProperty("UnorderedItems")!.GetValue(b), path + ".queue", seen);
        // Collections (also the compiler's read-only arrays behind collection expressions) compare by their items.
        if (a is IEnumerable ea && b is IEnumerable eb && (type.Namespace?.StartsWith("System") == true || type.IsArray || type.Name.StartsWith("<>")))
        {
            var la = ea.Cast<object?>().ToList();
            var lb = eb.Cast<object?>().ToList();
            // Columns hold spare capacity beyond their count; the count is compared with the rest of the owner.
            if (type.IsArray && la.Count != lb.Count) return ColumnDifference(la, lb, path, seen);
            if (la.Count != lb.Count) return $"{path}: {la.Count} items vs {lb.Count}";
            for (int i = 0; i < la.Count; i++)
                if (Difference(la[i], lb[i], $"{path}[{i}]", seen) is { } d) return d;
            return null;
        }
        if (type != b.GetType()) return $"{path}: {type.Name} vs {b.GetType().Name}";
        for (var t = type; t is not null && t != typeof(object); t = t.BaseType)
            foreach (var f in t.GetFields(BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.DeclaredOnly))
            {
                if (NotState.ContainsKey((t, f.Name))) continue;
                if (Difference(f.GetValue(a), f.GetValue(b), $"{path}.{f.Name}", seen) is { } d) return d;
            }
        return null;
    }

    private static HashSet<int> People(Domain.Agents.RemovableQueue queue) =>
        ((PriorityQueue<int, long>[])typeof(Domain.Agents.RemovableQueue).GetField("_heaps", BindingFlags.Instance | BindingFlags.NonPublic)!.GetValue(queue)!)
        .SelectMany(h => h.UnorderedItems.Select(e => e.Element)).ToHashSet();

    /// <summary>Arrays of different lengths are equal when the longer one only adds default values (spare capacity).</summary>
    private static string? ColumnDifference(List<object?> a, List<object?> b, string path, HashSet<(object, object)> seen)
    {
        int n = Math.Min(a.Count, b.Count);
        for (int i = 0; i < n; i++)
            if (Difference(a[i], b[i], $"{path}[{i}]", seen) is { } d) return d;
        foreach (var extra in (a.Count > n ? a : b).Skip(n))
            if (extra is not null && !extra.Equals(Activator.CreateInstance(extra.GetType()))) return $"{path}: lengths {a.Count} vs {b.Count} with values beyond";
        return null;
    }

    private sealed class ReferencePairComparer : IEqualityComparer<(object, object)>
    {
        public static readonly ReferencePairComparer Instance = new();
        public bool Equals((object, object) x, (object, object) y) => ReferenceEquals(x.Item1, y.Item1) && ReferenceEquals(x.Item2, y.Item2);
        public int GetHashCode((object, object) p) => HashCode.Combine(System.Runtime.CompilerServices.RuntimeHelpers.GetHashCode(p.Item1), System.Runtime.CompilerServices.RuntimeHelpers.GetHashCode(p.Item2));
    }
}
