using System.Globalization;
using System.Text;

namespace ThermoHand.Exports.Research;

/// <summary>
/// Writes one CSV file of the export (RFC 4180: comma, CRLF-free "\n" lines, quotes doubled, UTF-8 without BOM) with
/// its header from <see cref="ResearchColumns"/>, and counts the rows. Numbers are invariant and round-trip exactly.
/// </summary>
internal sealed class CsvTable
{
    private readonly TextWriter writer;
    private readonly int width;

    public CsvTable(TextWriter writer, IReadOnlyList<ResearchColumn> columns)
    {
        this.writer = writer;
        width = columns.Count;
        writer.Write(string.Join(",", columns.Select(c => Escape(c.Name))));
        writer.Write('\n');
    }

    public long Rows { get; private set; }

    public void Write(IReadOnlyList<string?> cells)
    {
        if (cells.Count != width)
        {
            throw new InvalidOperationException($"A row has {cells.Count} cells; the header has {width}.");
        }

        for (var i = 0; i < cells.Count; i++)
        {
            if (i > 0)
            {
                writer.Write(',');
            }

            writer.Write(Escape(cells[i] ?? ""));
        }

        writer.Write('\n');
        Rows++;
    }

    public static string Escape(string cell) =>
        cell.AsSpan().IndexOfAny(",\"\n\r") >= 0 ? "\"" + cell.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : cell;

    public static string? Number(double? value) =>
        value is { } v && double.IsFinite(v) ? v.ToString("R", CultureInfo.InvariantCulture) : null;

    public static string? Integer(long? value) => value?.ToString(CultureInfo.InvariantCulture);

    public static string Boolean(bool value) => value ? "true" : "false";

    public static readonly Encoding Utf8 = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false);
}
