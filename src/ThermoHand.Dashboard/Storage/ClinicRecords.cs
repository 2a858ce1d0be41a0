using System.Text.Json;

namespace ThermoHand.Dashboard.Storage;

// The stored shapes the pages and APIs read. Times on the session clock are seconds (t_s); wall-clock times are UTC.
// Temperatures are °C. Hands are "left"/"right" (analysis results may also be "both", the 8-finger summary).

/// <summary>One row of the session list: who (pseudonymous reference), when, which device, how it ended.</summary>
public sealed record SessionSummary(
    string SessionId,
    string DeviceId,
    string? PatientReference,
    IReadOnlyList<string> Hands,
    string? PresetName,
    DateTimeOffset? StartedUtc,
    DateTimeOffset? EndedUtc,
    string? Outcome,
    string? ProtocolState,
    bool HasFinalResult);

/// <summary>A protocol event of a session (challenge_start, challenge_end, paused, …).</summary>
public sealed record SessionEventRecord(double TimeSeconds, string Type, string? Hand, string? Detail);

/// <summary>A room / humidity / water-bath reading and the deviations the device flagged with it.</summary>
public sealed record EnvironmentReading(
    double TimeSeconds, double? RoomC, double? HumidityPercent, double? WaterC, IReadOnlyList<string> Deviations);

/// <summary>
/// An analysis result (<c>thermohand/analysis/v1</c>, kept verbatim as the device sent it) for one hand or
/// "both". The server keeps the latest provisional and the final result per hand.
/// </summary>
public sealed record StoredAnalysisResult(string Hand, bool IsFinal, JsonElement Result, DateTimeOffset ReceivedUtc);

/// <summary>One region reading inside a frame (fingertip D1..D5 or dorsum).</summary>
public sealed record RegionReading(
    string Name, int? Digit, double? TemperatureC, double? X, double? Y, bool Trusted, string? Flag);

/// <summary>One thermal image of one hand: 768 temperatures (row × 32 + column, null = invalid) and its regions.</summary>
public sealed record StoredFrame(
    string SessionId,
    string Hand,
    double TimeSeconds,
    float?[] Temperatures,
    IReadOnlyList<RegionReading> Regions,
    string? ProtocolState,
    double? StateElapsedSeconds,
    double? StateRemainingSeconds);

/// <summary>A region's temperature over the session, from every stored frame: the live rewarming curve.</summary>
public sealed record RegionCurve(string Hand, string Region, int? Digit, IReadOnlyList<CurvePoint> Points);

/// <summary>One point of a curve: session time in seconds and temperature in °C.</summary>
public readonly record struct CurvePoint(double TimeSeconds, double TemperatureC);

/// <summary>Everything a session report needs except the frames themselves (those are paged separately).</summary>
public sealed record SessionDetail(
    SessionSummary Summary,
    JsonElement? Preset,
    JsonElement? Settings,
    string? EndReason,
    IReadOnlyList<SessionEventRecord> Events,
    IReadOnlyList<EnvironmentReading> Environment,
    IReadOnlyList<StoredAnalysisResult> Results,
    int FrameCount);

/// <summary>Search filter for the session list; null members do not filter. Dates compare with the start time.</summary>
public sealed record SessionQuery(
    string? PatientReference = null,
    DateTimeOffset? StartedFromUtc = null,
    DateTimeOffset? StartedBeforeUtc = null,
    string? DeviceId = null,
    string? Outcome = null,
    int Limit = 100,
    int Offset = 0);

/// <summary>What a live view shows before the first pushed update: the device's latest known state.</summary>
public sealed record DeviceLiveState(
    string DeviceId,
    string? DisplayName,
    DateTimeOffset? LastSeenUtc,
    JsonElement? LastStatus,
    SessionSummary? CurrentSession,
    IReadOnlyList<StoredFrame> LatestFrames,
    EnvironmentReading? LatestEnvironment);

/// <summary>A registered device. The secret is stored only as a hash.</summary>
public sealed record DeviceRecord(
    string DeviceId, string DisplayName, string SecretHash, DateTimeOffset CreatedUtc, DateTimeOffset? LastSeenUtc,
    long AcknowledgedThrough);

/// <summary>A dashboard user. <see cref="PasswordHash"/> comes from ASP.NET Core's PasswordHasher (PBKDF2).</summary>
public sealed record UserRecord(
    long UserId,
    string UserName,
    string PasswordHash,
    string Role,
    int FailedLoginCount,
    DateTimeOffset? LockedUntilUtc,
    DateTimeOffset CreatedUtc);

/// <summary>One line of the audit trail: who did what to which record, when.</summary>
public sealed record AuditEntry(
    DateTimeOffset AtUtc, string UserName, string Action, string TargetKind, string? TargetId, string? Detail);

/// <summary>Result of storing a batch: whether it was accepted, where the device now stands, and what was new.</summary>
public sealed record IngestOutcome(bool Accepted, long AcknowledgedThrough, IReadOnlyList<long> NewSequences);
