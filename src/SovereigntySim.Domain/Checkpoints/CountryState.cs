using SovereigntySim.Domain.Bargaining;
using SovereigntySim.Domain.Checkpoints;
using SovereigntySim.Domain.Scenario;

namespace SovereigntySim.Domain.Agents;

public sealed partial class Country
{
    protected override void SaveState(CheckpointWriter w)
    {
        w.WriteJson(_policy);
        w.Write(_pressure);
        w.WriteMap(_tension, CheckpointWriter.String, CheckpointWriter.Double);
        w.WriteMap(_disputes, CheckpointWriter.String, static (w, d) =>
        {
            w.Write(d.Sending);
            w.WriteNullable(d.ConfrontedSince);
            w.Write(d.Refusals);
            w.Write(d.Stranded);
            w.Write(d.Accrued);
            w.Write(d.Reputation);
            w.Write(d.Negotiating);
            w.Write(d.Negotiated);
            w.Write(d.TalksFailed);
            w.WriteJson(d.Issues.ToArray());
        });
        w.WriteMap(_agreedAt, CheckpointWriter.String, CheckpointWriter.Long);
        w.WriteMap(_nextRung, CheckpointWriter.String, CheckpointWriter.Int);
        w.WriteMap(_imposed, CheckpointWriter.String, WriteMeasures);
        w.WriteMap(_suffered, CheckpointWriter.String, WriteMeasures);
        w.WriteMap(_views, CheckpointWriter.String, static (w, v) => w.WriteJson(v));
        w.WriteMap(_credibilityOf, CheckpointWriter.String, static (w, c) => c.Save(w));
        w.WriteMap(_ownCredibility, CheckpointWriter.String, static (w, c) => c.Save(w));
        w.Write(_reserved.Count);
        foreach (var (partner, rung) in _reserved)
        {
            w.Write(partner);
            w.Write(rung);
        }
        w.WriteMap(_kept, CheckpointWriter.String, static (w, kept) =>
        {
            w.Write(kept.Count);
            foreach (var k in kept)
            {
                WriteMeasures(w, [k.Measure]);
                w.Write((int)k.Until);
                w.Write(k.Needed);
            }
        });
        w.WriteMap(_returnedSinceAgreement, CheckpointWriter.String, CheckpointWriter.Int);
        w.Write(_changed);
        w.Write(_yielded);
        w.Write(_commitment);
        w.Write(_demandsDropped);
    }

    protected override void RestoreState(CheckpointReader r)
    {
        _policy = r.ReadJson<AcceptancePolicySpec>();
        _pressure = r.ReadDouble();
        r.ReadMap(_tension, CheckpointReader.String, CheckpointReader.Double);
        r.ReadMap(_disputes, CheckpointReader.String, static r =>
        {
            var d = new Dispute
            {
                Sending = r.ReadBoolean(), ConfrontedSince = r.ReadNullableInt64(), Refusals = r.ReadInt32(), Stranded = r.ReadInt32(),
                Accrued = r.ReadDouble(), Reputation = r.ReadDouble(), Negotiating = r.ReadBoolean(), Negotiated = r.ReadBoolean(),
                TalksFailed = r.ReadBoolean(),
            };
            d.Issues.UnionWith(r.ReadJson<Issue[]>());
            return d;
        });
        r.ReadMap(_agreedAt, CheckpointReader.String, CheckpointReader.Long);
        r.ReadMap(_nextRung, CheckpointReader.String, CheckpointReader.Int);
        r.ReadMap(_imposed, CheckpointReader.String, ReadMeasures);
        r.ReadMap(_suffered, CheckpointReader.String, ReadMeasures);
        r.ReadMap(_views, CheckpointReader.String, static r => r.ReadJson<BargainingView>());
        r.ReadMap(_credibilityOf, CheckpointReader.String, Credibility.Read);
        r.ReadMap(_ownCredibility, CheckpointReader.String, Credibility.Read);
        _reserved.Clear();
        for (int i = 0, n = r.ReadCount(); i < n; i++) _reserved.Add((r.ReadString(), r.ReadInt32()));
        r.ReadMap(_kept, CheckpointReader.String, static r =>
        {
            int n = r.ReadCount();
            var kept = new List<KeptMeasure>(n);
            for (int i = 0; i < n; i++) kept.Add(new KeptMeasure(ReadMeasures(r)[0], (LiftOn)r.ReadInt32(), r.ReadInt32()));
            return kept;
        });
        r.ReadMap(_returnedSinceAgreement, CheckpointReader.String, CheckpointReader.Int);
        _changed = r.ReadBoolean();
        _yielded = r.ReadBoolean();
        _commitment = r.ReadDouble();
        _demandsDropped = r.ReadBoolean();
    }

    private static void WriteMeasures(CheckpointWriter w, List<Measure> measures)
    {
        w.Write(measures.Count);
        foreach (var m in measures)
        {
            w.WriteJson(m.Instrument);
            w.Write(m.Applied);
            w.Write(m.DailyCost);
        }
    }

    private static List<Measure> ReadMeasures(CheckpointReader r)
    {
        int n = r.ReadCount();
        var list = new List<Measure>(n);
        for (int i = 0; i < n; i++) list.Add(new Measure(r.ReadJson<InstrumentSpec>(), r.ReadBoolean(), r.ReadDouble()));
        return list;
    }
}
