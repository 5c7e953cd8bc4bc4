using YamlDotNet.RepresentationModel;

namespace SovereigntySim.Scenarios;

/// <summary>
/// Sending-state postures by administration, as data (postures.yaml, embedded): a country that names a posture gets
/// the era's escalation ladder when it gives none, and each politics key of the era it does not give; so does each
/// administration that takes office during the run (countries[].administrations). Merged into the
/// YAML tree before binding, so the values go through the binder's checks like the file's own; an unknown posture is
/// left for the binder to refuse with its position.
/// </summary>
internal static class Postures
{
    private const string Resource = "postures.yaml";
    private static readonly Lazy<string> Text = new(() =>
    {
        using var stream = typeof(Postures).Assembly.GetManifestResourceStream(Resource)
            ?? throw new InvalidOperationException($"the embedded resource {Resource} is missing from the build");
        return new StreamReader(stream).ReadToEnd();
    });

    public static void Apply(YamlNode root, SourceMap source)
    {
        if (root is not YamlMappingNode top || Child(top, "countries") is not YamlSequenceNode countries) return;
        foreach (var country in countries.Children.OfType<YamlMappingNode>())
        {
            MergeEra(country, source);
            // An administration that takes office in the run: its posture's keys first, then the country's own
            // politics for the keys neither gives (its domestic politics do not change with the administration).
            if (Child(country, "administrations") is not YamlSequenceNode administrations) continue;
            foreach (var administration in administrations.Children.OfType<YamlMappingNode>())
            {
                MergeEra(administration, source);
                if (Child(country, "politics") is YamlMappingNode politics)
                {
                    if (Child(administration, "politics") is YamlMappingNode own) Merge(own, politics);
                    else administration.Add("politics", politics);
                }
            }
        }
    }

    /// <summary>Merges the era a mapping names (its posture key) into it.</summary>
    private static void MergeEra(YamlMappingNode into, SourceMap source)
    {
        if (Child(into, "posture") is not YamlScalarNode { Value: { } name } named) return;
        // A fresh tree each time: the nodes become part of this scenario's tree.
        var stream = new YamlStream();
        stream.Load(new StringReader(Text.Value));
        var table = (YamlMappingNode)stream.Documents[0].RootNode;
        if (Child(table, name) is not YamlMappingNode era) return;
        var at = source.Of(named);
        foreach (var n in era.AllNodes) source.Inject(n, at);
        Merge(into, era);
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

    private static YamlNode? Child(YamlMappingNode map, string key) =>
        map.Children.FirstOrDefault(kv => kv.Key is YamlScalarNode s && s.Value == key).Value;
}
