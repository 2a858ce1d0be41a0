using System.Collections.Concurrent;
using ThermoHand.Dashboard.Live;
using ThermoHand.Dashboard.Storage;
using ThermoHand.Streaming;

namespace ThermoHand.Dashboard.Ingest;

/// <summary>What the device API answers: 200 with the acknowledgement, 409 on a gap, 400 for a malformed batch.</summary>
public enum IngestStatus
{
    Stored,
    Gap,
    Malformed,
}

public sealed record IngestResponse(IngestStatus Status, long AcknowledgedThrough, string? Problem = null);

/// <summary>
/// Takes a device's batch from the API to the database and on to live viewers: checks the batch's shape, reads each
/// payload (<see cref="DeviceMessageInterpreter"/>), stores the batch in one transaction and only then publishes the
/// new messages to the <see cref="LiveHub"/>, so a viewer never sees a message the database does not hold.
/// </summary>
public sealed partial class DeviceIngest(IClinicStore store, LiveHub hub, TimeProvider clock, ILogger<DeviceIngest> logger)
{
    /// <summary>Batches larger than this are refused (400) so one request cannot hold the database for long.</summary>
    public const int MaxMessagesPerBatch = 1000;

    // One batch per device at a time: the device sends sequentially anyway; a retry racing its own original must
    // not interleave (the database transaction is the second guard).
    private readonly ConcurrentDictionary<string, SemaphoreSlim> deviceGates = new(StringComparer.Ordinal);

    public async Task<IngestResponse> IngestAsync(string authenticatedDeviceId, DeviceBatch? batch, CancellationToken cancellationToken)
    {
        if (batch?.Messages is null)
        {
            return await MalformedAsync(authenticatedDeviceId, "the body must be a DeviceBatch: {\"device_id\": …, \"messages\": [...]}", cancellationToken);
        }

        if (!string.Equals(batch.DeviceId, authenticatedDeviceId, StringComparison.Ordinal))
        {
            return await MalformedAsync(authenticatedDeviceId, $"device_id '{batch.DeviceId}' is not the authenticated device '{authenticatedDeviceId}'", cancellationToken);
        }

        if (batch.Messages.Count > MaxMessagesPerBatch)
        {
            return await MalformedAsync(authenticatedDeviceId, $"a batch holds at most {MaxMessagesPerBatch} messages, got {batch.Messages.Count}", cancellationToken);
        }

        for (var i = 0; i < batch.Messages.Count; i++)
        {
            var message = batch.Messages[i];
            if (message is null || message.Sequence < 1)
            {
                return await MalformedAsync(authenticatedDeviceId, $"messages[{i}]: seq must be 1 or more", cancellationToken);
            }

            if (i > 0 && message.Sequence != batch.Messages[i - 1].Sequence + 1)
            {
                return await MalformedAsync(authenticatedDeviceId,
                    $"messages[{i}]: seq {message.Sequence} does not follow {batch.Messages[i - 1].Sequence}; a batch is consecutive messages, oldest first",
                    cancellationToken);
            }
        }

        var interpreted = batch.Messages.Select(DeviceMessageInterpreter.Interpret).ToList();
        var gate = deviceGates.GetOrAdd(authenticatedDeviceId, _ => new SemaphoreSlim(1, 1));
        IngestOutcome outcome;
        await gate.WaitAsync(cancellationToken);
        try
        {
            outcome = await store.StoreBatchAsync(authenticatedDeviceId, interpreted, clock.GetUtcNow(), cancellationToken);
        }
        finally
        {
            gate.Release();
        }

        if (!outcome.Accepted)
        {
            LogGap(authenticatedDeviceId, batch.Messages[0].Sequence, outcome.AcknowledgedThrough);
            return new IngestResponse(IngestStatus.Gap, outcome.AcknowledgedThrough);
        }

        var newSequences = outcome.NewSequences.ToHashSet();
        for (var i = 0; i < batch.Messages.Count; i++)
        {
            if (!newSequences.Contains(batch.Messages[i].Sequence))
            {
                continue; // a duplicate: viewers already had it
            }

            if (interpreted[i] is UnreadableMessage unreadable)
            {
                // The problem names sequence, kind and field only — never payload values such as the patient reference.
                LogUnreadable(authenticatedDeviceId, unreadable.Problem);
                continue;
            }

            hub.Publish(authenticatedDeviceId, batch.Messages[i]);
        }

        return new IngestResponse(IngestStatus.Stored, outcome.AcknowledgedThrough);
    }

    public Task<long> AcknowledgedThroughAsync(string deviceId, CancellationToken cancellationToken) =>
        store.GetAcknowledgedThroughAsync(deviceId, cancellationToken);

    private async Task<IngestResponse> MalformedAsync(string deviceId, string problem, CancellationToken cancellationToken)
    {
        LogMalformed(deviceId, problem);
        return new IngestResponse(IngestStatus.Malformed, await store.GetAcknowledgedThroughAsync(deviceId, cancellationToken), problem);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Device {DeviceId} sent a batch starting at seq {FirstSequence} after a gap; acknowledged through {AcknowledgedThrough}")]
    private partial void LogGap(string deviceId, long firstSequence, long acknowledgedThrough);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Device {DeviceId} sent a message that breaks the stream contract; stored in the message log only: {Problem}")]
    private partial void LogUnreadable(string deviceId, string problem);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Device {DeviceId} sent a malformed batch: {Problem}")]
    private partial void LogMalformed(string deviceId, string problem);
}
