namespace ThermoHand.Dashboard.Storage;

/// <summary>
/// The sensor site calibrations technicians upload (<c>*.thcal.json</c>, docs/calibration.md), kept byte for byte,
/// and what the sessions' settings say about the calibration each sensor used. Implemented by
/// <see cref="SqlClinicStore"/> (SqlClinicStore.Calibrations.cs) for SQLite and PostgreSQL alike.
/// </summary>
public interface ICalibrationStore
{
    /// <summary>
    /// Stores an already checked calibration file unless its sensor and version are taken. Never overwrites: the answer
    /// says whether it was added, was already there with the same content, or clashes with different stored content.
    /// </summary>
    Task<CalibrationAddResult> AddCalibrationAsync(NewSiteCalibration calibration, CancellationToken cancellationToken = default);

    /// <summary>Every sensor's newest version (highest number), sensors in id order.</summary>
    Task<IReadOnlyList<StoredCalibrationSummary>> ListNewestCalibrationsAsync(CancellationToken cancellationToken = default);

    /// <summary>All versions of one sensor, newest first.</summary>
    Task<IReadOnlyList<StoredCalibrationSummary>> ListCalibrationVersionsAsync(string sensorId, CancellationToken cancellationToken = default);

    /// <summary>One version with the exact bytes uploaded; null when not stored.</summary>
    Task<StoredCalibrationFile?> GetCalibrationAsync(string sensorId, int version, CancellationToken cancellationToken = default);

    /// <summary>
    /// Sessions with the settings their device sent (no patient reference: this feeds the technicians' pages), newest
    /// first; with <paramref name="mentioning"/> only sessions whose settings contain that text (e.g. a sensor id).
    /// </summary>
    Task<IReadOnlyList<SessionSettingsRecord>> ListSessionSettingsAsync(string? mentioning = null, CancellationToken cancellationToken = default);
}

/// <summary>A checked calibration file to store: the facts the list needs, read from the file, and the file itself.</summary>
public sealed record NewSiteCalibration(
    string SensorId,
    int Version,
    string BodySha256,
    string FileSha256,
    string FileName,
    byte[] FileBytes,
    DateTimeOffset CreatedUtc,
    DateTimeOffset ExpiresUtc,
    bool Passed,
    int BadPixelCount,
    string UploadedBy,
    DateTimeOffset UploadedUtc);

/// <summary>One stored calibration version as lists show it (without the file).</summary>
public sealed record StoredCalibrationSummary(
    string SensorId,
    int Version,
    string BodySha256,
    string FileSha256,
    string FileName,
    DateTimeOffset CreatedUtc,
    DateTimeOffset ExpiresUtc,
    bool Passed,
    int BadPixelCount,
    string UploadedBy,
    DateTimeOffset UploadedUtc)
{
    /// <summary>How sessions and reports name this calibration, e.g. "0A1B2C3D4E5F/v3" (as <c>SiteCalibration.Id</c>).</summary>
    public string Id => $"{SensorId}/v{Version}";
}

/// <summary>A stored calibration with the exact bytes that were uploaded.</summary>
public sealed record StoredCalibrationFile(StoredCalibrationSummary Summary, byte[] FileBytes);

/// <summary>What happened to an upload.</summary>
public enum CalibrationAddOutcome
{
    Added,

    /// <summary>The same sensor and version with the same content was already stored; nothing changed.</summary>
    AlreadyStored,

    /// <summary>The sensor and version are taken by different content; nothing was stored.</summary>
    VersionTaken,
}

/// <summary>The outcome of <see cref="ICalibrationStore.AddCalibrationAsync"/> and the version stored under that number.</summary>
public sealed record CalibrationAddResult(CalibrationAddOutcome Outcome, StoredCalibrationSummary Stored);

/// <summary>A session's device, start and the settings JSON its device sent with session_started (verbatim; null if none).</summary>
public sealed record SessionSettingsRecord(string SessionId, string DeviceId, DateTimeOffset? StartedUtc, string? SettingsJson);
