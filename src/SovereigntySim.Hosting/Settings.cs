using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;
using SovereigntySim.Grains;

namespace SovereigntySim.Hosting;

/// <summary>
/// The tunables of this process (timeouts and limits, never the model: that is the scenario's), from configuration:
/// <c>sovsim.json</c> in the working folder, then environment variables with the <c>SOVSIM_</c> prefix (a section's
/// key as <c>SOVSIM_FaultTolerance__OutageLimit</c>), the later source winning. Read once, checked before anything runs
/// (<see cref="Problem"/>), and handed out as <see cref="IOptions{TOptions}"/>: to silos through their services, to
/// clients and hosts through their constructors.
/// </summary>
public static class Settings
{
    public const string FileName = "sovsim.json", EnvironmentPrefix = "SOVSIM_";

    private static readonly Lazy<(IConfiguration? Configuration, string? Problem)> Loaded = new(Load);
    private static readonly Lazy<IOptions<FaultToleranceOptions>> Faults = new(() => Options.Create(Bind<FaultToleranceOptions>(FaultToleranceOptions.Section)));

    /// <summary>The process's configuration; throws <see cref="SettingsException"/> when it cannot be read.</summary>
    public static IConfiguration Configuration => Loaded.Value.Configuration ?? throw new SettingsException(Loaded.Value.Problem!);

    public static IOptions<FaultToleranceOptions> FaultTolerance => Faults.Value;

    /// <summary>Why this process's configuration cannot be used (one line, naming where the value came from), or null.</summary>
    public static string? Problem()
    {
        if (Loaded.Value.Problem is { } problem) return problem;
        try
        {
            _ = FaultTolerance.Value;
            return null;
        }
        catch (SettingsException e) { return e.Message; }
    }

    private static (IConfiguration?, string?) Load()
    {
        var file = Path.Combine(Directory.GetCurrentDirectory(), FileName);
        try
        {
            return (new ConfigurationBuilder().AddJsonFile(file, optional: true, reloadOnChange: false).AddEnvironmentVariables(EnvironmentPrefix).Build(), null);
        }
        catch (Exception e) when (e is FormatException or InvalidDataException or System.Text.Json.JsonException)
        {
            // The JSON reader's own message names the line and the byte in it.
            return (null, $"{file}: not valid JSON: {e.GetBaseException().Message.Split('\n')[0].Trim()}");
        }
    }

    /// <summary>A section bound to its options type and checked: a value of the wrong kind, or out of range, names its
    /// key as both sources spell it.</summary>
    public static T Bind<T>(string section) where T : class, ICheckedOptions, new()
    {
        var options = new T();
        try
        {
            Configuration.GetSection(section).Bind(options, o => o.ErrorOnUnknownConfiguration = true);
        }
        catch (InvalidOperationException e)
        {
            throw new SettingsException($"{Where(section)}: {e.Message.Split('\n')[0].Trim()}");
        }
        var problems = options.Problems().ToList();
        if (problems.Count > 0) throw new SettingsException($"{Where(section)}: {problems[0]}");
        return options;
    }

    private static string Where(string section) => $"configuration section {section} ({FileName} or {EnvironmentPrefix}{section}__KEY)";
}

/// <summary>The process's configuration cannot be used; the message says which key, where, and what was expected.</summary>
public sealed class SettingsException(string message) : Exception(message);
