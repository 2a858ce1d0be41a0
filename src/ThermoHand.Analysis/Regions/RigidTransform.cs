namespace ThermoHand.Analysis.Regions;

/// <summary>
/// A rotation about <see cref="From"/> followed by moving <see cref="From"/> to <see cref="To"/>: how the hand moved
/// from its baseline pose to the current frame (no scaling: the sensor-to-hand distance is fixed by the jig).
/// </summary>
public readonly record struct RigidTransform(PixelPoint From, PixelPoint To, double AngleRadians)
{
    public PixelPoint Apply(PixelPoint point) => To + (point - From).Rotated(AngleRadians);

    /// <summary>
    /// Least-squares rotation and translation taking <paramref name="from"/> onto <paramref name="to"/> (2-D
    /// Procrustes: centroids matched, angle from the summed cross and dot products).
    /// </summary>
    public static RigidTransform Fit(IReadOnlyList<PixelPoint> from, IReadOnlyList<PixelPoint> to)
    {
        ArgumentNullException.ThrowIfNull(from);
        ArgumentNullException.ThrowIfNull(to);
        if (from.Count != to.Count || from.Count < 2)
        {
            throw new ArgumentException($"A rigid fit needs at least two matched point pairs (got {from.Count} and {to.Count}).");
        }

        var fromCentre = Centroid(from);
        var toCentre = Centroid(to);
        double cross = 0, dot = 0;
        for (var i = 0; i < from.Count; i++)
        {
            var a = from[i] - fromCentre;
            var b = to[i] - toCentre;
            cross += (a.X * b.Y) - (a.Y * b.X);
            dot += a.Dot(b);
        }

        return new RigidTransform(fromCentre, toCentre, Math.Atan2(cross, dot));
    }

    private static PixelPoint Centroid(IReadOnlyList<PixelPoint> points)
    {
        double x = 0, y = 0;
        foreach (var p in points)
        {
            x += p.X;
            y += p.Y;
        }

        return new PixelPoint(x / points.Count, y / points.Count);
    }
}
