using System.Globalization;
using CsvHelper;

namespace SovereigntySim.Reports;

/// <summary>A CSV file read whole: header and rows of strings (comma-separated, RFC 4180 quoting, invariant culture).
/// Result files are small (a row per day, run or negotiation), so holding them in memory is fine.</summary>
internal sealed class CsvTable
{
    private readonly Dictionary<string, int> _index;

    private readonly List<long> _lines;

    private CsvTable(string file, IReadOnlyList<string> header, List<string[]> rows, List<long> lines)
    {
        File = file;
        Header = header;
        Rows = rows;
        _lines = lines;
        _index = new Dictionary<string, int>(StringComparer.Ordinal);
        for (int i = 0; i < header.Count; i++) _index.TryAdd(header[i], i);
    }

    /// <summary>The file name (without folder), for messages.</summary>
    public string File { get; }

    public IReadOnlyList<string> Header { get; }

    public IReadOnlyList<string[]> Rows { get; }

    public static CsvTable Read(string path)
    {
        var name = Path.GetFileName(path);
        try
        {
            using var csv = CsvReader.FromFile(path, CsvReaderOptions.Default with { Separator = ',', FormatProvider = CultureInfo.InvariantCulture, TrackLineNumbers = true });
            var header = csv.Headers.ToArray();
            if (header.Length == 0) throw new ReportInputException($"{name}: no header row");
            var rows = new List<string[]>();
            var lines = new List<long>();
            while (csv.Read())
            {
                lines.Add(csv.LineNumber);
                var row = new string[header.Length];
                for (int i = 0; i < row.Length; i++) row[i] = i < csv.FieldCount ? csv.GetString(i) : "";
                rows.Add(row);
            }
            return new CsvTable(name, header, rows, lines);
        }
        catch (Exception e) when (e is not ReportInputException and (IOException or UnauthorizedAccessException or FormatException or InvalidDataException))
        {
            throw new ReportInputException($"{name}: cannot be read: {e.Message}");
        }
    }

    public bool Has(string column) => _index.ContainsKey(column);

    /// <summary>The index of a column the contract requires; a missing one is the user's error, said in one line.</summary>
    public int Require(string column) => _index.TryGetValue(column, out int i)
        ? i
        : throw new ReportInputException($"{File}, line 1: missing column '{column}' (columns: {string.Join(",", Header)})");

    public int IndexOf(string column) => _index.TryGetValue(column, out int i) ? i : -1;

    /// <summary>A number cell: invariant culture; empty, NaN or unparsable is NaN (missing).</summary>
    public static double Number(string cell) =>
        double.TryParse(cell, NumberStyles.Float, CultureInfo.InvariantCulture, out double v) ? v : double.NaN;

    public static double? Nullable(double v) => double.IsFinite(v) ? v : null;

    /// <summary>A number cell of a file whose every value matters (validation): empty is missing (NaN), anything else
    /// must parse, or the user is told where it is.</summary>
    public double StrictNumber(int row, int column)
    {
        var cell = Rows[row][column].Trim();
        if (cell == "") return double.NaN;
        return double.TryParse(cell, NumberStyles.Float, CultureInfo.InvariantCulture, out double v) ? v : throw Located(row, column, "a number");
    }

    /// <summary>A true/false cell, located like <see cref="StrictNumber"/> when it is neither.</summary>
    public bool StrictBoolean(int row, int column) => Rows[row][column].Trim().ToLowerInvariant() switch
    {
        "true" => true,
        "false" => false,
        _ => throw Located(row, column, "true or false"),
    };

    private ReportInputException Located(int row, int column, string expected) =>
        new($"{File}, line {_lines[row]}, column '{Header[column]}': expected {expected}, found '{(Rows[row][column] is { Length: > 40 } c ? c[..40] + "…" : Rows[row][column])}'");
}
