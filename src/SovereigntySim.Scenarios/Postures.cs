using YamlDotNet.RepresentationModel;

namespace SovereigntySim.Scenarios;

/// <summary>
/// Sending-state postures by administration, as data (postures.yaml, embedded): a country that names a posture gets
/// the era's escalation ladder when it gives none, and each politics key of the era it does not give; so does each
/// administration that takes office during the run (countries[].administrations).
/// The table is part of the scenario's tree under <c>postures</c> while the scenario loads: a file's own
/// <c>postures</c> block and <c>--set postures.trump1.politics.threatCredibility=0.7</c> change it like any other
/// value, which is how calibration fits the eras on the case library (docs/validation.md). Merged into the countries
/// before binding, so the values go through the binder's checks like the file's own; an unknown posture is left for
/// the binder to refuse with its position.
/// </summary>
internal static class Postures
{
    public const string Key = "postures";
    private const string Resource = "postures.yaml";
    private static readonly Lazy<string> Text = new(() =>
    {
        using var stream = typeof(Postures).Assembly.GetManifestResourceStream(Resource)
            ?? throw new InvalidOperationException($"the embedded resource {Resource} is missing from the build");
        return new StreamReader(stream).ReadToEnd();
    });

    /// <summary>Puts the embedded table under the scenario's <c>postures</c> key, before the overrides: an era or key
    /// the file gives wins (politics key by key, a ladder as a whole), the table fills the rest.</summary>
    public static void Seed(YamlNode root, SourceMap source)
    {
        if (root is not YamlMappingNode top) return;
        var stream = new YamlStream();
        stream.Load(new StringReader(Text.Value));
        var table = (YamlMappingNode)stream.Documents[0].RootNode;
        var own = Child(top, Key);
        // The table's values stand where the file's block is (or at its top): the file is what they belong to now.
        var at = own is null ? new SourcePos(source.File, 1, 1) : source.Of(own);
        foreach (var n in table.AllNodes) source.Inject(n, at);
        if (own is null || Binder.IsNull(own))
        {
            Set(top, Key, table);
            return;
        }
        if (own is not YamlMappingNode eras) return; // the binder says what it expected
        foreach (var (key, era) in table.Children)
        {
            var name = ((YamlScalarNode)key).Value!;
            if (Child(eras, name) is YamlMappingNode given) Merge(given, (YamlMappingNode)era);
            else if (Child(eras, name) is null || Binder.IsNull(Child(eras, name)!)) Set(eras, name, era);
        }
    }

    /// <summary>Merges each country's era (and each administration's) from the scenario's table, then takes the table
    /// out of the tree: it is checked on its own (<see cref="Check"/>), and the countries carry what it gave them.</summary>
    public static YamlNode? Apply(YamlNode root, SourceMap source)
    {
        if (root is not YamlMappingNode top) return null;
        var table = Child(top, Key) as YamlMappingNode;
        if (Child(top, "countries") is YamlSequenceNode countries && table is not null)
            foreach (var country in countries.Children.OfType<YamlMappingNode>())
            {
                MergeEra(country, table, source);
                // An administration that takes office in the run: its posture's keys first, then the country's own
                // politics for the keys neither gives (its domestic politics do not change with the administration).
                if (Child(country, "administrations") is not YamlSequenceNode administrations) continue;
                foreach (var administration in administrations.Children.OfType<YamlMappingNode>())
                {
                    MergeEra(administration, table, source);
                    if (Child(country, "politics") is YamlMappingNode politics)
                    {
                        if (Child(administration, "politics") is YamlMappingNode own) Merge(own, politics);
                        else administration.Add("politics", politics);
                    }
                }
            }
        var key = top.Children.Keys.FirstOrDefault(k => k is YamlScalarNode { Value: Key });
        if (key is null) return null;
        var node = top.Children[key];
        top.Children.Remove(key);
        return node;
    }

    /// <summary>Checks the table as the scenario left it (unknown eras or keys, values out of range), with positions.</summary>
    public static void Check(YamlNode table, Binder binder) => binder.TryBind(table, typeof(PostureTable), true, Key, out _);

    /// <summary>Merges the era a mapping names (its posture key) into it: a copy, since the nodes become part of this
    /// mapping and later merges change them.</summary>
    private static void MergeEra(YamlMappingNode into, YamlMappingNode table, SourceMap source)
    {
        if (Child(into, "posture") is not YamlScalarNode { Value: { } name }) return;
        if (Child(table, name) is not YamlMappingNode era) return;
        Merge(into, (YamlMappingNode)Copy(era, source));
    }

    private static YamlNode Copy(YamlNode node, SourceMap source)
    {
        YamlNode copy = node switch
        {
            YamlMappingNode m => new YamlMappingNode(m.Children.Select(kv => new KeyValuePair<YamlNode, YamlNode>(Copy(kv.Key, source), Copy(kv.Value, source)))),
            YamlSequenceNode s => new YamlSequenceNode(s.Children.Select(c => Copy(c, source))),
            YamlScalarNode s => new YamlScalarNode(s.Value) { Style = s.Style },
            _ => throw new InvalidOperationException($"a YAML node of kind {node.NodeType} in the posture table"),
        };
        source.Inject(copy, source.Of(node));
        return copy;
    }

    /// <summary>Adds the era's keys the country does not give; mappings (politics) key by key, lists as a whole.</summary>
    private static void Merge(YamlMappingNode into, YamlMappingNode from)
    {
        foreach (var (key, value) in from.Children)
        {
            var name = ((YamlScalarNode)key).Value!;
            var existing = into.Children.Keys.FirstOrDefault(k => k is YamlScalarNode s && s.Value == name);
            if (existing is null) into.Add(key, value);
            else if (into.Children[existing] is YamlMappingNode inner && value is YamlMappingNode era) Merge(inner, era);
        }
    }

    private static void Set(YamlMappingNode map, string key, YamlNode value)
    {
        var existing = map.Children.Keys.FirstOrDefault(k => k is YamlScalarNode s && s.Value == key);
        if (existing is null) map.Add(key, value);
        else map.Children[existing] = value;
    }

    private static YamlNode? Child(YamlMappingNode map, string key) =>
        map.Children.FirstOrDefault(kv => kv.Key is YamlScalarNode s && s.Value == key).Value;
}
