using System.Globalization;

namespace SovereigntySim.Reports;

/// <summary>
/// Section 6 (sovsim validate-history): every observed figure of every historical case against the model's
/// prediction, from validation.csv; with --cross-validate, the held-out (out-of-sample) predictions beside a base-rate
/// null model, from crossvalidation.csv. A summary of passes, one interval chart per case, and a table of every figure.
/// </summary>
internal static class ValidationSection
{
    /// <summary>The x axis of an interval chart: each row's span is 0–1, with room beyond for an open end's arrow.</summary>
    public const double AxisMin = -0.12, AxisMax = 1.12;

    public const string OutOfSample = "out-of-sample";

    /// <summary>How to read the charts, once per section rather than under every chart.</summary>
    private const string Reading =
        " Charts: one per case, one row per figure. A case mixes days, counts and dollars, so each row is drawn on its own " +
        "scale, from the smallest to the largest value on it (rows are not comparable with each other; hover for the values). " +
        "Grey: the observed range, an arrow where it is open, a dot and its ± tolerance band for a point value. Beside it the " +
        "model's 5%–95% interval with its median (tick): green when the figure passes, red when it fails, as the row's label also says.";

    /// <summary>One row of validation.csv or crossvalidation.csv. Lo and Hi are null where the range is open; the
    /// cross-validation columns are null in validation.csv.</summary>
    private sealed record Figure(
        string Case, string Name, string Measure, string What, string Source, double? Lo, double? Hi, double? Value,
        double Median, double Q05, double Q95, double ShareInRange, bool Pass,
        string? Fold, string? Sample, bool? Covered, double? NullQ05, double? NullQ95, bool? NullPass, bool? NullCovered);

    public static Section? Build(ReportInput input)
    {
        if (input.Validation is not { } t) return null;
        var figures = Read(t);
        int passed = figures.Count(f => f.Pass);
        var byCase = figures.GroupBy(f => f.Case).ToList();
        var summary = new TableSpec("validation-cases", "Figures passed, by case", "From validation.csv: per case, how many of its observed figures the model reproduces.",
            ["case", "figures", "passed"],
            [.. byCase.Select(g => Row(g.Key, Count(g.Count()), Count(g.Count(f => f.Pass)))), Row("all cases", Count(figures.Count), Count(passed))]);
        return new Section("validation", "Observed against predicted",
            $"From validation.csv: each figure of the historical record against the model's replications of its case. " +
            $"{passed} of {figures.Count} figures pass ({Format.Share(Ratio(passed, figures.Count))}). A figure with a point value passes when the " +
            "simulated mean lies within the case's tolerance of it; any other when the share of replications inside the observed range reaches the case's target." + Reading,
            Charts("validation", byCase, nullModel: false),
            [summary, FigureTable("validation-figures", "Every figure", "From validation.csv, in its order.", figures, crossValidation: false)]);
    }

    public static Section? BuildCrossValidation(ReportInput input)
    {
        if (input.CrossValidation is not { } t) return null;
        var figures = Read(t);
        var heldOut = figures.Where(f => f.Sample == OutOfSample).ToList();
        var rates = new TableSpec("crossvalidation-rates", "Pass rate and coverage of the 90% predictive interval",
            "From crossvalidation.csv: in-sample rows are cases the fold's calibration was fitted to, out-of-sample rows the cases it held out. " +
            "Coverage: the share of figures whose observed range meets the 5%–95% interval. The null model predicts each figure from the observed " +
            "values of the same measure in the other training cases.",
            ["sample", "figures", "model pass", "model coverage", "null pass", "null coverage"],
            figures.GroupBy(f => f.Sample ?? "").OrderBy(g => g.Key, StringComparer.Ordinal).Select(g =>
            {
                var these = g.ToList();
                string Rate(Func<Figure, bool?> f) => Format.Share(Ratio(these.Count(x => f(x) == true), these.Count));
                return Row(g.Key, Count(these.Count), Rate(f => f.Pass), Rate(f => f.Covered), Rate(f => f.NullPass), Rate(f => f.NullCovered));
            }).ToList());
        var byCase = heldOut.GroupBy(f => f.Case).ToList();
        var cases = new TableSpec("crossvalidation-cases", "Held-out figures passed, by case",
            "From crossvalidation.csv: each case in the fold that held it out, predicted by a calibration that never saw it.",
            ["case", "fold", "figures", "passed", "null passed"],
            byCase.Select(g => Row(g.Key, string.Join(", ", g.Select(f => f.Fold).Distinct()), Count(g.Count()), Count(g.Count(f => f.Pass)),
                Count(g.Count(f => f.NullPass == true)))).ToList());
        int passed = heldOut.Count(f => f.Pass);
        return new Section("crossvalidation", "Cross-validation: held-out cases against predicted",
            $"From crossvalidation.csv: each case predicted by the posterior of the fold that held it out. {passed} of {heldOut.Count} " +
            $"held-out figures pass ({Format.Share(Ratio(passed, heldOut.Count))}); the null model passes {heldOut.Count(f => f.NullPass == true)}." + Reading +
            " Purple: the null model's 5%–95% (the observed values of the same measure in the other training cases).",
            Charts("crossvalidation", byCase, nullModel: true),
            [rates, cases, FigureTable("crossvalidation-figures", "Every held-out figure", "From crossvalidation.csv, the out-of-sample rows.", heldOut, crossValidation: true)]);
    }

