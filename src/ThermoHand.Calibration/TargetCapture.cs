namespace ThermoHand.Calibration;

/// <summary>
/// What the sensor read at one reference target: each pixel's mean over the captured images (°C, factory calibration
/// only), its temporal standard deviation, how many images it was invalid in, and the reference thermometer's reading.
/// </summary>
public sealed class TargetMeasurement
{
    public TargetMeasurement(CalibrationTarget target, double referenceCelsius, float[] meanCelsius, float[] temporalSdCelsius, int[] invalidImages, int imageCount)
    {
        ArgumentNullException.ThrowIfNull(target);
        ArgumentNullException.ThrowIfNull(meanCelsius);
        ArgumentNullException.ThrowIfNull(temporalSdCelsius);
        ArgumentNullException.ThrowIfNull(invalidImages);
        if (meanCelsius.Length != SiteCalibration.PixelCount || temporalSdCelsius.Length != SiteCalibration.PixelCount || invalidImages.Length != SiteCalibration.PixelCount)
        {
            throw new ArgumentException($"A measurement holds {SiteCalibration.PixelCount} values per pixel map.");
        }

        if (!double.IsFinite(referenceCelsius))
        {
            throw new ArgumentException("The reference temperature must be a number.", nameof(referenceCelsius));
        }

        Target = target;
        ReferenceCelsius = referenceCelsius;
        MeanCelsius = meanCelsius;
        TemporalSdCelsius = temporalSdCelsius;
        InvalidImages = invalidImages;
        ImageCount = imageCount;
    }

    public CalibrationTarget Target { get; }

    /// <summary>The reference thermometer's reading at this target (°C): the truth the fit is made against.</summary>
    public double ReferenceCelsius { get; }

    /// <summary>Per-pixel mean over the images (°C); NaN where the pixel was never valid.</summary>
    public IReadOnlyList<float> MeanCelsius { get; }

    /// <summary>Per-pixel temporal standard deviation over the images (°C, n − 1).</summary>
    public IReadOnlyList<float> TemporalSdCelsius { get; }

    /// <summary>Per pixel, in how many images it was invalid (NaN).</summary>
    public IReadOnlyList<int> InvalidImages { get; }

    public int ImageCount { get; }

    /// <summary>Median of the per-pixel means (°C): what "the sensor reads" at this target, robust to a few bad pixels.</summary>
    public double MedianReadingCelsius => Statistics.Median(MeanCelsius.Where(float.IsFinite).Select(v => (double)v));
}

/// <summary>
/// Accumulates the images captured at one target (Welford's running mean and variance per pixel, in double, so
/// thousands of images lose no precision) and turns them into a <see cref="TargetMeasurement"/>.
/// </summary>
public sealed class TargetCapture
{
    private readonly double[] mean = new double[SiteCalibration.PixelCount];
    private readonly double[] sumSquares = new double[SiteCalibration.PixelCount];
    private readonly int[] valid = new int[SiteCalibration.PixelCount];
    private readonly int[] invalid = new int[SiteCalibration.PixelCount];

    /// <summary>Images added so far.</summary>
    public int ImageCount { get; private set; }

    public void Add(ReadOnlySpan<float> imageCelsius)
    {
        if (imageCelsius.Length != SiteCalibration.PixelCount)
        {
            throw new ArgumentException($"An image has {SiteCalibration.PixelCount} pixels, not {imageCelsius.Length}.", nameof(imageCelsius));
        }

        ImageCount++;
        for (var p = 0; p < SiteCalibration.PixelCount; p++)
        {
            var t = imageCelsius[p];
            if (!float.IsFinite(t))
            {
                invalid[p]++;
                continue;
            }

            var n = ++valid[p];
            var delta = t - mean[p];
            mean[p] += delta / n;
            sumSquares[p] += delta * (t - mean[p]);
        }
    }

    public TargetMeasurement Finish(CalibrationTarget target, double referenceCelsius)
    {
        if (ImageCount < 2)
        {
            throw new InvalidOperationException("At least two images are needed to measure temporal noise.");
        }

        var means = new float[SiteCalibration.PixelCount];
        var sds = new float[SiteCalibration.PixelCount];
        for (var p = 0; p < SiteCalibration.PixelCount; p++)
        {
            means[p] = valid[p] == 0 ? float.NaN : (float)mean[p];
            sds[p] = valid[p] < 2 ? float.NaN : (float)Math.Sqrt(sumSquares[p] / (valid[p] - 1));
        }

        return new TargetMeasurement(target, referenceCelsius, means, sds, (int[])invalid.Clone(), ImageCount);
    }
}

/// <summary>Small statistics shared by the calibration steps.</summary>
internal static class Statistics
{
    public static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToArray();
        if (sorted.Length == 0)
        {
            return double.NaN;
        }

        var middle = sorted.Length / 2;
        return sorted.Length % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
    }
}
