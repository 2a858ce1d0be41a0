namespace ThermoHand.Recording.Csv;

/// <summary>A frame CSV that breaks shared/formats.md §2; the message names the file, the line and, where it applies, the column.</summary>
public sealed class FrameCsvException(string source, long lineNumber, string problem)
    : FormatException($"{source}, line {lineNumber}: {problem}")
{
    public string SourceName { get; } = source;

    public long LineNumber { get; } = lineNumber;

    public string Problem { get; } = problem;
}
