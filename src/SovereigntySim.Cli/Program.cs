using Spectre.Console;
using Spectre.Console.Cli;
using SovereigntySim.Cli.Commands;

namespace SovereigntySim.Cli;

public static class Program
{
    public static async Task<int> Main(string[] args)
    {
        using var interrupt = new CancellationTokenSource();
        // The first Ctrl-C asks the run to stop between slices (it then writes everything computed so far); a second
        // one ends the process at once, should a slice never finish.
        Console.CancelKeyPress += (_, e) =>
        {
            e.Cancel = !interrupt.IsCancellationRequested;
            interrupt.Cancel();
        };
        var app = new CommandApp();
        app.Configure(c =>
        {
            c.SetApplicationName("sovsim");
            c.PropagateExceptions();
            c.AddCommand<RunCommand>("run").WithDescription("Run a scenario on the embedded Orleans silo and write its results.");
            c.AddCommand<SweepCommand>("sweep").WithDescription("Run a scenario over a grid or Latin hypercube of parameter values (one tidy table).");
            c.AddCommand<SensitivityCommand>("sensitivity").WithDescription("Morris or Sobol sensitivity of outcomes to parameters.");
            c.AddCommand<ValidateHistoryCommand>("validate-history").WithDescription("Run every observed historical case (data/observed) with replications and compare simulated with observed.");
            c.AddCommand<ValidateCommand>("validate").WithDescription("Check a scenario file (and --set overrides) without running it.");
            c.AddCommand<BenchCommand>("bench").WithDescription("Time a scenario on the Orleans engine and on the reference runner.");
            c.AddCommand<SchemaCommand>("schema").WithDescription("Print the JSON Schema of scenario files.");
            c.AddCommand<ReportCommand>("report").WithDescription("Write DIR/report.html: charts of a run's or an experiment's results, in one self-contained file.");
            c.AddCommand<SiloCommand>("silo").WithDescription("Run one silo of a PostgreSQL-backed cluster (see scripts/cluster).");
        });
        try
        {
            int code = await app.RunAsync(args, interrupt.Token);
            return code < 0 ? ExitCodes.Usage : code;
        }
        catch (CommandAppException e)
        {
            AnsiConsole.Console.MarkupLineInterpolated($"[red]error:[/] {e.Message}");
            return ExitCodes.Usage;
        }
        catch (Exception e)
        {
            // Never a stack trace at a user: say what failed; details are for a debugger.
            Console.Error.WriteLine($"sovsim: {e.GetType().Name}: {e.Message}");
            return ExitCodes.Failure;
        }
    }
}

public static class ExitCodes
{
    public const int Ok = 0;
    public const int Failure = 1;
    public const int Usage = 2;
    public const int Interrupted = 130;
}
