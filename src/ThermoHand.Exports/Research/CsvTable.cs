using System.Text;
using ThermoHand.Exports.Csv;

namespace ThermoHand.Exports.Research;

/// <summary>
/// Writes one CSV file of the export (RFC 4180: comma, CRLF-free "\n" lines, quotes doubled, UTF-8 without BOM) with
/// its header from <see cref="ResearchColumns"/>, and counts the rows. Every cell follows <see cref="CsvCell"/>: the
/// column's dictionary type decides whether it is text (formula guard) or a number (written as it is), so numbers
/// stay numbers and text cannot run as a spreadsheet formula. Numbers are invariant and round-trip exactly.
/// </summary>
internal sealed class CsvTable
{
    private readonly TextWriter writer;
    private readonly string[] types;

    public CsvTable(TextWriter writer, IReadOnlyList<ResearchColumn> columns)
    {
        this.writer = writer;
        types = columns.Select(c => c.Type).ToArray();
        writer.Write(string.Join(",", columns.Select(c => CsvCell.Text(c.Name))));
        writer.Write('\n');
    }

    public long Rows { get; private set; }

    public void Write(IReadOnlyList<string?> cells)
    {
        if (cells.Count != types.Length)
        {
            throw new InvalidOperationException($"A row has {cells.Count} cells; the header has {types.Length}.");
        }

        for (var i = 0; i < cells.Count; i++)
        {
            if (i > 0)
            {
                writer.Write(',');
            }

            writer.Write(CsvCell.Typed(cells[i], types[i]));
        }

        writer.Write('\n');
        Rows++;
    }

    public static string? Number(double? value) => CsvCell.Number(value) is { Length: > 0 } text ? text : null;

    public static string? Integer(long? value) => value is null ? null : CsvCell.Integer(value);

    public static string Boolean(bool value) => CsvCell.Boolean(value);

    public static readonly Encoding Utf8 = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false);
}
