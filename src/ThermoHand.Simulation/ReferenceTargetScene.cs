using ThermoHand.Mlx90640;

namespace ThermoHand.Simulation;

/// <summary>What a reference target is: its surface emissivity is what the driver must be told while calibrating.</summary>
public enum ReferenceTargetKind
{
    /// <summary>A flat-plate blackbody calibrator (stated emissivity ≈ 0.98; a cavity is nearer 1).</summary>
    Blackbody,

    /// <summary>The surface of a stirred water bath (emissivity of water ≈ 0.96 in the sensor's 8–14 µm band).</summary>
    StirredWaterBath,
}

/// <summary>
/// A reference target filling the sensor's whole field of view — a blackbody plate or the surface of a stirred water
/// bath — at a temperature the calibration workflow sets, seen with the sensor's temporal noise, together with the
/// reference thermometer that tells the technician the target's temperature (within its stated tolerance). The
/// emulated MLX90640 renders it through its pixel errors, so a calibration against it runs the real driver.
/// Thread-safe: the temperature may be changed while the sensor reads.
/// </summary>
/// <remarks>
/// Temporal noise is part of the scene, as in <see cref="SimulatedHandScene"/> (the emulator itself adds none):
/// default 0.1 °C, the MLX90640's stated NETD of 0.1 K RMS at 1 Hz (clinical.md §9). The thermometer reads
/// <c>true + bias + noise</c>: a fixed bias drawn once within ± its tolerance (a calibrated reference thermometer's
/// certificate states such a tolerance) and a small reading-to-reading noise.
/// </remarks>
public sealed class ReferenceTargetScene : IThermalScene
{
    private const int PixelCount = 768;
    private readonly Lock gate = new();
    private readonly double thermometerBias;
    private double temperature;
    private ulong readings;

    /// <param name="temperatureCelsius">The target's true surface temperature at the start.</param>
    /// <param name="kind">Blackbody or water bath (sets <see cref="Emissivity"/>).</param>
    /// <param name="seed">Seed of the sensor noise and the thermometer's bias and noise.</param>
    /// <param name="temporalNoiseCelsius">Sensor temporal noise per pixel and measurement (°C, SD).</param>
    /// <param name="thermometerToleranceCelsius">The reference thermometer's stated tolerance (°C): its bias lies within ± this.</param>
    public ReferenceTargetScene(
        double temperatureCelsius,
        ReferenceTargetKind kind = ReferenceTargetKind.Blackbody,
        int seed = 1,
        double temporalNoiseCelsius = 0.1,
        double thermometerToleranceCelsius = 0.05)
    {
        if (!(temporalNoiseCelsius is >= 0 and <= 2))
        {
            throw new ArgumentOutOfRangeException(nameof(temporalNoiseCelsius), temporalNoiseCelsius, "Sensor noise must be 0 to 2 °C.");
        }

        if (!(thermometerToleranceCelsius is >= 0 and <= 1))
        {
            throw new ArgumentOutOfRangeException(nameof(thermometerToleranceCelsius), thermometerToleranceCelsius, "A reference thermometer's tolerance must be 0 to 1 °C.");
        }

        Kind = kind;
        Seed = seed;
        TemporalNoiseCelsius = temporalNoiseCelsius;
        ThermometerToleranceCelsius = thermometerToleranceCelsius;
        thermometerBias = SeededNoise.Uniform(seed, SeededNoise.Stream.FixedPattern, 0, -thermometerToleranceCelsius, thermometerToleranceCelsius);
        TemperatureCelsius = temperatureCelsius;
    }

    public ReferenceTargetKind Kind { get; }

    public int Seed { get; }

    /// <summary>Surface emissivity the driver must use while looking at this target.</summary>
    public float Emissivity => EmissivityOf(Kind);

    public double TemporalNoiseCelsius { get; }

    public double ThermometerToleranceCelsius { get; }

    /// <summary>The target's true surface temperature (°C); set it to "change the bath".</summary>
    public double TemperatureCelsius
    {
        get
        {
            lock (gate)
            {
                return temperature;
            }
        }

        set
        {
            if (!(value is > -20 and < 100))
            {
                throw new ArgumentOutOfRangeException(nameof(value), value, "A reference target is kept between −20 and 100 °C.");
            }

            lock (gate)
            {
                temperature = value;
            }
        }
    }

