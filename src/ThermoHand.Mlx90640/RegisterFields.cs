namespace ThermoHand.Mlx90640;

/// <summary>
/// Bit fields of the status (0x8000) and control (0x800D) registers as pure functions, so read-modify-write touches
/// exactly the bits it means to (pitfall 7: a wrong mask silently changes the pattern or subpage mode).
/// </summary>
public static class RegisterFields
{
    /// <summary>Status bit 0: the subpage that was measured last (0 or 1). Bits 1–2 are unused in subpage mode.</summary>
    public const ushort StatusLastSubpageMask = 0x0001;

    /// <summary>Status bit 3: a measurement has completed and its data are in RAM.</summary>
    public const ushort StatusNewDataMask = 0x0008;

    /// <summary>Status bit 4: the device may overwrite RAM while new data are pending.</summary>
    public const ushort StatusOverwriteEnableMask = 0x0010;

    /// <summary>Status bit 5: start of measurement (step mode; self-clearing).</summary>
    public const ushort StatusStartMeasurementMask = 0x0020;

    /// <summary>
    /// What the driver writes to 0x8000 after seeing new data (as the vendor reference's <c>MLX90640_INIT_STATUS_VALUE</c>):
    /// clears bit 3, keeps overwrite enabled. The device rewrites the register itself, so it is never read back to verify.
    /// </summary>
    public const ushort StatusClearNewData = 0x0030;

    public const ushort RefreshRateMask = 0x0380;
    public const ushort ResolutionMask = 0x0C00;
    public const ushort ReadingPatternMask = 0x1000;

    public static RefreshRate GetRefreshRate(ushort control) => (RefreshRate)(control & RefreshRateMask);

    public static AdcResolution GetResolution(ushort control) => (AdcResolution)(control & ResolutionMask);

    public static ReadingPattern GetReadingPattern(ushort control) =>
        (control & ReadingPatternMask) != 0 ? ReadingPattern.Chess : ReadingPattern.Interleaved;

    public static ushort WithRefreshRate(ushort control, RefreshRate rate)
    {
        if (((ushort)rate & ~RefreshRateMask) != 0)
        {
            throw new ArgumentOutOfRangeException(nameof(rate), rate, "Not a refresh-rate value of control register bits 7–9.");
        }

        return (ushort)((control & ~RefreshRateMask) | (ushort)rate);
    }

    public static ushort WithResolution(ushort control, AdcResolution resolution)
    {
        if (((ushort)resolution & ~ResolutionMask) != 0)
        {
            throw new ArgumentOutOfRangeException(nameof(resolution), resolution, "Not a resolution value of control register bits 10–11.");
        }

        return (ushort)((control & ~ResolutionMask) | (ushort)resolution);
    }

    public static ushort WithReadingPattern(ushort control, ReadingPattern pattern) => pattern switch
    {
        ReadingPattern.Chess => (ushort)(control | ReadingPatternMask),
        ReadingPattern.Interleaved => (ushort)(control & ~ReadingPatternMask),
        _ => throw new ArgumentOutOfRangeException(nameof(pattern), pattern, "Reading pattern is chess or interleaved."),
    };

    /// <summary>Subpage rate in hertz: 0.5 × 2^setting (0.5 … 64 Hz).</summary>
    public static double ToHertz(this RefreshRate rate)
    {
        var setting = ((ushort)rate & RefreshRateMask) >> 7;
        return 0.5 * (1 << setting);
    }

    /// <summary>Time between two subpages at this rate.</summary>
    public static TimeSpan SubpagePeriod(this RefreshRate rate) => TimeSpan.FromSeconds(1.0 / rate.ToHertz());

    /// <summary>The setting for exactly <paramref name="hertz"/> (0.5, 1, 2 … 64); throws naming the value otherwise.</summary>
    public static RefreshRate FromHertz(double hertz)
    {
        for (var setting = 0; setting < 8; setting++)
        {
            if (Math.Abs((0.5 * (1 << setting)) - hertz) < 1e-9)
            {
                return (RefreshRate)(setting << 7);
            }
        }

        throw new ArgumentOutOfRangeException(nameof(hertz), hertz, "The MLX90640 refresh rate is one of 0.5, 1, 2, 4, 8, 16, 32 or 64 Hz.");
    }

    /// <summary>Bits per sample: 16 … 19.</summary>
    public static int ToBits(this AdcResolution resolution) => 16 + (((ushort)resolution & ResolutionMask) >> 10);
}
