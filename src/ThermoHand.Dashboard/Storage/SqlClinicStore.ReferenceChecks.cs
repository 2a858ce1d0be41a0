using System.Data.Common;
using ThermoHand.Dashboard.Ingest;

namespace ThermoHand.Dashboard.Storage;

// Reference checks (migration 5): the numbers of each per-session reference check a device reports. Same SQL for both databases.
public abstract partial class SqlClinicStore : IReferenceCheckStore
{
    /// <summary>
    /// Migration 5 (ClinicSchema): one row per sensor check. The worker sends each check twice — in session_started's
    /// <c>reference_checks</c> and as a <c>reference_check</c> event — so the key (session, sensor, time of the check)
    /// makes the second copy a no-op instead of a duplicate row.
    /// </summary>
    internal static readonly string[] ReferenceChecksMigration =
    [
        """
        CREATE TABLE session_reference_checks (
          session_id TEXT NOT NULL,
          sensor_id TEXT NOT NULL,
          checked_ms {INT} NOT NULL,
          hand TEXT NULL,
          calibration_id TEXT NOT NULL,
          target_c {REAL} NOT NULL,
          measured_c {REAL} NULL,
          error_c {REAL} NULL,
          limit_c {REAL} NOT NULL,
          images {INT} NULL,
          region_pixels {INT} NULL,
          region_spread_c {REAL} NULL,
          passed {INT} NOT NULL,
          message TEXT NULL,
          PRIMARY KEY (session_id, sensor_id, checked_ms))
        """,
        "CREATE INDEX ix_reference_checks_calibration ON session_reference_checks (calibration_id)",
    ];

    private const string ReferenceCheckColumns =
        "r.session_id, r.sensor_id, r.hand, r.calibration_id, r.checked_ms, r.target_c, r.measured_c, r.error_c, r.limit_c, r.images, r.region_pixels, r.region_spread_c, r.passed, r.message";

    public Task<IReadOnlyList<StoredReferenceCheck>> GetReferenceChecksAsync(string sessionId, CancellationToken cancellationToken = default) =>
        QueryAsync("SELECT " + ReferenceCheckColumns + " FROM session_reference_checks r WHERE r.session_id = @s ORDER BY r.checked_ms, r.hand, r.sensor_id",
            r => ReadReferenceCheck(r, 0), cancellationToken, ("s", sessionId));

    public Task<IReadOnlyList<CalibrationReferenceCheck>> ListReferenceChecksOfCalibrationAsync(string calibrationId, CancellationToken cancellationToken = default) =>
        // The patient reference is deliberately not selected: technicians read this and may not see patient data.
        QueryAsync(
            "SELECT s.device_id, s.started_ms, " + ReferenceCheckColumns +
            " FROM session_reference_checks r JOIN sessions s ON s.session_id = r.session_id WHERE lower(r.calibration_id) = @c ORDER BY r.checked_ms DESC, r.sensor_id",
            r => new CalibrationReferenceCheck(r.GetString(0), Time(r, 1), ReadReferenceCheck(r, 2)), cancellationToken, ("c", calibrationId.ToLowerInvariant()));

    /// <summary>Stores the reference checks a message carries (inside the batch's transaction); a check already held is left as it is.</summary>
    private static async Task ApplyReferenceChecksAsync(DbConnection c, DbTransaction t, InterpretedMessage message, CancellationToken ct)
    {
        var (sessionId, checks) = message switch
        {
            SessionStartedMessage started => (started.SessionIdValue, started.ReferenceChecks),
            SessionEventMessage { ReferenceCheck: { } check } e => (e.SessionIdValue, [check]),
            _ => (null, (IReadOnlyList<ReferenceCheckReading>)[]),
        };
        foreach (var check in checks)
        {
            await ExecuteAsync(c, t,
                "INSERT INTO session_reference_checks (session_id, sensor_id, checked_ms, hand, calibration_id, target_c, measured_c, error_c, limit_c, images, region_pixels, region_spread_c, passed, message) " +
                "VALUES (@s, @sensor, @at, @h, @cal, @target, @measured, @error, @limit, @images, @pixels, @spread, @passed, @message) " +
                "ON CONFLICT (session_id, sensor_id, checked_ms) DO NOTHING",
                ct, ("s", sessionId), ("sensor", check.SensorId), ("at", check.CheckedUtc.ToUnixTimeMilliseconds()), ("h", check.Hand),
                ("cal", check.CalibrationId), ("target", check.TargetC), ("measured", check.MeasuredC), ("error", check.ErrorC), ("limit", check.LimitC),
                ("images", (long?)check.Images), ("pixels", (long?)check.RegionPixels), ("spread", check.RegionSpreadC), ("passed", check.Passed ? 1L : 0L),
                ("message", check.Message));
        }
    }

    private static StoredReferenceCheck ReadReferenceCheck(DbDataReader r, int at) => new(
        r.GetString(at), r.GetString(at + 1), Text(r, at + 2), r.GetString(at + 3), Time(r, at + 4)!.Value, r.GetDouble(at + 5),
        Real(r, at + 6), Real(r, at + 7), r.GetDouble(at + 8), r.IsDBNull(at + 9) ? null : (int)Long(r, at + 9),
        r.IsDBNull(at + 10) ? null : (int)Long(r, at + 10), Real(r, at + 11), Long(r, at + 12) == 1, Text(r, at + 13));
}
