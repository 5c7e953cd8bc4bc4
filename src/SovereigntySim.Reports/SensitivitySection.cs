namespace SovereigntySim.Reports;

/// <summary>Section 5 (sensitivity.csv): per method and outcome, grouped bars per parameter: μ* and σ for Morris
/// elementary effects, S1 and ST for Sobol indices.</summary>
internal static class SensitivitySection
{
    private static readonly (string Column, string Label)[] Morris = [("muStar", "μ* (mean |elementary effect|)"), ("sigma", "σ (sd of elementary effects)")];
    private static readonly (string Column, string Label)[] Sobol = [("s1", "S1 (first order)"), ("st", "ST (total order)")];

    public static Section? Build(ReportInput input)
    {
        if (input.Sensitivity is not { } t || t.Rows.Count == 0) return null;
        int method = t.Require("method"), outcome = t.Require("outcome"), parameter = t.Require("parameter");
        var charts = new List<ChartSpec>();
        foreach (var g in t.Rows.GroupBy(r => (Method: r[method].Trim(), Outcome: r[outcome])))
        {
            bool sobol = g.Key.Method.Equals("sobol", StringComparison.OrdinalIgnoreCase);
            var measures = (sobol ? Sobol : Morris).Where(m => t.Has(m.Column)).ToList();
            var rows = g.ToList();
            var parameters = rows.Select(r => r[parameter]).ToList();
            var series = measures.Select((m, i) => new SeriesSpec(m.Label, Styles.Bar, i,
                Values: rows.Select(r => CsvTable.Nullable(CsvTable.Number(r[t.Require(m.Column)]))).ToList())).Where(s => s.Values!.Any(v => v is not null)).ToList();
            if (series.Count == 0) continue;
            charts.Add(new ChartSpec($"sensitivity-{Format.Slug(g.Key.Method)}-{Format.Slug(g.Key.Outcome)}", "bar",
                $"Sensitivity of {g.Key.Outcome} ({g.Key.Method})",
                sobol
                    ? $"Sobol indices of {g.Key.Outcome}: S1 is the share of its variance due to the parameter alone, ST the share including its interactions; ST well above S1 means interactions matter."
                    : $"Morris screening of {g.Key.Outcome}: μ* measures how much the parameter moves the outcome, σ how much that effect depends on the other parameters (non-linearity or interactions), in the outcome's units.",
                new Axis("parameter"), new Axis(sobol ? "index (share of variance)" : $"effect on {g.Key.Outcome}", BeginAtZero: true),
                series, parameters));
        }
        return charts.Count == 0 ? null : new Section("sensitivity", "Sensitivity",
            "Which parameters the outcomes are most sensitive to, from sensitivity.csv.", charts, []);
    }
}
