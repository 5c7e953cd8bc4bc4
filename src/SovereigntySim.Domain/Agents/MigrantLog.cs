using System.Buffers.Binary;
using System.Globalization;
using System.IO.Hashing;
using SovereigntySim.Domain.Randomness;
using SovereigntySim.Domain.Scenario;
using SovereigntySim.Domain.Simulation;

namespace SovereigntySim.Domain.Agents;

/// <summary>
/// Records what happens to migrants. In full mode every migrant-event becomes a log line; in compact mode a caseload
/// emits one line per batch with counts per kind and the 128-bit XXH3 hash of its migrant-events in order, so the
/// run digest (the SHA-256 of the log) still covers every one of them. XXH3 rather than SHA-256 here because it is
/// over ten times faster and this hash only has to detect differences, not resist an adversary.
/// </summary>
public sealed partial class MigrantLog(MigrantEventLog mode, Action<SimEvent> log)
{
    private const int RecordSize = 24;
    private static readonly string[] KindNames = Enum.GetValues<MigrantEventKind>().Select(EventKinds.Migrant).ToArray();
    private static readonly string[] ReasonNames = Enum.GetValues<Reason>().Select(Names.Camel).ToArray();

    private readonly int[] _counts = new int[KindNames.Length];
    private readonly XxHash128 _hash = new();
    // Records are hashed in blocks: one call per record would cost more than the record.
    private readonly byte[] _block = new byte[RecordSize * 2048];
    private int _used;
    private int _total;
    private string? _flight;
    private uint _flightKey;

    public bool Full => mode == MigrantEventLog.Full;

    /// <summary>One migrant-event; <paramref name="traits"/> packs who the person is (hashed in compact mode),
    /// <paramref name="details"/> are extra fields for the full-mode line.</summary>
    public void Record(long tick, string actor, long migrantId, MigrantEventKind kind, Reason reason, string? flight, ushort traits, Field[]? details = null)
    {
        if (mode == MigrantEventLog.Full)
        {
            log(new SimEvent(tick, KindNames[(int)kind], actor, migrantId.ToString(CultureInfo.InvariantCulture),
                reason == Reason.None ? null : [ReasonNames[(int)reason]],
                flight is null ? details : [Field.Of("flight", flight), .. details ?? []]));
            return;
        }
        // Counted for the compact line only: in full mode each event is its own line.
        _counts[(int)kind]++;
        _total++;
        if (!ReferenceEquals(flight, _flight))
        {
            _flight = flight;
            _flightKey = flight is null ? 0u : (uint)Seeds.ForAgent(0, flight);
        }
        if (_used == _block.Length) Drain();
        var r = _block.AsSpan(_used, RecordSize);
        BinaryPrimitives.WriteInt64LittleEndian(r, migrantId);
        BinaryPrimitives.WriteInt64LittleEndian(r[8..], tick);
        r[16] = (byte)kind;
        r[17] = (byte)reason;
        BinaryPrimitives.WriteUInt16LittleEndian(r[18..], traits);
        BinaryPrimitives.WriteUInt32LittleEndian(r[20..], _flightKey);
        _used += RecordSize;
    }

    private void Drain()
    {
        _hash.Append(_block.AsSpan(0, _used));
        _used = 0;
    }

    /// <summary>In compact mode, the summary line for what was recorded since the last flush.</summary>
    public void Flush(long tick, string actor)
    {
        if (mode == MigrantEventLog.Full || _total == 0) return;
        Drain();
        var fields = new List<Field> { Field.Of(EventFields.MigrantEvents, _total) };
        for (int k = 0; k < _counts.Length; k++)
            if (_counts[k] > 0) fields.Add(Field.Of(KindNames[k], _counts[k]));
        fields.Add(Field.Of("xxh128", Convert.ToHexStringLower(_hash.GetHashAndReset())));
        log(new SimEvent(tick, EventKinds.Migrants, actor, null, null, fields));
        Array.Clear(_counts);
        _total = 0;
    }
}