    private static List<Figure> Read(CsvTable t)
    {
        int @case = t.Require("case"), figure = t.Require("figure"), measure = t.Require("measure"), lo = t.Require("observedLo"), hi = t.Require("observedHi");
        int value = t.Require("observedValue"), median = t.Require("simulatedMedian"), q05 = t.Require("simulatedQ05"), q95 = t.Require("simulatedQ95");
        int share = t.Require("shareInRange"), pass = t.Require("pass");
        int what = t.IndexOf("what"), source = t.IndexOf("source"), fold = t.IndexOf("fold"), sample = t.IndexOf("sample"), covered = t.IndexOf("covered");
        int nullQ05 = t.IndexOf("nullQ05"), nullQ95 = t.IndexOf("nullQ95"), nullPass = t.IndexOf("nullPass"), nullCovered = t.IndexOf("nullCovered");
        return t.Rows.Select((r, i) =>
        {
            double? Num(int c) => c < 0 ? null : CsvTable.Nullable(t.StrictNumber(i, c));
            bool? Bool(int c) => c < 0 ? null : t.StrictBoolean(i, c);
            return new Figure(r[@case], r[figure], r[measure], what < 0 ? "" : r[what], source < 0 ? "" : r[source], Num(lo), Num(hi), Num(value),
                t.StrictNumber(i, median), t.StrictNumber(i, q05), t.StrictNumber(i, q95), t.StrictNumber(i, share), t.StrictBoolean(i, pass),
                fold < 0 ? null : r[fold], sample < 0 ? null : r[sample].Trim(), Bool(covered), Num(nullQ05), Num(nullQ95), Bool(nullPass), Bool(nullCovered));
        }).ToList();
    }

    private static List<ChartSpec> Charts(string prefix, IEnumerable<IGrouping<string, Figure>> byCase, bool nullModel)
    {
        var ids = new HashSet<string>(StringComparer.Ordinal);
        var charts = new List<ChartSpec>();
        foreach (var (g, i) in byCase.Select((g, i) => (g, i)))
        {
            var figures = g.ToList();
            var spans = figures.Select(Span).ToList();
            var series = new List<SeriesSpec>
            {
                new("observed", Styles.Observed, 0, Intervals: figures.Select((f, k) => Observed(f, spans[k])).ToList()),
                new(nullModel ? "model 5%–95%, median (held out)" : "model 5%–95%, median", Styles.Predicted, 1,
                    Intervals: figures.Select((f, k) => Between(f.Q05, f.Q95, f.Median, spans[k], f.Pass, $"model: median {Format.Number(f.Median)}, " +
                        $"5%–95% {Range(f.Q05, f.Q95)}; {Format.Share(f.ShareInRange)} of runs in range; {Verdict(f.Pass)}")).ToList()),
            };
            if (nullModel && figures.Any(f => f.NullQ05 is not null && f.NullQ95 is not null))
                series.Add(new SeriesSpec("null model 5%–95%", Styles.Baseline, 2, Intervals: figures.Select((f, k) =>
                    Between(f.NullQ05 ?? double.NaN, f.NullQ95 ?? double.NaN, double.NaN, spans[k], null,
                        $"null model: 5%–95% {NullRange(f)}; {Verdict(f.NullPass == true)}")).ToList()));
            var id = $"{prefix}-{Format.Slug(g.Key)}";
            if (!ids.Add(id)) id += $"-{i}";
            charts.Add(new ChartSpec(id, ChartSpec.IntervalChart, $"{g.Key}: observed against predicted",
                $"{figures.Count} figure(s) of {g.Key}, each on its own scale (see above); hover for the values in the measure's units.",
                new Axis("each figure scaled to its own span", Min: AxisMin, Max: AxisMax), new Axis("figure"), series,
                figures.Select(f => $"{f.Name}: {Verdict(f.Pass)}").ToList()));
        }
        return charts;
    }

