using Microsoft.Extensions.Logging;

namespace ThermoHand.Worker.Streaming;

/// <summary>The uplink's log messages. None carries a secret or a patient reference (payloads are never logged).</summary>
internal static partial class UplinkLog
{
    [LoggerMessage(EventId = 100, Level = LogLevel.Information, Message = "Dashboard uplink disabled (Dashboard:Url is empty): nothing is queued for a dashboard; sessions stay in the local recordings")]
    public static partial void Disabled(ILogger logger);

    [LoggerMessage(EventId = 101, Level = LogLevel.Information, Message = "Dashboard uplink to {Url} as device {DeviceId}; outbox {Folder} holds {Pending} unacknowledged messages (last {LastSequence})")]
    public static partial void Started(ILogger logger, string url, string deviceId, string folder, long pending, long lastSequence);

    [LoggerMessage(EventId = 102, Level = LogLevel.Warning, Message = "Dashboard {Url} unreachable ({Reason}); {Pending} messages queued on disk, retrying with backoff up to {MaxDelaySeconds} s")]
    public static partial void Unreachable(ILogger logger, string url, string reason, long pending, double maxDelaySeconds);

    [LoggerMessage(EventId = 103, Level = LogLevel.Information, Message = "Dashboard {Url} reachable again after {OutageSeconds:0} s; {Pending} queued messages to send")]
    public static partial void Recovered(ILogger logger, string url, double outageSeconds, long pending);

    [LoggerMessage(EventId = 104, Level = LogLevel.Error, Message = "Dashboard {Url} refused this device's credentials (HTTP {Status}): check Dashboard:DeviceId '{DeviceId}' and Dashboard:Secret / Dashboard:SecretFile (the device must be registered on the dashboard). Messages keep queueing on disk ({Pending} now)")]
    public static partial void Unauthorized(ILogger logger, string url, int status, string deviceId, long pending);

    [LoggerMessage(EventId = 105, Level = LogLevel.Error, Message = "Dashboard {Url} rejected a batch of messages {First}–{Last} (HTTP {Status}: {Problem}); retrying with backoff")]
    public static partial void Rejected(ILogger logger, string url, long first, long last, int status, string problem);

    [LoggerMessage(EventId = 106, Level = LogLevel.Information, Message = "Dashboard holds messages through {AcknowledgedThrough}; resending from {Next}")]
    public static partial void Resending(ILogger logger, long acknowledgedThrough, long next);

    [LoggerMessage(EventId = 107, Level = LogLevel.Warning, Message = "Dashboard already holds messages through {ServerAcknowledged} but this device's queue ends at {LastSequence} (device storage reset?); new messages continue from {Next}")]
    public static partial void ServerAhead(ILogger logger, long serverAcknowledged, long lastSequence, long next);

    [LoggerMessage(EventId = 108, Level = LogLevel.Error, Message = "Dashboard is missing messages {From}–{To}, which this device deleted after an earlier acknowledgement (dashboard restored from a backup?); they cannot be resent")]
    public static partial void MissingOnDevice(ILogger logger, long from, long to);

    [LoggerMessage(EventId = 109, Level = LogLevel.Error, Message = "Dashboard outbox cannot be read; uploading paused, retrying with backoff")]
    public static partial void OutboxUnreadable(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 110, Level = LogLevel.Debug, Message = "Dashboard acknowledged through {AcknowledgedThrough} ({Count} messages, {Bytes} bytes sent)")]
    public static partial void Sent(ILogger logger, long acknowledgedThrough, int count, long bytes);

    [LoggerMessage(EventId = 111, Level = LogLevel.Error, Message = "Dashboard uplink failed unexpectedly; retrying with backoff")]
    public static partial void Unexpected(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 112, Level = LogLevel.Critical, Message = "Dashboard {Url} refuses message {Sequence} as too large ({Bytes} bytes; its limit is {LimitBytes} bytes, Dashboard:Ingest:MaximumMessageBytes on the dashboard). It is kept and retried with backoff, never skipped (the dashboard accepts no gaps); {Pending} messages wait behind it. Raise the dashboard's limit")]
    public static partial void MessageTooLarge(ILogger logger, string url, long sequence, int bytes, string limitBytes, long pending);
}
