// CONTRACT — written by the lead so the pipeline and the dashboard uploader can be built at the same time.
using System.Text.Json;

namespace ThermoHand.Worker.Streaming;

/// <summary>
/// The device's on-disk queue of messages for the clinic dashboard (docs/device-stream.md). <see cref="Enqueue"/>
/// returns only once the message is durably on disk with its sequence number; the uploader sends and removes
/// acknowledged messages in the background. Enqueue never blocks on the network.
/// </summary>
public interface IDeviceOutbox
{
    /// <summary>
    /// Appends one message (kind from <c>ThermoHand.Streaming.DeviceMessageKinds</c>) and returns its sequence number.
    /// Throws <see cref="IOException"/> with a clear message when the disk is full; nothing is half-written.
    /// </summary>
    long Enqueue(string kind, string? sessionId, JsonElement payload);

    /// <summary>Messages on disk not yet acknowledged by the dashboard (for health checks and the status message).</summary>
    long PendingCount { get; }
}
