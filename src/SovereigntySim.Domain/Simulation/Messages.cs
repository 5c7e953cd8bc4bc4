namespace SovereigntySim.Domain.Simulation;

/// <summary>A message between agents. Hosts find every concrete type by reflection to serialise them
/// polymorphically between silos.</summary>
public interface IMessage;

/// <summary>A message in an agent's inbox. (From, Seq) is its canonical order: Seq counts the sender's messages,
/// so the order depends only on what agents did, never on when messages arrived.</summary>
public sealed record Envelope(string From, long Seq, IMessage Body);

/// <summary>A message an agent sends: to whom, after how many ticks (0 = later in this tick).</summary>
public sealed record Outgoing(string To, long DelayTicks, long Seq, IMessage Body);

/// <summary>All messages an agent receives in one round of one tick, in canonical order.</summary>
public sealed record AgentBatch(string AgentId, IReadOnlyList<Envelope> Inbox);

/// <summary>What an agent produced while handling a batch.</summary>
public sealed record Delivery(string AgentId, IReadOnlyList<Outgoing> Outgoing, IReadOnlyList<SimEvent> Events);

/// <summary>The kernel's first message to every agent of the scenario.</summary>
public sealed record Start : IMessage;

/// <summary>A message an agent sends itself to act later (idle agents are never touched otherwise).</summary>
public sealed record Wake(string Purpose, long Ref = 0) : IMessage;
