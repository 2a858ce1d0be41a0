using ThermoHand.Calibration;
using ThermoHand.Mlx90640.Emulation;

namespace ThermoHand.Worker.Tests.Calibration;

/// <summary>Calibration files for tests, made with the real file format (SiteCalibrationFile).</summary>
public static class CalibrationFiles
{
    /// <summary>The id of the emulated default sensor (the Melexis sample EEPROM, words 0x2407–0x2409).</summary>
    public static string EmulatedSensorId
    {
        get
        {
            ReadOnlySpan<ushort> words = EmulatedMlx90640.DefaultEepromWords.Span;
            return $"{words[7]:X4}{words[8]:X4}{words[9]:X4}";
        }
    }

    public static string NewDirectory() => Directory.CreateTempSubdirectory("thermohand-cal-").FullName;

    /// <summary>A calibration that changes nothing (gain 1, offset 0) with the given dates; <paramref name="offsetCelsius"/> shifts every pixel.</summary>
    public static SiteCalibration Identity(string sensorId, DateTimeOffset created, DateTimeOffset expires, int version = 1, float offsetCelsius = 0) =>
        new(sensorId, version, created, expires, Enumerable.Repeat(1f, SiteCalibration.PixelCount).ToArray(),
            Enumerable.Repeat(offsetCelsius, SiteCalibration.PixelCount).ToArray(), [], new CalibrationQuality { Passed = true });

    /// <summary>Saves <paramref name="calibration"/> in its sensor's folder and returns the file.</summary>
    public static string Save(string directory, SiteCalibration calibration) => new CalibrationLibrary(directory).Save(calibration);

    /// <summary>Changes one digit inside the body, as a bad copy or a hand edit would: the checksum no longer matches.</summary>
    public static void Damage(string file)
    {
        string text = File.ReadAllText(file);
        int at = text.IndexOf("\"gain\":[1", StringComparison.Ordinal);
        Assert.True(at > 0, "the test file has the expected layout");
        File.WriteAllText(file, text.Remove(at + 8, 1).Insert(at + 8, "2"));
    }
}
