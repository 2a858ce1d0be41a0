using System.Text.Json;
using ThermoHand.Streaming;

namespace ThermoHand.Dashboard.Tests.Support;

/// <summary>Builds device messages exactly as docs/device-stream.md describes them, for one device's stream.</summary>
public sealed class StreamMessages(DateTimeOffset? start = null)
{
    private readonly DateTimeOffset start = start ?? new DateTimeOffset(2026, 3, 2, 9, 0, 0, TimeSpan.Zero);

    public DeviceMessage SessionStarted(long seq, string sessionId, string patientReference, params string[] hands) =>
        Message(seq, DeviceMessageKinds.SessionStarted, sessionId, 0, new
        {
            patient_ref = patientReference,
            hands = hands.Length == 0 ? ["left"] : hands,
            preset = new { name = "standard-15C-60s", water_c = 15.0, immersion_s = 60, acclimatisation_s = 900, baseline_s = 60, rewarming_s = 900 },
            emissivity = 0.98,
            reflected_temperature_rule = "room",
            sensors = new { left = new { sensor_id = "0x1234", refresh_hz = 4 } },
            started_utc = start.ToString("O"),
        });

    public DeviceMessage Event(long seq, string sessionId, double t, string type, string? hand = null) =>
        Message(seq, DeviceMessageKinds.Event, sessionId, t, new { t_s = t, type, hand });

    /// <summary>A frame whose every pixel is <paramref name="celsius"/> except pixel 0 (invalid, null) and pixel 1 (celsius + 1.23).</summary>
    public DeviceMessage Frame(long seq, string sessionId, double t, string hand, double celsius, string state = "rewarming") =>
        Message(seq, DeviceMessageKinds.Frame, sessionId, t, new
        {
            t_s = t,
            hand,
            temps = Enumerable.Range(0, 768).Select(i => i == 0 ? (double?)null : i == 1 ? celsius + 1.23 : celsius).ToArray(),
            regions = new object[]
            {
                new { name = "D2", digit = 2, t_c = celsius - 0.5, x = 10.5, y = 3.0, trusted = true, flag = (string?)null },
                new { name = "dorsum", digit = (int?)null, t_c = celsius + 1.0, x = 16.0, y = 15.0, trusted = true, flag = (string?)null },
            },
            state,
            state_elapsed_s = t,
            state_remaining_s = 900 - t,
        });

    public DeviceMessage Environment(long seq, string sessionId, double t, double room, double water, params string[] deviations) =>
        Message(seq, DeviceMessageKinds.Environment, sessionId, t, new { t_s = t, room_c = room, humidity_pct = 40.0, water_c = water, deviations });

    public DeviceMessage Analysis(long seq, string sessionId, string hand, bool final, double dddMean) =>
        Message(seq, DeviceMessageKinds.Analysis, sessionId, 0, new
        {
            hand,
            final,
            result = new
            {
                schema = "thermohand/analysis/v1",
                hand,
                rois = Array.Empty<object>(),
                ddd_c = new { mean = dddMean },
                quality = new { flags = Array.Empty<string>(), frames_used = 10, frames_rejected = 0 },
            },
        });

    public DeviceMessage Ended(long seq, string sessionId, double t, string outcome = "completed") =>
        Message(seq, DeviceMessageKinds.SessionEnded, sessionId, t, new { t_s = t, outcome });

    public DeviceMessage Status(long seq) =>
        Message(seq, DeviceMessageKinds.Status, null, 0, new { frame_age_s = 0.3, i2c_error_rate = 0.0, free_bytes = 1_000_000_000L, analysis_available = true, state = "idle", queue_length = 0 });

    public DeviceMessage Raw(long seq, string kind, string? sessionId, object payload) => Message(seq, kind, sessionId, 0, payload);

    private DeviceMessage Message(long seq, string kind, string? sessionId, double t, object payload) =>
        new(seq, kind, sessionId, start.AddSeconds(t), JsonSerializer.SerializeToElement(payload));
}
