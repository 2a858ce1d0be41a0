using ThermoHand.Dashboard.Storage;

namespace ThermoHand.Dashboard.Ingest;

/// <summary>
/// A device message after its payload was read and checked (<see cref="DeviceMessageInterpreter"/>): one subtype per
/// message kind, plus <see cref="UnreadableMessage"/> for a payload that breaks the contract. Unreadable messages are
/// still stored (raw, with the problem) and acknowledged, so one bad message never blocks a device's queue and nothing
/// is silently dropped.
/// </summary>
public abstract record InterpretedMessage(long Sequence, string Kind, string? SessionId, DateTimeOffset CreatedUtc)
{
    /// <summary>What goes into the message log's payload column: the raw JSON, except for frames (kept in frames).</summary>
    public string? LoggedPayload { get; init; }
}

public sealed record SessionStartedMessage(
    long Sequence, string SessionIdValue, DateTimeOffset CreatedUtc,
    string PatientReference, IReadOnlyList<string> Hands, string? PresetName, string PresetJson, string SettingsJson,
    DateTimeOffset StartedUtc)
    : InterpretedMessage(Sequence, "session_started", SessionIdValue, CreatedUtc)
{
    /// <summary>The reference checks run before this session (<c>reference_checks</c>; empty when none or not reported).</summary>
    public IReadOnlyList<ReferenceCheckReading> ReferenceChecks { get; init; } = [];
}

public sealed record SessionEventMessage(long Sequence, string SessionIdValue, DateTimeOffset CreatedUtc, SessionEventRecord Event)
    : InterpretedMessage(Sequence, "event", SessionIdValue, CreatedUtc)
{
    /// <summary>The numbers of a <c>reference_check</c> event; null for every other event (and for a device that sent words only).</summary>
    public ReferenceCheckReading? ReferenceCheck { get; init; }
}

/// <summary>
/// A reference check as a device reports it (docs/device-stream.md, <c>reference_check</c>), read and checked:
/// target and limit present, measured and error together or neither, and the verdict agreeing with |error| ≤ limit.
/// </summary>
public sealed record ReferenceCheckReading(
    string SensorId,
    string? Hand,
    string CalibrationId,
    DateTimeOffset CheckedUtc,
    double TargetC,
    double? MeasuredC,
    double? ErrorC,
    double LimitC,
    int? Images,
    int? RegionPixels,
    double? RegionSpreadC,
    bool Passed,
    string? Message);

public sealed record FrameMessage(long Sequence, string SessionIdValue, DateTimeOffset CreatedUtc, StoredFrame Frame)
    : InterpretedMessage(Sequence, "frame", SessionIdValue, CreatedUtc);

public sealed record EnvironmentMessage(long Sequence, string SessionIdValue, DateTimeOffset CreatedUtc, EnvironmentReading Reading)
    : InterpretedMessage(Sequence, "environment", SessionIdValue, CreatedUtc);

public sealed record AnalysisMessage(long Sequence, string SessionIdValue, DateTimeOffset CreatedUtc, string Hand, bool IsFinal, string ResultJson)
    : InterpretedMessage(Sequence, "analysis", SessionIdValue, CreatedUtc);

public sealed record SessionEndedMessage(long Sequence, string SessionIdValue, DateTimeOffset CreatedUtc, double? TimeSeconds, string Outcome, string? Reason)
    : InterpretedMessage(Sequence, "session_ended", SessionIdValue, CreatedUtc);

public sealed record DeviceStatusMessage(long Sequence, DateTimeOffset CreatedUtc, string StatusJson)
    : InterpretedMessage(Sequence, "status", null, CreatedUtc);

/// <summary>A message whose payload breaks the contract; <see cref="Problem"/> names the field and what is wrong.</summary>
public sealed record UnreadableMessage(long Sequence, string Kind, string? SessionIdValue, DateTimeOffset CreatedUtc, string RawPayload, string Problem)
    : InterpretedMessage(Sequence, Kind, SessionIdValue, CreatedUtc);
