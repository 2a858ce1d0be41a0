namespace ThermoHand.Mlx90640.Emulation;

/// <summary>How the emulated MLX90640 is built: its EEPROM, the conditions it measures in, and the faults it injects.</summary>
public sealed record EmulatedMlx90640Options
{
    /// <summary>832 EEPROM words from 0x2400; null = the embedded Melexis sample (<see cref="EmulatedMlx90640.DefaultEepromWords"/>).</summary>
    public ReadOnlyMemory<ushort>? EepromWords { get; init; }

    /// <summary>Die temperature Ta the raw words encode. A sensor's die runs ≈8 °C above room air (pitfall 20).</summary>
    public float DieTemperatureCelsius { get; init; } = 31f;

    /// <summary>Supply voltage the raw words encode.</summary>
    public float SupplyVoltage { get; init; } = 3.3f;

    /// <summary>Emissivity of the scene (the driver must use the same to get the scene back).</summary>
    public float Emissivity { get; init; } = 0.98f;

    /// <summary>Reflected temperature of the scene; null = die temperature − 8 °C, as the driver assumes by default.</summary>
    public float? ReflectedTemperatureCelsius { get; init; }

    /// <summary>Per-pixel gain/offset errors, dead and noisy pixels, warm-up and drift; null = a perfect sensor.</summary>
    public PixelResponseErrors? PixelErrors { get; init; }

    /// <summary>Faults to inject (none by default).</summary>
    public EmulatedFaults Faults { get; init; } = new();
}
