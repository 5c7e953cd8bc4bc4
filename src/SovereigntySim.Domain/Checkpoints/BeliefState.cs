using SovereigntySim.Domain.Checkpoints;

namespace SovereigntySim.Domain.Bargaining;

public sealed partial class Credibility
{
    public void Save(CheckpointWriter w)
    {
        w.Write(_carried);
        w.Write(_bluffed);
    }

    public static Credibility Read(CheckpointReader r)
    {
        var c = new Credibility(0.5, 0);
        (c._carried, c._bluffed) = (r.ReadDouble(), r.ReadDouble());
        return c;
    }
}

public sealed partial class ReservationBelief
{
    public void Save(CheckpointWriter w)
    {
        w.WriteSpan<double>(Points);
        w.WriteSpan<double>(Weights);
    }

    public static ReservationBelief Read(CheckpointReader r)
    {
        var points = r.ReadArray<double>();
        var weights = r.ReadArray<double>();
        if (points.Length != weights.Length) throw new CheckpointException("corrupt checkpoint: a belief with more points than weights");
        return new ReservationBelief(points, weights);
    }
}
