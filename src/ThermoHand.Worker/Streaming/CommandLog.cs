using Microsoft.Extensions.Logging;

namespace ThermoHand.Worker.Streaming;

/// <summary>
/// Log messages of the dashboard command poller. None carries a patient reference: commands are logged by id and kind,
/// answers by the device's own words (which never repeat the reference).
/// </summary>
internal static partial class CommandLog
{
    [LoggerMessage(EventId = 190, Level = LogLevel.Information, Message = "Dashboard commands: asking {Url} every {Seconds} s; {Remembered} commands remembered in {File}")]
    public static partial void Started(ILogger logger, string url, double seconds, int remembered, string file);

    [LoggerMessage(EventId = 191, Level = LogLevel.Information, Message = "Dashboard command {CommandId} ({Kind}): {Outcome} — {Message}")]
    public static partial void Executed(ILogger logger, string commandId, string kind, string outcome, string message);

    [LoggerMessage(EventId = 192, Level = LogLevel.Warning, Message = "Dashboard commands: {Url} not reachable ({Reason}); asking again with backoff up to {MaxDelaySeconds} s")]
    public static partial void Unreachable(ILogger logger, string url, string reason, double maxDelaySeconds);

    [LoggerMessage(EventId = 193, Level = LogLevel.Information, Message = "Dashboard commands: {Url} reachable again")]
    public static partial void Recovered(ILogger logger, string url);

    [LoggerMessage(EventId = 194, Level = LogLevel.Warning, Message = "Dashboard command {CommandId}: the dashboard refused the answer (HTTP {Status}: {Problem}); it is not sent again")]
    public static partial void AnswerRefused(ILogger logger, string commandId, int status, string problem);

    [LoggerMessage(EventId = 195, Level = LogLevel.Warning, Message = "Dashboard command {CommandId} was taken before the worker stopped and not finished; it is not repeated, the dashboard is told so")]
    public static partial void Interrupted(ILogger logger, string commandId);

    [LoggerMessage(EventId = 196, Level = LogLevel.Error, Message = "Dashboard commands: {Problem}")]
    public static partial void Failed(ILogger logger, string problem);

    [LoggerMessage(EventId = 197, Level = LogLevel.Information, Message = "Dashboard commands off (Dashboard:CommandPollSeconds is 0, or no pipeline): the device is run by its button only")]
    public static partial void Off(ILogger logger);
}
