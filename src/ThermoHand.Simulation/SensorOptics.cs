namespace ThermoHand.Simulation;

/// <summary>
/// How the 32×24 sensor sees a flat scene (the back of the hand) at a distance: a pinhole camera looking straight
/// down, so every pixel covers the same footprint, <c>2·d·tan(FOV/2)/pixels</c> (clinical.md §9). Lens distortion
/// of the wide 110° variant is not modelled (the datasheet gives only the field of view).
/// </summary>
public sealed record SensorOptics
{
    public const int Columns = 32;
    public const int Rows = 24;

    public SensorOptics(double horizontalFovDegrees, double verticalFovDegrees, double distanceMm, double psfSigmaPixels = DefaultPsfSigmaPixels)
    {
        if (!(horizontalFovDegrees is > 1 and < 170) || !(verticalFovDegrees is > 1 and < 170))
        {
            throw new ArgumentOutOfRangeException(nameof(horizontalFovDegrees), $"Field of view must be between 1° and 170°, not {horizontalFovDegrees}° × {verticalFovDegrees}°.");
        }

        if (!(distanceMm is >= 50 and <= 2000))
        {
            throw new ArgumentOutOfRangeException(nameof(distanceMm), $"Sensor-to-hand distance must be 50–2000 mm, not {distanceMm} mm.");
        }

        if (!(psfSigmaPixels is >= 0 and <= 3))
        {
            throw new ArgumentOutOfRangeException(nameof(psfSigmaPixels), $"Optical blur sigma must be 0–3 pixels, not {psfSigmaPixels}.");
        }

        HorizontalFovDegrees = horizontalFovDegrees;
        VerticalFovDegrees = verticalFovDegrees;
        DistanceMm = distanceMm;
        PsfSigmaPixels = psfSigmaPixels;
    }

    /// <summary>
    /// Gaussian point-spread sigma in sensor pixels. Our assumption: Melexis publishes no PSF; 0.4 px spreads about 10 %
    /// of a point's signal into each 4-neighbour, in line with the soft edges seen in MLX90640 images.
    /// </summary>
    public const double DefaultPsfSigmaPixels = 0.4;

    public double HorizontalFovDegrees { get; }

    public double VerticalFovDegrees { get; }

    public double DistanceMm { get; }

    public double PsfSigmaPixels { get; }

    /// <summary>MLX90640ESF-BAB: 55° × 35° (datasheet). The narrow variant, preferred for hands.</summary>
    public static SensorOptics Narrow55(double distanceMm) => new(55, 35, distanceMm);

    /// <summary>MLX90640ESF-BAA: 110° × 75° (datasheet).</summary>
    public static SensorOptics Wide110(double distanceMm) => new(110, 75, distanceMm);

    /// <summary>Width of the scene seen at the hand's distance, mm.</summary>
    public double ViewWidthMm => 2 * DistanceMm * Math.Tan(HorizontalFovDegrees * Math.PI / 360);

    /// <summary>Height of the scene seen at the hand's distance, mm.</summary>
    public double ViewHeightMm => 2 * DistanceMm * Math.Tan(VerticalFovDegrees * Math.PI / 360);

    /// <summary>Footprint of one pixel across (along a row), mm.</summary>
    public double MillimetresPerPixelX => ViewWidthMm / Columns;

    /// <summary>Footprint of one pixel down (along a column), mm.</summary>
    public double MillimetresPerPixelY => ViewHeightMm / Rows;

    /// <summary>
    /// Pixel coordinates (x = column, y = row, the centre of pixel (c, r) is at (c, r)) of a scene point given in mm
    /// from the centre of the view (x right, y down).
    /// </summary>
    public (double X, double Y) ToPixel(double xMm, double yMm)
        => ((xMm / MillimetresPerPixelX) + (Columns / 2.0) - 0.5, (yMm / MillimetresPerPixelY) + (Rows / 2.0) - 0.5);
}
