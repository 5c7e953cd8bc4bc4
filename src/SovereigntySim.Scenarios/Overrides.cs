using System.Globalization;
using YamlDotNet.RepresentationModel;

namespace SovereigntySim.Scenarios;

/// <summary>Applies --set path=value arguments (and path+=item, which appends to a list) to the YAML tree before
/// binding, so overridden values go through exactly the same checks as values in the file. Nodes it inserts keep their
/// --set position.</summary>
internal static class Overrides
{
    public const string File = "--set";

    private readonly record struct Segment(string Text, bool IsIndex, int Column);

    public static void Apply(YamlNode root, string arg, SourceMap source, List<ScenarioError> errors)
    {
        void Error(int column, string path, string expected, string found) =>
            errors.Add(new SourcePos(File, 1, column).Error(path, expected, found));

        int eq = arg.IndexOf('=');
        if (eq <= 0)
        {
            Error(1, "", "path=value, e.g. countries.MX.acceptance.weeklyFlightCap=10", $"'{arg}'");
            return;
        }
        // path+=value appends an item to a list (a missing or empty key becomes a list): --measure is measures+=...
        bool append = arg[eq - 1] == '+';
        var segments = ParsePath(arg, append ? eq - 1 : eq, Error);
        if (segments is null) return;
        string fullPath = Shown(segments);

        // The value is YAML in its own right: true, 0.25, [a, b] and {x: 1} all work. Its marks become columns of
        // the argument (by character index, which also places end-of-input errors just after the value).
        string valueText = arg[(eq + 1)..];
        SourcePos At(YamlDotNet.Core.Mark m) => new(File, 1, eq + 2 + (int)Math.Clamp(m.Index, 0, valueText.Length));
        YamlNode? value = string.IsNullOrWhiteSpace(valueText)
            ? new YamlScalarNode("")
            : YamlText.Parse(valueText, At, fullPath, errors);
        if (value is null) return;
        foreach (var n in value.AllNodes) source.Inject(n, At(n.Start));

        if (append && segments[^1] is { IsIndex: true } or { Text: Every })
        {
            Error(segments[^1].Column, fullPath, "a key naming a list to append to (path+=item)", $"'{segments[^1].Text}'");
            return;
        }
        Descend(root, 0);

        // One segment at a time; '*' on a list applies the rest of the path to every item of it (calibration sets a
        // shared constant on every ministry or country of any scenario: agencies.ministries.*.resolve).
        void Descend(YamlNode current, int i)
        {
            var seg = segments[i];
            bool last = i == segments.Count - 1;
            string path = Shown(segments.Take(i + 1));
            string parentPath = Shown(segments.Take(i));
            switch (current)
            {
                case YamlSequenceNode all when seg.Text == Every && !seg.IsIndex:
                    for (int item = 0; item < all.Children.Count; item++)
                        if (last) all.Children[item] = value;
                        else Descend(all.Children[item], i + 1);
                    return;
                case YamlMappingNode map when !seg.IsIndex && seg.Text != Every:
                {
                    var key = map.Children.Keys.FirstOrDefault(k => k is YamlScalarNode s && s.Value == seg.Text);
                    if (key is null)
                    {
                        // A new key: the binder will reject it if the model has no such property.
                        key = new YamlScalarNode(seg.Text);
                        source.Inject(key, new SourcePos(File, 1, seg.Column));
                        map.Add(key, new YamlScalarNode(""));
                    }
                    if (last && append)
                    {
                        if (Binder.IsNull(map.Children[key]))
                        {
                            var list = new YamlSequenceNode();
                            source.Inject(list, new SourcePos(File, 1, seg.Column));
                            map.Children[key] = list;
                        }
                        if (map.Children[key] is YamlSequenceNode items) items.Add(value);
                        else Error(seg.Column, path, "a list to append to (path+=item)", Binder.Found(map.Children[key]));
                    }
                    else if (last) map.Children[key] = value;
                    else if (Binder.IsNull(map.Children[key]))
                    {
                        // Descending through a new or empty key ("output:") makes it a mapping.
                        var created = new YamlMappingNode();
                        source.Inject(created, new SourcePos(File, 1, seg.Column));
                        map.Children[key] = created;
                    }
                    if (!last) Descend(map.Children[key], i + 1);
                    return;
                }
                case YamlMappingNode when seg.Text == Every:
                    Error(seg.Column, path, $"a key name ('*' applies to every item of a list, and {Paths.Show(parentPath)} is a mapping)", "'*'");
                    return;
                case YamlSequenceNode seq:
                {
                    int index = FindItem(seq, seg);
                    if (index < 0)
                    {
                        var ids = seq.Children.Select(ItemId).Where(id => id is not null).ToList();
                        string expected = seq.Children.Count == 0
                            ? $"an item of {Paths.Show(parentPath)}, which is empty"
                            : $"an index from 0 to {seq.Children.Count - 1}" + (ids.Count > 0 ? $", an id ({string.Join(", ", ids)})" : "") + " or '*' (every item)";
                        Error(seg.Column, path, expected, $"'{seg.Text}'");
                        return;
                    }
                    if (last) seq.Children[index] = value;
                    else Descend(seq.Children[index], i + 1);
                    return;
                }
                case YamlMappingNode:
                    Error(seg.Column, path, "a key name (this is a mapping, not a list)", $"[{seg.Text}]");
                    return;
                default:
                    Error(seg.Column, path, $"a mapping or list to descend into at {Paths.Show(parentPath)}", $"{Binder.Found(current)}");
                    return;
            }
        }
    }

