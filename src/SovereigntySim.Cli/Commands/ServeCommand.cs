using Microsoft.Extensions.DependencyInjection;
using System.ComponentModel;
using Spectre.Console.Cli;
using SovereigntySim.Web;

namespace SovereigntySim.Cli.Commands;

public sealed class ServeSettings : CommandSettings
{
    [CommandOption("--port <P>"), Description("HTTP port (default 5080).")]
    public int Port { get; init; } = 5080;

    [CommandOption("--host <H>"), Description("Address to listen on (default 127.0.0.1); any other needs --token.")]
    public string Host { get; init; } = "127.0.0.1";

    [CommandOption("--token <T>"), Description("Secret every control and intervention call must carry (Authorization: Bearer T); required beyond loopback.")]
    public string? Token { get; init; }

    [CommandOption("--scenarios <DIR>"), Description("Folder of shipped scenarios offered on the page (default: ./scenarios, or the nearest above the program).")]
    public string? Scenarios { get; init; }
}

/// <summary>sovsim serve: the live dashboard and its HTTP API, co-hosted with the embedded silo.</summary>
public sealed class ServeCommand : AsyncCommand<ServeSettings>
{
    public override async Task<int> ExecuteAsync(CommandContext context, ServeSettings settings, CancellationToken cancellation)
    {
        var options = new ServeOptions
        {
            Host = settings.Host, Port = settings.Port, Token = settings.Token,
            ScenariosDirectory = settings.Scenarios ?? ServeOptions.FindScenarios(),
        };
        if (settings.Port is < 1 or > 65535) return Refuse($"--port must be between 1 and 65535, found {settings.Port}");
        if (options.Problem() is { } problem) return Refuse(problem);
        if (settings.Scenarios is { } dir && !Directory.Exists(dir)) return Refuse($"--scenarios: no folder '{Scenarios.SafeText.Excerpt(dir, 200)}'");
        var app = LiveServer.Build(options);
        await app.StartAsync(cancellation);
        Console.WriteLine($"sovsim serve: the live dashboard is at {LiveServer.Address(app)} (Ctrl-C to stop)");
        try { await Task.Delay(Timeout.Infinite, cancellation); }
        catch (OperationCanceledException) { }
        await app.Services.GetRequiredService<RunManager>().StopAllAsync();
        await app.StopAsync();
        return ExitCodes.Ok;
    }

    private static int Refuse(string problem)
    {
        Console.Error.WriteLine($"sovsim: {problem}");
        return ExitCodes.Usage;
    }
}
