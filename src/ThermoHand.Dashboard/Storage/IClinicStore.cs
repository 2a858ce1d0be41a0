using ThermoHand.Dashboard.Ingest;

namespace ThermoHand.Dashboard.Storage;

/// <summary>
/// Everything the dashboard keeps: users, devices, the device message log, sessions with their frames, events,
/// environment readings and analysis results, protected clinic identifiers, and the audit trail.
/// Two implementations share one schema and SQL (<see cref="SqlClinicStore"/>): SQLite (default) and PostgreSQL.
/// </summary>
public interface IClinicStore
{
    /// <summary>Creates or migrates the schema. Safe to call at every start.</summary>
    Task InitializeAsync(CancellationToken cancellationToken = default);

    // ---- users ----
    Task<UserRecord> CreateUserAsync(string userName, string passwordHash, string role, CancellationToken cancellationToken = default);
    Task<UserRecord?> FindUserAsync(string userName, CancellationToken cancellationToken = default);
    Task<IReadOnlyList<UserRecord>> ListUsersAsync(CancellationToken cancellationToken = default);
    Task<int> CountUsersAsync(CancellationToken cancellationToken = default);
    /// <summary>Stores the failed-login count and lock-out end after a failed or successful login.</summary>
    Task SetLoginStateAsync(string userName, int failedLoginCount, DateTimeOffset? lockedUntilUtc, CancellationToken cancellationToken = default);

    // ---- devices ----
    Task<DeviceRecord> CreateDeviceAsync(string deviceId, string displayName, string secretHash, CancellationToken cancellationToken = default);
    Task<DeviceRecord?> FindDeviceAsync(string deviceId, CancellationToken cancellationToken = default);
    Task<IReadOnlyList<DeviceRecord>> ListDevicesAsync(CancellationToken cancellationToken = default);

    // ---- device ingest ----
    /// <summary>The highest sequence stored for the device with nothing missing before it (0 when none).</summary>
    Task<long> GetAcknowledgedThroughAsync(string deviceId, CancellationToken cancellationToken = default);

    /// <summary>
    /// Stores a batch in one transaction: messages already held are skipped, a batch starting after a gap is refused
    /// (nothing stored), everything else updates sessions, frames, events, environment and results.
    /// </summary>
    Task<IngestOutcome> StoreBatchAsync(string deviceId, IReadOnlyList<InterpretedMessage> messages, DateTimeOffset receivedUtc, CancellationToken cancellationToken = default);

    // ---- sessions (what the pages read) ----
    Task<IReadOnlyList<SessionSummary>> SearchSessionsAsync(SessionQuery query, CancellationToken cancellationToken = default);
    Task<SessionDetail?> GetSessionAsync(string sessionId, CancellationToken cancellationToken = default);
    /// <summary>Frames of a session in time order, optionally one hand and a t_s range [fromSeconds, toSeconds].</summary>
    Task<IReadOnlyList<StoredFrame>> GetFramesAsync(string sessionId, string? hand = null, double? fromSeconds = null, double? toSeconds = null, int limit = 100_000, CancellationToken cancellationToken = default);
    /// <summary>Per-region temperature curves over the whole session, built from the stored frames' region readings.</summary>
    Task<IReadOnlyList<RegionCurve>> GetRegionCurvesAsync(string sessionId, string? hand = null, CancellationToken cancellationToken = default);
    /// <summary>All sessions of one pseudonymous patient reference, oldest first (for before/after comparison).</summary>
    Task<IReadOnlyList<SessionSummary>> GetSessionsOfPatientAsync(string patientReference, CancellationToken cancellationToken = default);
    Task<DeviceLiveState?> GetLiveStateAsync(string deviceId, CancellationToken cancellationToken = default);

    // ---- patients ----
    /// <summary>Stores the clinic identifier already encrypted by <see cref="Security.ClinicIdentifierProtector"/>.</summary>
    Task SetProtectedClinicIdentifierAsync(string patientReference, string? protectedIdentifier, CancellationToken cancellationToken = default);
    Task<string?> GetProtectedClinicIdentifierAsync(string patientReference, CancellationToken cancellationToken = default);

    // ---- audit ----
    Task AppendAuditAsync(AuditEntry entry, CancellationToken cancellationToken = default);
    Task<IReadOnlyList<AuditEntry>> ListAuditAsync(int limit = 200, string? userName = null, CancellationToken cancellationToken = default);
}
