using Microsoft.AspNetCore.Builder;
using SovereigntySim.Hosting;
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

    [CommandOption("--token <T>"), Description("Secret every control call and the live stream must carry (Authorization: Bearer T); required beyond loopback. Visible to other users in ps: prefer SOVSIM_SERVE_TOKEN or --token-file.")]
    public string? Token { get; init; }

    [CommandOption("--token-file <FILE>"), Description("Read the token from the first line of FILE, which only its owner may read (chmod 600).")]
    public string? TokenFile { get; init; }

    [CommandOption("--scenarios <DIR>"), Description("Folder of shipped scenarios offered on the page (default: ./scenarios, or the nearest above the program).")]
    public string? Scenarios { get; init; }

    [CommandOption("--cluster <CONNECTION>"), Description("Run on a PostgreSQL-backed cluster (scripts/cluster up prints the connection) as its client, instead of the embedded silo.")]
    public string? Cluster { get; init; }
}

/// <summary>sovsim serve: the live dashboard and its HTTP API, co-hosted with the embedded silo, or a client of a
/// cluster with --cluster.</summary>
public sealed class ServeCommand : AsyncCommand<ServeSettings>
{
    public override async Task<int> ExecuteAsync(CommandContext context, ServeSettings settings, CancellationToken cancellation)
    {
        // The token: from a file or the environment (neither shows in ps), or the command line.
        string? token = settings.Token;
        if (settings.TokenFile is { } file)
        {
            var (read, tokenProblem) = ServeOptions.ReadTokenFile(file);
            if (tokenProblem is not null) return Refuse(tokenProblem);
            token = read;
        }
        else if (Environment.GetEnvironmentVariable(ServeOptions.TokenVariable) is { Length: > 0 } fromEnvironment) token ??= fromEnvironment;
        var options = new ServeOptions
        {
            Host = settings.Host, Port = settings.Port, Token = token,
            ScenariosDirectory = settings.Scenarios ?? ServeOptions.FindScenarios(), Cluster = settings.Cluster,
        };
        if (settings.Cluster is { } cluster && PostgresCluster.ConnectionProblem(cluster) is { } connectionProblem)
            return Refuse($"--cluster: {Scenarios.SafeText.Excerpt(connectionProblem, 200)}");
        if (settings.Port is < 1 or > 65535) return Refuse($"--port must be between 1 and 65535, found {settings.Port}");
        if (options.Problem() is { } problem) return Refuse(problem);
        if (settings.Scenarios is { } dir && !Directory.Exists(dir)) return Refuse($"--scenarios: no folder '{Scenarios.SafeText.Excerpt(dir, 200)}'");
        if (settings.Token is not null)
            Console.Error.WriteLine($"sovsim: --token is visible to every user of this machine (ps); {ServeOptions.TokenVariable} or --token-file keeps it private");
        WebApplication app;
        try
        {
            if (settings.Cluster is { } db) await PostgresCluster.WaitForDatabaseAsync(db, cancellation, Console.Error.WriteLine);
            app = LiveServer.Build(options);
            await app.StartAsync(cancellation);
        }
        catch (ClusterFaultException e)
        {
            Console.Error.WriteLine($"sovsim: {e.Message}");
            return ExitCodes.Failure;
        }
        catch (Exception e) when (settings.Cluster is not null && e is not OperationCanceledException)
        {
            // The client of the cluster could not connect (the server's own client, started with the application).
            Console.Error.WriteLine($"sovsim: {PostgresCluster.GatewayRefused(e)}");
            return ExitCodes.Failure;
        }
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
