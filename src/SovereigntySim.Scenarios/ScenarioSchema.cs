using System.Collections;
using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace SovereigntySim.Scenarios;

/// <summary>JSON Schema (draft 2020-12) of scenario files, generated from the same records and attributes the
/// loader binds with, for editors and for readers of docs/scenario.schema.json.</summary>
public static class ScenarioSchema
{
    public const string FileName = "scenario.schema.json";

    private static readonly JsonSerializerOptions Output = new()
    {
        WriteIndented = true,
        NewLine = "\n", // the same bytes on every platform, so the checked-in copy compares equal
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping, // keep quotes and '<' in descriptions readable
    };

    public static string Generate()
    {
        var defs = new SortedDictionary<string, JsonObject?>(StringComparer.Ordinal);
        var root = new JsonObject
        {
            ["$schema"] = "https://json-schema.org/draft/2020-12/schema",
            ["title"] = "SovereigntySim scenario",
        };
        FillObject(root, typeof(ScenarioSpec), defs);
        // The era table is read by the loader before binding (Postures), not bound into the spec, but a file may give it.
        var postures = new JsonObject();
        FillType(postures, typeof(PostureTable), defs);
        ((JsonObject)root["properties"]!)[Postures.Key] = postures;
        root["$defs"] = new JsonObject(defs.Select(d => KeyValuePair.Create(d.Key, (JsonNode?)d.Value)));
        return root.ToJsonString(Output) + "\n";
    }

    private static void FillObject(JsonObject schema, Type type, SortedDictionary<string, JsonObject?> defs)
    {
        if (ScenarioModel.TypeDescription(type) is { } description) schema["description"] = description;
        schema["type"] = "object";
        var defaults = Activator.CreateInstance(type)!;
        var properties = new JsonObject();
        foreach (var p in ScenarioModel.PropertiesOf(type)) properties[p.Name] = PropertySchema(p, defaults, defs);
        schema["properties"] = properties;
        var required = ScenarioModel.PropertiesOf(type).Where(p => p.Required).Select(p => (JsonNode?)p.Name).ToArray();
        if (required.Length > 0) schema["required"] = new JsonArray(required);
        schema["additionalProperties"] = false;
    }

    private static JsonObject PropertySchema(ModelProperty p, object defaults, SortedDictionary<string, JsonObject?> defs)
    {
        var type = Nullable.GetUnderlyingType(p.Type) ?? p.Type;
        var s = new JsonObject();
        if (p.Description is { } description) s["description"] = description;
        FillType(s, type, defs);

        if (p.AllowsNull)
        {
            if (s["$ref"] is { } reference)
            {
                s.Remove("$ref");
                s["anyOf"] = new JsonArray(new JsonObject { ["$ref"] = reference.GetValue<string>() }, new JsonObject { ["type"] = "null" });
            }
            else
            {
                s["type"] = new JsonArray(s["type"]!.GetValue<string>(), "null");
                if (s["enum"] is JsonArray values) values.Add(null);
            }
        }
        if (p.Required && type == typeof(string)) s["minLength"] = 1; // the binder rejects empty required strings
        if (p.Range is { } range)
        {
            double min = Convert.ToDouble(range.Minimum, CultureInfo.InvariantCulture);
            double max = Convert.ToDouble(range.Maximum, CultureInfo.InvariantCulture);
            bool integer = type == typeof(int) || type == typeof(long);
            s["minimum"] = integer ? JsonValue.Create((long)min) : JsonValue.Create(min);
            if (max < long.MaxValue) s["maximum"] = integer ? JsonValue.Create((long)max) : JsonValue.Create(max);
        }
        if (!p.Required && DefaultValue(p.Info.GetValue(defaults)) is { } value) s["default"] = value;
        return p.NoneMeans is { } meaning ? OrNone(s, meaning) : s;
    }

    /// <summary>A count that may also be the word none: the number's schema, or the constant.</summary>
    private static JsonObject OrNone(JsonObject number, string meaning)
    {
        bool noneByDefault = number["default"] is JsonValue d && d.ToJsonString() == "0";
        if (noneByDefault) number.Remove("default");
        var description = number["description"];
        number.Remove("description");
        var s = new JsonObject();
        if (description is not null) s["description"] = description;
        s["anyOf"] = new JsonArray(number, new JsonObject { ["const"] = ModelProperty.None, ["description"] = meaning });
        if (noneByDefault) s["default"] = ModelProperty.None;
        return s;
    }

    private static void FillType(JsonObject s, Type type, SortedDictionary<string, JsonObject?> defs)
    {
        if (type == typeof(string)) s["type"] = "string";
        else if (type == typeof(int) || type == typeof(long)) s["type"] = "integer";
        else if (type == typeof(double)) s["type"] = "number";
        else if (type == typeof(bool)) s["type"] = "boolean";
        else if (type.IsEnum)
        {
            s["type"] = "string";
            s["enum"] = new JsonArray(Scalars.EnumNames(type).Select(n => (JsonNode?)n).ToArray());
        }
        else if (type == typeof(DateTimeOffset)) (s["type"], s["pattern"]) = ("string", Scalars.TimestampPattern);
        else if (type == typeof(TimeSpan)) (s["type"], s["pattern"]) = ("string", Scalars.DurationPattern);
        else if (type == typeof(ScenarioTime)) (s["type"], s["pattern"]) = ("string", Scalars.ScenarioTimePattern);
        else if (ScenarioModel.IsList(type, out var element))
        {
            var items = new JsonObject();
            FillType(items, element, defs);
            s["type"] = "array";
            s["items"] = items;
        }
        else
        {
            if (!defs.ContainsKey(type.Name))
            {
                defs[type.Name] = null; // reserve the name first so a recursive type would terminate
                var def = new JsonObject();
                FillObject(def, type, defs);
                defs[type.Name] = def;
            }
            s["$ref"] = $"#/$defs/{type.Name}";
        }
    }

    /// <summary>Defaults of leaf values and lists of them, written as they would be in YAML; none for records.</summary>
    private static JsonNode? DefaultValue(object? value) => value switch
    {
        string x => JsonValue.Create(x),
        bool x => JsonValue.Create(x),
        int x => JsonValue.Create(x),
        long x => JsonValue.Create(x),
        double x => JsonValue.Create(x),
        Enum e => JsonValue.Create(ScenarioModel.CamelCase(e.ToString())),
        TimeSpan t => JsonValue.Create(DurationText.Format(t)),
        IList list when list.Cast<object>().Select(DefaultValue).ToArray() is var items && items.All(i => i is not null) => new JsonArray(items),
        _ => null,
    };
}
