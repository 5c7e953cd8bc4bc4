using System.Text.RegularExpressions;
using SovereigntySim.Domain.Bargaining;
using SovereigntySim.Domain.Scenario;
using SovereigntySim.Scenarios;

namespace SovereigntySim.Web;

/// <summary>
/// What a student asks for from the page or the API: a scenario event (<c>kind</c>: setPolicy, threaten, impose,
/// lift, revokeClearances, setPressure, openNegotiation, with the same keys as in a scenario file) or a parameter
/// change (<c>set</c>: <c>path=value</c>, as <c>--set</c>). Either happens at the run's current simulated time.
/// </summary>
public sealed record InterventionRequest
{
    public ScriptedEventKind? Kind { get; init; }
    public string? Country { get; init; }
    public string? Against { get; init; }
    public InstrumentKind? Instrument { get; init; }
    public PolicyPatchSpec? Policy { get; init; }
    public double? Value { get; init; }
    public string? Note { get; init; }
    public string? Set { get; init; }
}

/// <summary>A scenario parameter as the page draws it: <see cref="ScenarioParameter"/>, and whether it can also change
/// while a run goes (an acceptance policy, through a setPolicy event; <see cref="InterventionRules.Live"/>).</summary>
public sealed record ParameterView : ScenarioParameter
{
    private ParameterView(ScenarioParameter p) : base(p) => Live = InterventionRules.Live(p.Path);

    public bool Live { get; }

    public static ParameterView Of(ScenarioParameter p) => new(p);
}

/// <summary>An intervention as recorded: the tick it took effect at and the scenario event it became.</summary>
public sealed record Intervention(int Number, long Tick, string Time, string Description, ScriptedEventSpec Event, string? Set);

/// <summary>Bad input for an intervention or a run: the reason, and located scenario errors when there are any.</summary>
/// <summary>A call names a run or folder that is not there: a 404 with the reason.</summary>
public sealed class LiveNotFoundException(string reason) : Exception(reason);

public sealed class LiveInputException(string reason, IReadOnlyList<ScenarioError>? errors = null) : Exception(reason)
{
    public IReadOnlyList<ScenarioError> Errors { get; } = errors ?? [];
}

/// <summary>
/// Turns requests into scenario events at a tick and validates them exactly as a scenario file: the run's effective
/// scenario plus the interventions so far plus this one is written and loaded again (the export is that very text,
/// so whatever is accepted here is a scenario `sovsim run` accepts).
/// </summary>
public static partial class InterventionRules
{
    /// <summary>The scenario event for <paramref name="request"/> at <paramref name="tick"/>, validated against
    /// <paramref name="spec"/> (the effective scenario with the interventions so far).</summary>
    public static ScriptedEventSpec ToEvent(ScenarioSpec spec, InterventionRequest request, long tick)
    {
        var at = new ScenarioTime(TimeSpan.FromTicks(tick * spec.Step.Ticks), null);
        ScriptedEventSpec e;
        if (request.Set is { } set)
        {
            if (request.Kind is not null) throw new LiveInputException("give either set (a parameter) or kind (an event), not both");
            e = FromSet(spec, set, at);
        }
        else
        {
            if (request.Kind is not { } kind) throw new LiveInputException("an intervention needs kind (setPolicy, threaten, impose, lift, revokeClearances, setPressure, openNegotiation) or set (path=value)");
            e = new ScriptedEventSpec
            {
                At = at, Kind = kind, Country = request.Country ?? "", Against = request.Against ?? "", Instrument = request.Instrument,
                Policy = request.Policy, Value = request.Value, Note = request.Note ?? "intervention",
            };
        }
        // Validate as a file: the spec with this event appended, written and read back; the bound event is the one
        // injected, so the live kernel sees exactly what a replay of the export sees.
        var candidate = spec with { Events = [.. spec.Events, e] };
        var loaded = ScenarioLoader.LoadText(ScenarioWriter.Write(candidate), "intervention", []);
        if (!loaded.Ok)
        {
            // Errors on the new event are the request's fault; report them by its keys.
            var mine = loaded.Errors.Where(x => x.Path.StartsWith($"events[{spec.Events.Count}]", StringComparison.Ordinal)).ToList();
            var shown = mine.Count > 0 ? mine : loaded.Errors;
            throw new LiveInputException(string.Join("; ", shown.Take(5).Select(x => $"{x.Path.Replace($"events[{spec.Events.Count}].", "")}: expected {x.Expected}, found {x.Found}")), shown);
        }
        return loaded.Spec!.Events[^1];
    }

    /// <summary>
    /// A parameter change through the --set loader (same paths, same validation). Live, it takes effect through the
    /// domain as a scenario event: a receiving state's acceptance policy (<c>countries.ID.acceptance.KEY</c>) becomes
    /// a setPolicy event. Other parameters are compiled into the agents when a run starts, so they are refused live
    /// with that reason (give them as overrides when starting a run).
    /// </summary>
    private static ScriptedEventSpec FromSet(ScenarioSpec spec, string set, ScenarioTime at)
    {
        var after = ScenarioLoader.LoadText(ScenarioWriter.Write(spec), "scenario", [set]);
        if (!after.Ok)
            throw new LiveInputException(string.Join("; ", after.Errors.Take(5).Select(x => x.ToString())), after.Errors);
        var path = set.Split('=', 2)[0].Trim();
        var m = AcceptancePath().Match(path);
        if (!m.Success)
            throw new LiveInputException($"{path} cannot change while a run goes: only countries.<id>.acceptance.<key> (a setPolicy event) can; give other parameters as overrides when starting a run");
        string who = m.Groups[1].Value;
        var country = int.TryParse(who, out int index) && index >= 0 && index < spec.Countries.Count
            ? after.Spec!.Countries[index]
            : after.Spec!.Countries.Single(c => c.Id == who);
        var field = FlightConditions.PolicyFields.Single(f => string.Equals(f.Property, m.Groups[2].Value, StringComparison.OrdinalIgnoreCase));
        var patch = field.PatchOf(country.Acceptance);
        return new ScriptedEventSpec { At = at, Kind = ScriptedEventKind.SetPolicy, Country = country.Id, Policy = patch, Note = $"set {set.Trim()}" };
    }

    /// <summary>Whether <c>--set path=...</c> can take effect while a run goes.</summary>
    public static bool Live(string path) => AcceptancePath().IsMatch(path);

    [GeneratedRegex(@"^countries(?:\.|\[)([A-Za-z0-9_-]+)\]?\.acceptance\.([A-Za-z]+)$")]
    private static partial Regex AcceptancePath();

    public static string Camel(string name) => name.Length == 0 ? name : char.ToLowerInvariant(name[0]) + name[1..];

    public static string Describe(ScriptedEventSpec e) =>
        $"{Camel(e.Kind.ToString())} {e.Country}{(e.Against.Length > 0 ? " against " + e.Against : "")}"
        + (e.Instrument is { } i ? $" ({Camel(i.ToString())})" : "")
        + (e.Value is { } v ? $" = {v}" : "")
        + (e.Note.Length > 0 ? $": {e.Note}" : "");
}
