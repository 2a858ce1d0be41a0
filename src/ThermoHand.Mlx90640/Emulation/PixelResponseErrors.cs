namespace ThermoHand.Mlx90640.Emulation;

/// <summary>
/// How far the emulated sensor's pixels read from the truth after its factory calibration: a fixed per-pixel gain and
/// offset error, dead and noisy pixels, an offset that settles during warm-up, and a slow drift. Real MLX90640s are
/// quoted at ±1–1.5 °C absolute (docs/calibration.md); these errors are what a site calibration must find and remove.
/// Drawn once from <see cref="Seed"/>, so the same sensor always has the same errors.
/// </summary>
public sealed record PixelResponseErrors
{
    /// <summary>No errors: the emulator reads the scene exactly (up to the raw words' quantisation).</summary>
    public static PixelResponseErrors None { get; } = new()
    {
        GainSigma = 0,
        OffsetSigmaCelsius = 0,
        CommonOffsetCelsius = 0,
        DeadPixels = 0,
        NoisyPixels = 0,
        WarmUpOffsetCelsius = 0,
        OffsetDriftCelsiusPerHour = 0,
    };

    public int Seed { get; init; } = 1;

    /// <summary>Standard deviation of the per-pixel gain around 1 (0.02 = ±2 %).</summary>
    public double GainSigma { get; init; } = 0.02;

    /// <summary>Standard deviation of the per-pixel offset (°C).</summary>
    public double OffsetSigmaCelsius { get; init; } = 0.6;

    /// <summary>An offset common to all pixels (°C): the whole image reads warm or cold.</summary>
    public double CommonOffsetCelsius { get; init; } = 0.8;

    /// <summary>Pixels stuck at one reading regardless of the scene.</summary>
    public int DeadPixels { get; init; } = 1;

    /// <summary>Pixels with several times the normal temporal noise.</summary>
    public int NoisyPixels { get; init; } = 2;

    /// <summary>Extra temporal noise (°C, standard deviation) of each noisy pixel.</summary>
    public double NoisyPixelSigmaCelsius { get; init; } = 1.0;

    /// <summary>Extra offset at power-on (°C) that decays with <see cref="WarmUpTimeConstant"/> while the sensor warms up.</summary>
    public double WarmUpOffsetCelsius { get; init; } = 1.5;

    public TimeSpan WarmUpTimeConstant { get; init; } = TimeSpan.FromMinutes(3);

    /// <summary>Slow offset drift after warm-up (°C per hour of operation), why calibrations expire.</summary>
    public double OffsetDriftCelsiusPerHour { get; init; } = 0.05;

    /// <summary>What is wrong with these settings (a negative spread, more bad pixels than the image has), or null.</summary>
    public string? Validate()
    {
        if (!(GainSigma >= 0 && GainSigma < 0.5))
        {
            return $"Pixel gain spread must be 0 to 0.5, not {GainSigma}.";
        }

        if (!(OffsetSigmaCelsius >= 0) || !double.IsFinite(OffsetSigmaCelsius) || !double.IsFinite(CommonOffsetCelsius)
            || !(NoisyPixelSigmaCelsius >= 0) || !double.IsFinite(NoisyPixelSigmaCelsius)
            || !double.IsFinite(WarmUpOffsetCelsius) || !double.IsFinite(OffsetDriftCelsiusPerHour))
        {
            return "Pixel offsets, noise, warm-up offset and drift must be finite numbers (spreads not negative).";
        }

        if (DeadPixels < 0 || NoisyPixels < 0 || DeadPixels + NoisyPixels > 64)
        {
            return $"Dead and noisy pixels must be 0 or more and at most 64 together, not {DeadPixels} and {NoisyPixels}.";
        }

        return WarmUpTimeConstant < TimeSpan.Zero ? "The warm-up time constant cannot be negative." : null;
    }
}

/// <summary>
/// One emulated sensor's actual pixel errors, drawn once from <see cref="PixelResponseErrors"/> and its seed: what the
/// emulator applies to the scene before it synthesises raw words, and what a test compares a site calibration with
/// (which pixels were planted dead or noisy, and each pixel's gain and offset).
/// </summary>
/// <remarks>
/// What a pixel reports (°C, before the driver): <c>gain[p]·T + offset[p] + common + warmUp·exp(−t/τ) + drift·t</c>, with
/// t the time since power-on; a dead pixel reports <see cref="StuckCelsius"/> whatever it sees; a noisy pixel adds a
/// fresh Gaussian draw of <see cref="PixelResponseErrors.NoisyPixelSigmaCelsius"/> at each measurement. Dead and noisy
/// pixels are never placed on the EEPROM's broken or outlier pixels, because the driver replaces those by their
/// neighbours and the planted error would be invisible.
/// </remarks>
public sealed class PlantedPixelErrors
{
    private const int PixelCount = 768;
    private readonly float[] gain = new float[PixelCount];
    private readonly float[] offset = new float[PixelCount];
    private readonly float[] stuck = new float[PixelCount];
    private readonly bool[] dead = new bool[PixelCount];
    private readonly bool[] noisy = new bool[PixelCount];
    private readonly Random noise;

