using System.Globalization;
using System.Text;

namespace SovereigntySim.Reports.Tests;

/// <summary>
/// Synthetic but realistic result folders following the output contract (docs/architecture.md, "Reports"):
/// a single run, replications, a sweep and a sensitivity analysis. Values are deterministic, so tests can assert
/// exactly what a chart must hold.
/// </summary>
public static class ResultFolders
{
    public const string Hostile = "</script><script>window.hacked=1</script><!-- \"quoted\" & <b>bold</b>";

    public static string TempDir(string name)
    {
        var dir = Path.Combine(Path.GetTempPath(), "sovsim-report-tests", $"{name}-{Guid.NewGuid():N}");
        Directory.CreateDirectory(dir);
        return dir;
    }

    private static string N(double v) => double.IsNaN(v) ? "" : v.ToString("R", CultureInfo.InvariantCulture);

    private static string Quote(string cell) =>
        cell.IndexOfAny([',', '"', '\n', '\r']) >= 0 ? "\"" + cell.Replace("\"", "\"\"") + "\"" : cell;

    /// <summary>Writes a CSV file: invariant culture, commas, RFC 4180 quoting.</summary>
    public static void Csv(string dir, string name, IEnumerable<string> header, IEnumerable<IEnumerable<object>> rows)
    {
        var b = new StringBuilder();
        b.Append(string.Join(",", header.Select(Quote))).Append('\n');
        foreach (var row in rows)
            b.Append(string.Join(",", row.Select(c => Quote(c switch { double d => N(d), int i => N(i), bool x => x ? "true" : "false", _ => c?.ToString() ?? "" })))).Append('\n');
        File.WriteAllText(Path.Combine(dir, name), b.ToString());
    }

    private static string Date(int day) => new DateOnly(2025, 1, 20).AddDays(day).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    public const int Days = 30;

    // ---- single run ----------------------------------------------------------------------------------------

    /// <summary>Frontier of negotiation US-MX and its reservation values: the Nash point is (0.6, 0.6).</summary>
    public static readonly (double S, double R)[] MexicoFrontier = [(0.2, 0.9), (0.4, 0.8), (0.6, 0.6), (0.8, 0.35), (0.9, 0.1)];
    public const double MexicoReservationSending = 0.3, MexicoReservationReceiving = 0.2;

    /// <summary>Charts a single run folder gets: 4 of totals, 3 per entity, 2 for each of the 2 negotiations.</summary>
    public static readonly string[] SingleRunCharts =
    [
        "daily-flights", "daily-migrants", "daily-costs", "daily-tension",
        "series-tension", "series-pressure", "series-disputecost",
        "negotiation-0-plane", "negotiation-0-rounds", "negotiation-1-plane", "negotiation-1-rounds",
    ];

