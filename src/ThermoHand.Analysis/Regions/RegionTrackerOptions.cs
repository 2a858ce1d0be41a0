namespace ThermoHand.Analysis.Regions;

/// <summary>
/// Settings of the region finder. The defaults suit an MLX90640 (55° lens) 25–40 cm above a dorsal hand, where a
/// finger is 1–3 pixels wide; docs/regions.md gives the reasoning behind each number. Lengths are in sensor pixels.
/// </summary>
public sealed record RegionTrackerOptions
{
    /// <summary>Upsampling factor for the geometry (bicubic). 8 turns 32x24 into 256x192.</summary>
    public int UpsampleFactor { get; init; } = 8;

    /// <summary>
    /// Where the hand outline is drawn between background (0) and skin (1). Below one half so that thin fingers,
    /// which never reach the full skin temperature at this resolution, stay in the mask.
    /// </summary>
    public double MaskFraction { get; init; } = 0.35;

    /// <summary>Below this skin-minus-background contrast (°C) there is no hand to find.</summary>
    public double MinimumHandContrastCelsius { get; init; } = 1.5;

    /// <summary>Anything hotter than this is not skin (cup, lamp, radiator) and is cut out with a margin.</summary>
    public double HotObjectCelsius { get; init; } = 40.0;

    /// <summary>Margin cut around a hot object, so its partial-volume rim is not mistaken for skin.</summary>
    public double HotObjectMarginPixels { get; init; } = 1.5;

    /// <summary>A hand covers at least this many sensor pixels; smaller warm blobs are objects.</summary>
    public double MinimumHandAreaPixels { get; init; } = 30;

    /// <summary>Fingertip candidates must lie at least this many palm radii from the palm centre.</summary>
    public double FingertipMinimumReachPalmRadii { get; init; } = 1.45;

    /// <summary>How far a fingertip must stand out from the outline around it (sensor pixels).</summary>
    public double FingertipProminencePixels { get; init; } = 0.45;

    /// <summary>A tip at least this far (degrees) from the hand axis on the thumb side is the thumb.</summary>
    public double ThumbMinimumAngleDegrees { get; init; } = 38;

    /// <summary>The finger roots (knuckle line) lie this many palm radii from the palm centre along the hand axis.</summary>
    public double KnuckleLinePalmRadii { get; init; } = 1.3;

    /// <summary>
    /// The fingertip region is centred on the distal phalanx, which lies this far proximal of the centre of the
    /// rounded pad outline (the phalanx is longer than the pad is wide). Measured on both synthetic hands (the test
    /// drawing and ThermoHand.Simulation's anatomy): without it, centres sat 0.2–0.6 px too far out.
    /// </summary>
    public double DistalCentreBeyondPadPixels { get; init; } = 0.35;

    /// <summary>Pixels whose centre lies within this distance of the distal-segment centre are candidates for the fingertip reading.</summary>
    public double FingertipSearchRadiusPixels { get; init; } = 1.0;

    /// <summary>
    /// How far towards the palm from the distal-pad centre a fingertip pixel may lie. The distal phalanx is about
    /// two pixels long at 25–40 cm, so one pixel back is still the distal segment, not the earlier-rewarming middle one.
    /// </summary>
    public double FingertipProximalReachPixels { get; init; } = 1.0;

    /// <summary>How fingertip temperatures are read (partial-volume unmixing by default; docs/regions.md, docs/reanalysis.md).</summary>
    public FingertipUnmixing Fingertip { get; init; } = FingertipUnmixing.Default;

    /// <summary>Dorsum pixels lie within this many palm radii of the dorsum centre (at least one pixel).</summary>
    public double DorsumRadiusPalmRadii { get; init; } = 0.6;

    /// <summary>Good frames whose geometry is averaged into the baseline before it is fixed.</summary>
    public int BaselineFrameCount { get; init; } = 3;

    /// <summary>A fingertip moving more than this between frames marks the frame as motion.</summary>
    public double MotionLimitPixels { get; init; } = 1.0;

    /// <summary>A re-detected tip must lie this close to where the baseline geometry predicts it to keep its identity.</summary>
    public double MatchRadiusPixels { get; init; } = 1.5;

    /// <summary>The palm radius may change by this factor against baseline before the hand is "not the same shape".</summary>
    public double PalmRadiusTolerance { get; init; } = 1.5;

    /// <summary>
    /// Below this expected spacing between fingertips (sensor pixels; a quarter of the palm width, 2 × palm radius / 4)
    /// the fingers cannot be told apart: with the sensor's blur (σ ≈ 0.4 px) two fingers closer than about one and a
    /// half pixels leave no cooler pixel between them and merge into one lobe. The tracker then flags
    /// <see cref="RegionFlags.HandTooSmall"/> instead of naming lobes as digits.
    /// </summary>
    public double MinimumFingerSpacingPixels { get; init; } = 1.5;

    /// <summary>Throws when a setting is out of its meaningful range, naming the setting.</summary>
    public void Validate()
    {
        var problems = new List<string>();
        if (UpsampleFactor is < 2 or > 16)
        {
            problems.Add($"{nameof(UpsampleFactor)} must be 2..16, not {UpsampleFactor}");
        }

        if (MaskFraction is <= 0.05 or >= 0.95)
        {
            problems.Add($"{nameof(MaskFraction)} must be between 0.05 and 0.95, not {MaskFraction}");
        }

        if (MinimumHandContrastCelsius <= 0)
        {
            problems.Add($"{nameof(MinimumHandContrastCelsius)} must be positive, not {MinimumHandContrastCelsius}");
        }

        if (BaselineFrameCount < 1)
        {
            problems.Add($"{nameof(BaselineFrameCount)} must be at least 1, not {BaselineFrameCount}");
        }

        if (PalmRadiusTolerance < 1)
        {
            problems.Add($"{nameof(PalmRadiusTolerance)} must be at least 1, not {PalmRadiusTolerance}");
        }

        if (MinimumHandAreaPixels <= 0 || MotionLimitPixels <= 0 || MatchRadiusPixels <= 0 || FingertipSearchRadiusPixels <= 0)
        {
            problems.Add("areas, radii and limits must be positive");
        }

        if (!(MinimumFingerSpacingPixels >= 0))
        {
            problems.Add($"{nameof(MinimumFingerSpacingPixels)} must be 0 or more, not {MinimumFingerSpacingPixels}");
        }

        if (problems.Count > 0)
        {
            throw new ArgumentException("Invalid region tracker options: " + string.Join("; ", problems) + ".");
        }
    }
}
