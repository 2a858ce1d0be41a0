namespace ThermoHand.Worker.Protocol;

/// <summary>
/// One cold-challenge protocol: how long each phase lasts and how far the room and the water may stray.
/// The numbers come from shared/reference/clinical.md §1 (source tags there); see docs/protocol.md.
/// </summary>
/// <param name="Name">Configuration name, e.g. "manchester" (Protocol:Preset).</param>
/// <param name="Description">One line for the clinician and the log.</param>
/// <param name="Acclimatisation">Minimum time the patient sits in the room before baseline images.</param>
/// <param name="BaselineCapture">How long baseline frames are taken just before immersion.</param>
/// <param name="Immersion">How long the gloved hands stay in the water.</param>
/// <param name="ImmersionTolerance">How far the actual immersion may differ from <paramref name="Immersion"/> before it is a deviation.</param>
/// <param name="Rewarming">How long the rewarming is imaged after the hands leave the water.</param>
/// <param name="BathSetPointCelsius">Water temperature of the challenge.</param>
/// <param name="BathToleranceCelsius">Allowed distance of the measured water from the set point.</param>
/// <param name="RoomSetPointCelsius">Room temperature of the protocol.</param>
/// <param name="RoomToleranceCelsius">Allowed distance of the measured room from its set point.</param>
/// <param name="Source">Where the numbers come from (clinical.md source tags).</param>
public sealed record ProtocolPreset(
    string Name,
    string Description,
    TimeSpan Acclimatisation,
    TimeSpan BaselineCapture,
    TimeSpan Immersion,
    TimeSpan ImmersionTolerance,
    TimeSpan Rewarming,
    double BathSetPointCelsius,
    double BathToleranceCelsius,
    double RoomSetPointCelsius,
    double RoomToleranceCelsius,
    string Source)
{
    /// <summary>Relative humidity band of the thermography room checklist (clinical.md §1.1, [S39]).</summary>
    public const double MinimumRoomHumidityPercent = 20;

    /// <summary>Upper humidity limit of the same checklist.</summary>
    public const double MaximumRoomHumidityPercent = 75;

    /// <summary>How long before the end of immersion the clinician is warned, so hands come out on time.</summary>
    public static readonly TimeSpan ImmersionEndWarning = TimeSpan.FromSeconds(10);

    public bool IsRoomInBand(double celsius) => Math.Abs(celsius - RoomSetPointCelsius) <= RoomToleranceCelsius;

    public bool IsBathInBand(double celsius) => Math.Abs(celsius - BathSetPointCelsius) <= BathToleranceCelsius;

    public static bool IsHumidityInBand(double percent) =>
        percent >= MinimumRoomHumidityPercent && percent <= MaximumRoomHumidityPercent;
}

/// <summary>The protocols the worker knows by name (Protocol:Preset).</summary>
public static class ProtocolPresets
{
    // Shared by all presets: 20 min at 23 °C is the Manchester/Bath acclimatisation [S7][S11]; the ±1 °C room band is
    // the tolerance mentioned for ISO 14835-1 [S40] (clinical.md marks it [U]) and is used here for every preset.
    // Baseline capture of 2 min and the immersion tolerances are design choices [U], not published values.
    private static readonly TimeSpan DefaultAcclimatisation = TimeSpan.FromMinutes(20);
    private static readonly TimeSpan DefaultBaseline = TimeSpan.FromMinutes(2);
    private const double RoomSetPoint = 23.0;
    private const double RoomTolerance = 1.0;
    private const double BathTolerance = 1.0;

    /// <summary>Manchester standard: 15 °C gloved immersion for 1 min, 15 min rewarming [S4][S6][S7].</summary>
    public static ProtocolPreset Manchester { get; } = new(
        "manchester",
        "Manchester: 20 min at 23 °C, gloved hands in 15 °C water for 60 s, 15 min rewarming",
        DefaultAcclimatisation, DefaultBaseline,
        Immersion: TimeSpan.FromSeconds(60), ImmersionTolerance: TimeSpan.FromSeconds(5),
        Rewarming: TimeSpan.FromMinutes(15),
        BathSetPointCelsius: 15.0, BathTolerance, RoomSetPoint, RoomTolerance,
        Source: "clinical.md §1.1 [S4][S6][S7]");

    /// <summary>Ring (Bath, historical): 20 °C water for 1 min, critical time 10 min; imaged for 15 min here [S19].</summary>
    public static ProtocolPreset BathRing { get; } = new(
        "bath-ring",
        "Bath/Ring: 20 min at 23 °C, hands in 20 °C water for 60 s, 15 min rewarming",
        DefaultAcclimatisation, DefaultBaseline,
        Immersion: TimeSpan.FromSeconds(60), ImmersionTolerance: TimeSpan.FromSeconds(5),
        Rewarming: TimeSpan.FromMinutes(15),
        BathSetPointCelsius: 20.0, BathTolerance, RoomSetPoint, RoomTolerance,
        Source: "clinical.md §1.1 [S19][S11]");

    /// <summary>ISO 14835-1 (2004/2005 edition, vibration white finger): 12 °C water for 5 min [S40]; 15 min rewarming.</summary>
    public static ProtocolPreset Iso14835 { get; } = new(
        "iso-14835-1",
        "ISO 14835-1: 20 min at 23 °C, hands in 12 °C water for 5 min, 15 min rewarming",
        DefaultAcclimatisation, DefaultBaseline,
        Immersion: TimeSpan.FromMinutes(5), ImmersionTolerance: TimeSpan.FromSeconds(15),
        Rewarming: TimeSpan.FromMinutes(15),
        BathSetPointCelsius: 12.0, BathTolerance, RoomSetPoint, RoomTolerance,
        Source: "clinical.md §1.1 [S40][S41]");

    public static IReadOnlyList<ProtocolPreset> All { get; } = [Manchester, BathRing, Iso14835];

    public static string DefaultName => Manchester.Name;

    /// <summary>Finds a preset by its configuration name, ignoring case.</summary>
    public static bool TryFind(string? name, out ProtocolPreset preset)
    {
        preset = All.FirstOrDefault(p => string.Equals(p.Name, name, StringComparison.OrdinalIgnoreCase))!;
        return preset is not null;
    }

    public static string KnownNames => string.Join(", ", All.Select(p => p.Name));
}