    /// <summary>The path segment that stands for every item of a list.</summary>
    private const string Every = "*";

    /// <summary>List items are addressed by index (countries[1], countries.1) or by their id (countries.MX).</summary>
    private static int FindItem(YamlSequenceNode seq, Segment seg)
    {
        if (int.TryParse(seg.Text, NumberStyles.None, CultureInfo.InvariantCulture, out int index))
            return index < seq.Children.Count ? index : -1;
        if (seg.IsIndex) return -1;
        for (int i = 0; i < seq.Children.Count; i++)
            if (ItemId(seq.Children[i]) == seg.Text) return i;
        return -1;
    }

    private static string? ItemId(YamlNode item) =>
        item is YamlMappingNode m && m.Children.FirstOrDefault(kv => kv.Key is YamlScalarNode { Value: "id" }).Value is YamlScalarNode s
            ? s.Value
            : null;

    private static string Shown(IEnumerable<Segment> segments) =>
        segments.Aggregate("", (p, s) => s.IsIndex ? $"{p}[{s.Text}]" : Paths.Key(p, s.Text));

    /// <summary>Splits "a.b[2].c" (everything before '=') into segments with their 1-based columns.</summary>
    private static List<Segment>? ParsePath(string arg, int end, Action<int, string, string, string> error)
    {
        var segments = new List<Segment>();
        int i = 0;
        while (i < end)
        {
            if (arg[i] == '[')
            {
                int close = arg.IndexOf(']', i);
                if (close < 0 || close > end)
                {
                    error(i + 1, Shown(segments), "a closing ']' after a list index", $"'{arg[i..end]}'");
                    return null;
                }
                string text = arg[(i + 1)..close];
                if (!int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out _))
                {
                    error(i + 2, Shown(segments), "a list index (0, 1, ...) in brackets", $"'{text}'");
                    return null;
                }
                segments.Add(new Segment(text, true, i + 2));
                i = close + 1;
            }
            else
            {
                int start = i;
                while (i < end && arg[i] is not ('.' or '[')) i++;
                if (i == start)
                {
                    error(start + 1, Shown(segments), "a key name", $"'{arg[start]}'");
                    return null;
                }
                segments.Add(new Segment(arg[start..i], false, start + 1));
            }
            if (i < end && arg[i] == '.')
            {
                i++;
                if (i == end)
                {
                    error(i + 1, Shown(segments), "a key name after '.'", "'='");
                    return null;
                }
            }
            else if (i < end && arg[i] != '[')
            {
                error(i + 1, Shown(segments), "'.', '[' or '='", $"'{arg[i]}'");
                return null;
            }
        }
        return segments;
    }
}
