using ThermoHand.Analysis.Regions;

namespace ThermoHand.Analysis.Reanalysis;

/// <summary>The region methods a result can be made with, by the names provenance, CLI and forms use.</summary>
public static class RegionMethods
{
    /// <summary>The partial-volume unmixing of the fingertip (docs/regions.md): the default, what the device runs.</summary>
    public const string UnmixedFingertip = "unmixed-fingertip";

    /// <summary>The plain mean of the pixels the fingertip covers (no unmixing): biased towards the room.</summary>
    public const string CoveredPixelMean = "covered-pixel-mean";

    public static readonly IReadOnlyList<string> All = [UnmixedFingertip, CoveredPixelMean];

    /// <summary>The tracker options for a method name; throws <see cref="ArgumentException"/> listing the known names.</summary>
    public static RegionTrackerOptions Options(string method, RegionTrackerOptions? baseOptions = null)
    {
        var options = baseOptions ?? new RegionTrackerOptions();
        return method switch
        {
            UnmixedFingertip => options with { Fingertip = options.Fingertip with { Method = FingertipReadingMethod.UnmixedFingertip } },
            CoveredPixelMean => options with { Fingertip = options.Fingertip with { Method = FingertipReadingMethod.CoveredPixelMean } },
            _ => throw new ArgumentException($"unknown region method \"{method}\": use one of {string.Join(", ", All)}", nameof(method)),
        };
    }
}
