using SovereigntySim.Domain.Bargaining;
using SovereigntySim.Domain.Checkpoints;
using SovereigntySim.Domain.Scenario;

namespace SovereigntySim.Domain.Agents;

public sealed partial class Enforcement
{
    protected override void SaveState(CheckpointWriter w)
    {
        w.WriteMap(_agreed, CheckpointWriter.String, static (w, t) => w.WriteJson(t));
        w.WriteMap(_announced, CheckpointWriter.String, static (w, p) => w.WriteJson(p));
        w.WriteMap(_scheduledPerWeek, static (w, k) => { w.Write(k.Item1); w.Write(k.Item2); }, CheckpointWriter.Int);
    }

    protected override void RestoreState(CheckpointReader r)
    {
        r.ReadMap(_agreed, CheckpointReader.String, static r => r.ReadJson<Terms>());
        r.ReadMap(_announced, CheckpointReader.String, static r => r.ReadJson<AcceptancePolicySpec>());
        r.ReadMap(_scheduledPerWeek, static r => (r.ReadString(), r.ReadInt32()), CheckpointReader.Int);
    }
}
