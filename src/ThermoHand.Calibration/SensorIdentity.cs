using System.Globalization;

namespace ThermoHand.Calibration;

/// <summary>
/// The sensor's identity as calibrations are keyed: its device id from EEPROM words 0x2407, 0x2408 and 0x2409 (words 7,
/// 8 and 9 of the dump), as 12 upper-case hex digits — the one rule; the worker's ThermalSensor uses it too.
/// </summary>
public static class SensorIdentity
{
    /// <summary>The 12-hex-digit id of the sensor whose EEPROM (832 words from 0x2400) is given.</summary>
    public static string FromEeprom(ReadOnlySpan<ushort> eepromWords)
    {
        if (eepromWords.Length < 10)
        {
            throw new ArgumentException($"An EEPROM dump has 832 words; {eepromWords.Length} cannot hold the device id (words 7–9).", nameof(eepromWords));
        }

        return string.Create(CultureInfo.InvariantCulture, $"{eepromWords[7]:X4}{eepromWords[8]:X4}{eepromWords[9]:X4}");
    }
}
