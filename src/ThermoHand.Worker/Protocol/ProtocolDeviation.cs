namespace ThermoHand.Worker.Protocol;

/// <summary>Departures from the protocol that bias a test (clinical.md §1.2); each becomes a quality flag.</summary>
public enum DeviationKind
{
    AcclimatisationCutShort,
    ImmersionTooShort,
    ImmersionTooLong,
    RoomTemperatureOutOfBand,
    RoomHumidityOutOfBand,
    BathTemperatureOutOfBand,
    BathTemperatureNotMeasured,
    RewarmingInterrupted,
}

/// <summary>
/// One deviation, on the session clock. <paramref name="Measured"/> is in <paramref name="Unit"/> (NaN when nothing
/// was measured); the allowed range is [<paramref name="AllowedLow"/>, <paramref name="AllowedHigh"/>].
/// </summary>
public sealed record ProtocolDeviation(
    DeviationKind Kind,
    double TimeSeconds,
    double Measured,
    double AllowedLow,
    double AllowedHigh,
    string Unit,
    string Message)
{
    /// <summary>snake_case flag name for records and the analysis result, e.g. "immersion_too_long".</summary>
    public string Code => ToSnakeCase(Kind.ToString());

    private static string ToSnakeCase(string pascal) =>
        string.Concat(pascal.Select((c, i) => i > 0 && char.IsUpper(c) ? "_" + char.ToLowerInvariant(c) : char.ToLowerInvariant(c).ToString()));
}
