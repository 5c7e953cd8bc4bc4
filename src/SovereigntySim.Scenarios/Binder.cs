using System.Collections;
using System.Globalization;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace SovereigntySim.Scenarios;

/// <summary>Positions of nodes: from the file's marks, or recorded for nodes an override put into the tree.</summary>
internal sealed class SourceMap(string file)
{
    private readonly Dictionary<YamlNode, SourcePos> injected = new(ReferenceEqualityComparer.Instance);

    public string File => file;

    public SourcePos Of(YamlNode node) =>
        injected.TryGetValue(node, out var p) ? p : new SourcePos(file, (int)node.Start.Line, (int)node.Start.Column);

    public void Inject(YamlNode node, SourcePos pos) => injected[node] = pos;
}

/// <summary>The one binder: maps YAML nodes onto the scenario records by reflection, checking [Required] and
/// [Range], and remembers the position of every bound path for the semantic checks.</summary>
internal sealed class Binder(SourceMap source, List<ScenarioError> errors)
{
    public Dictionary<string, SourcePos> Positions { get; } = [];

    public bool TryBind(YamlNode node, Type type, bool allowsNull, string path, out object? value)
    {
        Positions[path] = source.Of(node);
        value = null;
        var target = Nullable.GetUnderlyingType(type) ?? type;
        if (IsNull(node)) return allowsNull || Fail(node, path, Scalars.Describe(target), "null");

        if (Scalars.IsScalar(target))
        {
            if (node is not YamlScalarNode scalar) return Fail(node, path, Scalars.Describe(target), Found(node));
            return Scalars.TryConvert(target, scalar.Value ?? "", out value, out var expected) || Fail(node, path, expected, Found(node));
        }

        if (ScenarioModel.IsList(target, out var element))
        {
            if (node is not YamlSequenceNode seq) return Fail(node, path, "a list", Found(node));
            var list = (IList)Activator.CreateInstance(target)!;
            bool ok = true;
            for (int i = 0; i < seq.Children.Count; i++)
            {
                if (TryBind(seq.Children[i], element, false, Paths.Index(path, i), out var item)) list.Add(item);
                else ok = false;
            }
            value = list;
            return ok;
        }

        return TryBindRecord(node, target, path, out value);
    }

    private bool TryBindRecord(YamlNode node, Type type, string path, out object? value)
    {
        value = null;
        // A file that is one line of text is not a scenario, and may not be meant to be shown (sovsim run /etc/shadow).
        if (node is not YamlMappingNode map) return Fail(node, path, "a mapping", path.Length == 0 && node is YamlScalarNode && !IsNull(node) ? "text that is not a scenario" : Found(node));
        var props = ScenarioModel.PropertiesOf(type);
        var record = Activator.CreateInstance(type)!; // unset keys keep the record's defaults
        var seen = new HashSet<string>();
        bool ok = true;
        foreach (var (keyNode, valueNode) in map.Children)
        {
            if (keyNode is not YamlScalarNode { Value: { } key } || IsNull(keyNode))
            {
                ok = Fail(keyNode, path, "a key name", Found(keyNode));
                continue;
            }
            var keyPath = Paths.Key(path, key);
            var prop = props.FirstOrDefault(p => p.Name == key);
            if (prop is null)
            {
                ok = Fail(keyNode, keyPath, "one of: " + string.Join(", ", props.Select(p => p.Name)), $"'{key}'");
                continue;
            }
            seen.Add(key);
            if (prop.NoneMeans is not null && valueNode is YamlScalarNode { Value: ModelProperty.None })
            {
                Positions[keyPath] = source.Of(valueNode);
                prop.Info.SetValue(record, 0);
                continue;
            }
            if (TryBind(valueNode, prop.Type, prop.AllowsNull, keyPath, out var v) && CheckAttributes(prop, v, valueNode, keyPath))
                prop.Info.SetValue(record, v);
            else
                ok = false;
        }
        foreach (var missing in props.Where(p => p.Required && !seen.Contains(p.Name)))
            ok = Fail(map, Paths.Key(path, missing.Name), $"required key '{missing.Name}'", "a mapping without it");
        value = record;
        return ok;
    }

    private bool CheckAttributes(ModelProperty prop, object? value, YamlNode node, string path)
    {
        if (prop.Required && value is string s && string.IsNullOrWhiteSpace(s))
            return Fail(node, path, "a non-empty string", Found(node));
        if (prop.Range is not { } range || value is not (int or long or double)) return true;
        double x = Convert.ToDouble(value, CultureInfo.InvariantCulture);
        double min = Convert.ToDouble(range.Minimum, CultureInfo.InvariantCulture);
        double max = Convert.ToDouble(range.Maximum, CultureInfo.InvariantCulture);
        if (x >= min && x <= max) return true;
        string what = value is double ? "a number" : "an integer";
        string none = prop.NoneMeans is { } meaning ? $" or {ModelProperty.None} ({meaning})" : "";
        return Fail(node, path, (max >= long.MaxValue ? $"{what} of at least {Num(min)}" : $"{what} from {Num(min)} to {Num(max)}") + none, Found(node));
    }

    private static string Num(double x) => x.ToString(CultureInfo.InvariantCulture);

    private bool Fail(YamlNode node, string path, string expected, string found)
    {
        errors.Add(source.Of(node).Error(path, expected, found));
        return false;
    }

    /// <summary>Plain ~, null or nothing is YAML's null; quoted '' is an empty string.</summary>
    public static bool IsNull(YamlNode node) =>
        node is YamlScalarNode { Style: ScalarStyle.Plain or ScalarStyle.Any } s && s.Value is null or "" or "~" or "null" or "Null" or "NULL";

    public static string Found(YamlNode node) => node switch
    {
        _ when IsNull(node) => "null",
        YamlScalarNode s => $"'{(s.Value!.Length > 60 ? s.Value[..57] + "..." : s.Value)}'",
        YamlSequenceNode => "a list",
        _ => "a mapping",
    };
}