    private PlantedPixelErrors(PixelResponseErrors errors, Func<int, bool> excluded)
    {
        Errors = errors;
        var random = new Random(errors.Seed);
        for (var p = 0; p < PixelCount; p++)
        {
            gain[p] = (float)(1 + (errors.GainSigma * Gaussian(random)));
            offset[p] = (float)(errors.OffsetSigmaCelsius * Gaussian(random));
        }

        var candidates = Enumerable.Range(0, PixelCount).Where(p => !excluded(p)).ToList();
        var deadPixels = new List<int>();
        var noisyPixels = new List<int>();
        for (var i = 0; i < errors.DeadPixels + errors.NoisyPixels; i++)
        {
            var at = random.Next(candidates.Count);
            var pixel = candidates[at];
            candidates.RemoveAt(at);
            if (i < errors.DeadPixels)
            {
                dead[pixel] = true;
                // Stuck somewhere in the range a hand scene covers, so its value alone does not give it away.
                stuck[pixel] = (float)(10 + (40 * random.NextDouble()));
                deadPixels.Add(pixel);
            }
            else
            {
                noisy[pixel] = true;
                noisyPixels.Add(pixel);
            }
        }

        deadPixels.Sort();
        noisyPixels.Sort();
        DeadPixels = deadPixels;
        NoisyPixels = noisyPixels;
        noise = new Random(unchecked((errors.Seed * 7919) + 17));
    }

    /// <summary>The error settings these were drawn from.</summary>
    public PixelResponseErrors Errors { get; }

    /// <summary>Per-pixel gain (about 1), row-major.</summary>
    public IReadOnlyList<float> Gain => gain;

    /// <summary>Per-pixel offset (°C), without the common offset, warm-up or drift.</summary>
    public IReadOnlyList<float> OffsetCelsius => offset;

    /// <summary>The reading of each dead pixel (°C); 0 for the others.</summary>
    public IReadOnlyList<float> StuckCelsius => stuck;

    /// <summary>Pixels stuck at one reading, ascending.</summary>
    public IReadOnlyList<int> DeadPixels { get; }

    /// <summary>Pixels with extra temporal noise, ascending.</summary>
    public IReadOnlyList<int> NoisyPixels { get; }

    /// <summary>
    /// Draws the errors of one sensor. <paramref name="calibration"/> (optional) keeps planted dead and noisy pixels off
    /// the EEPROM's deviating pixels. Throws <see cref="ArgumentException"/> for settings no sensor could have.
    /// </summary>
    public static PlantedPixelErrors Draw(PixelResponseErrors errors, Mlx90640Calibration? calibration = null)
    {
        ArgumentNullException.ThrowIfNull(errors);
        if (errors.Validate() is { } problem)
        {
            throw new ArgumentException(problem, nameof(errors));
        }

        return new PlantedPixelErrors(errors, p => calibration?.IsDeviatingPixel(p) ?? false);
    }

    /// <summary>The offset every pixel shares at <paramref name="sincePowerOn"/>: common + warm-up remainder + drift (°C).</summary>
    public double SharedOffsetCelsius(TimeSpan sincePowerOn)
    {
        var t = Math.Max(0, sincePowerOn.TotalSeconds);
        var tau = Errors.WarmUpTimeConstant.TotalSeconds;
        var warmUp = tau > 0 ? Errors.WarmUpOffsetCelsius * Math.Exp(-t / tau) : 0;
        return Errors.CommonOffsetCelsius + warmUp + (Errors.OffsetDriftCelsiusPerHour * t / 3600);
    }

    /// <summary>What pixel <paramref name="pixel"/> reports for a true <paramref name="celsius"/>, without the noisy pixels' extra noise.</summary>
    public double ExpectedReading(int pixel, double celsius, TimeSpan sincePowerOn)
        => dead[pixel] ? stuck[pixel] : (gain[pixel] * celsius) + offset[pixel] + SharedOffsetCelsius(sincePowerOn);

    /// <summary>Turns the scene's true temperatures into what the pixels report, in place (one measurement).</summary>
    public void Apply(Span<float> temperaturesCelsius, TimeSpan sincePowerOn)
    {
        if (temperaturesCelsius.Length != PixelCount)
        {
            throw new ArgumentException($"An image has {PixelCount} pixels, not {temperaturesCelsius.Length}.", nameof(temperaturesCelsius));
        }

        var shared = (float)SharedOffsetCelsius(sincePowerOn);
        for (var p = 0; p < PixelCount; p++)
        {
            if (dead[p])
            {
                temperaturesCelsius[p] = stuck[p];
                continue;
            }

            var value = (gain[p] * temperaturesCelsius[p]) + offset[p] + shared;
            if (noisy[p])
            {
                value += (float)(Errors.NoisyPixelSigmaCelsius * Gaussian(noise));
            }

            temperaturesCelsius[p] = value;
        }
    }

    private static double Gaussian(Random random)
    {
        // Box–Muller; 1 − u keeps the logarithm finite.
        var u1 = 1.0 - random.NextDouble();
        var u2 = random.NextDouble();
        return Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2.0 * Math.PI * u2);
    }
}