    public static string SingleRun(string? dir = null)
    {
        dir ??= TempDir("run");
        File.WriteAllText(Path.Combine(dir, "summary.json"), $$"""
            {
              "scenario": "mexico-flight-refusal",
              "seed": 42,
              "digest": "9f2c61d0a4c3e5b7f8a9d0e1c2b3a4f5e6d7c8b9a0f1e2d3c4b5a6f7e8d9c0b1",
              "wallSeconds": 1.84,
              "events": 48211,
              "completed": true,
              "error": null,
              "simulatedUntil": "2025-02-19T00:00:00Z",
              "engine": "orleans",
              "command": { "argv": ["run", "scenarios/mexico-flight-refusal.yaml", "--seed", "42", "--set", {{System.Text.Json.JsonSerializer.Serialize("note=" + Hostile)}}] },
              "metrics": { "flights": { "planned": 12, "refused": 3 }, "migrants": { "removed": 1480 } }
            }
            """);
        Csv(dir, "timeseries.csv",
            ["day", "date", "flights.planned", "flights.cleared", "flights.refused", "migrants.removed", "migrants.detainedNow", "detention.bedDays", "detention.cost", "tension.max"],
            Enumerable.Range(1, Days).Select(d => new object[]
            {
                d, Date(d), (double)(d / 3 + 1), (double)(d / 4), (double)Math.Min(3, d / 8), 50.0 * (d / 4), 2000.0 - 12 * d, 2000.0 * d, 162.5 * 2000 * d,
                d < 8 ? 0.1 * d : Math.Max(0.2, 0.8 - 0.03 * (d - 8)),
            }));
        Csv(dir, "series.csv", ["day", "date", "entity", "metric", "value"],
            Enumerable.Range(1, Days).SelectMany(d => new[]
            {
                new object[] { d, Date(d), "US->MX", "tension", Math.Min(0.8, 0.1 * d) },
                new object[] { d, Date(d), "US", "pressure", 0.02 * d },
                new object[] { d, Date(d), "MX", "pressure", 0.03 * d },
                new object[] { d, Date(d), "US->MX", "disputeCost", 1000.0 * d },
            }));
        Csv(dir, "negotiations.csv",
            ["negotiation", "dyad", "sending", "receiving", "opened", "closed", "outcome", "rounds", "hoursOpen", "utilitySending", "utilityReceiving", "nashProduct",
             "reservationSending", "reservationReceiving", "nashUtilitySending", "nashUtilityReceiving", "term.aircraft", "term.restraints", "term.conditions"],
        [
            ["negotiation/US-MX", "US->MX", "US", "MX", "2025-01-23T06:00:00Z", "2025-01-26T18:00:00Z", "agreement", 4, 84.0, 0.58, 0.61, 0.1148,
             MexicoReservationSending, MexicoReservationReceiving, double.NaN, double.NaN, "SendingState", "False", "escort, medical check"],
            ["negotiation/US-GT", "US->GT", "US", "GT", "2025-02-01T06:00:00Z", "2025-02-04T06:00:00Z", "breakdown", 2, 72.0, 0.35, 0.3, double.NaN,
             0.4, 0.25, 0.55, 0.5, "", "", ""],
        ]);
        Csv(dir, "offers.csv", ["negotiation", "dyad", "round", "hoursOpen", "by", "utilitySending", "utilityReceiving", "accepted"],
        [
            ["negotiation/US-MX", "US->MX", 1, 0.0, "sending", 0.85, 0.3, false],
            ["negotiation/US-MX", "US->MX", 1, 6.0, "receiving", 0.3, 0.85, false],
            ["negotiation/US-MX", "US->MX", 2, 24.0, "sending", 0.75, 0.45, false],
            ["negotiation/US-MX", "US->MX", 2, 30.0, "receiving", 0.45, 0.75, false],
            ["negotiation/US-MX", "US->MX", 3, 48.0, "sending", 0.68, 0.52, false],
            ["negotiation/US-MX", "US->MX", 3, 54.0, "receiving", 0.5, 0.68, false],
            ["negotiation/US-MX", "US->MX", 4, 72.0, "sending", 0.62, 0.57, false],
            ["negotiation/US-MX", "US->MX", 4, 78.0, "receiving", 0.58, 0.61, true],
            ["negotiation/US-GT", "US->GT", 1, 0.0, "sending", 0.9, 0.1, false],
            ["negotiation/US-GT", "US->GT", 1, 8.0, "receiving", 0.2, 0.7, false],
            ["negotiation/US-GT", "US->GT", 2, 24.0, "sending", 0.8, 0.2, false],
            ["negotiation/US-GT", "US->GT", 2, 32.0, "receiving", 0.35, 0.3, false],
        ]);
        Csv(dir, "frontier.csv", ["negotiation", "dyad", "utilitySending", "utilityReceiving"],
            MexicoFrontier.Reverse().Select(p => new object[] { "negotiation/US-MX", "US->MX", p.S, p.R })
                .Concat([["negotiation/US-GT", "US->GT", 0.3, 0.8], ["negotiation/US-GT", "US->GT", 0.55, 0.5], ["negotiation/US-GT", "US->GT", 0.9, 0.15]]));
        return dir;
    }

