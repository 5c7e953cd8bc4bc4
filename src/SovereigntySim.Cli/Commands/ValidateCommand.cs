using Spectre.Console.Cli;

namespace SovereigntySim.Cli.Commands;

public sealed class ValidateCommand : Command<ScenarioSettings>
{
    public override int Execute(CommandContext context, ScenarioSettings settings, CancellationToken cancellation)
    {
        var spec = settings.Load();
        if (spec is null) return ExitCodes.Usage;
        Console.WriteLine($"{settings.File}: ok ({spec.Countries.Count} countries, {spec.Populations.Sum(p => p.Initial)} migrants at start, " +
                          $"{spec.FlightPlans.Count} flight plans, {spec.Events.Count} scripted events)");
        return ExitCodes.Ok;
    }
}

public sealed class NoSettings : CommandSettings;

public sealed class SchemaCommand : Command<NoSettings>
{
    public override int Execute(CommandContext context, NoSettings settings, CancellationToken cancellation)
    {
        Console.Write(SovereigntySim.Scenarios.ScenarioSchema.Generate());
        return ExitCodes.Ok;
    }
}
