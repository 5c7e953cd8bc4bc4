using System.Text.Json.Nodes;
using SovereigntySim.Experiments;
using SovereigntySim.Hosting.Experiments;
using SovereigntySim.Hosting.Outputs;
using SovereigntySim.Hosting.Runs;
using SovereigntySim.Hosting.Validation;
using SovereigntySim.Scenarios;

namespace SovereigntySim.Hosting.Calibration;

/// <summary>The base-rate prediction of a figure: the observed values of the same measure in the other training cases.</summary>
public sealed record NullPrediction(int Values, double Q05, double Q95, double ShareInRange, bool Pass, bool Covered);

/// <summary>One figure of one case in one fold: in-sample (the case was fitted) or out-of-sample (held out), the
/// model's replications against it, and the base-rate prediction.</summary>
public sealed record CrossValidationRow(int Fold, bool InSample, FigureComparison Model, bool Covered, NullPrediction Null)
{
    public string Sample => InSample ? "in-sample" : "out-of-sample";
}

/// <summary>Budget of a cross-validation: folds, replications of each case with its fold's posterior, where it writes.</summary>
public sealed record CrossValidationOptions(string OutputDirectory, int Folds, int Replications, int Parallel);

/// <summary>
/// K-fold cross-validation by case: cases sorted by name go to folds round robin; for each fold the constants are
/// calibrated on the other cases, then every case runs with replications whose constants are drawn from that fold's
/// posterior. A held-out case measures prediction; a training case, the fit. Beside the model, a null model predicts
/// each figure from the library's base rates: the observed values of the same measure in the other training cases.
/// </summary>
public sealed class CrossValidationRunner(
    Func<Calibration, CalibrationOptions, Task<CalibrationResult>> calibrate,
    Func<ExperimentPlan, ExperimentOptions, Task<ExperimentResult>> run)
{
    /// <summary>The rows, or null when a calibration or a run was interrupted (what finished is kept for a rerun).</summary>
    public async Task<IReadOnlyList<CrossValidationRow>?> RunAsync(Calibration calibration, CalibrationOptions budget, CrossValidationOptions options)
    {
        var folds = Folds(calibration.Cases, options.Folds);
        var rows = new List<CrossValidationRow>();
        for (int f = 0; f < folds.Count; f++)
        {
            var heldOut = folds[f].Select(c => c.Spec.Case).ToHashSet();
            var training = calibration.Cases.Where(c => !heldOut.Contains(c.Spec.Case)).ToList();
            var foldDir = Path.Combine(options.OutputDirectory, "folds", $"fold-{f}");
            var fitted = await calibrate(calibration with { Cases = training }, budget with { OutputDirectory = Path.Combine(foldDir, "calibration") });
            if (fitted.Interrupted || fitted.PosteriorFile is null) return null;
            var (posterior, errors) = Posterior.Load(fitted.PosteriorFile);
            if (posterior is null) throw new CalibrationFolderException(string.Join("; ", errors));
            foreach (var c in calibration.Cases)
            {
                var (plan, planErrors) = ExperimentPlan.Build(ExperimentKind.Replications, c.ScenarioPath, c.Spec.Overrides, s => s, [], [[]], options.Replications,
                    Provenance.Of(c.ScenarioPath, c.Spec.Overrides), posterior);
                if (plan is null) throw new CalibrationFolderException($"{c.Spec.Case}: {string.Join("; ", planErrors.Take(3))}");
                var result = await run(plan, new ExperimentOptions(Path.Combine(foldDir, "cases", c.Spec.Case), options.Parallel));
                if (result.Interrupted) return null;
                bool inSample = !heldOut.Contains(c.Spec.Case);
                var others = training.Where(t => t.Spec.Case != c.Spec.Case).ToList();
                foreach (var figure in c.Spec.Figures)
                {
                    var model = HistoryComparison.Compare(c.Spec, figure, HistoryComparison.Values(result, figure.Measure));
                    rows.Add(new CrossValidationRow(f, inSample, model, Covers(model.ObservedLo, model.ObservedHi, model.Simulated.Q05, model.Simulated.Q95), Null(c.Spec, figure, others)));
                }
            }
        }
        return rows;
    }

    /// <summary>Cases sorted by name, dealt to folds round robin.</summary>
    public static IReadOnlyList<IReadOnlyList<ObservedCase>> Folds(IReadOnlyList<ObservedCase> cases, int k)
    {
        var sorted = cases.OrderBy(c => c.Spec.Case, StringComparer.Ordinal).ToList();
        return Enumerable.Range(0, k).Select(f => (IReadOnlyList<ObservedCase>)sorted.Where((_, i) => i % k == f).ToList()).ToList();
    }

    /// <summary>What a figure says happened, as one number: a point value, a range's midpoint, an open range's finite
    /// bound, 0 for expect: none and 1 for expect: some.</summary>
    public static double ObservedValue(ObservedCaseSpec observed, ObservedFigureSpec figure)
    {
        if (figure.Value is { } v) return v;
        var (lo, hi) = figure.RangeWith(observed.Tolerance);
        return double.IsFinite(lo) && double.IsFinite(hi) ? (lo + hi) / 2 : double.IsFinite(lo) ? lo : hi;
    }

    /// <summary>Whether [q05, q95] meets the observed range [lo, hi] (a point value's band); false without values.</summary>
    public static bool Covers(double lo, double hi, double q05, double q95) => !double.IsNaN(q05) && !double.IsNaN(q95) && q05 <= hi && q95 >= lo;

    /// <summary>The base-rate prediction of a figure from the other cases' observed values of its measure, judged by the
    /// same rules as the model (share in range against the target, or the mean's relative error against the tolerance).</summary>
    public static NullPrediction Null(ObservedCaseSpec observed, ObservedFigureSpec figure, IEnumerable<ObservedCase> others)
    {
        var values = others.SelectMany(o => o.Spec.Figures.Where(x => x.Measure == figure.Measure).Select(x => ObservedValue(o.Spec, x))).ToList();
        if (values.Count == 0) return new NullPrediction(0, double.NaN, double.NaN, double.NaN, false, false);
        var comparison = HistoryComparison.Compare(observed, figure, values);
        return new NullPrediction(values.Count, comparison.Simulated.Q05, comparison.Simulated.Q95, comparison.ShareInRange, comparison.Pass,
            Covers(comparison.ObservedLo, comparison.ObservedHi, comparison.Simulated.Q05, comparison.Simulated.Q95));
    }

    public static readonly string[] Columns =
    [
        "fold", "case", "sample", "figure", "measure", "observedLo", "observedHi", "observedValue", "simulatedQ05", "simulatedMedian", "simulatedQ95",
        "shareInRange", "pass", "covered", "nullValues", "nullQ05", "nullQ95", "nullShareInRange", "nullPass", "nullCovered",
    ];

    /// <summary>crossvalidation.csv: one row per fold, case and figure.</summary>
    public static Table ToTable(IEnumerable<CrossValidationRow> rows)
    {
        var t = new Table(Columns);
        static double Bound(double x) => double.IsInfinity(x) ? double.NaN : x;
        foreach (var r in rows)
        {
            var m = r.Model;
            t.Add(r.Fold, m.Case, r.Sample, m.Figure, m.Measure, Bound(m.ObservedLo), Bound(m.ObservedHi), m.ObservedValue ?? double.NaN, m.Simulated.Q05,
                m.Simulated.Median, m.Simulated.Q95, m.ShareInRange, m.Pass, r.Covered, r.Null.Values, r.Null.Q05, r.Null.Q95, r.Null.ShareInRange, r.Null.Pass, r.Null.Covered);
        }
        return t;
    }

    /// <summary>Pass rate and coverage of the 90% predictive interval, of the model and of the null model, in one sample.</summary>
    public sealed record Rates(string Sample, int Figures, double ModelPass, double ModelCoverage, double NullPass, double NullCoverage);

    public static IReadOnlyList<Rates> Summarise(IReadOnlyList<CrossValidationRow> rows) =>
        new[] { true, false }.Select(inSample =>
        {
            var these = rows.Where(r => r.InSample == inSample).ToList();
            double Share(Func<CrossValidationRow, bool> f) => these.Count == 0 ? double.NaN : (double)these.Count(f) / these.Count;
            return new Rates(inSample ? "in-sample" : "out-of-sample", these.Count, Share(r => r.Model.Pass), Share(r => r.Covered), Share(r => r.Null.Pass), Share(r => r.Null.Covered));
        }).ToList();

    /// <summary>crossvalidation.json: the settings and the summary rates.</summary>
    public static JsonObject Json(IReadOnlyList<CrossValidationRow> rows, Calibration calibration, CalibrationOptions budget, CrossValidationOptions options) => new()
    {
        ["folds"] = options.Folds,
        ["replications"] = options.Replications,
        ["priors"] = calibration.PriorsFile,
        ["particles"] = budget.Particles,
        ["generations"] = budget.Generations,
        ["seed"] = budget.Seed,
        ["assignment"] = new JsonArray([.. Folds(calibration.Cases, options.Folds).Select(f => (JsonNode)new JsonArray([.. f.Select(c => (JsonNode)JsonValue.Create(c.Spec.Case))]))]),
        ["rules"] = "pass as validate-history; covered: the 90% predictive interval [q05, q95] meets the observed range (a point value's band); null model: each figure predicted by the observed values (midpoints; an open range's finite bound) of the same measure in the other training cases",
        ["summary"] = new JsonArray([.. Summarise(rows).Select(r => (JsonNode)new JsonObject
        {
            ["sample"] = r.Sample,
            ["figures"] = r.Figures,
            ["passRate"] = Rate(r.ModelPass),
            ["coverage90"] = Rate(r.ModelCoverage),
            ["nullPassRate"] = Rate(r.NullPass),
            ["nullCoverage90"] = Rate(r.NullCoverage),
        })]),
    };

    private static JsonNode? Rate(double x) => double.IsFinite(x) ? JsonValue.Create(Math.Round(x, 4)) : null;
}