    private static string Verdict(bool pass) => pass ? "pass" : "FAIL";

    /// <summary>The values a figure's row spans: its finite observed bounds and value, the model's interval and median,
    /// and the null model's interval. A row of one value gets a span around it so that it sits in the middle.</summary>
    private static (double Min, double Max) Span(Figure f)
    {
        var values = new[] { f.Lo, f.Hi, f.Value, f.Q05, f.Q95, f.Median, f.NullQ05, f.NullQ95 }
            .OfType<double>().Where(double.IsFinite).ToList();
        if (values.Count == 0) return (0, 1);
        double min = values.Min(), max = values.Max();
        if (min < max) return (min, max);
        double pad = Math.Max(Math.Abs(min) * 0.5, 0.5);
        return (min - pad, max + pad);
    }

    private static double At(double v, (double Min, double Max) span) => (v - span.Min) / (span.Max - span.Min);

    private static Interval Observed(Figure f, (double Min, double Max) span)
    {
        return new Interval(f.Lo, f.Hi, f.Value, f.Lo is { } lo ? At(lo, span) : AxisMin, f.Hi is { } hi ? At(hi, span) : AxisMax,
            f.Value is { } m ? At(m, span) : null, null, $"observed: {ObservedText(f)}; {f.Measure}" + (f.What == "" ? "" : $": {f.What}"));
    }

    /// <summary>What the record says: a point value with its ± tolerance band, a range, or an open range.</summary>
    private static string ObservedText(Figure f) => (f.Lo, f.Hi) switch
    {
        _ when f.Value is { } v => $"{Format.Number(v)} (± {Format.Number(((f.Hi ?? v) - (f.Lo ?? v)) / 2)})",
        ({ } lo, { } hi) when lo == hi => Format.Number(lo),
        ({ } lo, { } hi) => Range(lo, hi),
        ({ } lo, null) => $"≥ {Format.Number(lo)}",
        (null, { } hi) => $"≤ {Format.Number(hi)}",
        _ => "any value",
    };

    /// <summary>A predicted interval on the row, or null when it has no values (no finished runs, no other cases).</summary>
    private static Interval? Between(double lo, double hi, double mark, (double Min, double Max) span, bool? pass, string text) =>
        double.IsFinite(lo) && double.IsFinite(hi)
            ? new Interval(lo, hi, CsvTable.Nullable(mark), At(lo, span), At(hi, span), double.IsFinite(mark) ? At(mark, span) : null, pass, text)
            : null;

    private static TableSpec FigureTable(string id, string title, string text, List<Figure> figures, bool crossValidation)
    {
        var columns = new List<string> { "case", "figure", "measure", "observed", "model median", "model 5%–95%", "share in range", "pass" };
        columns.AddRange(crossValidation ? ["fold", "covered", "null 5%–95%", "null pass"] : ["source"]);
        var rows = new List<IReadOnlyList<string>>();
        var links = new List<IReadOnlyList<string?>>();
        foreach (var f in figures)
        {
            var row = new List<string>
            {
                f.Case, f.Name, f.Measure, ObservedText(f),
                Format.Number(f.Median), Range(f.Q05, f.Q95), Format.Share(f.ShareInRange), Verdict(f.Pass),
            };
            row.AddRange(crossValidation
                ? [f.Fold ?? "", f.Covered == true ? "yes" : "no",
                   f.NullQ05 is null ? "–" : NullRange(f), Verdict(f.NullPass == true)]
                : [f.Source]);
            rows.Add(row);
            links.Add(row.Select((_, c) => !crossValidation && c == row.Count - 1 ? Link(f.Source) : null).ToList());
        }
        return new TableSpec(id, title, text, columns, rows, crossValidation ? null : links);
    }

    /// <summary>The address a source cell ("url (date)") starts with, when it is an absolute http(s) URL; anything
    /// else (javascript:, a bare name) stays text.</summary>
    public static string? Link(string source)
    {
        var first = source.Split(' ', 2)[0];
        return Uri.TryCreate(first, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps)
            ? uri.AbsoluteUri : null;
    }

    private static string Range(double lo, double hi) => $"{Format.Number(lo)} – {Format.Number(hi)}";

    private static string NullRange(Figure f) => Range(f.NullQ05 ?? double.NaN, f.NullQ95 ?? double.NaN);

    private static IReadOnlyList<string> Row(params string[] cells) => cells;

    private static string Count(int n) => n.ToString(CultureInfo.InvariantCulture);

    private static double Ratio(int part, int whole) => whole == 0 ? double.NaN : (double)part / whole;
}
