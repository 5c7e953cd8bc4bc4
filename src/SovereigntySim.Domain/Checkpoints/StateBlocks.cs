using System.IO.Hashing;

namespace SovereigntySim.Domain.Checkpoints;

/// <summary>A block of checkpointed state and its name: the 128-bit xxHash of its bytes.</summary>
public sealed record StateBlock(UInt128 Id, byte[] Data)
{
    public static UInt128 IdOf(ReadOnlySpan<byte> bytes) => XxHash128.HashToUInt128(bytes);
}

/// <summary>
/// Incremental checkpoints of one agent. A column of at least <see cref="Size"/> bytes is cut into blocks of that
/// size from its start, and a checkpoint names each block by its hash and carries only the blocks its store does not
/// hold yet. Most of a large run's state never changes once written (closed cases, histories) and a column that grows
/// changes only its last block, so a weekly checkpoint carries about the week's new state, not the whole run's.
/// The host keeps one beside its agent between checkpoints: it is bookkeeping of the checkpoints, not simulation state.
/// </summary>
public sealed class StateBlocks
{
    public const int Size = 8 * 1024;

    // The blocks the last checkpoint used (its store holds them), and those this one uses so far.
    private HashSet<UInt128> _stored;
    private HashSet<UInt128> _used = [];
    private List<StateBlock> _new = [];

    /// <param name="stored">After a restore: the blocks of the checkpoint the agent came from, which its store holds.</param>
    public StateBlocks(IEnumerable<UInt128>? stored = null) => _stored = stored is null ? [] : [.. stored];

    /// <summary>Writes <paramref name="bytes"/> as block names, keeping the blocks not stored yet.</summary>
    internal void Write(CheckpointWriter w, ReadOnlySpan<byte> bytes)
    {
        for (int at = 0; at < bytes.Length; at += Size)
        {
            var block = bytes.Slice(at, Math.Min(Size, bytes.Length - at));
            var id = StateBlock.IdOf(block);
            w.WriteId(id);
            if (_used.Add(id) && !_stored.Contains(id)) _new.Add(new StateBlock(id, block.ToArray()));
        }
    }

    /// <summary>What the state just written needs: every block it names, and those the store does not hold yet.
    /// From here on they count as stored (the checkpoint that carries them is written, or the run fails).</summary>
    public (UInt128[] Uses, StateBlock[] New) Take()
    {
        var taken = (_used.ToArray(), _new.ToArray());
        (_stored, _used) = (_used, _stored);
        _used.Clear();
        _new = [];
        return taken;
    }
}
