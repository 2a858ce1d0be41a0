namespace ThermoHand.Worker.Streaming;

/// <summary>One queued message as stored: its sequence number and its <c>DeviceMessage</c> JSON (UTF-8).</summary>
public readonly record struct OutboxRecord(long Sequence, ReadOnlyMemory<byte> Json);

/// <summary>
/// Consecutive queued messages read for one upload, oldest first. <see cref="RequestedFrom"/> is the sequence the
/// reader asked for; when it is below <see cref="FirstSequence"/>, those messages are no longer on this device
/// (they were deleted after an acknowledgement the dashboard has since lost).
/// </summary>
public sealed record OutboxBatch(long RequestedFrom, IReadOnlyList<OutboxRecord> Records)
{
    public bool IsEmpty => Records.Count == 0;

    public long FirstSequence => Records.Count == 0 ? RequestedFrom : Records[0].Sequence;

    public long LastSequence => Records.Count == 0 ? RequestedFrom - 1 : Records[^1].Sequence;

    public long JsonBytes => Records.Sum(r => (long)r.Json.Length);
}
