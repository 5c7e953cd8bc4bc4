using System.Buffers.Binary;
using System.Globalization;
using System.Security.Cryptography;
using SovereigntySim.Domain.Scenario;
using SovereigntySim.Domain.Simulation;

namespace SovereigntySim.Domain.Agents;

/// <summary>
/// Records what happens to migrants. In full mode every migrant-event becomes a log line; in compact mode a caseload
/// emits one line per batch with counts per kind and the SHA-256 of its migrant-events in order, so the run digest
/// still covers every one of them.
/// </summary>
public sealed class MigrantLog(MigrantEventLog mode)
{
    private static readonly string[] KindNames = Enum.GetValues<MigrantEventKind>().Select(k => "migrant." + Names.Camel(k)).ToArray();
    private static readonly string[] ReasonNames = Enum.GetValues<Reason>().Select(Names.Camel).ToArray();

    private readonly int[] _counts = new int[KindNames.Length];
    private IncrementalHash? _hash;
    private readonly byte[] _record = new byte[24];
    private int _total;

    public long Total { get; private set; }

    public void Record(Action<SimEvent> log, long tick, string actor, long migrantId, MigrantEventKind kind, Reason reason, string? flight)
    {
        Total++;
        _counts[(int)kind]++;
        _total++;
        if (mode == MigrantEventLog.Full)
        {
            log(new SimEvent(tick, KindNames[(int)kind], actor, migrantId.ToString(CultureInfo.InvariantCulture),
                reason == Reason.None ? null : [ReasonNames[(int)reason]],
                flight is null ? null : [Field.Of("flight", flight)]));
            return;
        }
        _hash ??= IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        BinaryPrimitives.WriteInt64LittleEndian(_record, migrantId);
        BinaryPrimitives.WriteInt64LittleEndian(_record.AsSpan(8), tick);
        _record[16] = (byte)kind;
        _record[17] = (byte)reason;
        BinaryPrimitives.WriteUInt32LittleEndian(_record.AsSpan(20), flight is null ? 0u : (uint)Randomness.Seeds.ForAgent(0, flight));
        _hash.AppendData(_record);
    }

    /// <summary>In compact mode, the summary line for what was recorded since the last flush.</summary>
    public void Flush(Action<SimEvent> log, long tick, string actor)
    {
        if (mode == MigrantEventLog.Full || _total == 0) return;
        var fields = new List<Field> { Field.Of("migrantEvents", _total) };
        for (int k = 0; k < _counts.Length; k++)
            if (_counts[k] > 0) fields.Add(Field.Of(KindNames[k], _counts[k]));
        fields.Add(Field.Of("sha256", Convert.ToHexStringLower(_hash!.GetHashAndReset())));
        log(new SimEvent(tick, "migrants", actor, null, null, fields));
        Array.Clear(_counts);
        _total = 0;
    }
}
