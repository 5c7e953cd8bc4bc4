using YamlDotNet.RepresentationModel;

namespace SovereigntySim.Scenarios;

/// <summary>
/// Sending-state postures by administration, as data (postures.yaml, embedded): a country that names a posture gets
/// the era's escalation ladder when it gives none, and each politics key of the era it does not give. Merged into the
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
            if (Child(country, "posture") is not YamlScalarNode { Value: { } name } named) continue;
            // A fresh tree each time: the nodes become part of this scenario's tree.
            var stream = new YamlStream();
            stream.Load(new StringReader(Text.Value));
            var table = (YamlMappingNode)stream.Documents[0].RootNode;
            if (Child(table, name) is not YamlMappingNode era) continue;
            var at = source.Of(named);
            foreach (var n in era.AllNodes) source.Inject(n, at);
            Merge(country, era);
        }
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
