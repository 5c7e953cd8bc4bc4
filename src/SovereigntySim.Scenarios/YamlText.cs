using YamlDotNet.Core;
using YamlDotNet.Core.Events;
using YamlDotNet.RepresentationModel;

namespace SovereigntySim.Scenarios;

/// <summary>Reads one YAML document into YamlDotNet's representation model, turning every failure into errors.</summary>
internal static class YamlText
{
    /// <param name="at">Where a mark of the text is in the user's input (a file, or a --set argument).</param>
    /// <param name="basePath">Path of the document's root, for messages.</param>
    public static YamlNode? Parse(string text, Func<Mark, SourcePos> at, string basePath, List<ScenarioError> errors)
    {
        // YamlStream stops at the first duplicate key or unknown alias (and one YamlDotNet scanner bug surfaces as a
        // bare InvalidOperationException), so a first pass over the parser events reports all of them with positions.
        if (!CheckEvents(text, at, basePath, errors)) return null;
        try
        {
            var stream = new YamlStream();
            stream.Load(new StringReader(text));
            if (stream.Documents.Count == 0)
            {
                errors.Add(at(Mark.Empty).Error(basePath, "a mapping", "an empty document"));
                return null;
            }
            if (stream.Documents.Count > 1)
            {
                errors.Add(at(stream.Documents[1].RootNode.Start).Error(basePath, "a single YAML document", "a second document"));
                return null;
            }
            return stream.Documents[0].RootNode;
        }
        catch (YamlException e)
        {
            errors.Add(at(e.Start).Error(basePath, "valid YAML", Syntax(e)));
            return null;
        }
    }

    /// <summary>Positions in a file; marks are 1-based, but Mark.Empty (no position) is 0.</summary>
    public static Func<Mark, SourcePos> InFile(string file) =>
        m => new SourcePos(file, (int)Math.Max(m.Line, 1), (int)Math.Max(m.Column, 1));

    private sealed class Frame(string path, bool isMapping)
    {
        public readonly string Path = path;
        public readonly bool IsMapping = isMapping;
        public readonly HashSet<string> Keys = [];
        public bool ExpectKey = true;
        public string Key = "?";
        public int Index = -1;
        public string? Anchor;
        public long Size = 1; // nodes in this value with aliases expanded
    }

    /// <summary>Values a document may hold once aliases are expanded (the shipped scenarios hold under 2,000).</summary>
    public const long MaxExpandedNodes = 200_000;

    private static bool CheckEvents(string text, Func<Mark, SourcePos> at, string basePath, List<ScenarioError> errors)
    {
        int before = errors.Count;
        var stack = new Stack<Frame>();
        var anchorSizes = new Dictionary<string, long>(StringComparer.Ordinal);
        long expanded = 0;
        Mark last = Mark.Empty;
        string path = basePath;
        try
        {
            var parser = new Parser(new StringReader(text));
            while (parser.MoveNext())
            {
                var ev = parser.Current!;
                last = ev.End;
                if (ev is MappingEnd or SequenceEnd)
                {
                    var done = stack.Pop();
                    if (done.Anchor is not null) anchorSizes[done.Anchor] = done.Size;
                    if (stack.TryPeek(out var outer)) outer.Size += done.Size - 1; // the start event already counted 1
                    continue;
                }
                if (ev is not (NodeEvent or AnchorAlias)) continue;

                // Where this node sits: a key or value of the enclosing mapping, or an item of the enclosing list.
                path = basePath;
                if (stack.TryPeek(out var parent))
                {
                    if (parent.IsMapping && parent.ExpectKey)
                    {
                        parent.Key = ev is Scalar s ? s.Value : "?";
                        path = Paths.Key(parent.Path, parent.Key);
                        if (ev is Scalar && !parent.Keys.Add(parent.Key))
                            errors.Add(at(ev.Start).Error(path, "each key once in a mapping", $"'{parent.Key}' again"));
                    }
                    else if (parent.IsMapping) path = Paths.Key(parent.Path, parent.Key);
                    else path = Paths.Index(parent.Path, ++parent.Index);
                    if (parent.IsMapping) parent.ExpectKey = !parent.ExpectKey; // the child's own events use its own frame
                }

                // Aliases are followed, but their expansion is bounded: every alias counts the nodes of its anchor, so
                // a few bytes cannot become an exponential tree, and an alias inside its own anchor (a cycle) is refused.
                long size = 1;
                if (ev is AnchorAlias alias)
                {
                    if (anchorSizes.TryGetValue(alias.Value.Value, out var aliased)) size = aliased;
                    else if (stack.Any(f => f.Anchor == alias.Value.Value))
                        errors.Add(at(ev.Start).Error(path, "an alias to a complete anchor (not one of the values that contain it)", $"*{alias.Value.Value}"));
                    else errors.Add(at(ev.Start).Error(path, "an alias to an anchor defined earlier", $"*{alias.Value.Value}"));
                }
                else if (ev is Scalar { Anchor.IsEmpty: false } anchoredScalar) anchorSizes[anchoredScalar.Anchor.Value] = 1;
                expanded += size;
                if (stack.TryPeek(out var top)) top.Size += size;
                if (expanded > MaxExpandedNodes)
                {
                    errors.Add(at(ev.Start).Error(path, $"at most {MaxExpandedNodes:N0} values with aliases expanded", "more"));
                    return false;
                }
                if (ev is MappingStart or SequenceStart)
                {
                    // Checked as the parser streams, so a deeply nested file is refused after reading its first levels.
                    if (stack.Count >= Limits.MaxDepth)
                    {
                        errors.Add(at(ev.Start).Error(path, $"at most {Limits.MaxDepth} levels of nested mappings and lists", "deeper nesting"));
                        return false;
                    }
                    stack.Push(new Frame(path, ev is MappingStart) { Anchor = ((NodeEvent)ev).Anchor.IsEmpty ? null : ((NodeEvent)ev).Anchor.Value });
                }
            }
        }
        catch (YamlException e)
        {
            errors.Add(at(e.Start).Error(stack.TryPeek(out var f) ? f.Path : path, "valid YAML", Syntax(e)));
        }
        catch (Exception e)
        {
            errors.Add(at(last).Error(stack.TryPeek(out var f) ? f.Path : path, "valid YAML", $"a syntax error ({e.Message})"));
        }
        return errors.Count == before;
    }

    private static string Syntax(YamlException e) => $"a syntax error ({e.Message.TrimEnd('.')})";
}
