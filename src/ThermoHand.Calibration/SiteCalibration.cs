namespace ThermoHand.Calibration;

/// <summary>
/// One sensor's site calibration: for every pixel a gain and offset that map the factory-calibrated temperature to
/// the reference temperature (<c>T = gain · T_factory + offset</c>), and the pixels found dead or too noisy, which are
/// replaced by the mean of their good neighbours (what Melexis suggests for defective pixels).
/// Immutable once made; <see cref="SiteCalibrationFile"/> writes and reads it.
/// </summary>
public sealed class SiteCalibration
{
    public const int Columns = 32;
    public const int Rows = 24;
    public const int PixelCount = Columns * Rows;

    private readonly float[] gain;
    private readonly float[] offset;
    private readonly bool[] bad;

    public SiteCalibration(
        string sensorId,
        int version,
        DateTimeOffset createdUtc,
        DateTimeOffset expiresUtc,
        IReadOnlyList<float> gain,
        IReadOnlyList<float> offsetCelsius,
        IEnumerable<int> badPixels,
        CalibrationQuality quality)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(sensorId);
        ArgumentNullException.ThrowIfNull(gain);
        ArgumentNullException.ThrowIfNull(offsetCelsius);
        ArgumentNullException.ThrowIfNull(badPixels);
        ArgumentNullException.ThrowIfNull(quality);
        if (version < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(version), version, "Calibration versions start at 1.");
        }

        if (expiresUtc <= createdUtc)
        {
            throw new ArgumentException("A calibration must expire after it was made.", nameof(expiresUtc));
        }

        if (gain.Count != PixelCount || offsetCelsius.Count != PixelCount)
        {
            throw new ArgumentException($"Gain and offset need {PixelCount} values each, not {gain.Count} and {offsetCelsius.Count}.");
        }

        this.gain = gain.ToArray();
        offset = offsetCelsius.ToArray();
        bad = new bool[PixelCount];
        for (int i = 0; i < PixelCount; i++)
        {
            if (!float.IsFinite(this.gain[i]) || !float.IsFinite(offset[i]))
            {
                throw new ArgumentException($"Pixel {i}: gain and offset must be finite numbers.");
            }
        }

        foreach (int p in badPixels)
        {
            if ((uint)p >= PixelCount)
            {
                throw new ArgumentOutOfRangeException(nameof(badPixels), p, $"A bad pixel index is 0…{PixelCount - 1}.");
            }

            bad[p] = true;
        }

        SensorId = sensorId;
        Version = version;
        CreatedUtc = createdUtc;
        ExpiresUtc = expiresUtc;
        Quality = quality;
    }

    /// <summary>The sensor's device id from its EEPROM (0x2407–0x2409) as 12 upper-case hex digits.</summary>
    public string SensorId { get; }

    /// <summary>1, 2, 3… per sensor; a newer calibration of the same sensor has a higher version.</summary>
    public int Version { get; }

    /// <summary>How sessions and reports name this calibration, e.g. "0A1B2C3D4E5F/v3".</summary>
    public string Id => $"{SensorId}/v{Version}";

    public DateTimeOffset CreatedUtc { get; }

    public DateTimeOffset ExpiresUtc { get; }

    /// <summary>What the calibration achieved when it was made (the report's numbers and the pass/fail).</summary>
    public CalibrationQuality Quality { get; }

    public IReadOnlyList<float> Gain => gain;

    public IReadOnlyList<float> OffsetCelsius => offset;

    /// <summary>Indices (row · 32 + column) of the pixels replaced by their neighbours.</summary>
    public IReadOnlyList<int> BadPixels => Enumerable.Range(0, PixelCount).Where(i => bad[i]).ToArray();

    public bool IsBad(int pixel) => bad[pixel];

    /// <summary>Whether the calibration may still be used at <paramref name="now"/>, and whether it is close to expiring.</summary>
    public CalibrationValidity ValidityAt(DateTimeOffset now, TimeSpan warnBefore) =>
        now >= ExpiresUtc ? CalibrationValidity.Expired
        : now >= ExpiresUtc - warnBefore ? CalibrationValidity.ExpiresSoon
        : CalibrationValidity.Valid;

    /// <summary>
    /// Corrects one image in place: gain and offset on every valid pixel, then bad pixels replaced by the mean of their
    /// valid, good 8-neighbours (NaN — invalid — when none is left). NaN pixels stay NaN.
    /// </summary>
    public void Apply(Span<float> temperaturesCelsius)
    {
        if (temperaturesCelsius.Length != PixelCount)
        {
            throw new ArgumentException($"An image has {PixelCount} pixels, not {temperaturesCelsius.Length}.", nameof(temperaturesCelsius));
        }

        for (int i = 0; i < PixelCount; i++)
        {
            temperaturesCelsius[i] = (gain[i] * temperaturesCelsius[i]) + offset[i];
        }

        for (int i = 0; i < PixelCount; i++)
        {
            if (bad[i])
            {
                temperaturesCelsius[i] = NeighbourMean(temperaturesCelsius, i);
            }
        }
    }

    /// <summary>Undoes <see cref="Apply"/>'s gain and offset (bad-pixel fills cannot be undone; they come back as NaN).</summary>
    public void Remove(Span<float> temperaturesCelsius)
    {
        if (temperaturesCelsius.Length != PixelCount)
        {
            throw new ArgumentException($"An image has {PixelCount} pixels, not {temperaturesCelsius.Length}.", nameof(temperaturesCelsius));
        }

        for (int i = 0; i < PixelCount; i++)
        {
            temperaturesCelsius[i] = bad[i] ? float.NaN : (temperaturesCelsius[i] - offset[i]) / gain[i];
        }
    }

    private float NeighbourMean(ReadOnlySpan<float> t, int pixel)
    {
        int row = pixel / Columns;
        int column = pixel % Columns;
        double sum = 0;
        int n = 0;
        for (int dr = -1; dr <= 1; dr++)
        {
            for (int dc = -1; dc <= 1; dc++)
            {
                int r = row + dr;
                int c = column + dc;
                if ((dr == 0 && dc == 0) || r < 0 || r >= Rows || c < 0 || c >= Columns)
                {
                    continue;
                }

                int j = (r * Columns) + c;
                if (!bad[j] && float.IsFinite(t[j]))
                {
                    sum += t[j];
                    n++;
                }
            }
        }

        return n == 0 ? float.NaN : (float)(sum / n);
    }
}

/// <summary>Whether a calibration may be used now.</summary>
public enum CalibrationValidity
{
    Valid,

    /// <summary>Still valid, but within the warning period before it expires: plan a recalibration.</summary>
    ExpiresSoon,

    /// <summary>Past its expiry date: the worker warns and flags every session measured with it.</summary>
    Expired,
}
