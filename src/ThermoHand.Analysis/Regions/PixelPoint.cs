namespace ThermoHand.Analysis.Regions;

/// <summary>
/// A position or direction in image pixel coordinates (x = column, y = row, y down). Which grid it refers to
/// (the 32x24 sensor grid or the upsampled grid) is said by the code that holds it.
/// </summary>
public readonly record struct PixelPoint(double X, double Y)
{
    public static PixelPoint operator +(PixelPoint a, PixelPoint b) => new(a.X + b.X, a.Y + b.Y);

    public static PixelPoint operator -(PixelPoint a, PixelPoint b) => new(a.X - b.X, a.Y - b.Y);

    public static PixelPoint operator *(PixelPoint a, double k) => new(a.X * k, a.Y * k);

    public double Length => Math.Sqrt((X * X) + (Y * Y));

    public double Dot(PixelPoint other) => (X * other.X) + (Y * other.Y);

    public double DistanceTo(PixelPoint other) => (this - other).Length;

    /// <summary>Unit vector in the same direction; (0, 0) stays (0, 0).</summary>
    public PixelPoint Normalised()
    {
        var length = Length;
        return length > 0 ? new PixelPoint(X / length, Y / length) : this;
    }

    /// <summary>Rotated by <paramref name="radians"/> (positive turns +x towards +y, i.e. clockwise on screen).</summary>
    public PixelPoint Rotated(double radians)
    {
        var (sin, cos) = Math.SinCos(radians);
        return new PixelPoint((X * cos) - (Y * sin), (X * sin) + (Y * cos));
    }

    /// <summary>The direction 90° clockwise on screen: for "fingers up" (0, -1) it is image-right (1, 0).</summary>
    public PixelPoint PerpendicularClockwise() => new(-Y, X);

    public double Angle => Math.Atan2(Y, X);
}
