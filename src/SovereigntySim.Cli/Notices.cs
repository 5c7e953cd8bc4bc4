using SovereigntySim.Scenarios;

namespace SovereigntySim.Cli;

/// <summary>Where the hosts' notices go (a database being waited for, a lost silo, a run sent again): one line each
/// on the error stream, never longer than 300 characters.</summary>
internal static class Notices
{
    public static readonly Action<string> ToConsole = message => Console.Error.WriteLine($"sovsim: {SafeText.Excerpt(message, 300)}");
}
