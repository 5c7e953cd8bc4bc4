using System.Globalization;
using CsvHelper;
using Parquet;
using Parquet.Schema;

namespace SovereigntySim.Hosting.Outputs;

/// <summary>
/// A tidy table (named columns, one row per observation) written as CSV and, where asked, Parquet, so pandas and R
/// read it without reshaping. Cells are numbers (double, NaN for missing), strings or booleans; numbers are written
/// with at most ten significant digits (no 99561.75000000001) and missing values as empty cells (CSV) or nulls (Parquet).
/// </summary>
public sealed class Table(IReadOnlyList<string> columns)
{
    private readonly List<object?[]> _rows = [];

    public IReadOnlyList<string> Columns { get; } = columns;
    public IReadOnlyList<object?[]> Rows => _rows;

    public void Add(params object?[] row)
    {
        if (row.Length != Columns.Count) throw new ArgumentException($"a row of {row.Length} cells for {Columns.Count} columns");
        _rows.Add(row);
    }

    public static string Number(double v) => double.IsNaN(v) ? "" : Round(v).ToString("R", CultureInfo.InvariantCulture);

    /// <summary>Ten significant digits: enough for every quantity the model computes, free of binary noise.</summary>
    public static double Round(double v) => double.IsFinite(v) ? double.Parse(v.ToString("G10", CultureInfo.InvariantCulture), CultureInfo.InvariantCulture) : v;

    public static string Cell(object? v) => v switch
    {
        null => "",
        double d => Number(d),
        float f => Number(f),
        bool b => b ? "true" : "false",
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => v.ToString() ?? "",
    };

    public void WriteCsv(string path)
    {
        using var writer = new StreamWriter(path);
        WriteCsv(writer, includeHeader: true);
    }

    public void WriteCsv(TextWriter writer, bool includeHeader)
    {
        using var csv = CsvWriter.Create(writer, new CsvWriterOptions(), leaveOpen: true);
        if (includeHeader)
        {
            foreach (var c in Columns) csv.WriteField(c);
            csv.EndRecord();
        }
        foreach (var row in _rows)
        {
            foreach (var v in row) csv.WriteField(Cell(v));
            csv.EndRecord();
        }
    }

    /// <summary>Writes Parquet: a column is a double, a long, a boolean or a string column after the values it holds.</summary>
    public async Task WriteParquetAsync(string path)
    {
        var kinds = Enumerable.Range(0, Columns.Count).Select(KindOf).ToArray();
        var fields = Columns.Select((c, i) => new DataField(c, kinds[i], isNullable: true)).ToArray();
        await using var file = File.Create(path);
        await using var writer = await ParquetWriter.CreateAsync(new ParquetSchema(fields), file);
        using var group = writer.CreateRowGroup();
        for (int i = 0; i < fields.Length; i++)
        {
            int col = i;
            if (kinds[i] == typeof(double))
                await group.WriteAsync<double>(fields[i], _rows.Select(r => r[col] is { } v && Convert.ToDouble(v, CultureInfo.InvariantCulture) is var d && !double.IsNaN(d) ? Round(d) : (double?)null).ToArray().AsMemory());
            else if (kinds[i] == typeof(long))
                await group.WriteAsync<long>(fields[i], _rows.Select(r => r[col] is { } v ? Convert.ToInt64(v, CultureInfo.InvariantCulture) : (long?)null).ToArray().AsMemory());
            else if (kinds[i] == typeof(bool))
                await group.WriteAsync<bool>(fields[i], _rows.Select(r => (bool?)r[col]).ToArray().AsMemory());
            else
                await group.WriteAsync(fields[i], _rows.Select(r => r[col] is null ? null! : Cell(r[col])).ToArray());
        }
    }

    private Type KindOf(int column)
    {
        Type? kind = null;
        foreach (var row in _rows)
        {
            var t = row[column] switch
            {
                null => null,
                double or float => typeof(double),
                int or long => typeof(long),
                bool => typeof(bool),
                _ => typeof(string),
            };
            if (t is null) continue;
            if (kind is null) kind = t;
            else if (kind != t) kind = kind == typeof(long) && t == typeof(double) || kind == typeof(double) && t == typeof(long) ? typeof(double) : typeof(string);
        }
        return kind ?? typeof(double);
    }
}
