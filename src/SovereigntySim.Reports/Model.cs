using System.Text.Json.Serialization;

namespace SovereigntySim.Reports;

// The report's data, serialised to JSON into the HTML file, where Template/report.js turns every ChartSpec into a
// Chart.js chart. Chart-specific decisions (what to plot, bins, Nash point, sorting) are made here in C#; the script
// only maps a series' Style onto Chart.js dataset options.

/// <summary>Everything a report shows: a header with provenance, then sections of charts and tables.</summary>
public sealed record ReportModel(string Title, Provenance Provenance, IReadOnlyList<Section> Sections)
{
    /// <summary>Every chart, section by section (for code; not written to the page, which has them in Sections).</summary>
    [JsonIgnore]
    public IEnumerable<ChartSpec> Charts => Sections.SelectMany(s => s.Charts);
}

/// <summary>Where the results came from: facts for the header (label, value) and the pretty-printed command or
/// provenance block of summary.json / experiment.json, when present.</summary>
public sealed record Provenance(string Kind, string Folder, IReadOnlyList<Fact> Facts, string? Block, IReadOnlyList<string> Files);

public sealed record Fact(string Label, string Value);

public sealed record Section(string Id, string Title, string Text, IReadOnlyList<ChartSpec> Charts, IReadOnlyList<TableSpec> Tables);

/// <summary>One chart. <paramref name="Type"/> is a Chart.js type: line (linear x), scatter or bar (category x
/// from <paramref name="Labels"/>), or <see cref="IntervalChart"/>: one row per label, each series an interval on
/// the row (<see cref="SeriesSpec.Intervals"/>). Its canvas gets <paramref name="Id"/> as its element id.</summary>
public sealed record ChartSpec(string Id, string Type, string Title, string Text, Axis X, Axis Y, IReadOnlyList<SeriesSpec> Series,
    IReadOnlyList<string>? Labels = null)
{
    public const string IntervalChart = "interval";
}

/// <summary>An axis title, for a linear axis whether it starts at zero, and optionally its fixed ends.</summary>
public sealed record Axis(string Label, bool BeginAtZero = false, double? Min = null, double? Max = null);

/// <summary>
/// One dataset. Points for line and scatter charts, Values (one per label) for bar charts, Intervals (one per label,
/// null where the row has none) for interval charts. Style is one of <see cref="Styles"/>; series with the same Group
/// share a colour (a band's edges and its median).
/// </summary>
public sealed record SeriesSpec(string Label, string Style, int Group, IReadOnlyList<Point>? Points = null, IReadOnlyList<double?>? Values = null,
    bool InLegend = true, IReadOnlyList<Interval?>? Intervals = null);

/// <summary>
/// An interval on one row of an interval chart. Lo, Hi and Mark (a median or a point value) are in the measure's
/// units, null where the range is open or there is no mark; From, To and MarkAt are where they sit on the row's own
/// scale, which the chart's x axis shows (an open end reaches the axis edge and is drawn as an arrow). Pass colours
/// the interval (null: neutral); Text is its tooltip.
/// </summary>
public sealed record Interval(double? Lo, double? Hi, double? Mark, double From, double To, double? MarkAt, bool? Pass, string Text);

/// <summary>A point; a null Y is a gap (a missing value).</summary>
public sealed record Point(double X, double? Y);

/// <summary>How report.js draws a series.</summary>
public static class Styles
{
    public const string Line = "line";            // solid line with small points
    public const string Dashed = "dashed";        // dashed line, no points
    public const string BandLow = "bandLow";      // lower edge of a band: thin line, no fill
    public const string BandHigh = "bandHigh";    // upper edge: filled down to the dataset just before it (a BandLow)
    public const string Points = "points";        // points only
    public const string Marker = "marker";        // one large point (agreement, Nash point)
    public const string Reference = "reference";  // dotted reference line (reservation values)
    public const string Bar = "bar";
    public const string Observed = "observed";    // interval: what the record says happened (grey)
    public const string Predicted = "predicted";  // interval: the model's 5%–95% and median, green when the figure passes, red when not
    public const string Baseline = "baseline";    // interval: a null model's 5%–95% (neutral)
}

/// <summary>A table of already formatted cells. Links, when present, has the shape of Rows: the http(s) address a
/// cell links to, or null.</summary>
public sealed record TableSpec(string Id, string Title, string Text, IReadOnlyList<string> Columns, IReadOnlyList<IReadOnlyList<string>> Rows,
    IReadOnlyList<IReadOnlyList<string?>>? Links = null);