    /// <summary>Emissivity of a target kind: blackbody 0.98, water 0.96.</summary>
    public static float EmissivityOf(ReferenceTargetKind kind) => kind == ReferenceTargetKind.StirredWaterBath ? 0.96f : 0.98f;

    /// <summary>What the reference thermometer shows now: the true temperature plus its bias and a little noise, to 0.01 °C.</summary>
    public double ReadReferenceThermometer()
    {
        lock (gate)
        {
            readings++;
            var noise = 0.2 * ThermometerToleranceCelsius * SeededNoise.Gaussian(Seed, SeededNoise.Stream.HandJitter, readings);
            return Math.Round(temperature + thermometerBias + noise, 2);
        }
    }

    /// <inheritdoc />
    public void Render(TimeSpan elapsed, Span<float> objectTemperaturesCelsius)
    {
        if (objectTemperaturesCelsius.Length != PixelCount)
        {
            throw new ArgumentException($"The scene fills {PixelCount} pixels, not {objectTemperaturesCelsius.Length}.", nameof(objectTemperaturesCelsius));
        }

        var level = TemperatureCelsius;
        var key = (ulong)Math.Max(0, Math.Round(elapsed.TotalMilliseconds)) * PixelCount;
        for (var i = 0; i < PixelCount; i++)
        {
            var noise = TemporalNoiseCelsius > 0 ? TemporalNoiseCelsius * SeededNoise.Gaussian(Seed, SeededNoise.Stream.TemporalNoise, key + (ulong)i) : 0;
            objectTemperaturesCelsius[i] = (float)(level + noise);
        }
    }
}

/// <summary>
/// A calibration bench in memory: an emulated MLX90640 (with the given pixel errors) looking at a
/// <see cref="ReferenceTargetScene"/>, read by the real driver, on a <see cref="SimulatedClock"/> that moves one
/// subpage period per read — so a half-hour warm-up takes seconds of computing and no wall-clock waiting.
/// </summary>
public sealed class ReferenceTargetBench : ISubpageSource
{
    private readonly Mlx90640.Mlx90640 driver;
    private readonly TimeSpan period;

    /// <param name="scene">The target the sensor looks at.</param>
    /// <param name="pixelErrors">The sensor's pixel errors; null = a perfect sensor.</param>
    /// <param name="eepromWords">The sensor's EEPROM; null = the embedded Melexis sample.</param>
    /// <param name="refreshRate">Subpage rate (2 Hz = one full image per second, the rate the NETD is stated near).</param>
    public ReferenceTargetBench(ReferenceTargetScene scene, Mlx90640.Emulation.PixelResponseErrors? pixelErrors, ReadOnlyMemory<ushort>? eepromWords = null, RefreshRate refreshRate = RefreshRate.TwoHertz)
    {
        ArgumentNullException.ThrowIfNull(scene);
        Scene = scene;
        Emulator = new Mlx90640.Emulation.EmulatedMlx90640(
            scene,
            new Mlx90640.Emulation.EmulatedMlx90640Options { EepromWords = eepromWords, Emissivity = scene.Emissivity, PixelErrors = pixelErrors },
            Clock);
        driver = new Mlx90640.Mlx90640(Emulator, Clock) { StatusPollInterval = TimeSpan.Zero };
        driver.ReadingPattern = ReadingPattern.Chess;
        driver.RefreshRate = refreshRate;
        period = refreshRate.SubpagePeriod();
    }

    public SimulatedClock Clock { get; } = new();

    public ReferenceTargetScene Scene { get; }

    public Mlx90640.Emulation.EmulatedMlx90640 Emulator { get; }

    public ReadOnlyMemory<ushort> EepromWords => driver.EepromWords;

    public bool TryReadSubpage(RawSubpage destination, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        Clock.Advance(period);
        return driver.TryReadSubpage(destination, TimeSpan.Zero, cancellationToken)
            ? true
            : throw new IOException($"The emulated sensor had no new subpage at {Clock.Elapsed.TotalSeconds:0.###} s on the bench clock.");
    }

    public void Dispose() => driver.Dispose();
}
