using SovereigntySim.Domain.Agents;

namespace SovereigntySim.Domain.Simulation;

/// <summary>Delivers batches to agents, wherever they live (in this process, or in grains across silos).</summary>
public interface IAgentHost
{
    /// <summary>Hands every batch to its agent for this tick; returns the deliveries in the order of the batches.</summary>
    Task<IReadOnlyList<Delivery>> DeliverAsync(long tick, IReadOnlyList<AgentBatch> batches, CancellationToken cancellation);
}

/// <summary>Events produced between two ticks, in canonical order, and how much delivering them took: rounds are
/// sequential steps of message exchange, deliveries are batches handed to agents.</summary>
public sealed record Slice(long FromTick, long NextTick, IReadOnlyList<SimEvent> Events, bool Finished, long Rounds = 0, long Deliveries = 0);

/// <summary>
/// The simulation kernel: it owns simulated time and message order. Each tick it delivers due messages in rounds;
/// within a round every agent gets its inbox sorted by (sender, sender's sequence), and messages sent with no delay
/// are delivered in the next round of the same tick. Ticks in which nothing is due are skipped. The result is the
/// same whether agents run sequentially or concurrently, in one process or on many silos.
/// </summary>
public sealed partial class Kernel
{
    public const int MaxRoundsPerTick = 200;

    private readonly World _world;
    private readonly IAgentHost _host;
    private readonly PriorityQueue<Pending, (long Tick, long Order)> _future = new();
    private long _order;
    // The script's sequence number: scenario events take theirs in file order, so an event injected later takes the
    // number it would have as the next event appended to the file, and the file replays it in the same order.
    private long _scriptSeq;

    public Kernel(World world, IAgentHost host)
    {
        _world = world;
        _host = host;
        foreach (var id in world.StaticAgents) Schedule(0, id, AgentIds.Script, ++_scriptSeq, new Start());
        foreach (var e in world.Spec.Events) Schedule(TickOf(e), ScriptTarget(e), AgentIds.Script, ++_scriptSeq, new ScriptedEvent(e));
    }

    private long TickOf(Scenario.ScriptedEventSpec e) => _world.TickOf(e.At);

    /// <summary>
    /// Schedules a scripted event while the run goes (an intervention), between slices. It is delivered exactly as
    /// if it had been the next entry of the scenario's <c>events</c>: same tick, same script sequence number, so the
    /// scenario with the event appended replays to the same log. Its time may not lie before <see cref="Now"/>.
    /// </summary>
    public void Inject(Scenario.ScriptedEventSpec e)
    {
        long tick = TickOf(e);
        if (tick < Now) throw new ArgumentException($"an event at {_world.Clock.Iso(tick)} is in the past (the run is at {_world.Clock.Iso(Now)})", nameof(e));
        if (tick >= _world.Clock.EndTick) throw new ArgumentException($"an event at {_world.Clock.Iso(tick)} is after the end of the run", nameof(e));
        Schedule(tick, ScriptTarget(e), AgentIds.Script, ++_scriptSeq, new ScriptedEvent(e));
        Finished = false;
    }

    public long Now { get; private set; }
    public bool Finished { get; private set; }
    public World World => _world;

    private static string ScriptTarget(Scenario.ScriptedEventSpec e) => e.Kind == Scenario.ScriptedEventKind.OpenNegotiation
        ? AgentIds.Negotiation(e.Country, e.Against)
        : AgentIds.Country(e.Country);

    private void Schedule(long tick, string to, string from, long seq, IMessage body) =>
        _future.Enqueue(new Pending(to, new Envelope(from, seq, body)), (tick, ++_order));

    /// <summary>Runs every tick before <paramref name="untilTick"/> (or to the end), returning their events.</summary>
    public async Task<Slice> RunAsync(long untilTick, CancellationToken cancellation = default)
    {
        var events = new List<SimEvent>();
        long from = Now, rounds = 0, deliveriesMade = 0;
        untilTick = Math.Clamp(untilTick, Now, _world.Clock.EndTick);
        while (_future.TryPeek(out _, out var due) && due.Tick < untilTick)
        {
            cancellation.ThrowIfCancellationRequested();
            Now = due.Tick;
            var inbox = new List<Pending>();
            while (_future.TryPeek(out _, out var d) && d.Tick == Now) inbox.Add(_future.Dequeue());
            for (int round = 0; inbox.Count > 0; round++)
            {
                if (round == MaxRoundsPerTick)
                    throw new InvalidOperationException($"agents kept exchanging messages for {MaxRoundsPerTick} rounds at {_world.Clock.Iso(Now)}");
                var batches = Batch(inbox);
                var deliveries = await _host.DeliverAsync(Now, batches, cancellation);
                rounds++;
                deliveriesMade += batches.Count;
                inbox = [];
                foreach (var delivery in deliveries)
                {
                    events.AddRange(delivery.Events);
                    foreach (var o in delivery.Outgoing)
                    {
                        var pending = new Pending(o.To, new Envelope(delivery.AgentId, o.Seq, o.Body));
                        if (o.DelayTicks == 0) inbox.Add(pending);
                        else if (Now + o.DelayTicks < _world.Clock.EndTick) _future.Enqueue(pending, (Now + o.DelayTicks, ++_order));
                    }
                }
            }
        }
        Now = untilTick;
        Finished = untilTick >= _world.Clock.EndTick || _future.Count == 0;
        return new Slice(from, Now, events, Finished, rounds, deliveriesMade);
    }

    private static List<AgentBatch> Batch(List<Pending> inbox)
    {
        inbox.Sort(static (a, b) =>
        {
            int c = string.CompareOrdinal(a.To, b.To);
            if (c != 0) return c;
            c = string.CompareOrdinal(a.Envelope.From, b.Envelope.From);
            return c != 0 ? c : a.Envelope.Seq.CompareTo(b.Envelope.Seq);
        });
        var batches = new List<AgentBatch>();
        for (int i = 0; i < inbox.Count;)
        {
            int j = i;
            var list = new List<Envelope>();
            while (j < inbox.Count && inbox[j].To == inbox[i].To) list.Add(inbox[j++].Envelope);
            batches.Add(new AgentBatch(inbox[i].To, list));
            i = j;
        }
        return batches;
    }

    private readonly record struct Pending(string To, Envelope Envelope);
}

/// <summary>The reference host: every agent in this process, handled one after another.</summary>
public sealed partial class SequentialAgentHost(World world) : IAgentHost
{
    private readonly Dictionary<string, Agent> _agents = new(StringComparer.Ordinal);

    public IReadOnlyDictionary<string, Agent> Agents => _agents;

    public Task<IReadOnlyList<Delivery>> DeliverAsync(long tick, IReadOnlyList<AgentBatch> batches, CancellationToken cancellation)
    {
        var result = new Delivery[batches.Count];
        for (int i = 0; i < batches.Count; i++)
        {
            var b = batches[i];
            if (!_agents.TryGetValue(b.AgentId, out var agent)) _agents[b.AgentId] = agent = AgentFactory.Create(b.AgentId, world);
            result[i] = agent.Handle(tick, b.Inbox);
        }
        return Task.FromResult<IReadOnlyList<Delivery>>(result);
    }
}
