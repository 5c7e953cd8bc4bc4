using System.Buffers;
using System.Security.Cryptography;
using System.Text.Json;
using SovereigntySim.Domain.Simulation;

namespace SovereigntySim.Hosting.Runs;

/// <summary>
/// Serialises the canonical event log, one JSON object per line with keys in a fixed order, and hashes exactly the
/// bytes it produces: the run digest is the SHA-256 of events.jsonl, whether or not a sink writes the file.
/// </summary>
public sealed class EventLogWriter : IDisposable
{
    private readonly SimClock _clock;
    private readonly IncrementalHash _hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
    private readonly ArrayBufferWriter<byte> _buffer = new(1 << 16);
    private readonly Utf8JsonWriter _json;
    private static readonly byte[] NewLine = "\n"u8.ToArray();

    public EventLogWriter(SimClock clock)
    {
        _clock = clock;
        _json = new Utf8JsonWriter(_buffer, new JsonWriterOptions { Indented = false, SkipValidation = true });
    }

    /// <summary>The log lines of these events, hashed into the digest; valid until the next call.</summary>
    public ReadOnlyMemory<byte> Write(IEnumerable<SimEvent> events)
    {
        _buffer.ResetWrittenCount();
        foreach (var e in events)
        {
            _json.Reset(_buffer);
            _json.WriteStartObject();
            _json.WriteString("t", Iso(e.Tick));
            _json.WriteNumber("tick", e.Tick);
            _json.WriteString("kind", e.Kind);
            _json.WriteString("actor", e.Actor);
            if (e.Subject is not null) _json.WriteString("subject", e.Subject);
            if (e.Reasons is { Count: > 0 })
            {
                _json.WriteStartArray("reasons");
                foreach (var r in e.Reasons) _json.WriteStringValue(r);
                _json.WriteEndArray();
            }
            if (e.Fields is { Count: > 0 })
            {
                _json.WriteStartObject("fields");
                foreach (var f in e.Fields)
                {
                    if (f.Number is { } n)
                    {
                        // A number that is not finite is a state that cannot be right: say which, rather than JSON's complaint.
                        if (!double.IsFinite(n))
                            throw new InvalidDataException($"{e.Kind} of {e.Actor} at {Iso(e.Tick)}: field {f.Key} is {n} (a model error; nothing from this day on is written)");
                        _json.WriteNumber(f.Key, n);
                    }
                    else if (f.IsFlag) _json.WriteBoolean(f.Key, f.Text == "true");
                    else _json.WriteString(f.Key, f.Text);
                }
                _json.WriteEndObject();
            }
            _json.WriteEndObject();
            _json.Flush();
            _buffer.Write(NewLine);
        }
        _hash.AppendData(_buffer.WrittenSpan);
        Length += _buffer.WrittenCount;
        return _buffer.WrittenMemory;
    }

    /// <summary>Bytes of log so far: where a checkpoint cuts events.jsonl.</summary>
    public long Length { get; private set; }

    /// <summary>Takes up a log from a checkpoint: <paramref name="prefix"/> is what was written before it.</summary>
    public void Continue(ReadOnlySpan<byte> prefix)
    {
        if (Length != 0) throw new InvalidOperationException("a log can be continued only before it is written to");
        _hash.AppendData(prefix);
        Length = prefix.Length;
    }

    // Events come in tick order: format each tick's time once.
    private long _isoTick = -1;
    private string _iso = "";

    private string Iso(long tick)
    {
        if (tick != _isoTick) (_isoTick, _iso) = (tick, _clock.Iso(tick));
        return _iso;
    }

    public string Digest() => Convert.ToHexStringLower(_hash.GetCurrentHash());

    public void Dispose()
    {
        _json.Dispose();
        _hash.Dispose();
    }
}