    // ---- replications --------------------------------------------------------------------------------------

    public const int Replicates = 40;

    /// <summary>flights.refused of run r: 0..6, so its histogram has one bin per value and totals 40.</summary>
    public static double Refused(int run) => new[] { 0, 1, 1, 2, 2, 2, 3, 3, 3, 3, 4, 4, 5, 6 }[run % 14];

    /// <summary>Days to agreement: missing (no agreement) for every fifth run.</summary>
    public static double DaysToAgreement(int run) => run % 5 == 4 ? double.NaN : 2.5 + (run * 7 % 11) * 0.8;

    /// <summary>The q95 of flights.refused at point 0 on day 10 in daily.csv.</summary>
    public const double BandQ95Day10 = 7.5;

    /// <summary>Charts a replications folder gets: 2 bands, 4 histograms (flights.planned is constant), 1 negotiation chart.</summary>
    public static readonly string[] ReplicationCharts =
    [
        "band-flights-refused", "band-migrants-removed",
        "hist-flights-refused", "hist-migrants-removed", "hist-daystoagreement", "hist-detention-cost",
        "negotiations-runs",
    ];

    public static string Replications(string? dir = null)
    {
        dir ??= TempDir("replications");
        File.WriteAllText(Path.Combine(dir, "experiment.json"), """
            {
              "kind": "replications",
              "scenario": "mexico-flight-refusal",
              "replicates": 40,
              "baseSeed": 1000,
              "parameters": [],
              "outcomes": ["flights.refused", "migrants.removed", "daysToAgreement", "detention.cost", "flights.planned"],
              "command": { "argv": ["experiment", "replications", "scenarios/mexico-flight-refusal.yaml", "--replicates", "40"] }
            }
            """);
        Csv(dir, "runs.csv", ["run", "point", "replicate", "seed", "completed", "digest", "flights.refused", "migrants.removed", "daysToAgreement", "detention.cost", "flights.planned"],
            Enumerable.Range(0, Replicates).Select(r => new object[]
            {
                r, 0, r, 1000 + r, true, $"d{r:x4}", Refused(r), 1200.0 + (r * 37 % 300), DaysToAgreement(r), 9.75e6 + r * 1.25e5 + (r % 3) * 4e5, 12.0,
            }));
        Csv(dir, "aggregate.csv", ["point", "metric", "n", "mean", "sd", "ci95Low", "ci95High", "median", "q05", "q25", "q75", "q95", "min", "max"],
        [
            [0, "flights.refused", 40, 2.65, 1.6, 2.14, 3.16, 3.0, 0.0, 1.75, 3.25, 5.05, 0.0, 6.0],
            [0, "migrants.removed", 40, 1349.5, 86.2, 1321.9, 1377.1, 1347.0, 1211.0, 1275.0, 1423.0, 1486.0, 1200.0, 1496.0],
            [0, "daysToAgreement", 32, 6.3, 2.5, 5.4, 7.2, 6.5, 2.5, 4.1, 8.1, 10.0, 2.5, 10.5],
            [0, "detention.cost", 40, 1.26e7, 1.5e6, 1.21e7, 1.31e7, 1.26e7, 1.0e7, 1.13e7, 1.39e7, 1.5e7, 9.75e6, 1.52e7],
            [0, "flights.planned", 40, 12.0, 0.0, 12.0, 12.0, 12.0, 12.0, 12.0, 12.0, 12.0, 12.0, 12.0],
        ]);
        Csv(dir, "daily.csv", ["point", "day", "date", "metric", "n", "mean", "median", "q05", "q95", "ci95Low", "ci95High"],
            Enumerable.Range(1, Days).SelectMany(d => new[]
            {
                new object[] { 0, d, Date(d), "flights.refused", 40, 0.2 * d, 0.2 * d, 0.1 * d, d == 10 ? BandQ95Day10 : 0.4 * d, 0.18 * d, 0.22 * d },
                new object[] { 0, d, Date(d), "migrants.removed", 40, 45.0 * d, 44.0 * d, 30.0 * d, 60.0 * d, 43.0 * d, 47.0 * d },
            }));
        Csv(dir, "negotiations.csv", ["run", "negotiation", "dyad", "sending", "receiving", "opened", "closed", "outcome", "rounds", "hoursOpen",
                "utilitySending", "utilityReceiving", "nashProduct", "reservationSending", "reservationReceiving", "nashUtilitySending", "nashUtilityReceiving", "term.aircraft"],
            Enumerable.Range(0, Replicates).Select(r => new object[]
            {
                r, "negotiation/US-MX", "US->MX", "US", "MX", "2025-01-23T06:00:00Z", r % 5 == 4 ? "" : "2025-01-26T18:00:00Z", r % 5 == 4 ? "timeout" : "agreement",
                3 + r % 4, 60.0 + r, 0.5 + (r % 7) * 0.03, 0.7 - (r % 7) * 0.03, 0.1, 0.3, 0.2, 0.6, 0.6, r % 5 == 4 ? "" : "SendingState",
            }));
        return dir;
    }

