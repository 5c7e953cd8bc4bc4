using System.Buffers;
using System.Security.Cryptography;
using System.Text.Json;
using SovereigntySim.Domain.Simulation;

namespace SovereigntySim.Hosting.Runs;

/// <summary>
/// Writes the canonical event log, one JSON object per line with keys in a fixed order, and hashes exactly the
/// bytes written: the run digest is the SHA-256 of events.jsonl.
/// </summary>
public sealed class EventLogWriter : IDisposable
{
    private readonly Stream _out;
    private readonly SimClock _clock;
    private readonly IncrementalHash _hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
    private readonly ArrayBufferWriter<byte> _buffer = new(1 << 16);
    private readonly Utf8JsonWriter _json;
    private static readonly byte[] NewLine = "\n"u8.ToArray();

    public EventLogWriter(Stream output, SimClock clock)
    {
        _out = output;
        _clock = clock;
        _json = new Utf8JsonWriter(_buffer, new JsonWriterOptions { Indented = false, SkipValidation = true });
    }

    public void Write(IEnumerable<SimEvent> events)
    {
        foreach (var e in events)
        {
            _json.Reset(_buffer);
            _json.WriteStartObject();
            _json.WriteString("t", _clock.Iso(e.Tick));
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
                    if (f.Number is { } n) _json.WriteNumber(f.Key, n);
                    else if (f.IsFlag) _json.WriteBoolean(f.Key, f.Text == "true");
                    else _json.WriteString(f.Key, f.Text);
                }
                _json.WriteEndObject();
            }
            _json.WriteEndObject();
            _json.Flush();
            _buffer.Write(NewLine);
            if (_buffer.WrittenCount > (1 << 20)) Drain();
        }
        Drain();
    }

    private void Drain()
    {
        var span = _buffer.WrittenSpan;
        _hash.AppendData(span);
        _out.Write(span);
        _buffer.ResetWrittenCount();
    }

    public string Digest()
    {
        _out.Flush();
        return Convert.ToHexStringLower(_hash.GetCurrentHash());
    }

    public void Dispose()
    {
        _json.Dispose();
        _hash.Dispose();
    }
}
