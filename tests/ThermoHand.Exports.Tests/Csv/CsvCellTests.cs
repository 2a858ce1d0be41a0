using ThermoHand.Exports.Csv;

namespace ThermoHand.Exports.Tests.Csv;

/// <summary>The one CSV cell rule: text that a spreadsheet would run as a formula is guarded, numbers stay numbers.</summary>
public sealed class CsvCellTests
{
    [Theory]
    [InlineData("=HYPERLINK(\"http://x.example\",\"open\")", "\"'=HYPERLINK(\"\"http://x.example\"\",\"\"open\"\")\"")]
    [InlineData("+1+2", "'+1+2")]
    [InlineData("-2+3+cmd|' /C calc'!A0", "'-2+3+cmd|' /C calc'!A0")]
    [InlineData("@SUM(A1:A9)", "'@SUM(A1:A9)")]
    [InlineData("\t=1", "'\t=1")]
    [InlineData("\r=1", "\"'\r=1\"")]
    [InlineData("-1.25", "'-1.25")] // in a text column even a number-looking value is text: the column type decides
    public void Text_a_spreadsheet_would_run_as_a_formula_gets_a_leading_apostrophe(string text, string expected) =>
        Assert.Equal(expected, CsvCell.Text(text));

    [Theory]
    [InlineData("left", "left")]
    [InlineData("room above 25 °C", "room above 25 °C")]
    [InlineData("a,b", "\"a,b\"")]
    [InlineData("say \"hi\"", "\"say \"\"hi\"\"\"")]
    [InlineData("two\nlines", "\"two\nlines\"")]
    [InlineData("x=1", "x=1")] // only the first character matters
    [InlineData("", "")]
    [InlineData(null, "")]
    public void Other_text_is_only_quoted_when_RFC_4180_needs_it(string? text, string expected) =>
        Assert.Equal(expected, CsvCell.Text(text));

    [Fact]
    public void Numbers_stay_numbers_and_are_never_prefixed()
    {
        Assert.Equal("-1.25", CsvCell.Number(-1.25));
        Assert.Equal("-1E-05", CsvCell.Number(-0.00001));
        Assert.Equal("-150", CsvCell.Number(-150.0));
        Assert.Equal("-0.333", CsvCell.Number(-1.0 / 3, "0.###"));
        Assert.Equal("", CsvCell.Number(null));
        Assert.Equal("", CsvCell.Number(double.NaN));
        Assert.Equal("", CsvCell.Number(double.NegativeInfinity));
        Assert.Equal("-7", CsvCell.Integer(-7));
        Assert.Equal("", CsvCell.Integer(null));
        Assert.Equal(("true", "false"), (CsvCell.Boolean(true), CsvCell.Boolean(false)));
    }

    [Theory]
    [InlineData("-1.25", "number", "-1.25")]
    [InlineData("+3", "number", "+3")]
    [InlineData("-1E-05", "number", "-1E-05")]
    [InlineData("-12", "integer", "-12")]
    [InlineData("true", "boolean", "true")]
    [InlineData("-1.25", "string", "'-1.25")]
    [InlineData("=1+1", "number", "'=1+1")] // not a plain number: the guard applies whatever the column says
    [InlineData("-1+1", "integer", "'-1+1")]
    [InlineData("\t1", "number", "'\t1")]
    [InlineData("-1,5", "number", "\"'-1,5\"")]
    [InlineData("=TRUE()", "boolean", "'=TRUE()")]
    [InlineData("", "number", "")]
    [InlineData(null, "string", "")]
    public void A_typed_cell_is_written_as_is_only_when_it_is_a_plain_value_of_its_type(string? cell, string type, string expected) =>
        Assert.Equal(expected, CsvCell.Typed(cell, type));
}
