using SovereigntySim.Domain.Randomness;

namespace SovereigntySim.Domain.Simulation;

/// <summary>
/// Base of every agent. An agent only acts when the kernel hands it a batch of messages for the current tick;
/// it answers with messages (now or later) and log events. Everything it does depends on its own state, its own
/// random stream and the batch, which the kernel orders canonically: that is what makes runs reproducible.
/// </summary>
public abstract partial class Agent
{
    private long _seq;
    private List<Outgoing> _outgoing = [];
    private List<SimEvent> _events = [];

    protected Agent(string id, World world)
    {
        Id = id;
        World = world;
        Random = new StreamRandom(Seeds.ForAgent(world.Seed, id));
    }

    public string Id { get; }
    protected World World { get; }
    protected StreamRandom Random { get; }
    protected long Now { get; private set; }
    protected SimClock Clock => World.Clock;

    public Delivery Handle(long tick, IReadOnlyList<Envelope> inbox)
    {
        Now = tick;
        _outgoing = [];
        _events = [];
        foreach (var envelope in inbox) On(envelope.From, envelope.Body);
        AfterInbox();
        return new Delivery(Id, _outgoing, _events);
    }

    protected abstract void On(string from, IMessage message);

    /// <summary>Called once the whole inbox of a round is handled.</summary>
    protected virtual void AfterInbox() { }

    protected void Send(string to, IMessage body, long delayTicks = 0) =>
        _outgoing.Add(new Outgoing(to, Math.Max(0, delayTicks), ++_seq, body));

    protected void WakeAt(long tick, string purpose, long reference = 0) => Send(Id, new Wake(purpose, reference), tick - Now);

    protected void Log(string kind, string? subject = null, IReadOnlyList<string>? reasons = null, params Field[] fields) =>
        _events.Add(new SimEvent(Now, kind, Id, subject, reasons is { Count: > 0 } ? reasons : null, fields.Length == 0 ? null : fields));

    protected void Log(SimEvent e) => _events.Add(e);
}
