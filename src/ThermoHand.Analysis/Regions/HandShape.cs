namespace ThermoHand.Analysis.Regions;

/// <summary>
/// A place on the outline that sticks out like a fingertip. <see cref="OutlineTip"/> is the outermost outline
/// point; <see cref="Centre"/> is the centre of the rounded end (the distal pad), where the finger is measured.
/// Sensor pixel coordinates.
/// </summary>
public sealed record FingertipCandidate(PixelPoint OutlineTip, PixelPoint Centre, double Reach);

/// <summary>
/// The unlabelled geometry of a hand in one frame, in sensor pixel coordinates (x = column, y = row, pixel centres at
/// integers). <see cref="Axis"/> is a unit vector from the wrist towards the fingers.
/// </summary>
public sealed record HandShape(
    PixelPoint PalmCentre,
    double PalmRadius,
    PixelPoint? Wrist,
    PixelPoint Axis,
    IReadOnlyList<FingertipCandidate> Candidates,
    IReadOnlyList<PixelPoint> Outline)
{
    /// <summary>
    /// Whether <see cref="Axis"/> is good enough to measure how far the hand has turned: the wrist must lie at least
    /// 1.5 palm radii from the palm centre. When the hand fills the view and the image edge cuts it just below the
    /// palm, the wrist-to-palm segment is ~4 px long and a 0.1 px wobble of either end turns it by 1.5°, which the
    /// ~12 px lever to the fingertips turns into a misplaced fingertip.
    /// </summary>
    public bool AxisMeasuresRotation => Wrist is { } wrist && wrist.DistanceTo(PalmCentre) >= 1.5 * PalmRadius;

    /// <summary>Position of <paramref name="point"/> along the hand axis from the palm centre (towards the fingers positive).</summary>
    public double AlongAxis(PixelPoint point) => (point - PalmCentre).Dot(Axis);

    /// <summary>Position across the hand axis: positive on the image-right side when the fingers point up.</summary>
    public double AcrossAxis(PixelPoint point) => (point - PalmCentre).Dot(Axis.PerpendicularClockwise());
}
