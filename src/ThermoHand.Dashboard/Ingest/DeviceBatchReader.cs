using System.Buffers;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text.Json;
using Microsoft.Extensions.Options;
using ThermoHand.Dashboard.Configuration;
using ThermoHand.Dashboard.Storage;
using ThermoHand.Streaming;

namespace ThermoHand.Dashboard.Ingest;

/// <summary>What reading a device's request body gave: the batch (null for an empty or "null" body), or the answer refusing it.</summary>
public sealed record DeviceBatchRead(DeviceBatch? Batch, IResult? Refusal);

/// <summary>
/// Reads the body of <c>POST /api/device/v1/messages</c> within the documented limits (docs/device-stream.md, "Limits";
/// <see cref="IngestOptions"/>): a body over <c>Dashboard:Ingest:MaximumBatchBytes</c>, or a message in it over
/// <c>Dashboard:Ingest:MaximumMessageBytes</c>, is refused with 413 and a problem naming the limit before anything is
/// stored; a body that is not a DeviceBatch is refused with 400. Memory stays bounded by the batch limit whatever the
/// client declares or sends.
/// </summary>
public sealed partial class DeviceBatchReader(IOptions<DashboardOptions> options, IClinicStore store, ILogger<DeviceBatchReader> logger)
{
    public const string BatchLimitSetting = "Dashboard:Ingest:MaximumBatchBytes";

    public const string MessageLimitSetting = "Dashboard:Ingest:MaximumMessageBytes";

    private IngestOptions Limits => options.Value.Ingest;

    public async Task<DeviceBatchRead> ReadAsync(string deviceId, HttpRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var batchLimit = Limits.MaximumBatchBytes;
        if (request.ContentLength is null or > 0 && !request.HasJsonContentType())
        {
            return new DeviceBatchRead(null, Results.Problem(
                statusCode: StatusCodes.Status415UnsupportedMediaType, title: "Unsupported media type",
                detail: $"The body must be a DeviceBatch sent as application/json, not '{request.ContentType}'."));
        }

        if (request.ContentLength is { } declared && declared > batchLimit)
        {
            // Refused unread. Kestrel itself reads off what the device is still sending, so it gets the 413 (tested).
            return await TooLargeAsync(deviceId, declared, cancellationToken);
        }

        byte[] body;
        try
        {
            body = await ReadWithinAsync(request.Body, batchLimit, cancellationToken);
        }
        catch (BodyTooLargeException)
        {
            return await TooLargeAsync(deviceId, null, cancellationToken);
        }
        catch (BadHttpRequestException problem) when (problem.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return await TooLargeAsync(deviceId, null, cancellationToken);
        }

        if (body.Length == 0)
        {
            return new DeviceBatchRead(null, null); // the ingest answers what an empty body should be
        }

        try
        {
            using var document = JsonDocument.Parse(body);
            if (OversizedMessage(document.RootElement) is { } oversized)
            {
                return await MessageTooLargeAsync(deviceId, oversized.Index, oversized.Sequence, oversized.Bytes, cancellationToken);
            }

            return new DeviceBatchRead(document.Deserialize<DeviceBatch>(DeviceAuthentication.JsonOptions), null);
        }
        catch (JsonException problem)
        {
            // The parser's message names a position (line, byte, JSON path), never a value from the body.
            return await NotABatchAsync(deviceId, $"the body is not a DeviceBatch ({{\"device_id\": …, \"messages\": [...]}}): {problem.Message}", cancellationToken);
        }
    }

    /// <summary>The first message whose JSON is over the message limit: its index, its seq when readable, its size.</summary>
    private (int Index, long? Sequence, long Bytes)? OversizedMessage(JsonElement root)
    {
        if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("messages", out var messages) || messages.ValueKind != JsonValueKind.Array)
        {
            return null; // the shape is the deserialiser's and the ingest's to judge
        }

        var index = 0;
        foreach (var message in messages.EnumerateArray())
        {
            long bytes = JsonMarshal.GetRawUtf8Value(message).Length;
            if (bytes > Limits.MaximumMessageBytes)
            {
                long? sequence = message.ValueKind == JsonValueKind.Object && message.TryGetProperty("seq", out var seq) && seq.TryGetInt64(out var s) ? s : null;
                return (index, sequence, bytes);
            }

            index++;
        }

