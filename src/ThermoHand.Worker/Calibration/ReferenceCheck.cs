using System.Globalization;

namespace ThermoHand.Worker.Calibration;

/// <summary>
/// The per-session reference check (pure, no I/O): the sensor looks at one target of known temperature; the mean of a
/// central region over N images is compared with the target's temperature. Error = measured − reference; the check
/// passes when |error| ≤ the tolerance (default 0.5 °C, clinical.md §9).
/// </summary>
public sealed record ReferenceCheck(double ReferenceCelsius, double ToleranceCelsius, int RegionColumns, int RegionRows)
{
    public const int Columns = 32;
    public const int Rows = 24;

    /// <summary>Pixel indices (row · 32 + column) of the central region the target fills.</summary>
    public IReadOnlyList<int> RegionPixels()
    {
        int left = (Columns - RegionColumns) / 2;
        int top = (Rows - RegionRows) / 2;
        var pixels = new List<int>(RegionColumns * RegionRows);
        for (int r = top; r < top + RegionRows; r++)
        {
            for (int c = left; c < left + RegionColumns; c++)
            {
                pixels.Add((r * Columns) + c);
            }
        }

        return pixels;
    }

    /// <summary>
    /// Measured = mean over the images of each image's mean over the region's valid (finite) pixels. An image with
    /// no valid pixel in the region is not counted; with none left the check fails and says why.
    /// </summary>
    public ReferenceCheckResult Evaluate(IReadOnlyList<float[]> images, string sensorId, string hand, string calibrationId, DateTimeOffset checkedUtc)
    {
        ArgumentNullException.ThrowIfNull(images);
        IReadOnlyList<int> region = RegionPixels();
        double sum = 0;
        int used = 0;
        double spreadSum = 0;
        foreach (float[] image in images)
        {
            if (image.Length != Columns * Rows)
            {
                throw new ArgumentException($"An image has {Columns * Rows} pixels, not {image.Length}.", nameof(images));
            }

            double imageSum = 0, imageSquares = 0;
            int n = 0;
            foreach (int p in region)
            {
                float t = image[p];
                if (float.IsFinite(t))
                {
                    imageSum += t;
                    imageSquares += (double)t * t;
                    n++;
                }
            }

            if (n == 0)
            {
                continue;
            }

            double mean = imageSum / n;
            sum += mean;
            spreadSum += Math.Sqrt(Math.Max(0, (imageSquares / n) - (mean * mean)));
            used++;
        }

        if (used == 0)
        {
            return new ReferenceCheckResult(sensorId, hand, calibrationId, checkedUtc, ReferenceCelsius, double.NaN, double.NaN, ToleranceCelsius, 0, 0, false,
                string.Create(CultureInfo.InvariantCulture,
                    $"reference check failed for sensor {sensorId} ({hand} hand): no valid pixel in the central {RegionColumns}×{RegionRows} region of {images.Count} image(s); check that the sensor delivers images and the target is in view"));
        }

        double measured = sum / used;
        double error = measured - ReferenceCelsius;
        bool passed = Math.Abs(error) <= ToleranceCelsius;
        string message = passed
            ? string.Create(CultureInfo.InvariantCulture,
                $"reference check passed for sensor {sensorId} ({hand} hand): measured {measured:0.00} °C against the {ReferenceCelsius:0.00} °C target, error {error:+0.00;-0.00;0.00} °C (tolerance ±{ToleranceCelsius:0.00} °C)")
            : string.Create(CultureInfo.InvariantCulture,
                $"reference check FAILED for sensor {sensorId} ({hand} hand): measured {measured:0.00} °C against the {ReferenceCelsius:0.00} °C target, error {error:+0.00;-0.00;0.00} °C is outside ±{ToleranceCelsius:0.00} °C. Absolute temperatures of this session may be off by that much: check the target's temperature and position, let the sensor warm up, or recalibrate the sensor (thermohand calibrate)");
        return new ReferenceCheckResult(sensorId, hand, calibrationId, checkedUtc, ReferenceCelsius, measured, error, ToleranceCelsius, used, region.Count, passed, message)
        {
            RegionSpreadCelsius = spreadSum / used,
        };
    }
}

/// <summary>One reference check's outcome for one sensor.</summary>
/// <param name="SensorId">The sensor's EEPROM id.</param>
/// <param name="Hand">"left" or "right".</param>
/// <param name="CalibrationId">The site calibration in use ("SENSORID/vN") or "factory" when none.</param>
/// <param name="CheckedUtc">When the images were taken.</param>
/// <param name="ReferenceCelsius">The target's temperature.</param>
/// <param name="MeasuredCelsius">Mean of the central region over the images (NaN when no valid image).</param>
/// <param name="ErrorCelsius">Measured − reference (NaN when no valid image).</param>
/// <param name="ToleranceCelsius">Largest |error| that passes.</param>
/// <param name="Images">Images averaged.</param>
/// <param name="RegionPixels">Pixels in the central region.</param>
/// <param name="Passed">|error| ≤ tolerance.</param>
/// <param name="Message">What the check found, in words, and what to do when it failed.</param>
public sealed record ReferenceCheckResult(
    string SensorId,
    string Hand,
    string CalibrationId,
    DateTimeOffset CheckedUtc,
    double ReferenceCelsius,
    double MeasuredCelsius,
    double ErrorCelsius,
    double ToleranceCelsius,
    int Images,
    int RegionPixels,
    bool Passed,
    string Message)
{
    /// <summary>Mean over the images of the region's spatial standard deviation (°C): a target that does not fill the region reads uneven.</summary>
    public double RegionSpreadCelsius { get; init; } = double.NaN;

    /// <summary>The deviation code a failed check is recorded under.</summary>
    public const string FailedCode = "reference_check_failed";

    /// <summary>The session event type of a check.</summary>
    public const string EventType = "reference_check";
}
