using System.Collections;
using System.Globalization;
using SovereigntySim.Domain.Scenario;

namespace SovereigntySim.Scenarios;

/// <summary>One value of a loaded scenario that <c>--set</c> can change: its path, its kind and bounds from the
/// schema, its value in this scenario, and what it means. The page draws a form control for each.</summary>
/// <param name="Kind">number, integer, boolean, choice or duration.</param>
/// <param name="None">What the word none stands for, where the value may be none (held as 0), else null.</param>
public record ScenarioParameter(string Path, string Section, string Name, string Kind, string Value, double? Min, double? Max,
    IReadOnlyList<string>? Choices, string? None, string? Description);

/// <summary>
/// The settable leaves of a scenario, generated from the same records and attributes the loader binds with (so a
/// parameter the page offers is one <c>--set</c> accepts, with the bounds it checks). List items are named by their id
/// (<c>countries.MX.acceptance.weeklyFlightCap</c>); lists without ids (relations, events, a posture's ladder) and
/// free text (names, ids, dates) are left to the overrides box.
/// </summary>
public static class ScenarioParameters
{
    public static IReadOnlyList<ScenarioParameter> Of(ScenarioSpec spec)
    {
        var found = new List<ScenarioParameter>();
        Walk(spec, "", found);
        return found;
    }

    private static void Walk(object record, string prefix, List<ScenarioParameter> found)
    {
        foreach (var p in ScenarioModel.PropertiesOf(record.GetType()))
        {
            var value = p.Info.GetValue(record);
            string path = prefix.Length == 0 ? p.Name : $"{prefix}.{p.Name}";
            var type = Nullable.GetUnderlyingType(p.Type) ?? p.Type;
            if (Leaf(p, type, value, path, prefix) is { } parameter) found.Add(parameter);
            else if (value is null || type == typeof(string) || type.IsValueType) continue;
            else if (ScenarioModel.IsList(type, out var element))
            {
                if (element.GetProperty("Id") is not { } id || id.PropertyType != typeof(string)) continue;
                foreach (var item in (IEnumerable)value)
                    if (id.GetValue(item) is string name && name.Length > 0) Walk(item, $"{path}.{name}", found);
            }
            else Walk(value, path, found);
        }
    }

    private static ScenarioParameter? Leaf(ModelProperty p, Type type, object? value, string path, string section)
    {
        if (value is null) return null;
        string? kind = type == typeof(double) ? "number"
            : type == typeof(int) || type == typeof(long) ? "integer"
            : type == typeof(bool) ? "boolean"
            : type.IsEnum ? "choice"
            : type == typeof(TimeSpan) ? "duration"
            : null;
        if (kind is null) return null;
        double? min = null, max = null;
        if (p.Range is { } range)
        {
            min = Convert.ToDouble(range.Minimum, CultureInfo.InvariantCulture);
            double top = Convert.ToDouble(range.Maximum, CultureInfo.InvariantCulture);
            max = top < long.MaxValue ? top : null;
        }
        string text = value switch
        {
            double d => d.ToString("R", CultureInfo.InvariantCulture),
            int i when p.NoneMeans is not null && i == 0 => ModelProperty.None,
            long l when p.NoneMeans is not null && l == 0 => ModelProperty.None,
            IFormattable f when kind == "integer" => f.ToString(null, CultureInfo.InvariantCulture),
            bool b => b ? "true" : "false",
            Enum e => ScenarioModel.CamelCase(e.ToString()),
            TimeSpan t => DurationText.Format(t),
            _ => "",
        };
        return new ScenarioParameter(path, section, p.Name, kind, text, min, max, type.IsEnum ? Scalars.EnumNames(type) : null, p.NoneMeans, p.Description);
    }
}
