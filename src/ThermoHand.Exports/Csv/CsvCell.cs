using System.Buffers;
using System.Globalization;

namespace ThermoHand.Exports.Csv;

/// <summary>
/// The one CSV cell rule of every CSV file ThermoHand writes for spreadsheets and statistics programs (the research
/// export and the dashboard's curve export; docs/research-export.md, "CSV cells"):
/// <list type="bullet">
/// <item>Text: a cell starting with <c>= + - @</c>, a tab or a carriage return gets a leading apostrophe, because a
/// spreadsheet would otherwise run it as a formula (CSV injection, OWASP); then RFC 4180 quoting.</item>
/// <item>Numbers (and integers, booleans): invariant culture, <c>.</c> decimal, never prefixed — a negative number such
/// as -1.25 is data, not a formula, and must stay a number for R, pandas and spreadsheets alike.</item>
/// <item>An empty cell is a missing value.</item>
/// </list>
/// </summary>
public static class CsvCell
{
    // OWASP "CSV Injection": cells beginning with these characters are interpreted as formulas by spreadsheet software.
    private static readonly SearchValues<char> FormulaStarts = SearchValues.Create("=+-@\t\r");

    // No surrounding white space: "\t1" is text a spreadsheet may treat specially, not one of our numbers.
    private const NumberStyles PlainNumber = NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint | NumberStyles.AllowExponent;

    // RFC 4180: a field holding a comma, a quote or a line break is enclosed in quotes.
    private static readonly SearchValues<char> NeedsQuotes = SearchValues.Create(",\"\n\r");

    /// <summary>A text cell: the formula guard, then RFC 4180 quoting. Null is an empty cell.</summary>
    public static string Text(string? value)
    {
        if (string.IsNullOrEmpty(value))
        {
            return "";
        }

        return Quote(StartsLikeFormula(value) ? "'" + value : value);
    }

    /// <summary>A number cell (invariant, shortest round-trip form unless <paramref name="format"/> says otherwise); empty for a missing or non-finite value.</summary>
    public static string Number(double? value, string format = "R") =>
        value is { } v && double.IsFinite(v) ? v.ToString(format, CultureInfo.InvariantCulture) : "";

    /// <summary>An integer cell; empty for a missing value.</summary>
    public static string Integer(long? value) => value?.ToString(CultureInfo.InvariantCulture) ?? "";

    /// <summary>A boolean cell: "true" or "false".</summary>
    public static string Boolean(bool value) => value ? "true" : "false";

    /// <summary>
    /// A cell already formatted by <see cref="Number"/>, <see cref="Integer"/> or <see cref="Boolean"/> for a column of
    /// type "number", "integer" or "boolean" (as the data dictionary states it): written as it is. Anything else — a
    /// text column, or a value in a number column that is not a plain number — goes through <see cref="Text"/>, so the
    /// formula guard cannot be bypassed by a wrongly typed value.
    /// </summary>
    public static string Typed(string? cell, string columnType)
    {
        if (string.IsNullOrEmpty(cell))
        {
            return "";
        }

        var plain = columnType switch
        {
            "number" or "integer" => double.TryParse(cell, PlainNumber, CultureInfo.InvariantCulture, out _),
            "boolean" => cell is "true" or "false",
            _ => false,
        };
        return plain ? cell : Text(cell);
    }

    /// <summary>True when a spreadsheet would treat the text as a formula (first character <c>= + - @</c>, tab or carriage return).</summary>
    public static bool StartsLikeFormula(string value) => value.Length > 0 && FormulaStarts.Contains(value[0]);

    private static string Quote(string text) =>
        text.AsSpan().IndexOfAny(NeedsQuotes) >= 0 ? "\"" + text.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : text;
}
