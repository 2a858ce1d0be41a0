using System.Text.Json;
using ThermoHand.Streaming;

namespace ThermoHand.Dashboard.Tests.Ingest;

/// <summary>
/// Reference-check messages as the worker sends them. <see cref="RealSessionStarted"/> and <see cref="RealFailedCheckEvent"/>
/// are payloads copied from a dashboard that a real worker (scripts/run.sh, simulated SSc patient, 2026-11-27) fed:
/// a check run 0.1 min after power-on, so it failed by +1.398 °C — sent once in session_started and once as an event.
/// </summary>
internal static class ReferenceCheckMessages
{
    public const string SensorId = "1710A2240185";

    public const string CalibrationId = "1710A2240185/v1";

    private const string FailedCheck =
        """{"sensor_id":"1710A2240185","hand":"right","calibration_id":"1710A2240185/v1","checked_utc":"2026-11-27T07:16:24.6828103\u002B00:00","reference_c":35,"measured_c":36.398,"error_c":1.398,"tolerance_c":0.5,"images":8,"region_pixels":48,"region_spread_c":0.108,"pass":false,"message":"reference check FAILED for sensor 1710A2240185 (right hand): measured 36.40 \u00B0C against the 35.00 \u00B0C target, error \u002B1.40 \u00B0C is outside \u00B10.50 \u00B0C. Absolute temperatures of this session may be off by that much: check the target\u0027s temperature and position, let the sensor warm up, or recalibrate the sensor (thermohand calibrate)"}""";

    public static readonly string RealSessionStarted =
        """{"patient_ref":"SIM-0001","hands":["right"],"preset":{"name":"manchester","water_c":15,"immersion_s":60,"acclimatisation_s":1200,"baseline_s":120,"rewarming_s":900},"emissivity":0.98,"reflected_temperature_rule":"right: sensor Ta \u2212 8 \u00B0C","sensors":[{"hand":"right","sensor_id":"1710A2240185","refresh_hz":4,"calibration":{"id":"1710A2240185/v1","sensor_id":"1710A2240185","version":1,"created_utc":"2026-11-27T05:46:31\u002B00:00","expires_utc":"2036-11-24T05:46:31\u002B00:00","validity":"valid","sha256":"10e8939e684863808edba23049d858928ddaf51a15703e055d33364611d64231","file":"v0001.thcal.json"},"calibration_flags":[]}],"started_utc":"2026-11-27T07:16:25.0045543\u002B00:00","reference_checks":["""
        + FailedCheck + "]}";

    public static readonly string RealFailedCheckEvent =
        """{"t_s":2.062,"type":"reference_check","hand":"right","detail":"reference check FAILED for sensor 1710A2240185 (right hand): measured 36.40 \u00B0C against the 35.00 \u00B0C target","reference_check":"""
        + FailedCheck + "}";

    public static readonly DateTimeOffset CheckedUtc = DateTimeOffset.Parse("2026-11-27T07:16:24.6828103+00:00", System.Globalization.CultureInfo.InvariantCulture);

    public static DeviceMessage Message(long seq, string kind, string sessionId, string payload) =>
        new(seq, kind, sessionId, new DateTimeOffset(2026, 11, 27, 7, 16, 25, TimeSpan.Zero), JsonDocument.Parse(payload).RootElement.Clone());

    /// <summary>A reference check object; <paramref name="measured"/> null = no image arrived.</summary>
    public static Dictionary<string, object?> Check(string sensorId, string hand, string calibrationId, DateTimeOffset checkedUtc, double target, double? measured, bool pass, double tolerance = 0.5) => new()
    {
        ["sensor_id"] = sensorId,
        ["hand"] = hand,
        ["calibration_id"] = calibrationId,
        ["checked_utc"] = checkedUtc.ToString("O"),
        ["reference_c"] = target,
        ["measured_c"] = measured,
        ["error_c"] = measured is { } m ? Math.Round(m - target, 3) : null,
        ["tolerance_c"] = tolerance,
        ["images"] = measured is null ? 0 : 8,
        ["region_pixels"] = 48,
        ["region_spread_c"] = measured is null ? null : 0.09,
        ["pass"] = pass,
        ["message"] = $"reference check {(pass ? "passed" : "FAILED")} for sensor {sensorId} ({hand} hand)",
    };

    /// <summary>A session_started as the worker sends it: sensors with calibration and calibration_flags, and reference_checks.</summary>
    public static DeviceMessage SessionStarted(long seq, string sessionId, DateTimeOffset startedUtc, IReadOnlyList<object> sensors, params object[] checks) =>
        new(seq, DeviceMessageKinds.SessionStarted, sessionId, startedUtc, JsonSerializer.SerializeToElement(new
        {
            patient_ref = "PR-RC-" + sessionId,
            hands = new[] { "right" },
            preset = new { name = "manchester", water_c = 15.0, immersion_s = 60, acclimatisation_s = 1200, baseline_s = 120, rewarming_s = 900 },
            emissivity = 0.98,
            reflected_temperature_rule = "right: sensor Ta − 8 °C",
            sensors,
            started_utc = startedUtc.ToString("O"),
            reference_checks = checks,
        }));

    /// <summary>One entry of session_started's sensors: calibration object or null, and the flags.</summary>
    public static object Sensor(string hand, string sensorId, string? calibrationId, string validity, params string[] flags) => new Dictionary<string, object?>
    {
        ["hand"] = hand,
        ["sensor_id"] = sensorId,
        ["refresh_hz"] = 4,
        ["calibration"] = calibrationId is null ? null : new { id = calibrationId, sensor_id = sensorId, version = int.Parse(calibrationId[(calibrationId.LastIndexOf('v') + 1)..], System.Globalization.CultureInfo.InvariantCulture), validity, sha256 = new string('a', 64), file = "v0001.thcal.json" },
        ["calibration_flags"] = flags,
    };

    public static DeviceMessage CheckEvent(long seq, string sessionId, double t, string hand, object check) =>
        new(seq, DeviceMessageKinds.Event, sessionId, new DateTimeOffset(2026, 11, 27, 7, 16, 25, TimeSpan.Zero),
            JsonSerializer.SerializeToElement(new { t_s = t, type = "reference_check", hand, detail = "reference check (words)", reference_check = check }));
}
