using System.Text.Json;
using SovereigntySim.Domain.Simulation;

namespace SovereigntySim.Hosting.Runs;

/// <summary>
/// Reads canonical log lines back into events. A resumed run refolds its metrics from the log up to the checkpoint:
/// metrics are a function of the events alone, so this gives exactly the accumulator the interrupted run had, and
/// the log's hash, checked first, vouches for every byte of it.
/// </summary>
public static class EventLogReader
{
    public static IEnumerable<SimEvent> Read(ReadOnlyMemory<byte> log)
    {
        int start = 0;
        while (start < log.Length)
        {
            int end = log.Span[start..].IndexOf((byte)'\n');
            if (end < 0) throw new FormatException($"events.jsonl: the line at byte {start} has no end");
            yield return Parse(log.Span.Slice(start, end));
            start += end + 1;
        }
    }

    private static SimEvent Parse(ReadOnlySpan<byte> line)
    {
        var r = new Utf8JsonReader(line);
        Expect(ref r, JsonTokenType.StartObject);
        long tick = -1;
        string? kind = null, actor = null, subject = null;
        List<string>? reasons = null;
        List<Field>? fields = null;
        while (r.Read() && r.TokenType == JsonTokenType.PropertyName)
        {
            var name = r.GetString();
            r.Read();
            switch (name)
            {
                case "t": break;
                case "tick": tick = r.GetInt64(); break;
                case "kind": kind = r.GetString(); break;
                case "actor": actor = r.GetString(); break;
                case "subject": subject = r.GetString(); break;
                case "reasons":
                    reasons = [];
                    while (r.Read() && r.TokenType == JsonTokenType.String) reasons.Add(r.GetString()!);
                    break;
                case "fields":
                    fields = [];
                    while (r.Read() && r.TokenType == JsonTokenType.PropertyName)
                    {
                        var key = r.GetString()!;
                        r.Read();
                        fields.Add(r.TokenType switch
                        {
                            JsonTokenType.Number => Field.Of(key, r.GetDouble()),
                            JsonTokenType.True => Field.Of(key, true),
                            JsonTokenType.False => Field.Of(key, false),
                            JsonTokenType.String => Field.Of(key, r.GetString()!),
                            JsonTokenType.Null => new Field(key),
                            _ => throw new FormatException($"events.jsonl: field {key} holds a {r.TokenType}"),
                        });
                    }
                    break;
                default: throw new FormatException($"events.jsonl: unknown key {name}");
            }
        }
        if (tick < 0 || kind is null || actor is null) throw new FormatException("events.jsonl: a line without tick, kind or actor");
        return new SimEvent(tick, kind, actor, subject, reasons, fields);
    }

    private static void Expect(ref Utf8JsonReader r, JsonTokenType token)
    {
        if (!r.Read() || r.TokenType != token) throw new FormatException($"events.jsonl: expected {token}");
    }
}
