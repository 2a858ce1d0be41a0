namespace ThermoHand.Simulation;

/// <summary>
/// The typical thermal behaviour of one patient group. Every number is documented in docs/simulation.md with its
/// source tag from clinical.md, or marked there as our assumption. Per-finger values are drawn around these.
/// </summary>
public sealed record GroupPhysiology
{
    public required PatientGroup Group { get; init; }

    /// <summary>Dorsum (back of hand) skin temperature after acclimatisation at 23 °C.</summary>
    public required double DorsumBaselineCelsius { get; init; }

    /// <summary>Mean fingertip (distal phalanx) temperature of digits 2–5 at baseline.</summary>
    public required double FingertipBaselineCelsius { get; init; }

    /// <summary>Finger-to-finger SD of the baseline fingertip temperature.</summary>
    public required double FingertipBaselineSpreadCelsius { get; init; }

    /// <summary>How much warmer the thumb tip is than the other fingertips (thumbs are relatively spared, [S3]).</summary>
    public required double ThumbSparingCelsius { get; init; }

    /// <summary>Time constant of fingertip cooling towards the water temperature while immersed (gloved).</summary>
    public double FingertipCoolingTauSeconds { get; init; } = 70;

    /// <summary>Time constant of dorsum cooling (more tissue under the skin, so slower).</summary>
    public double DorsumCoolingTauSeconds { get; init; } = 150;

    /// <summary>Median time after leaving the water before the fingertip starts to rewarm.</summary>
    public required double RewarmingLagSeconds { get; init; }

    /// <summary>Median exponential time constant of fingertip rewarming.</summary>
    public required double RewarmingTauSeconds { get; init; }

    /// <summary>Fraction of the cold-induced drop the fingertip eventually regains (1 = back to baseline).</summary>
    public required double RewarmingCompleteness { get; init; }

    /// <summary>Finger-to-finger variation (coefficient of variation, log-normal) of lag and time constant.</summary>
    public required double RewarmingVariation { get; init; }

    /// <summary>Exponential time constant of dorsum rewarming (no lag).</summary>
    public required double DorsumRewarmingTauSeconds { get; init; }

    /// <summary>Amplitude of slow spontaneous fingertip temperature swings (vasomotion), °C.</summary>
    public required double VasomotionAmplitudeCelsius { get; init; }

    /// <summary>Forearm skin is a little warmer than the dorsum (our assumption).</summary>
    public double ForearmAboveDorsumCelsius { get; init; } = 0.8;

    /// <summary>The defaults for a group (see docs/simulation.md, "Physiology parameters").</summary>
    public static GroupPhysiology For(PatientGroup group) => group switch
    {
        // Healthy: metacarpus–digit difference < 0.5 °C [S23]; fastest rewarming, t63 ≈ 10^2.4 s ≈ 250 s [S15];
        // all fingers back to baseline well inside 15 min [S21][S27].
        PatientGroup.Healthy => new GroupPhysiology
        {
            Group = group,
            DorsumBaselineCelsius = 31.8,
            FingertipBaselineCelsius = 31.4,
            FingertipBaselineSpreadCelsius = 0.25,
            ThumbSparingCelsius = 0.0,
            RewarmingLagSeconds = 20,
            RewarmingTauSeconds = 220,
            RewarmingCompleteness = 1.0,
            RewarmingVariation = 0.2,
            DorsumRewarmingTauSeconds = 150,
            VasomotionAmplitudeCelsius = 0.10,
        },

        // Primary RP: digits 29.0 °C, dorsum 30.2 °C at 23 °C room [S11]; t63 ≈ 10^2.7 s ≈ 500 s [S15];
        // slowest, weakest recovery in the model fit [S16]; full recovery ≈ 28 min with a harsher challenge [S27].
        PatientGroup.PrimaryRaynauds => new GroupPhysiology
        {
            Group = group,
            DorsumBaselineCelsius = 30.2,
            FingertipBaselineCelsius = 29.3,
            FingertipBaselineSpreadCelsius = 0.5,
            ThumbSparingCelsius = 0.6,
            RewarmingLagSeconds = 45,
            RewarmingTauSeconds = 450,
            RewarmingCompleteness = 1.0,
            RewarmingVariation = 0.3,
            DorsumRewarmingTauSeconds = 250,
            VasomotionAmplitudeCelsius = 0.20,
        },

        // SSc: fingertips colder than the dorsum, DDD > 1 °C in several fingers [S1][S2]; t63 ≈ 500 s [S15];
        // longest lag [S16]; often incomplete — only 70 % rewarm fully within 2 h [S6].
        PatientGroup.SystemicSclerosis => new GroupPhysiology
        {
            Group = group,
            DorsumBaselineCelsius = 30.0,
            FingertipBaselineCelsius = 28.0,
            FingertipBaselineSpreadCelsius = 0.7,
            ThumbSparingCelsius = 1.2,
            RewarmingLagSeconds = 120,
            RewarmingTauSeconds = 480,
            RewarmingCompleteness = 0.75,
            RewarmingVariation = 0.35,
            DorsumRewarmingTauSeconds = 300,
            VasomotionAmplitudeCelsius = 0.10,
        },
        _ => throw new ArgumentOutOfRangeException(nameof(group)),
    };
}
