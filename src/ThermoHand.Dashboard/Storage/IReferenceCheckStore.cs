namespace ThermoHand.Dashboard.Storage;

/// <summary>
/// The per-session reference checks the devices report (docs/device-stream.md, <c>reference_check</c>): the numbers of
/// each check — target, measured, error, limit, pass — kept as numbers, not only as the event's words. Implemented by
/// <see cref="SqlClinicStore"/> (SqlClinicStore.ReferenceChecks.cs, migration 5) for SQLite and PostgreSQL alike.
/// </summary>
public interface IReferenceCheckStore
{
    /// <summary>The checks recorded with one session, oldest first, then by hand.</summary>
    Task<IReadOnlyList<StoredReferenceCheck>> GetReferenceChecksAsync(string sessionId, CancellationToken cancellationToken = default);

    /// <summary>
    /// Checks made with one calibration ("SENSOR/vN", case-insensitive; "factory" for none), newest first, with the
    /// session's device and start. No patient reference: technicians read this.
    /// </summary>
    Task<IReadOnlyList<CalibrationReferenceCheck>> ListReferenceChecksOfCalibrationAsync(string calibrationId, CancellationToken cancellationToken = default);
}

/// <summary>
/// One reference check of one sensor, as the device reported it: the sensor looked at a target of known temperature;
/// error = measured − target, and the check passes when |error| ≤ the limit (clinical.md §9, default 0.5 °C).
/// </summary>
/// <param name="SessionId">The session it was recorded with.</param>
/// <param name="SensorId">The sensor's EEPROM id.</param>
/// <param name="Hand">"left", "right" or null when the device did not say.</param>
/// <param name="CalibrationId">The site calibration in use ("SENSOR/vN") or "factory".</param>
/// <param name="CheckedUtc">When the images were taken (device clock).</param>
/// <param name="TargetC">The reference target's temperature, °C.</param>
/// <param name="MeasuredC">Mean of the central region over the images, °C; null when no image arrived.</param>
/// <param name="ErrorC">Measured − target, °C; null when no image arrived.</param>
/// <param name="LimitC">Largest |error| that passes, °C.</param>
/// <param name="Images">Images averaged.</param>
/// <param name="RegionPixels">Pixels in the central region.</param>
/// <param name="RegionSpreadC">Mean spatial standard deviation over the region, °C (a target not filling it reads uneven).</param>
/// <param name="Passed">The device's verdict, |error| ≤ limit (checked against the numbers at ingest).</param>
/// <param name="Message">What the check found, in the device's words.</param>
public sealed record StoredReferenceCheck(
    string SessionId,
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

/// <summary>A reference check with the device and start of the session it belongs to (for the calibration pages).</summary>
public sealed record CalibrationReferenceCheck(string DeviceId, DateTimeOffset? SessionStartedUtc, StoredReferenceCheck Check);
