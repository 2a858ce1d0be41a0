using OpenCvSharp;

namespace ThermoHand.Analysis.Regions;

/// <summary>
/// What the segmenter found in one frame. Array members are buffers owned by the <see cref="HandSegmenter"/> that
/// made it and are overwritten by its next call: use a segmentation before segmenting the next frame.
/// </summary>
public sealed class HandSegmentation
{
    internal HandSegmentation(
        bool handFound,
        IReadOnlyList<string> flags,
        float[] temperatures,
        bool[] invalid,
        double backgroundCelsius,
        double skinCelsius,
        Point[] outline,
        float[] distanceToEdge,
        int scale,
        PixelPoint palmCentre,
        double palmRadius)
    {
        HandFound = handFound;
        Flags = flags;
        Temperatures = temperatures;
        Invalid = invalid;
        BackgroundCelsius = backgroundCelsius;
        SkinCelsius = skinCelsius;
        Outline = outline;
        DistanceToEdge = distanceToEdge;
        Scale = scale;
        PalmCentre = palmCentre;
        PalmRadius = palmRadius;
    }

    public bool HandFound { get; }

    /// <summary>Frame-level flags raised while segmenting (<see cref="RegionFlags"/>).</summary>
    public IReadOnlyList<string> Flags { get; }

    /// <summary>The 32x24 frame with invalid pixels filled from their neighbours (row-major).</summary>
    public float[] Temperatures { get; }

    /// <summary>True where the input pixel was NaN, infinite or out of the physical range.</summary>
    public bool[] Invalid { get; }

    /// <summary>Room background: median of the pixels below the Otsu split.</summary>
    public double BackgroundCelsius { get; }

    /// <summary>Skin reference: median of the (not hot) pixels above the Otsu split — mostly dorsum and forearm.</summary>
    public double SkinCelsius { get; }

    /// <summary>The hand outline on the upsampled grid (closed, every boundary pixel).</summary>
    public Point[] Outline { get; }

    /// <summary>Upsampled grid, row-major: distance (upsampled pixels) from each hand pixel to the outline; 0 outside.</summary>
    public float[] DistanceToEdge { get; }

    public int Scale { get; }

    public int UpsampledColumns => ThermalFrame.Columns * Scale;

    public int UpsampledRows => ThermalFrame.Rows * Scale;

    /// <summary>The deepest point of the hand (centre of the largest inscribed circle: the middle of the palm), sensor pixels.</summary>
    public PixelPoint PalmCentre { get; }

    /// <summary>Radius of that circle in sensor pixels (half the palm width).</summary>
    public double PalmRadius { get; }

    /// <summary>Sensor-pixel coordinates of an upsampled pixel (pixel centres: upsampled X covers sensor x = (X+0.5)/s − 0.5).</summary>
    public PixelPoint ToSensor(double upsampledX, double upsampledY) =>
        new(((upsampledX + 0.5) / Scale) - 0.5, ((upsampledY + 0.5) / Scale) - 0.5);

    public PixelPoint ToUpsampled(PixelPoint sensor) =>
        new(((sensor.X + 0.5) * Scale) - 0.5, ((sensor.Y + 0.5) * Scale) - 0.5);

    /// <summary>Distance to the outline (sensor pixels) at a sensor position; 0 outside the hand or the image.</summary>
    public double DistanceToEdgeAt(PixelPoint sensor)
    {
        var up = ToUpsampled(sensor);
        var column = (int)Math.Round(up.X);
        var row = (int)Math.Round(up.Y);
        if (column < 0 || row < 0 || column >= UpsampledColumns || row >= UpsampledRows)
        {
            return 0;
        }

        return DistanceToEdge[(row * UpsampledColumns) + column] / Scale;
    }
}
