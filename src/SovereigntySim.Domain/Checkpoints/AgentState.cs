using SovereigntySim.Domain.Checkpoints;

namespace SovereigntySim.Domain.Simulation;

// Checkpoints: every agent writes its own state explicitly. An agent is restored by building it from the scenario
// (AgentFactory, which draws its private type from its stream exactly as at the start) and then overwriting what the
// run changed. Fields that the constructor derives from the scenario need no saving; everything else must be here.
// CheckpointCoverageTests compare every field of a restored agent with the original, so a field added but not
// checkpointed fails the tests.
public abstract partial class Agent
{
    private const int EndMark = 0x5EC7E11D;

    public void Save(CheckpointWriter w)
    {
        w.Write(_seq);
        w.Write(Random.Key);
        w.Write(Random.Counter);
        w.Write(Now);
        SaveState(w);
        w.Write(EndMark);
    }

    /// <summary>The agent's state as one array (what a checkpoint stores per agent); with <paramref name="blocks"/>, its
    /// large columns by block name, the new blocks kept there (an incremental checkpoint).</summary>
    public byte[] SaveBytes(StateBlocks? blocks = null) => StateBytes.Of(Save, blocks is null ? StateSizeHint : 4096, blocks);

    public void Restore(CheckpointReader r)
    {
        _seq = r.ReadInt64();
        ulong key = r.ReadUInt64(), counter = r.ReadUInt64();
        if (key != Random.Key)
            throw new CheckpointException($"the checkpoint of agent {Id} was written for another run (its random stream differs): wrong seed or scenario");
        Random.Position(key, counter);
        Now = r.ReadInt64();
        RestoreState(r);
        if (r.ReadInt32() != EndMark) throw new CheckpointException($"corrupt checkpoint: agent {Id} read more or less than it wrote");
    }

    /// <summary>About how many bytes <see cref="Save"/> writes, so the buffer is allocated once.</summary>
    public virtual int StateSizeHint => 1024;

    /// <summary>Writes everything the run has changed since the agent was built.</summary>
    protected abstract void SaveState(CheckpointWriter w);

    /// <summary>Reads back what <see cref="SaveState"/> wrote, into an agent freshly built from the scenario.</summary>
    protected abstract void RestoreState(CheckpointReader r);
}
