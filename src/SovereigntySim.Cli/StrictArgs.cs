using System.Reflection;
using Spectre.Console.Cli;
using SovereigntySim.Cli.Commands;
using SovereigntySim.Hosting.Outputs;
using SovereigntySim.Scenarios;

namespace SovereigntySim.Cli;

/// <summary>
/// Refuses unknown commands and options before anything runs, with a suggestion: `run FILE --sed 5` says
/// "did you mean --seed?" instead of running with the defaults. Option names come from the commands' settings
/// types, so a new option is known here as soon as it exists.
/// </summary>
public static class StrictArgs
{
    public static readonly IReadOnlyDictionary<string, Type> Commands = new Dictionary<string, Type>(StringComparer.Ordinal)
    {
        ["run"] = typeof(RunSettings),
        ["sweep"] = typeof(SweepSettings),
        ["sensitivity"] = typeof(SensitivitySettings),
        ["validate"] = typeof(ScenarioSettings),
        ["validate-history"] = typeof(ValidateHistorySettings),
        ["calibrate"] = typeof(CalibrateSettings),
        ["bench"] = typeof(BenchSettings),
        ["schema"] = typeof(NoSettings),
        ["report"] = typeof(ReportSettings),
        ["silo"] = typeof(SiloSettings),
        ["serve"] = typeof(ServeSettings),
    };

    /// <summary>A one-line problem with the command line, or null.</summary>
    public static string? Check(IReadOnlyList<string> args)
    {
        if (args.Count == 0 || args[0].StartsWith('-')) return null; // help and version: Spectre's own
        if (!Commands.TryGetValue(args[0], out var settings))
            return $"unknown command '{Show(args[0])}'" + Suggest(args[0], Commands.Keys) + $" (commands: {string.Join(", ", Commands.Keys)})";
        var options = Options(settings);
        for (int i = 1; i < args.Count; i++)
        {
            string arg = args[i];
            if (arg == "--") break;
            if (!arg.StartsWith('-') || arg.Length < 2 || IsNumber(arg)) continue;
            string name = arg.Split('=', 2)[0];
            if (name is "-h" or "--help" or "-?") continue;
            if (!options.TryGetValue(name, out bool takesValue))
                return $"unknown option '{Show(name)}' for {args[0]}" + Suggest(name, options.Keys.Where(k => k.StartsWith("--", StringComparison.Ordinal)))
                       + $" (sovsim {args[0]} --help lists them)";
            if (takesValue && !arg.Contains('=')) i++;
        }
        return null;
    }

    private static bool IsNumber(string arg) => double.TryParse(arg, System.Globalization.CultureInfo.InvariantCulture, out _);

    /// <summary>Every option name of a settings type (--long and -s), and whether it takes a value.</summary>
    public static Dictionary<string, bool> Options(Type settings)
    {
        var names = new Dictionary<string, bool>(StringComparer.Ordinal);
        foreach (var p in settings.GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            if (p.GetCustomAttribute<CommandOptionAttribute>() is not { } o) continue;
            bool value = o.ValueName is not null && !o.ValueIsOptional;
            foreach (var l in o.LongNames) names[$"--{l}"] = value;
            foreach (var s in o.ShortNames) names[$"-{s}"] = value;
        }
        return names;
    }

    private static string Suggest(string given, IEnumerable<string> known)
    {
        var best = known
            .Select(k => (Name: k, Distance: string.Equals(k, given, StringComparison.OrdinalIgnoreCase) ? 0 : Distance(k, given.ToLowerInvariant())))
            .OrderBy(x => x.Distance).ThenBy(x => x.Name, StringComparer.Ordinal).FirstOrDefault();
        return best.Name is not null && best.Distance <= Math.Max(2, given.Length / 3) ? $"; did you mean {best.Name}?" : "";
    }

    /// <summary>Levenshtein distance (the inputs here are short).</summary>
    public static int Distance(string a, string b)
    {
        if (a.Length > 64 || b.Length > 64) return int.MaxValue;
        var row = Enumerable.Range(0, b.Length + 1).ToArray();
        for (int i = 1; i <= a.Length; i++)
        {
            int diagonal = row[0];
            row[0] = i;
            for (int j = 1; j <= b.Length; j++)
            {
                int above = row[j];
                row[j] = Math.Min(Math.Min(row[j] + 1, row[j - 1] + 1), diagonal + (a[i - 1] == b[j - 1] ? 0 : 1));
                diagonal = above;
            }
        }
        return row[b.Length];
    }

    public static string Show(string text) => SafeText.Excerpt(text, 40);
}

/// <summary>The output folder, claimed before anything runs (<see cref="ResultsFolder"/>): writable, held by this
/// process alone, and never holding results it would overwrite or mix with.</summary>
public static class OutputFolder
{
    /// <summary>Claims <paramref name="dir"/>, or prints why not (one line) and returns null.</summary>
    public static ResultsFolder? Claim(string dir, ResultsKind kind, bool force, string? scenario = null)
    {
        try { return ResultsFolder.Claim(dir, kind, force, scenario); }
        catch (ResultsFolderException e)
        {
            Console.Error.WriteLine($"sovsim: {SafeText.Excerpt(e.Message, 400)}; nothing was run.");
            return null;
        }
    }
}
