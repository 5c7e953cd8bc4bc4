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
        ["explain"] = typeof(ExplainSettings),
        ["compare"] = typeof(CompareSettings),
        ["silo"] = typeof(SiloSettings),
        ["serve"] = typeof(ServeSettings),
    };

    /// <summary>A one-line problem with the command line, or null: an unknown command or option, an option without
    /// its value or with one of the wrong type, an argument too many, or anything after "--" (which would be ignored).</summary>
    public static string? Check(IReadOnlyList<string> args)
    {
        if (args.Count == 0 || args[0].StartsWith('-')) return null; // help and version: Spectre's own
        if (!Commands.TryGetValue(args[0], out var settings))
            return $"unknown command '{Show(args[0])}'" + Suggest(args[0], Commands.Keys) + $" (commands: {string.Join(", ", Commands.Keys)})";
        var options = Options(settings);
        // How many arguments the command has places for (a list takes any number).
        var arguments = settings.GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.GetCustomAttribute<CommandArgumentAttribute>() is not null).ToList();
        int places = arguments.Any(p => p.PropertyType.IsArray) ? int.MaxValue : arguments.Count, positional = 0;
        for (int i = 1; i < args.Count; i++)
        {
            string arg = args[i];
            if (arg == "--")
                return $"'--' ends what sovsim reads: {Show(string.Join(' ', args.Skip(i + 1)))} would be ignored; put options before any '--'";
            if (!arg.StartsWith('-') || arg.Length < 2 || IsNumber(arg))
            {
                if (++positional > places) return $"unexpected argument '{Show(arg)}' for {args[0]} (sovsim {args[0]} --help lists what it takes)";
                continue;
            }
            var parts = arg.Split('=', 2);
            string name = parts[0];
            if (name is "-h" or "--help" or "-?") continue;
            if (!options.TryGetValue(name, out var option))
                return $"unknown option '{Show(name)}' for {args[0]}" + Suggest(name, options.Keys.Where(k => k.StartsWith("--", StringComparison.Ordinal)))
                       + $" (sovsim {args[0]} --help lists them)";
            if (option is null) continue; // a flag
            string? value = parts.Length == 2 ? parts[1] : i + 1 < args.Count && (!args[i + 1].StartsWith('-') || IsNumber(args[i + 1])) ? args[++i] : null;
            if (ValueProblem(option, value) is { } problem) return $"{name}: {problem}";
        }
        return null;
    }

    /// <summary>What is wrong with an option's value for the property it sets, or null.</summary>
    private static string? ValueProblem(PropertyInfo option, string? value)
    {
        var type = option.PropertyType.IsArray ? option.PropertyType.GetElementType()! : Nullable.GetUnderlyingType(option.PropertyType) ?? option.PropertyType;
        string expected = type == typeof(int) || type == typeof(long) ? "a whole number" : type == typeof(double) ? "a number" : "a value";
        if (value is null) return $"expected {expected}, found nothing";
        var c = System.Globalization.CultureInfo.InvariantCulture;
        bool ok = type == typeof(int) ? int.TryParse(value, System.Globalization.NumberStyles.Integer, c, out _)
            : type == typeof(long) ? long.TryParse(value, System.Globalization.NumberStyles.Integer, c, out _)
            : type == typeof(double) ? double.TryParse(value, System.Globalization.NumberStyles.Float, c, out var d) && double.IsFinite(d)
            : true;
        return ok ? null : $"expected {expected}{(type == typeof(int) ? $" up to {int.MaxValue}" : type == typeof(long) ? $" up to {long.MaxValue}" : "")}, found '{Show(value)}'";
    }

    private static bool IsNumber(string arg) => double.TryParse(arg, System.Globalization.CultureInfo.InvariantCulture, out _);

    /// <summary>Every option name of a settings type (--long and -s), with the property it sets when it takes a value
    /// (null for a flag).</summary>
    public static Dictionary<string, PropertyInfo?> Options(Type settings)
    {
        var names = new Dictionary<string, PropertyInfo?>(StringComparer.Ordinal);
        foreach (var p in settings.GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            if (p.GetCustomAttribute<CommandOptionAttribute>() is not { } o) continue;
            var value = o.ValueName is not null && !o.ValueIsOptional ? p : null;
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
