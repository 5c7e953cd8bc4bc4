using SovereigntySim.Domain.Bargaining;
using SovereigntySim.Domain.Checkpoints;

namespace SovereigntySim.Domain.Agents;

public sealed partial class Ministry
{
    protected override void SaveState(CheckpointWriter w)
    {
        // The private type: a new government draws it again.
        w.Write(_reservation);
        w.Write(_resolve);
        w.WriteMap(_politics, CheckpointWriter.String, static (w, s) => w.WriteJson(s));
        w.WriteMap(_partners, CheckpointWriter.String, static (w, p) =>
        {
            // Utilities, issue space and levels follow from the partner, the side and the agenda (Rebuild); the
            // belief and the expected deals are learnt.
            w.Write(p.Self.Sending);
            w.WriteJson(p.Space.Agenda);
            p.Belief.Save(w);
            w.WriteSpan<double>(p.Deal);
            w.WriteNullable(p.LastObserved);
            w.Write(p.Negotiating);
            w.Write(p.Ended);
            w.Write(p.LowestReservation);
            w.Write(p.Progress);
            w.WriteNullable(p.ProgressAt);
        });
    }

    protected override void RestoreState(CheckpointReader r)
    {
        _reservation = r.ReadDouble();
        _resolve = r.ReadDouble();
        r.ReadMap(_politics, CheckpointReader.String, static r => r.ReadJson<PoliticalState>());
        _partners.Clear();
        for (int i = 0, n = r.ReadCount(); i < n; i++)
        {
            var partner = r.ReadString();
            bool sending = r.ReadBoolean();
            var agenda = r.ReadJson<Agenda>();
            var p = new Partner
            {
                Self = null!, Other = null!, Space = null!, SelfLevels = [], OtherLevels = [], Deal = [],
                Spec = World.MinistryOf(partner) ?? throw new CheckpointException($"the checkpoint of {Id} names a partner without a ministry: {partner}"),
                Belief = ReservationBelief.Read(r),
            };
            Rebuild(p, sending, agenda);
            p.Deal = r.ReadArray<double>();
            p.LastObserved = r.ReadNullableInt64();
            p.Negotiating = r.ReadBoolean();
            p.Ended = r.ReadBoolean();
            p.LowestReservation = r.ReadDouble();
            p.Progress = r.ReadDouble();
            p.ProgressAt = r.ReadNullableInt64();
            _partners.Add(partner, p);
        }
    }
}
