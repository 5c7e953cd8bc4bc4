using SovereigntySim.Domain.Checkpoints;
using SovereigntySim.Domain.Scenario;

namespace SovereigntySim.Domain.Agents;

public sealed partial class ScreeningAgency
{
    protected override void SaveState(CheckpointWriter w)
    {
        w.WriteJson(_policy);
        w.WriteMap(_clearedPerWeek, CheckpointWriter.Int, CheckpointWriter.Int);
        w.WriteMap(_cleared, CheckpointWriter.String, static (w, t) => w.WriteJson(t));
        w.WriteMap(_inspecting, CheckpointWriter.Long, static (w, i) =>
        {
            w.Write(i.Flight);
            w.WriteJson(i.Manifest);
            w.Write(i.NoticeGivenHours);
        });
        w.Write(_inspections);
        w.WriteMap(_suspended, CheckpointWriter.String, CheckpointWriter.Int);
    }

    protected override void RestoreState(CheckpointReader r)
    {
        _policy = r.ReadJson<AcceptancePolicySpec>();
        r.ReadMap(_clearedPerWeek, CheckpointReader.Int, CheckpointReader.Int);
        r.ReadMap(_cleared, CheckpointReader.String, static r => r.ReadJson<FlightTerms>());
        r.ReadMap(_inspecting, CheckpointReader.Long, static r => (r.ReadString(), r.ReadJson<ManifestSubmitted>(), r.ReadDouble()));
        _inspections = r.ReadInt64();
        r.ReadMap(_suspended, CheckpointReader.String, CheckpointReader.Int);
    }
}