    // ---- sweep ---------------------------------------------------------------------------------------------

    public static readonly double[] Caps = [2, 4, 6, 8, 10];

    /// <summary>Mean flights.refused at cap c in aggregate.csv: falls as the cap rises.</summary>
    public static double SweepMean(double cap) => 10 - cap * 0.8;

    /// <summary>Charts a sweep folder gets: the per-point band, 2 histograms, 2 response curves.</summary>
    public static readonly string[] SweepCharts =
    [
        "band-points-flights-refused", "hist-flights-refused", "hist-migrants-removed",
        "sweep-countries-mx-acceptance-weeklyflightcap-flights-refused", "sweep-countries-mx-acceptance-weeklyflightcap-migrants-removed",
    ];

    public static string Sweep(string? dir = null)
    {
        dir ??= TempDir("sweep");
        const string param = "param.countries.MX.acceptance.weeklyFlightCap";
        File.WriteAllText(Path.Combine(dir, "experiment.json"), """
            {
              "kind": "sweep",
              "scenario": "mexico-flight-refusal",
              "parameters": [ { "path": "countries.MX.acceptance.weeklyFlightCap", "values": [2, 4, 6, 8, 10] } ],
              "outcomes": ["flights.refused", "migrants.removed"],
              "replicates": 4
            }
            """);
        Csv(dir, "runs.csv", ["run", "point", "replicate", "seed", param, "completed", "digest", "flights.refused", "migrants.removed"],
            Enumerable.Range(0, Caps.Length * 4).Select(r => new object[]
            {
                r, r / 4, r % 4, 7 + r, Caps[r / 4], true, $"s{r:x4}", Math.Round(SweepMean(Caps[r / 4]) + (r % 4) - 1.5), 900.0 + 60 * Caps[r / 4] + r,
            }));
        // Points deliberately out of order: the response curve must sort them by the parameter's value.
        var order = new[] { 3, 0, 4, 1, 2 };
        Csv(dir, "aggregate.csv", ["point", param, "metric", "n", "mean", "sd", "ci95Low", "ci95High", "median", "q05", "q25", "q75", "q95", "min", "max"],
            order.SelectMany(p => new[]
            {
                new object[] { p, Caps[p], "flights.refused", 4, SweepMean(Caps[p]), 1.3, SweepMean(Caps[p]) - 2, SweepMean(Caps[p]) + 2, SweepMean(Caps[p]), SweepMean(Caps[p]) - 1.5, SweepMean(Caps[p]) - 1, SweepMean(Caps[p]) + 1, SweepMean(Caps[p]) + 1.5, SweepMean(Caps[p]) - 1.5, SweepMean(Caps[p]) + 1.5 },
                new object[] { p, Caps[p], "migrants.removed", 4, 900 + 60 * Caps[p], 1.3, 895 + 60 * Caps[p], 905 + 60 * Caps[p], 900 + 60 * Caps[p], 898 + 60 * Caps[p], 899 + 60 * Caps[p], 901 + 60 * Caps[p], 902 + 60 * Caps[p], 898 + 60 * Caps[p], 903 + 60 * Caps[p] },
            }));
        Csv(dir, "daily.csv", ["point", "day", "date", "metric", "n", "mean", "median", "q05", "q95", "ci95Low", "ci95High"],
            Enumerable.Range(0, Caps.Length).SelectMany(p => Enumerable.Range(1, Days).Select(d => new object[]
            {
                p, d, Date(d), "flights.refused", 4, d * SweepMean(Caps[p]) / Days, d * SweepMean(Caps[p]) / Days, d * (SweepMean(Caps[p]) - 1.5) / Days,
                d * (SweepMean(Caps[p]) + 1.5) / Days, d * (SweepMean(Caps[p]) - 1) / Days, d * (SweepMean(Caps[p]) + 1) / Days,
            })));
        return dir;
    }

