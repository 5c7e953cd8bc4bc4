using SovereigntySim.Domain.Bargaining;
using SovereigntySim.Domain.Checkpoints;
using SovereigntySim.Domain.Scenario;

namespace SovereigntySim.Domain.Agents;

public sealed partial class Negotiation
{
    protected override void SaveState(CheckpointWriter w)
    {
        // The issue space follows from its agenda.
        w.WriteJson(_space.Agenda);
        w.Write(_issues is not null);
        if (_issues is not null) w.WriteJson(_issues.ToArray());
        w.Write(_open);
        w.Write(_opened);
        w.Write(_deadline);
        w.WriteNullable(_disputeOpened);
        w.Write(_round);
        w.Write(_sendingTurn);
        w.Write(_onTable is not null);
        if (_onTable is not null) w.WriteJson(_onTable);
        w.Write(_onTableSince);
    }

    protected override void RestoreState(CheckpointReader r)
    {
        _space = new IssueSpace(World.Negotiation, r.ReadJson<Agenda>());
        _issues = r.ReadBoolean() ? r.ReadJson<Issue[]>().ToList() : null;
        _open = r.ReadBoolean();
        _opened = r.ReadInt64();
        _deadline = r.ReadInt64();
        _disputeOpened = r.ReadNullableInt64();
        _round = r.ReadInt32();
        _sendingTurn = r.ReadBoolean();
        _onTable = r.ReadBoolean() ? r.ReadJson<Terms>() : null;
        _onTableSince = r.ReadInt64();
    }
}
