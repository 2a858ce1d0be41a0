using ThermoHand.Analysis;
using ThermoHand.Mlx90640;

namespace ThermoHand.Recording.Native;

/// <summary>How the reflected (background) temperature Tr fed to the temperature calculation is chosen.</summary>
public enum ReflectedTemperatureMode : byte
{
    /// <summary>Tr = die temperature Ta minus <see cref="ReflectedTemperatureRule.Value"/> (the vendor's default: Ta − 8 °C).</summary>
    AmbientMinusOffset = 0,

    /// <summary>Tr = <see cref="ReflectedTemperatureRule.Value"/> °C, e.g. a measured room temperature.</summary>
    Fixed = 1,
}

/// <summary>The rule for Tr, stored so that a recording can be recomputed exactly as it was shown live.</summary>
public readonly record struct ReflectedTemperatureRule(ReflectedTemperatureMode Mode, double Value)
{
    /// <summary>The vendor reference's rule: Tr = Ta − 8 °C (TA_SHIFT).</summary>
    public static ReflectedTemperatureRule VendorDefault => new(ReflectedTemperatureMode.AmbientMinusOffset, 8.0);

    /// <summary>Tr in °C for a subpage whose die temperature is <paramref name="ambientTemperature"/>.</summary>
    public double Resolve(double ambientTemperature)
        => Mode == ReflectedTemperatureMode.Fixed ? Value : ambientTemperature - Value;

    public override string ToString()
        => Mode == ReflectedTemperatureMode.Fixed ? $"fixed {Value:0.##} °C" : $"Ta - {Value:0.##} °C";
}

/// <summary>
/// Everything about a session that is fixed when it starts: the sensor's EEPROM (so its calibration can be
/// re-extracted), the sensor settings, the emissivity and Tr rule used live, who and what was recorded.
/// </summary>
public sealed record RecordingHeader
{
    public RecordingHeader(ushort[] eepromWords)
    {
        ArgumentNullException.ThrowIfNull(eepromWords);
        if (eepromWords.Length != RecordingFormat.EepromWordCount)
        {
            throw new ArgumentException(
                $"A recording header holds the whole EEPROM ({RecordingFormat.EepromWordCount} words), not {eepromWords.Length}.",
                nameof(eepromWords));
        }

        EepromWords = eepromWords;
    }

    /// <summary>Sensor EEPROM 0x2400–0x273F, 832 words.</summary>
    public ushort[] EepromWords { get; }

    /// <summary>Control register 0x800D as configured for the session: refresh rate, ADC resolution, reading pattern.</summary>
    public ushort ControlRegister { get; init; } = 0x1901; // chess, 18-bit, 2 Hz: the sensor's factory setting.

    public float Emissivity { get; init; } = 1.0f;

    public ReflectedTemperatureRule ReflectedTemperature { get; init; } = ReflectedTemperatureRule.VendorDefault;

    /// <summary>Which device made the recording (host name or serial of the ThermoHand unit).</summary>
    public string DeviceId { get; init; } = "";

    /// <summary>The sensor's identity (e.g. its EEPROM ID words as hex), so a swapped sensor is noticed.</summary>
    public string SensorId { get; init; } = "";

    public Hand Hand { get; init; } = Hand.Left;

    /// <summary>Name of the protocol preset (e.g. "cold-water-15C-60s").</summary>
    public string ProtocolPreset { get; init; } = "";

    /// <summary>Wall-clock time when session time 0 was taken.</summary>
    public DateTimeOffset StartedUtc { get; init; } = DateTimeOffset.UnixEpoch;

    /// <summary>Free text naming the software that wrote the file (for support, not parsed).</summary>
    public string Software { get; init; } = "ThermoHand";

    /// <summary>Subpage rate in Hz from control register bits 7–9 (0 = 0.5 Hz … 7 = 64 Hz); a full image arrives at half this rate.</summary>
    public double RefreshRateHz => 0.5 * (1 << ((ControlRegister >> 7) & 0x7));

    /// <summary>ADC resolution from control register bits 10–11 (0 = 16 … 3 = 19 bit).</summary>
    public int AdcResolutionBits => 16 + ((ControlRegister >> 10) & 0x3);

    /// <summary>Reading pattern from control register bit 12.</summary>
    public ReadingPattern Pattern => (ControlRegister & 0x1000) != 0 ? ReadingPattern.Chess : ReadingPattern.Interleaved;
}
