// CONTRACT — written by the lead so the region finder and the rewarming analysis can be built at the same time.
// Names and shapes may grow (more members are welcome); renaming needs both sides to agree.
namespace ThermoHand.Analysis.Regions;

/// <summary>Names of the regions of interest, as in the analysis result (shared/formats.md §4).</summary>
public static class RegionNames
{
    public const string Dorsum = "dorsum";

    /// <summary>"D1" (thumb) … "D5" (little finger).</summary>
    public static string Digit(int digit) => digit is >= 1 and <= 5
        ? "D" + digit.ToString(System.Globalization.CultureInfo.InvariantCulture)
        : throw new ArgumentOutOfRangeException(nameof(digit));
}

/// <summary>
/// One region's measurement in one frame. <see cref="TemperatureCelsius"/> is NaN when the region could not be
/// measured; <see cref="Trusted"/> is false (with a <see cref="Flag"/>) when it was measured but must not be used.
/// </summary>
public sealed record RegionReading(
    string Name,
    int? Digit,
    double TemperatureCelsius,
    double CentreX,
    double CentreY,
    bool Trusted,
    string? Flag);

/// <summary>Everything the region finder says about one frame.</summary>
public sealed record RegionFrameResult(
    double TimeSeconds,
    bool HandInView,
    IReadOnlyList<RegionReading> Readings,
    IReadOnlyList<string> Flags);

/// <summary>
/// Finds the hand, its fingertips (D1–D5) and dorsum in each frame, keeps each finger's identity through the session
/// (re-detecting and matching after the hand leaves the view for the immersion), and measures each region.
/// Frames must be given in time order. One tracker per hand (one sensor per hand).
/// </summary>
public interface IHandRegionTracker
{
    Hand Hand { get; }

    RegionFrameResult Process(ThermalFrame frame);
}
