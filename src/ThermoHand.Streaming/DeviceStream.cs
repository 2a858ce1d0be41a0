// CONTRACT — written by the lead so the device worker and the clinic dashboard can be built at the same time.
// Both sides may add members; changing the meaning of an existing one needs both sides (and docs/device-stream.md).
using System.Text.Json;
using System.Text.Json.Serialization;

namespace ThermoHand.Streaming;

/// <summary>
/// One message from a device to the dashboard. Every message a device produces gets the next
/// <see cref="Sequence"/> number of that device (1, 2, 3, … with no gaps), is written to the device's on-disk queue
/// first, and is sent in order. The server stores a message once (by device and sequence) and acknowledges the highest
/// contiguous sequence it holds, so a device that was offline resends from there: no gaps, no duplicates.
/// </summary>
public sealed record DeviceMessage(
    [property: JsonPropertyName("seq")] long Sequence,
    [property: JsonPropertyName("kind")] string Kind,
    [property: JsonPropertyName("session_id")] string? SessionId,
    [property: JsonPropertyName("utc")] DateTimeOffset CreatedUtc,
    [property: JsonPropertyName("payload")] JsonElement Payload);

/// <summary>The message kinds and what their payload holds (docs/device-stream.md has the payload schemas).</summary>
public static class DeviceMessageKinds
{
    /// <summary>A session was set up: pseudonymous patient reference, hand(s), protocol preset, sensor settings.</summary>
    public const string SessionStarted = "session_started";

    /// <summary>A protocol event (SessionEvent: t_s, type) of a session.</summary>
    public const string Event = "event";

    /// <summary>One thermal image of one hand: t_s, hand, 768 temperatures (null = invalid), region readings.</summary>
    public const string Frame = "frame";

    /// <summary>Room temperature/humidity and water-bath readings.</summary>
    public const string Environment = "environment";

    /// <summary>An analysis result (thermohand/analysis/v1 JSON), provisional during the session or final.</summary>
    public const string Analysis = "analysis";

    /// <summary>The session ended: completed, aborted or recovered after a crash.</summary>
    public const string SessionEnded = "session_ended";

    /// <summary>Device health (frame age, I2C error rate, free space, analysis available). Not tied to a session.</summary>
    public const string Status = "status";
}

/// <summary>Body of <c>POST /api/device/v1/messages</c>: consecutive messages of one device, oldest first.</summary>
public sealed record DeviceBatch(
    [property: JsonPropertyName("device_id")] string DeviceId,
    [property: JsonPropertyName("messages")] IReadOnlyList<DeviceMessage> Messages);

/// <summary>
/// The server's answer to a batch (HTTP 200), and to <c>GET /api/device/v1/ack</c>: the highest sequence it has stored
/// for this device with nothing missing before it. A batch that starts after a gap is answered 409 with the same body,
/// so the device resends from <see cref="AcknowledgedThrough"/> + 1.
/// </summary>
public sealed record DeviceAck([property: JsonPropertyName("acknowledged_through")] long AcknowledgedThrough);

/// <summary>How a device proves who it is: <c>Authorization: Device DEVICE_ID:SECRET</c> on every request.</summary>
public static class DeviceAuthentication
{
    public const string Scheme = "Device";

    public const string MessagesPath = "/api/device/v1/messages";

    public const string AckPath = "/api/device/v1/ack";

    public static JsonSerializerOptions JsonOptions { get; } = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.Never,
    };
}
