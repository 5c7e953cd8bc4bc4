using System.ComponentModel;
using System.Net;
using System.Runtime.InteropServices;
using Spectre.Console;
using Spectre.Console.Cli;
using SovereigntySim.Hosting;

namespace SovereigntySim.Cli.Commands;

public sealed class SiloSettings : CommandSettings
{
    [CommandOption("--db <CONNECTION>"), Description("PostgreSQL connection string of the cluster (membership and grain state).")]
    public string Db { get; init; } = "";

    [CommandOption("--silo-port <PORT>"), Description("Port for silo-to-silo traffic (default 11111).")]
    public int SiloPort { get; init; } = 11111;

    [CommandOption("--gateway-port <PORT>"), Description("Port clients connect to (default 30000).")]
    public int GatewayPort { get; init; } = 30000;

    [CommandOption("--advertise <ADDRESS>"), Description("Address other silos and clients reach this one at (default 127.0.0.1).")]
    public string Advertise { get; init; } = "127.0.0.1";

    public override ValidationResult Validate() =>
        string.IsNullOrWhiteSpace(Db) ? ValidationResult.Error("--db is required: the PostgreSQL connection string of the cluster")
        : PostgresCluster.ConnectionProblem(Db) is { } problem ? ValidationResult.Error($"--db: {SovereigntySim.Scenarios.SafeText.Excerpt(problem, 200)}")
        : !IPAddress.TryParse(Advertise, out _) ? ValidationResult.Error($"--advertise must be an IP address, found '{SovereigntySim.Scenarios.SafeText.Excerpt(Advertise, 40)}'")
        : SiloPort is < 1 or > 65535 ? ValidationResult.Error("--silo-port must be between 1 and 65535")
        : GatewayPort is < 1 or > 65535 ? ValidationResult.Error("--gateway-port must be between 1 and 65535")
        : SiloPort == GatewayPort ? ValidationResult.Error("--silo-port and --gateway-port must differ")
        : ValidationResult.Success();
}

/// <summary>Runs one silo of a PostgreSQL-backed cluster until Ctrl-C or SIGTERM.</summary>
public sealed class SiloCommand : AsyncCommand<SiloSettings>
{
    public override async Task<int> ExecuteAsync(CommandContext context, SiloSettings settings, CancellationToken cancellation)
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellation);
        using var term = PosixSignalRegistration.Create(PosixSignal.SIGTERM, c =>
        {
            c.Cancel = true;
            stop.Cancel();
        });
        var host = await PostgresCluster.StartSiloAsync(settings.Db, IPAddress.Parse(settings.Advertise), settings.SiloPort, settings.GatewayPort, stop.Token);
        Console.WriteLine($"silo up: {settings.Advertise}:{settings.SiloPort}, gateway {settings.GatewayPort}, cluster '{PostgresCluster.ClusterId}'");
        try { await Task.Delay(Timeout.Infinite, stop.Token); }
        catch (OperationCanceledException) { }
        await host.StopAsync(CancellationToken.None);
        host.Dispose();
        AnsiConsole.MarkupLine("[grey]silo stopped[/]");
        return ExitCodes.Ok;
    }
}