        return null;
    }

    private static async Task<byte[]> ReadWithinAsync(Stream body, long limit, CancellationToken cancellationToken)
    {
        var buffer = new ArrayBufferWriter<byte>(64 * 1024);
        while (true)
        {
            var memory = buffer.GetMemory(64 * 1024);
            var read = await body.ReadAsync(memory, cancellationToken);
            if (read == 0)
            {
                return buffer.WrittenSpan.ToArray();
            }

            buffer.Advance(read);
            if (buffer.WrittenCount > limit)
            {
                throw new BodyTooLargeException();
            }
        }
    }

    private async Task<DeviceBatchRead> TooLargeAsync(string deviceId, long? declaredBytes, CancellationToken cancellationToken)
    {
        var limit = Limits.MaximumBatchBytes;
        var size = declaredBytes is { } b ? string.Create(CultureInfo.InvariantCulture, $"{b} bytes") : string.Create(CultureInfo.InvariantCulture, $"more than {limit} bytes");
        var detail = string.Create(CultureInfo.InvariantCulture,
            $"The batch is {size}; this dashboard takes at most {limit} bytes per batch ({BatchLimitSetting}). Nothing of it was stored: send fewer messages per batch (the worker's Dashboard:BatchMaxKilobytes).");
        LogBatchTooLarge(deviceId, declaredBytes, limit);
        return new DeviceBatchRead(null, await TooLargeResultAsync(deviceId, "Batch too large", detail, limit, declaredBytes, null, cancellationToken));
    }

    private async Task<DeviceBatchRead> MessageTooLargeAsync(string deviceId, int index, long? sequence, long bytes, CancellationToken cancellationToken)
    {
        var limit = Limits.MaximumMessageBytes;
        var which = sequence is { } s ? string.Create(CultureInfo.InvariantCulture, $"Message seq {s}") : string.Create(CultureInfo.InvariantCulture, $"messages[{index}]");
        var detail = string.Create(CultureInfo.InvariantCulture,
            $"{which} is {bytes} bytes; this dashboard takes at most {limit} bytes per message ({MessageLimitSetting}). Nothing of the batch was stored. The message cannot be split: an administrator must raise {MessageLimitSetting} on the dashboard for it to be delivered.");
        LogMessageTooLarge(deviceId, sequence, bytes, limit);
        return new DeviceBatchRead(null, await TooLargeResultAsync(deviceId, "Message too large", detail, limit, bytes, sequence, cancellationToken));
    }

    private async Task<IResult> TooLargeResultAsync(string deviceId, string title, string detail, long limit, long? bytes, long? sequence, CancellationToken cancellationToken) =>
        Results.Problem(statusCode: StatusCodes.Status413PayloadTooLarge, title: title, detail: detail, extensions: new Dictionary<string, object?>
        {
            ["limit_bytes"] = limit,
            ["received_bytes"] = bytes,
            ["seq"] = sequence,
            ["acknowledged_through"] = await store.GetAcknowledgedThroughAsync(deviceId, cancellationToken),
        });

    private async Task<DeviceBatchRead> NotABatchAsync(string deviceId, string problem, CancellationToken cancellationToken)
    {
        LogNotABatch(deviceId, problem);
        var acknowledged = await store.GetAcknowledgedThroughAsync(deviceId, cancellationToken);
        return new DeviceBatchRead(null, Results.BadRequest(new { error = problem, acknowledged_through = acknowledged }));
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Device {DeviceId} sent a batch over the batch limit ({DeclaredBytes} bytes declared; limit {Limit} bytes, Dashboard:Ingest:MaximumBatchBytes); refused with 413, nothing stored")]
    private partial void LogBatchTooLarge(string deviceId, long? declaredBytes, long limit);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Device {DeviceId} sent message seq {Sequence} of {Bytes} bytes, over the message limit ({Limit} bytes, Dashboard:Ingest:MaximumMessageBytes); refused the batch with 413, nothing stored")]
    private partial void LogMessageTooLarge(string deviceId, long? sequence, long bytes, long limit);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Device {DeviceId} sent a malformed batch: {Problem}")]
    private partial void LogNotABatch(string deviceId, string problem);

    private sealed class BodyTooLargeException : Exception;
}
