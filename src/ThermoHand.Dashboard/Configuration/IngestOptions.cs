using System.Globalization;

namespace ThermoHand.Dashboard.Configuration;

/// <summary>
/// Size limits of the device ingest (<c>POST /api/device/v1/messages</c>, docs/device-stream.md "Limits"). A batch or
/// message over its limit is answered 413 with a problem naming the limit, and nothing of that batch is stored.
/// </summary>
public sealed class IngestOptions
{
    /// <summary>Default batch limit: 4 MiB, four times the largest batch a worker sends with its default
    /// Dashboard:BatchMaxKilobytes (1024 KiB of messages plus the envelope, measured ≈ 1.05 MB).</summary>
    public const long DefaultMaximumBatchBytes = 4L * 1024 * 1024;

    /// <summary>Default message limit: 2 MiB, about eleven times the largest message measured (a final analysis
    /// result of one hand, 186 KB for a 15-minute rewarming at 4 Hz); a frame is about 5.6 KB.</summary>
    public const long DefaultMaximumMessageBytes = 2L * 1024 * 1024;

    /// <summary>Kestrel refuses any request body over 30,000,000 bytes before the ingest sees it; a larger limit could never apply.</summary>
    public const long ServerBodyLimitBytes = 30_000_000;

    /// <summary>Smallest limits accepted: a batch must hold at least one frame message (≈ 5.6 KB) with room to spare.</summary>
    public const long SmallestLimitBytes = 64 * 1024;

    /// <summary>Largest request body (the whole DeviceBatch JSON, in bytes) the device endpoint reads.</summary>
    public long MaximumBatchBytes { get; set; } = DefaultMaximumBatchBytes;

    /// <summary>Largest single message (its JSON inside the batch, in bytes).</summary>
    public long MaximumMessageBytes { get; set; } = DefaultMaximumMessageBytes;

    /// <summary>Each unusable setting, named with what to do (checked at start by <see cref="ValidateDashboardOptions"/>).</summary>
    public IEnumerable<string> Problems()
    {
        if (MaximumBatchBytes < SmallestLimitBytes || MaximumBatchBytes > ServerBodyLimitBytes)
        {
            yield return string.Create(CultureInfo.InvariantCulture,
                $"Dashboard:Ingest:MaximumBatchBytes is {MaximumBatchBytes}; it must be {SmallestLimitBytes}–{ServerBodyLimitBytes} bytes (default {DefaultMaximumBatchBytes}).");
        }

        if (MaximumMessageBytes < SmallestLimitBytes || MaximumMessageBytes > MaximumBatchBytes)
        {
            yield return string.Create(CultureInfo.InvariantCulture,
                $"Dashboard:Ingest:MaximumMessageBytes is {MaximumMessageBytes}; it must be at least {SmallestLimitBytes} bytes and at most Dashboard:Ingest:MaximumBatchBytes ({MaximumBatchBytes}), so that one message always fits a batch (default {DefaultMaximumMessageBytes}).");
        }
    }
}
