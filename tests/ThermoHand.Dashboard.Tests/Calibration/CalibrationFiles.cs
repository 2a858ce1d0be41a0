using System.Text;
using System.Text.Json;
using ThermoHand.Calibration;
using ThermoHand.Dashboard.Storage;
using ThermoHand.Streaming;

namespace ThermoHand.Dashboard.Tests.Calibration;

/// <summary>Real calibration files made with the library (<see cref="SiteCalibration"/> + <see cref="SiteCalibrationFile.ToText"/>), and sessions that report one.</summary>
internal static class CalibrationFiles
{
    public const string SensorId = "0A1B2C3D4E5F";

    /// <summary>Pixels 37 (column 5, row 1) and 700 (column 28, row 21) bad; gain and offset vary smoothly over the image.</summary>
    public static SiteCalibration Make(
        string sensorId = SensorId,
        int version = 1,
        DateTimeOffset? created = null,
        DateTimeOffset? expires = null,
        bool passed = true,
        double gainTilt = 0.02)
    {
        var made = created ?? new DateTimeOffset(2026, 3, 1, 8, 0, 0, TimeSpan.Zero);
        var gain = new float[SiteCalibration.PixelCount];
        var offset = new float[SiteCalibration.PixelCount];
        for (var i = 0; i < gain.Length; i++)
        {
            var column = i % SiteCalibration.Columns;
            var row = i / SiteCalibration.Columns;
            gain[i] = (float)(1 + (gainTilt * ((column - 15.5) / 15.5)));
            offset[i] = (float)(0.4 * ((row - 11.5) / 11.5));
        }

        var limits = new CalibrationLimits();
        var quality = new CalibrationQuality
        {
            FitTargetsCelsius = [20, 36],
            VerificationTargetCelsius = 30,
            MeanAbsoluteErrorBeforeCelsius = 0.62,
            MaxAbsoluteErrorBeforeCelsius = 1.9,
            MeanAbsoluteErrorAfterCelsius = passed ? 0.12 : 0.41,
            MaxAbsoluteErrorAfterCelsius = passed ? 0.55 : 1.3,
            MedianNoiseCelsius = 0.11,
            UniformityCelsius = passed ? 0.09 : 0.35,
            BadPixelCount = 2,
            Limits = limits,
            Passed = passed,
            Failures = passed ? [] :
            [
                "mean absolute error 0.41 °C is above the limit 0.30 °C",
                "maximum absolute error 1.30 °C is above the limit 1.00 °C",
                "uniformity 0.35 °C is above the limit 0.30 °C",
            ],
        };
        return new SiteCalibration(sensorId, version, made, expires ?? made.AddDays(365), gain, offset, [37, 700], quality);
    }

    public static string Text(SiteCalibration calibration) => SiteCalibrationFile.ToText(calibration);

    public static byte[] Bytes(SiteCalibration calibration) => Encoding.UTF8.GetBytes(Text(calibration));

    /// <summary>The file with one digit of the body changed after the checksum was made.</summary>
    public static string Damaged(SiteCalibration calibration)
    {
        var text = Text(calibration);
        var at = text.IndexOf("\"verificationTargetCelsius\":30", StringComparison.Ordinal);
        Assert.True(at > 0, "the test file has the verification target where the test expects it");
        return text.Remove(at, "\"verificationTargetCelsius\":30".Length).Insert(at, "\"verificationTargetCelsius\":31");
    }

    /// <summary>A session_started whose settings say which calibration each sensor used (as the worker sends it).</summary>
    public static DeviceMessage SessionStarted(long seq, string sessionId, DateTimeOffset startedUtc, params (string Hand, string SensorId, object? Calibration)[] sensors) =>
        new(seq, DeviceMessageKinds.SessionStarted, sessionId, startedUtc, JsonSerializer.SerializeToElement(new
        {
            patient_ref = "PR-CAL-" + sessionId,
            hands = sensors.Select(s => s.Hand).ToArray(),
            preset = new { name = "standard-15C-60s", water_c = 15.0, immersion_s = 60, acclimatisation_s = 900, baseline_s = 60, rewarming_s = 900 },
            emissivity = 0.98,
            reflected_temperature_rule = "room",
            sensors = sensors.Select(s => new Dictionary<string, object?> { ["hand"] = s.Hand, ["sensor_id"] = s.SensorId, ["refresh_hz"] = 4, ["calibration"] = s.Calibration }).ToArray(),
            started_utc = startedUtc.ToString("O"),
        }));

    /// <summary>The calibration object the worker puts in a sensor's settings (its sha256 is the whole file's, as the worker reports it).</summary>
    public static object Used(SiteCalibration calibration, string validity = "valid") => new
    {
        id = calibration.Id,
        sensor_id = calibration.SensorId,
        version = calibration.Version,
        validity,
        sha256 = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(Bytes(calibration))),
        file = $"v{calibration.Version:D4}.thcal.json",
    };

    public static string BodySha256(SiteCalibration calibration)
    {
        using var document = JsonDocument.Parse(Text(calibration));
        return document.RootElement.GetProperty("sha256").GetString()!;
    }

    public static NewSiteCalibration ForStore(SiteCalibration calibration, string uploadedBy = "tech", DateTimeOffset? at = null)
    {
        var bytes = Bytes(calibration);
        return new NewSiteCalibration(calibration.SensorId, calibration.Version, BodySha256(calibration),
            Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(bytes)), $"v{calibration.Version:D4}.thcal.json", bytes,
            calibration.CreatedUtc, calibration.ExpiresUtc, calibration.Quality.Passed, calibration.BadPixels.Count, uploadedBy,
            at ?? new DateTimeOffset(2026, 3, 2, 10, 0, 0, TimeSpan.Zero));
    }
}
