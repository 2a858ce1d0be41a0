namespace ThermoHand.Analysis.Regions;

/// <summary>
/// The flag words the region finder writes, on a whole frame (<see cref="RegionFrameResult.Flags"/>) or on one
/// region (<see cref="RegionReading.Flag"/>). docs/regions.md explains each one.
/// </summary>
public static class RegionFlags
{
    /// <summary>No hand-shaped warm area in the frame (e.g. hands in the water). Readings are NaN.</summary>
    public const string HandOutOfView = "hand_out_of_view";

    /// <summary>Frame: a component hotter than skin (cup, lamp) was found and ignored.</summary>
    public const string HotObject = "hot_object";

    /// <summary>Frame: a warm component that is not hand-shaped (too small or compact) was found and ignored.</summary>
    public const string WarmObject = "warm_object";

    /// <summary>Frame: some pixels were NaN/out of range and were filled from neighbours. Region: its pixels included one.</summary>
    public const string InvalidPixels = "invalid_pixels";

    /// <summary>Frame: unusable as a whole (mostly invalid pixels, or a flat image such as the sensor's all-zero first frame).</summary>
    public const string InvalidFrame = "invalid_frame";

    /// <summary>The hand moved more than the motion limit since the previous frame; readings are blurred or misplaced.</summary>
    public const string Motion = "motion";

    /// <summary>Frame: the outline showed too few finger valleys; fingertips were placed by expected spacing along the knuckle line.</summary>
    public const string FingersCloseTogether = "fingers_close_together";

    /// <summary>Frame: the hand came back after being out of view and was re-registered to its baseline geometry.</summary>
    public const string HandReacquired = "hand_reacquired";

    /// <summary>Frame: the baseline geometry is not fixed yet (the first good frames are still being collected).</summary>
    public const string BaselinePending = "baseline_pending";

    /// <summary>Region: it could not be located (never found at baseline, or the hand no longer matches its baseline shape).</summary>
    public const string RegionLost = "region_lost";

    /// <summary>Region: its position lies outside the 32x24 image.</summary>
    public const string OutsideImage = "outside_image";

    /// <summary>
    /// Frame: the hand is too small in the image to tell its fingers apart (expected finger spacing, a quarter of the
    /// palm width, below <see cref="RegionTrackerOptions.MinimumFingerSpacingPixels"/>: sensor too far away or lens too
    /// wide). Region (D1–D5): not measured for that reason. The dorsum is still measured.
    /// </summary>
    public const string HandTooSmall = "hand_too_small";

    /// <summary>
    /// Frame: the hand outline runs into the top, left or right edge of the image (fingers or thumb leave the view:
    /// sensor too close). Fingertips cut by the edge are not found. The bottom edge is the wrist side and does not count.
    /// </summary>
    public const string HandNotFullyInView = "hand_not_fully_in_view";
}
