using SovereigntySim.Domain.Checkpoints;

namespace SovereigntySim.Domain.Simulation;

public sealed partial class Kernel
{
    private const int EndMark = 0x4B3E7E11;

    /// <summary>Time and every message waiting to be delivered, between two slices.</summary>
    public void Save(CheckpointWriter w)
    {
        w.Write(Now);
        w.Write(Finished);
        w.Write(_order);
        w.WriteQueue(_future, static (w, p) =>
        {
            w.Write(p.To);
            w.Write(p.Envelope.From);
            w.Write(p.Envelope.Seq);
            w.WriteJson(p.Envelope.Body);
        }, static (w, due) =>
        {
            w.Write(due.Tick);
            w.Write(due.Order);
        });
        w.Write(EndMark);
    }

    /// <summary>Replaces the start-up schedule with a checkpoint's time and queue.</summary>
    public void Restore(CheckpointReader r)
    {
        Now = r.ReadInt64();
        Finished = r.ReadBoolean();
        _order = r.ReadInt64();
        r.ReadQueue(_future, static r => new Pending(r.ReadString(), new Envelope(r.ReadString(), r.ReadInt64(), r.ReadJson<IMessage>())),
            static r => (r.ReadInt64(), r.ReadInt64()));
        if (r.ReadInt32() != EndMark) throw new CheckpointException("corrupt checkpoint: the kernel's state does not end where it should");
        if (Now > _world.Clock.EndTick) throw new CheckpointException($"corrupt checkpoint: tick {Now} is past the end of the run");
    }
}

public sealed partial class SequentialAgentHost
{
    /// <summary>Every agent that exists, in id order, each written by itself.</summary>
    public IEnumerable<string> AgentIds => _agents.Keys.Order(StringComparer.Ordinal);

    /// <summary>Builds an agent from the scenario, in place of any it holds, for a checkpoint's state to be restored into.</summary>
    public Agent Rebuild(string agentId) => _agents[agentId] = AgentFactory.Create(agentId, world);
}
