using System.Collections;
using System.Globalization;
using System.Text;
using System.Text.Json;

namespace SovereigntySim.Scenarios;

/// <summary>
/// Writes a scenario back as YAML that <see cref="ScenarioLoader"/> reads to the same spec: the effective scenario of
/// a run (file plus overrides plus seed) saved beside its outputs, so the run can be reproduced from it alone. It
/// walks the same model the binder binds, so every field is written and none is invented.
/// </summary>
public static class ScenarioWriter
{
    public static string Write(ScenarioSpec spec, string? header = null)
    {
        var sb = new StringBuilder();
        if (header is not null)
            foreach (var line in header.Split('\n')) sb.Append("# ").Append(line.TrimEnd()).Append('\n');
        WriteMapping(sb, spec, 0, firstIndent: 0);
        return sb.ToString();
    }

    private static void WriteMapping(StringBuilder sb, object value, int indent, int firstIndent)
    {
        bool first = true;
        foreach (var p in ScenarioModel.PropertiesOf(value.GetType()))
        {
            var v = p.Info.GetValue(value);
            if (v is null) continue;
            sb.Append(' ', first ? firstIndent : indent).Append(p.Name).Append(':');
            first = false;
            if (p.NoneMeans is not null && v is 0) sb.Append(' ').Append(ModelProperty.None).Append('\n');
            else WriteValue(sb, v, p.Type, indent);
        }
        if (first) sb.Append(' ', firstIndent).Append("{}\n");
    }

    /// <summary>Writes what follows "key:" (a scalar on the same line, or a nested block).</summary>
    private static void WriteValue(StringBuilder sb, object v, Type declared, int indent)
    {
        var type = Nullable.GetUnderlyingType(declared) ?? declared;
        if (Scalars.IsScalar(type))
        {
            sb.Append(' ').Append(Scalar(v)).Append('\n');
            return;
        }
        if (ScenarioModel.IsList(type, out var element))
        {
            var items = ((IEnumerable)v).Cast<object>().ToList();
            if (items.Count == 0)
            {
                sb.Append(" []\n");
                return;
            }
            sb.Append('\n');
            foreach (var item in items)
            {
                if (Scalars.IsScalar(Nullable.GetUnderlyingType(element) ?? element))
                    sb.Append(' ', indent + 2).Append("- ").Append(Scalar(item)).Append('\n');
                else
                {
                    sb.Append(' ', indent + 2).Append("- ");
                    WriteMapping(sb, item, indent + 4, firstIndent: 0);
                }
            }
            return;
        }
        sb.Append('\n');
        WriteMapping(sb, v, indent + 2, firstIndent: indent + 2);
    }

    private static string Scalar(object v) => v switch
    {
        string s => JsonSerializer.Serialize(s), // a JSON string is a valid YAML double-quoted scalar
        bool b => b ? "true" : "false",
        double d => d.ToString("R", CultureInfo.InvariantCulture),
        int or long => Convert.ToString(v, CultureInfo.InvariantCulture)!,
        Enum e => ScenarioModel.CamelCase(e.ToString()),
        DateTimeOffset t => t.ToString("yyyy-MM-dd'T'HH:mm:ss.FFFFFFFzzz", CultureInfo.InvariantCulture),
        TimeSpan t => Duration(t),
        ScenarioTime t => JsonSerializer.Serialize(t.Offset is { } o && o.Ticks % TimeSpan.TicksPerMinute == 0
            ? t.ToString()
            : t.Absolute?.ToString("yyyy-MM-dd'T'HH:mm:ss.FFFFFFFzzz", CultureInfo.InvariantCulture) ?? t.ToString()),
        _ => throw new InvalidOperationException($"no YAML form for {v.GetType().Name}"),
    };

    private static string Duration(TimeSpan t) => t.Ticks % TimeSpan.TicksPerMinute == 0
        ? DurationText.Format(t)
        : t.TotalMinutes.ToString("R", CultureInfo.InvariantCulture) + "m";
}
