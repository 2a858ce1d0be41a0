using System.Data.Common;

namespace ThermoHand.Dashboard.Storage;

/// <summary>
/// Site calibrations (schema version 4, table <c>site_calibrations</c>): one row per sensor and version holding the
/// uploaded file's exact bytes, its two checksums and the facts the lists show, so a list never parses 768-pixel files.
/// </summary>
public abstract partial class SqlClinicStore : ICalibrationStore
{
    private const string CalibrationColumns =
        "SELECT sensor_id, version, body_sha256, file_sha256, file_name, created_ms, expires_ms, passed, bad_pixel_count, uploaded_by, uploaded_ms";

    public async Task<CalibrationAddResult> AddCalibrationAsync(NewSiteCalibration calibration, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(calibration);
        await using var connection = await OpenAsync(cancellationToken);
        // ON CONFLICT DO NOTHING: two uploads of one version racing each other cannot both be stored, and a stored
        // version is never overwritten. The row that won is read back to tell the uploader which case this was.
        var inserted = await ExecuteAsync(connection, null,
            "INSERT INTO site_calibrations (sensor_id, version, body_sha256, file_sha256, file_name, file_bytes, created_ms, expires_ms, passed, bad_pixel_count, uploaded_by, uploaded_ms) " +
            "VALUES (@s, @v, @b, @f, @n, @bytes, @c, @e, @p, @bad, @u, @at) ON CONFLICT (sensor_id, version) DO NOTHING",
            cancellationToken, ("s", calibration.SensorId), ("v", (long)calibration.Version), ("b", calibration.BodySha256),
            ("f", calibration.FileSha256), ("n", calibration.FileName), ("bytes", calibration.FileBytes),
            ("c", calibration.CreatedUtc.ToUnixTimeMilliseconds()), ("e", calibration.ExpiresUtc.ToUnixTimeMilliseconds()),
            ("p", calibration.Passed ? 1L : 0L), ("bad", (long)calibration.BadPixelCount), ("u", calibration.UploadedBy),
            ("at", calibration.UploadedUtc.ToUnixTimeMilliseconds()));
        var stored = (await QueryAsync(CalibrationColumns + " FROM site_calibrations WHERE sensor_id = @s AND version = @v", ReadCalibrationSummary,
            cancellationToken, ("s", calibration.SensorId), ("v", (long)calibration.Version)))[0];
        var outcome = inserted == 1 ? CalibrationAddOutcome.Added
            : string.Equals(stored.BodySha256, calibration.BodySha256, StringComparison.OrdinalIgnoreCase) ? CalibrationAddOutcome.AlreadyStored
            : CalibrationAddOutcome.VersionTaken;
        return new CalibrationAddResult(outcome, stored);
    }

    public Task<IReadOnlyList<StoredCalibrationSummary>> ListNewestCalibrationsAsync(CancellationToken cancellationToken = default) =>
        QueryAsync(
            CalibrationColumns + " FROM site_calibrations c WHERE version = (SELECT MAX(n.version) FROM site_calibrations n WHERE n.sensor_id = c.sensor_id) ORDER BY sensor_id",
            ReadCalibrationSummary, cancellationToken);

    public Task<IReadOnlyList<StoredCalibrationSummary>> ListCalibrationVersionsAsync(string sensorId, CancellationToken cancellationToken = default) =>
        QueryAsync(CalibrationColumns + " FROM site_calibrations WHERE sensor_id = @s ORDER BY version DESC", ReadCalibrationSummary, cancellationToken, ("s", sensorId));

    public async Task<StoredCalibrationFile?> GetCalibrationAsync(string sensorId, int version, CancellationToken cancellationToken = default) =>
        (await QueryAsync(CalibrationColumns + ", file_bytes FROM site_calibrations WHERE sensor_id = @s AND version = @v",
            r => new StoredCalibrationFile(ReadCalibrationSummary(r), (byte[])r.GetValue(11)), cancellationToken, ("s", sensorId), ("v", (long)version)))
        .FirstOrDefault();

    public Task<IReadOnlyList<SessionSettingsRecord>> ListSessionSettingsAsync(string? mentioning = null, CancellationToken cancellationToken = default)
    {
        // The patient reference is deliberately not selected: technicians read this and may not see patient data.
        const string Columns = "SELECT session_id, device_id, started_ms, settings FROM sessions";
        const string Order = " ORDER BY COALESCE(started_ms, created_ms) DESC, session_id";
        if (string.IsNullOrEmpty(mentioning))
        {
            return QueryAsync(Columns + Order, ReadSessionSettings, cancellationToken);
        }

        // A cheap pre-filter in the database (lower() on both sides: SQLite's LIKE ignores ASCII case, PostgreSQL's
        // does not); the caller still reads the JSON to decide what each sensor used.
        var pattern = "%" + mentioning.ToLowerInvariant().Replace("\\", "\\\\", StringComparison.Ordinal)
            .Replace("%", "\\%", StringComparison.Ordinal).Replace("_", "\\_", StringComparison.Ordinal) + "%";
        return QueryAsync(Columns + " WHERE lower(settings) LIKE @m ESCAPE '\\'" + Order, ReadSessionSettings, cancellationToken, ("m", pattern));
    }

    private static SessionSettingsRecord ReadSessionSettings(DbDataReader r) => new(r.GetString(0), r.GetString(1), Time(r, 2), Text(r, 3));

    private static StoredCalibrationSummary ReadCalibrationSummary(DbDataReader r) => new(
        r.GetString(0), (int)Long(r, 1), r.GetString(2), r.GetString(3), r.GetString(4), Time(r, 5)!.Value, Time(r, 6)!.Value,
        Long(r, 7) == 1, (int)Long(r, 8), r.GetString(9), Time(r, 10)!.Value);
}
