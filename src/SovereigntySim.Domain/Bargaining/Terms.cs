using SovereigntySim.Domain.Scenario;

namespace SovereigntySim.Domain.Bargaining;

/// <summary>The package of terms negotiated over removal flights; an agreement's terms become the receiving
/// state's acceptance policy and the sending state's flight practice.</summary>
public sealed record Terms(
    AircraftKind Aircraft,
    bool Restraints,
    double NoticeHours,
    int WeeklyCap,
    int PassengersPerFlight,
    DocumentStandard Documentation,
    bool ThirdCountryNationals,
    bool Monitoring)
{
    public AcceptancePolicySpec ApplyTo(AcceptancePolicySpec policy) => policy with
    {
        CivilianAircraftOnly = Aircraft != AircraftKind.Military,
        RestraintsAllowed = Restraints,
        AdvanceNoticeHours = NoticeHours,
        WeeklyFlightCap = WeeklyCap,
        MaxPassengersPerFlight = PassengersPerFlight,
        DocumentationStandard = Documentation,
        AcceptThirdCountryNationals = ThirdCountryNationals,
        MonitoringRequired = Monitoring,
    };

    /// <summary>Each term as its own event field (term.aircraft, term.restraints, ...), so tables get one column per term.</summary>
    public IEnumerable<Simulation.Field> Fields() =>
    [
        Simulation.Field.Of("term.aircraft", Agents.Names.Camel(Aircraft)), Simulation.Field.Of("term.restraints", Restraints),
        Simulation.Field.Of("term.noticeHours", NoticeHours), Simulation.Field.Of("term.weeklyCap", WeeklyCap),
        Simulation.Field.Of("term.passengersPerFlight", PassengersPerFlight), Simulation.Field.Of("term.documentation", Agents.Names.Camel(Documentation)),
        Simulation.Field.Of("term.thirdCountryNationals", ThirdCountryNationals), Simulation.Field.Of("term.monitoring", Monitoring),
    ];

    public override string ToString() => string.Create(System.Globalization.CultureInfo.InvariantCulture,
        $"aircraft={Aircraft} restraints={Restraints} notice={NoticeHours}h cap={(WeeklyCap == 0 ? "none" : WeeklyCap)} passengers={PassengersPerFlight} documents={Documentation} thirdCountry={ThirdCountryNationals} monitoring={Monitoring}");
}

public enum Issue { Aircraft, Restraints, Notice, WeeklyCap, PassengersPerFlight, Documentation, ThirdCountryNationals, Monitoring }

/// <summary>
/// Maps terms to positions x ∈ [0, 1] per issue, where 1 is the sending state's preferred end and 0 the receiving
/// state's, so both sides' linear additive utilities are read off the same vector.
/// </summary>
public sealed class IssueSpace(NegotiationSpec settings)
{
    public const int Count = 8;

    public double[] Positions(Terms t) =>
    [
        t.Aircraft switch { AircraftKind.Military => 1, AircraftKind.Charter => 0.5, _ => 0 },
        t.Restraints ? 1 : 0,
        1 - Math.Clamp(t.NoticeHours / settings.MaxNoticeHours, 0, 1),
        // Caps of 1..max flights sit at (cap − 1)/max; no cap at all is the sending state's end, 1.
        t.WeeklyCap == 0 ? 1 : Math.Clamp((double)(t.WeeklyCap - 1) / settings.MaxWeeklyCap, 0, 1),
        Math.Clamp((double)(t.PassengersPerFlight - settings.MinPassengers) / Math.Max(1, settings.MaxPassengers - settings.MinPassengers), 0, 1),
        t.Documentation switch { DocumentStandard.Any => 1, DocumentStandard.Partial => 0.5, _ => 0 },
        t.ThirdCountryNationals ? 1 : 0,
        t.Monitoring ? 0 : 1,
    ];

    /// <summary>Terms at the given positions. Each position is rounded to a level of its issue, toward the end
    /// the proposer prefers, so an offer never gives its author less than it aimed for.</summary>
    public Terms FromPositions(double[] x, bool proposerIsSending)
    {
        double Snap(double v, int levels)
        {
            double scaled = v * (levels - 1);
            double r = proposerIsSending ? Math.Ceiling(scaled - 1e-9) : Math.Floor(scaled + 1e-9);
            return Math.Clamp(r / (levels - 1), 0, 1);
        }
        var aircraft = Snap(x[0], 3) switch { 1 => AircraftKind.Military, 0.5 => AircraftKind.Charter, _ => AircraftKind.ReceivingState };
        double notice = Math.Round((1 - Snap(x[2], (int)settings.MaxNoticeHours + 1)) * settings.MaxNoticeHours, 6);
        double capX = Snap(x[3], settings.MaxWeeklyCap + 1);
        int cap = capX >= 1 ? 0 : Math.Min(settings.MaxWeeklyCap, 1 + (int)Math.Round(capX * settings.MaxWeeklyCap));
        int span = Math.Max(1, settings.MaxPassengers - settings.MinPassengers);
        int passengers = settings.MinPassengers + (int)Math.Round(Snap(x[4], span + 1) * span);
        var docs = Snap(x[5], 3) switch { 1 => DocumentStandard.Any, 0.5 => DocumentStandard.Partial, _ => DocumentStandard.Verified };
        return new Terms(aircraft, Snap(x[1], 2) == 1, notice, cap, passengers, docs, Snap(x[6], 2) == 1, Snap(x[7], 2) == 0);
    }

    /// <summary>The positions each issue can take, from 0 to 1.</summary>
    public double[][] Levels() =>
    [
        Steps(2), Steps(1), Steps((int)settings.MaxNoticeHours), Steps(settings.MaxWeeklyCap),
        Steps(Math.Max(1, settings.MaxPassengers - settings.MinPassengers)), Steps(2), Steps(1), Steps(1),
    ];

    private static double[] Steps(int n) => Enumerable.Range(0, n + 1).Select(k => (double)k / n).ToArray();

    public Terms SendingIdeal() => FromPositions([1, 1, 1, 1, 1, 1, 1, 1], true);
    public Terms ReceivingIdeal() => FromPositions([0, 0, 0, 0, 0, 0, 0, 0], false);
}

/// <summary>A side's linear additive utility over the issue positions (weights normalised to sum to 1).</summary>
public sealed class Utility
{
    public Utility(IssueWeightsSpec w, bool sending)
    {
        double[] raw = [w.Aircraft, w.Restraints, w.Notice, w.WeeklyCap, w.PassengersPerFlight, w.Documentation, w.ThirdCountryNationals, w.Monitoring];
        double sum = raw.Sum();
        Weights = sum > 0 ? raw.Select(v => v / sum).ToArray() : Enumerable.Repeat(1.0 / IssueSpace.Count, IssueSpace.Count).ToArray();
        Sending = sending;
    }

    public double[] Weights { get; }
    public bool Sending { get; }

    /// <summary>This side's value of a position on an issue.</summary>
    public double Value(double x) => Sending ? x : 1 - x;

    public double Of(double[] x)
    {
        double u = 0;
        for (int i = 0; i < x.Length; i++) u += Weights[i] * Value(x[i]);
        return u;
    }
}
