using System.Runtime.InteropServices;
using Spectre.Console.Cli;
using SovereigntySim.Scenarios;
using SovereigntySim.Cli.Commands;

namespace SovereigntySim.Cli;

public static class Program
{
    public static async Task<int> Main(string[] args)
    {
        using var interrupt = new CancellationTokenSource();
        // The first Ctrl-C or SIGTERM asks the run to stop between slices (it then writes everything computed so
        // far); a second one ends the process at once, should a slice never finish. The Orleans hosts this process
        // starts leave signals to this handler (QuietLifetime).
        void Stop(PosixSignalContext context)
        {
            if (interrupt.IsCancellationRequested) return; // the default action: the process ends now
            context.Cancel = true;
            Console.Error.WriteLine($"sovsim: {context.Signal}: stopping at the next safe point (again to quit at once)");
            interrupt.Cancel();
        }
        using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, Stop);
        using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Stop);
        // Piped or redirected, tables keep their rows whole (Spectre would wrap them at 80 columns and split names and
        // paths); in a terminal they fit its width.
        if (Console.IsOutputRedirected) Spectre.Console.AnsiConsole.Profile.Width = 4096;
        if (StrictArgs.Check(args) is { } problem)
        {
            Console.Error.WriteLine($"sovsim: {problem}");
            return ExitCodes.Usage;
        }
        // The process's settings (sovsim.json, SOVSIM_ variables) are checked before anything runs.
        if (SovereigntySim.Hosting.Settings.Problem() is { } settings)
        {
            Console.Error.WriteLine($"sovsim: {settings}");
            return ExitCodes.Usage;
        }
        var app = new CommandApp();
        app.Configure(c =>
        {
            c.SetApplicationName("sovsim");
            c.PropagateExceptions();
            c.Settings.StrictParsing = true;
            c.AddCommand<RunCommand>("run").WithDescription("Run a scenario on the embedded Orleans silo and write its results.");
            c.AddCommand<SweepCommand>("sweep").WithDescription("Run a scenario over a grid or Latin hypercube of parameter values (one tidy table).");
            c.AddCommand<SensitivityCommand>("sensitivity").WithDescription("Morris or Sobol sensitivity of outcomes to parameters.");
            c.AddCommand<ValidateHistoryCommand>("validate-history").WithDescription("Run every observed historical case (data/observed) with replications and compare simulated with observed.");
            c.AddCommand<CalibrateCommand>("calibrate").WithDescription("Fit shared behavioural constants to the observed cases by ABC-SMC (posterior.json for --posterior).");
            c.AddCommand<ValidateCommand>("validate").WithDescription("Check a scenario file (and --set overrides) without running it.");
            c.AddCommand<BenchCommand>("bench").WithDescription("Time a scenario on the Orleans engine and on the reference runner.");
            c.AddCommand<SchemaCommand>("schema").WithDescription("Print the JSON Schema of scenario files.");
            c.AddCommand<CompareCommand>("compare").WithDescription("A what-if against its baseline: both with common seeds and replications; every outcome's paired difference with its 95% CI, and whether it is within the noise.");
            c.AddCommand<ExplainCommand>("explain").WithDescription("Tell a run's story in plain sentences from its event log: refusals, threats and why, why each side accepted or walked out.");
            c.AddCommand<ReportCommand>("report").WithDescription("Write DIR/report.html: charts of a run's or an experiment's results, in one self-contained file.");
            c.AddCommand<ServeCommand>("serve").WithDescription("Serve the live dashboard and its API on 127.0.0.1:5080 (runs, controls, interventions, /metrics, /orleans).");
            c.AddCommand<SiloCommand>("silo").WithDescription("Run one silo of a PostgreSQL-backed cluster (see scripts/cluster).");
        });
        try
        {
            int code = await app.RunAsync(args, interrupt.Token);
            return code < 0 ? ExitCodes.Usage : code;
        }
        catch (SovereigntySim.Hosting.SettingsException e)
        {
            // A section read when first needed (the live server's) is as much a usage error as one checked at the start.
            Console.Error.WriteLine($"sovsim: {e.Message}");
            return ExitCodes.Usage;
        }
        catch (CommandAppException e)
        {
            Console.Error.WriteLine($"sovsim: {SafeText.Excerpt(e.Message.Split('\n')[0], 200)}");
            return ExitCodes.Usage;
        }
        catch (Exception e) when (interrupt.IsCancellationRequested && e is OperationCanceledException or Orleans.Runtime.OrleansLifecycleCanceledException)
        {
            // An interrupt while the embedded silo starts cancels its lifecycle: the same as before the first slice.
            Console.Error.WriteLine("sovsim: interrupted before the run started; nothing was written");
            return ExitCodes.Interrupted;
        }
        catch (Exception e)
        {
            // Never a stack trace at a user: say what failed; details are for a debugger.
            Console.Error.WriteLine($"sovsim: {e.GetType().Name}: {SafeText.Excerpt(e.Message.Split('\n')[0], 300)}");
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
