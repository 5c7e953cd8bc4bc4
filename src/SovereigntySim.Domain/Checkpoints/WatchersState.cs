using SovereigntySim.Domain.Checkpoints;

namespace SovereigntySim.Domain.Agents;

public sealed partial class AdvocacyGroup
{
    // An advocacy group keeps nothing between messages but its random stream (saved by Agent).
    protected override void SaveState(CheckpointWriter w) { }
    protected override void RestoreState(CheckpointReader r) { }
}

public sealed partial class Observer
{
    protected override void SaveState(CheckpointWriter w)
    {
        foreach (var n in (int[])[_restraintFlights, _militaryFlights, _minors, _medical, _pending, _refused, _turnedBack, _removed]) w.Write(n);
    }

    protected override void RestoreState(CheckpointReader r)
    {
        _restraintFlights = r.ReadInt32();
        _militaryFlights = r.ReadInt32();
        _minors = r.ReadInt32();
        _medical = r.ReadInt32();
        _pending = r.ReadInt32();
        _refused = r.ReadInt32();
        _turnedBack = r.ReadInt32();
        _removed = r.ReadInt32();
    }
}
