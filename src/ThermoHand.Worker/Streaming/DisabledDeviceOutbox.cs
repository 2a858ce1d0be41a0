using System.Text.Json;

namespace ThermoHand.Worker.Streaming;

/// <summary>
/// The outbox when Dashboard:Url is empty (uplink switched off): nothing is queued, so a device that never reports to
/// a dashboard does not fill its disk with messages nobody will collect. Sessions stay in the local recordings.
/// <see cref="Enqueue"/> returns 0, which is never a real sequence number.
/// </summary>
public sealed class DisabledDeviceOutbox : IDeviceOutbox
{
    public long Enqueue(string kind, string? sessionId, JsonElement payload) => 0;

    public long PendingCount => 0;
}
