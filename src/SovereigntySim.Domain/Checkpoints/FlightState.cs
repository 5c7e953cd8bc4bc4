using SovereigntySim.Domain.Checkpoints;

namespace SovereigntySim.Domain.Agents;

public sealed partial class Flight
{
    protected override void SaveState(CheckpointWriter w)
    {
        // A flight is created by its first message, FlightScheduled, which sets its terms in the same batch.
        w.WriteJson(_terms ?? throw new InvalidOperationException($"flight {Id} has no terms at a checkpoint: it was created without FlightScheduled"));
        w.WriteStrings(_caseloads.ToArray());
        w.WriteList(_manifest);
        w.WriteMap(_caseloadOf, CheckpointWriter.Long, CheckpointWriter.String);
        w.Write(_parts);
        w.WriteList(_boarded);
        w.Write((int)_status);
        w.Write(_diverted);
        w.Write(_infected);
        w.Write(_expeditedReview);
    }

    protected override void RestoreState(CheckpointReader r)
    {
        _terms = r.ReadJson<FlightTerms>();
        _caseloads = r.ReadStrings();
        r.ReadList(_manifest);
        r.ReadMap(_caseloadOf, CheckpointReader.Long, CheckpointReader.String);
        _parts = r.ReadInt32();
        _boarded = [];
        r.ReadList(_boarded);
        _status = (FlightStatus)r.ReadInt32();
        _diverted = r.ReadBoolean();
        _infected = r.ReadInt32();
        _expeditedReview = r.ReadBoolean();
    }
}
