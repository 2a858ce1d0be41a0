namespace ThermoHand.Analysis.Reanalysis;

/// <summary>A re-analysis that cannot be made as asked; the message says what is missing and what to do.</summary>
public sealed class ReanalysisException(string message) : Exception(message);