    // ---- sensitivity ---------------------------------------------------------------------------------------

    public static readonly string[] SensitivityParameters = ["countries.MX.acceptance.weeklyFlightCap", "agencies.ministries.STATE.beta", "negotiation.patience"];

    /// <summary>Charts a sensitivity folder gets: Morris for 2 outcomes, Sobol for 1, and 2 histograms.</summary>
    public static readonly string[] SensitivityCharts =
    [
        "sensitivity-morris-flights-refused", "sensitivity-morris-migrants-removed", "sensitivity-sobol-flights-refused",
        "hist-flights-refused", "hist-migrants-removed",
    ];

    /// <summary>μ* of flights.refused for the weekly flight cap (Morris).</summary>
    public const double CapMuStar = 3.25;

    public static string Sensitivity(string? dir = null)
    {
        dir ??= TempDir("sensitivity");
        File.WriteAllText(Path.Combine(dir, "experiment.json"), """
            {
              "kind": "sensitivity",
              "scenario": "mexico-flight-refusal",
              "method": "morris",
              "parameters": [
                { "path": "countries.MX.acceptance.weeklyFlightCap", "low": 2, "high": 10 },
                { "path": "agencies.ministries.STATE.beta", "low": 0.5, "high": 3 },
                { "path": "negotiation.patience", "low": 0.1, "high": 0.9 }
              ],
              "outcomes": ["flights.refused", "migrants.removed"],
              "provenance": { "git": "4b2562d", "host": "ci" }
            }
            """);
        var p = SensitivityParameters;
        Csv(dir, "sensitivity.csv", ["method", "outcome", "parameter", "muStar", "mu", "sigma", "s1", "st"],
        [
            ["morris", "flights.refused", p[0], CapMuStar, -3.25, 0.8, "", ""],
            ["morris", "flights.refused", p[1], 1.1, 0.9, 1.4, "", ""],
            ["morris", "flights.refused", p[2], 0.2, 0.1, 0.05, "", ""],
            ["morris", "migrants.removed", p[0], 120.0, 120.0, 30.0, "", ""],
            ["morris", "migrants.removed", p[1], 45.0, -40.0, 50.0, "", ""],
            ["morris", "migrants.removed", p[2], 5.0, 2.0, 3.0, "", ""],
            ["sobol", "flights.refused", p[0], "", "", "", 0.62, 0.7],
            ["sobol", "flights.refused", p[1], "", "", "", 0.15, 0.3],
            ["sobol", "flights.refused", p[2], "", "", "", 0.01, 0.02],
        ]);
        Csv(dir, "runs.csv", ["run", "point", "replicate", "seed", .. p.Select(x => "param." + x), "completed", "digest", "flights.refused", "migrants.removed"],
            Enumerable.Range(0, 24).Select(r => new object[]
            {
                r, r, 0, 500 + r, 2.0 + r % 5 * 2, 0.5 + r % 6 * 0.5, 0.1 + r % 9 * 0.1, true, $"m{r:x4}", (double)(r * 5 % 9), 1000.0 + r * 13 % 250,
            }));
        return dir;
    }

