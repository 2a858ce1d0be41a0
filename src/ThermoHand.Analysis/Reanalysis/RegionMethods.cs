using ThermoHand.Analysis.Regions;

namespace ThermoHand.Analysis.Reanalysis;

/// <summary>
/// The region methods a result can be made with, by the names provenance, CLI and forms use. A method whose results
/// change gets a new name, so a result made with the earlier one stays distinguishable and reproducible.
/// </summary>
public static class RegionMethods
{
    /// <summary>
    /// The partial-volume unmixing of the fingertip with each digit's own width (docs/regions.md): the default, what
    /// the device runs. (The constant keeps its name so callers follow the default; the value names the model.)
    /// </summary>
    public const string UnmixedFingertip = "unmixed-fingertip-per-digit";

    /// <summary>
    /// The earlier unmixing: one fingertip width (0.40 palm radii) for every digit, so the thumb reads about 1 °C warm
    /// and the little finger cool. Results recorded as "unmixed-fingertip" were made with it; kept to reproduce them.
    /// </summary>
    public const string UnmixedFingertipOneWidth = "unmixed-fingertip";

    /// <summary>
    /// The plain mean of the pixels the fingertip covers (no unmixing): biased towards the room. The covered pixels
    /// are chosen with the one-width model, as when this name was introduced, so its results have not changed.
    /// </summary>
    public const string CoveredPixelMean = "covered-pixel-mean";

    public static readonly IReadOnlyList<string> All = [UnmixedFingertip, UnmixedFingertipOneWidth, CoveredPixelMean];

    /// <summary>The tracker options for a method name; throws <see cref="ArgumentException"/> listing the known names.</summary>
    public static RegionTrackerOptions Options(string method, RegionTrackerOptions? baseOptions = null)
    {
        var options = baseOptions ?? new RegionTrackerOptions();
        return method switch
        {
            UnmixedFingertip => options with
            {
                Fingertip = options.Fingertip with
                {
                    Method = FingertipReadingMethod.UnmixedFingertip,
                    DigitWidths = options.Fingertip.DigitWidths ?? FingertipWidths.AdultHand,
                },
            },
            UnmixedFingertipOneWidth => options with { Fingertip = options.Fingertip with { Method = FingertipReadingMethod.UnmixedFingertip, DigitWidths = null } },
            CoveredPixelMean => options with { Fingertip = options.Fingertip with { Method = FingertipReadingMethod.CoveredPixelMean, DigitWidths = null } },
            _ => throw new ArgumentException($"unknown region method \"{method}\": use one of {string.Join(", ", All)}", nameof(method)),
        };
    }
}
