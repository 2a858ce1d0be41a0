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
    public static PixelResponseErrors None { get; } = new() { GainSigma = 0, OffsetSigmaCelsius = 0 };

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
}
