using System.Globalization;
using SovereigntySim.Domain.Scenario;
using SovereigntySim.Domain.Simulation;

namespace SovereigntySim.Domain.Metrics;

/// <summary>
/// The scenario's own outcome measures (<see cref="ScenarioSpec.Measures"/>), folded from the event log as the built-in
/// ones are: each event is offered to every measure, which keeps a count, the time of its nth or last match, or a sum.
/// Values go beside the built-in outcomes as <see cref="Prefix"/> + id, missing (null) when a time never came.
/// </summary>
public sealed class MeasureFold(IReadOnlyList<MeasureSpec> specs, SimClock clock)
{
    /// <summary>The prefix of a user-defined measure's column.</summary>
    public const string Prefix = "measure.";

    private readonly double[] _values = specs.Select(s => s.Of is MeasureOf.Count or MeasureOf.Sum ? 0 : double.NaN).ToArray();
    private readonly int[] _matches = new int[specs.Count];

    public static string Column(MeasureSpec spec) => Prefix + spec.Id;

    /// <summary>The columns of a scenario's measures, in its order.</summary>
    public static IReadOnlyList<string> Columns(ScenarioSpec? spec) => spec?.Measures.Select(Column).ToArray() ?? [];

    public void Add(SimEvent e)
    {
        for (int i = 0; i < specs.Count; i++)
        {
            var m = specs[i];
            if (!Matches(m, e)) continue;
            _matches[i]++;
            switch (m.Of)
            {
                case MeasureOf.Count: _values[i]++; break;
                case MeasureOf.First when _matches[i] == m.Nth: _values[i] = clock.Days(e.Tick); break;
                case MeasureOf.Last: _values[i] = clock.Days(e.Tick); break;
                case MeasureOf.Sum: _values[i] += e.Number(m.Field!, 0); break;
            }
        }
    }

    /// <summary>Each measure's value, in the scenario's order; null for a time that never came.</summary>
    public IReadOnlyList<MeasureValue> Values() =>
        [.. specs.Select((s, i) => new MeasureValue(Column(s), double.IsNaN(_values[i]) ? null : _values[i]))];

    private static bool Matches(MeasureSpec m, SimEvent e)
    {
        if (e.Kind != m.Event || !Agent(m.Actor, e.Actor) || !Agent(m.Subject, e.Subject)) return false;
        foreach (var w in m.Where)
            if (!HasValue(e, w)) return false;
        return true;
    }

    /// <summary>An agent id, or a prefix ending in '/' (flight/charter/ for every charter flight).</summary>
    private static bool Agent(string? wanted, string? actual) =>
        wanted is null || (actual is not null && (wanted.EndsWith('/') ? actual.StartsWith(wanted, StringComparison.Ordinal) : actual == wanted));

    private static bool HasValue(SimEvent e, FieldValueSpec w)
    {
        if (e.Fields is null) return false;
        foreach (var f in e.Fields)
        {
            if (f.Key != w.Field) continue;
            return f.Number is { } n
                ? double.TryParse(w.Value, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) && v == n
                : f.Text == w.Value;
        }
        return false;
    }
}

/// <summary>One user-defined measure's value in a run (null: missing, e.g. the second landing never came).</summary>
public sealed record MeasureValue(string Name, double? Value);
