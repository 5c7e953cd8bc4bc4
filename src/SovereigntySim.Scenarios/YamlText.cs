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
    }

    private static bool CheckEvents(string text, Func<Mark, SourcePos> at, string basePath, List<ScenarioError> errors)
    {
        int before = errors.Count;
        var stack = new Stack<Frame>();
        var anchors = new HashSet<string>();
        Mark last = Mark.Empty;
        string path = basePath;
        try
        {
            var parser = new Parser(new StringReader(text));
            while (parser.MoveNext())
            {
                var ev = parser.Current!;
                last = ev.End;
                if (ev is MappingEnd or SequenceEnd) { stack.Pop(); continue; }
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

                if (ev is NodeEvent { Anchor.IsEmpty: false } anchored) anchors.Add(anchored.Anchor.Value);
                if (ev is AnchorAlias alias && !anchors.Contains(alias.Value.Value))
                    errors.Add(at(ev.Start).Error(path, "an alias to an anchor defined earlier", $"*{alias.Value.Value}"));
                if (ev is MappingStart) stack.Push(new Frame(path, true));
                if (ev is SequenceStart) stack.Push(new Frame(path, false));
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