    // ---- validate-history ----------------------------------------------------------------------------------

    /// <summary>validation.csv as validate-history writes it: two cases; a closed range (2–2), open ranges (≥ 1,
    /// ≤ 14), a point value with its ±10% band, passes and fails; a figure named like a tag and a javascript: source.</summary>
    public const string ValidationCsv = """
        case,figure,measure,observedLo,observedHi,observedValue,source,runs,simulatedMean,simulatedMedian,simulatedQ05,simulatedQ95,missing,shareInRange,relativeError,pass,what,note
        colombia-2025,flights-turned-back,flights.turnedBack,2,2,,https://example.org/colombia?a=1&b=2 (2025-01-26),20,2.1,2,2,3,0,0.85,,true,C-17s turned back,
        colombia-2025,agreement,negotiations.agreements,1,,,https://example.org/deal (2025-01-26),20,0.9,1,0,1,0,0.9,,true,the dispute ends in an agreement,
        colombia-2025,<script>,detention.cost,4500000,5500000,5000000,javascript:alert(1),20,9000000,8800000,7000000,11000000,0,0,0.8,false,"cost, <b>bold</b>",<i>note</i>
        mexico-2025,days-to-agreement,days.firstRefusalToAgreement,,14,,https://example.org/mexico (2025-02-01),20,20,21,16,30,2,0.1,,false,days to the deal,

        """;

    public static string Validation(string? dir = null)
    {
        dir ??= TempDir("validation");
        File.WriteAllText(Path.Combine(dir, "validation.csv"), ValidationCsv);
        File.WriteAllText(Path.Combine(dir, "validation.json"), """{ "replications": 20, "figures": 4, "passed": 2, "rules": "point values by tolerance, ranges by target" }""");
        return dir;
    }

    /// <summary>crossvalidation.csv of two folds: each case in-sample once and out-of-sample once. Out of sample, 2 of
    /// 3 figures pass and 2 are covered; the null model passes 1 and covers 2, and has no values for "agreement".</summary>
    public const string CrossValidationCsv = """
        fold,case,sample,figure,measure,observedLo,observedHi,observedValue,simulatedQ05,simulatedMedian,simulatedQ95,shareInRange,pass,covered,nullValues,nullQ05,nullQ95,nullShareInRange,nullPass,nullCovered
        0,colombia-2025,out-of-sample,flights-turned-back,flights.turnedBack,2,2,,1,2,3,0.7,true,true,2,0,4,0.5,false,true
        0,colombia-2025,out-of-sample,agreement,negotiations.agreements,1,,,0,1,1,0.8,true,true,0,,,,false,false
        0,mexico-2025,in-sample,days-to-agreement,days.firstRefusalToAgreement,,14,,10,12,15,0.9,true,true,1,20,20,0,false,false
        1,colombia-2025,in-sample,flights-turned-back,flights.turnedBack,2,2,,2,2,2,1,true,true,1,3,3,0,false,false
        1,colombia-2025,in-sample,agreement,negotiations.agreements,1,,,1,1,1,1,true,true,1,1,1,1,true,true
        1,mexico-2025,out-of-sample,days-to-agreement,days.firstRefusalToAgreement,,14,,16,21,30,0.1,false,false,2,1,2,1,true,true

        """;

    public static string CrossValidation(string? dir = null)
    {
        dir ??= TempDir("crossvalidation");
        File.WriteAllText(Path.Combine(dir, "crossvalidation.csv"), CrossValidationCsv);
        File.WriteAllText(Path.Combine(dir, "crossvalidation.json"), """{ "folds": 2, "replications": 10, "particles": 30, "generations": 3 }""");
        return dir;
    }
}
