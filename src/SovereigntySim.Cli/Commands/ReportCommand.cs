using System.ComponentModel;
using Spectre.Console.Cli;
using SovereigntySim.Reports;

namespace SovereigntySim.Cli.Commands;

public sealed class ReportSettings : CommandSettings
{
    [CommandArgument(0, "<DIR>"), Description("A run folder (summary.json, timeseries.csv, ...) or an experiment folder (experiment.json, runs.csv, ...).")]
    public string Dir { get; init; } = "";
}

/// <summary>Writes DIR/report.html: charts of a run's or an experiment's results in one self-contained file.</summary>
public sealed class ReportCommand : Command<ReportSettings>
{
    public override int Execute(CommandContext context, ReportSettings settings, CancellationToken cancellation)
    {
        try
        {
            Console.WriteLine(ReportBuilder.Write(settings.Dir));
            return ExitCodes.Ok;
        }
        catch (ReportInputException e)
        {
            Console.Error.WriteLine($"report: {e.Message}");
            return ExitCodes.Usage;
        }
    }
}
