using System.Globalization;
using CsvHelper;

namespace SovereigntySim.Reports;

/// <summary>A CSV file read whole: header and rows of strings (comma-separated, RFC 4180 quoting, invariant culture).
/// Result files are small (a row per day, run or negotiation), so holding them in memory is fine.</summary>
internal sealed class CsvTable
{
    private readonly Dictionary<string, int> _index;

    private CsvTable(string file, IReadOnlyList<string> header, List<string[]> rows)
    {
        File = file;
        Header = header;
        Rows = rows;
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
            using var csv = CsvReader.FromFile(path, CsvReaderOptions.Default with { Separator = ',', FormatProvider = CultureInfo.InvariantCulture });
            var header = csv.Headers.ToArray();
            if (header.Length == 0) throw new ReportInputException($"{name}: no header row");
            var rows = new List<string[]>();
            while (csv.Read())
            {
                var row = new string[header.Length];
                for (int i = 0; i < row.Length; i++) row[i] = i < csv.FieldCount ? csv.GetString(i) : "";
                rows.Add(row);
            }
            return new CsvTable(name, header, rows);
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
        : throw new ReportInputException($"{File}: missing column '{column}' (columns: {string.Join(",", Header)})");

    public int IndexOf(string column) => _index.TryGetValue(column, out int i) ? i : -1;

    /// <summary>A number cell: invariant culture; empty, NaN or unparsable is NaN (missing).</summary>
    public static double Number(string cell) =>
        double.TryParse(cell, NumberStyles.Float, CultureInfo.InvariantCulture, out double v) ? v : double.NaN;

    public static double? Nullable(double v) => double.IsFinite(v) ? v : null;
}
