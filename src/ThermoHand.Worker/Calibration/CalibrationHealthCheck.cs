using Microsoft.Extensions.Diagnostics.HealthChecks;
using ThermoHand.Calibration;
using ThermoHand.Worker.Health;

namespace ThermoHand.Worker.Calibration;

/// <summary>
/// The "calibration" health entry: per sensor which calibration is applied and the latest reference check.
/// Degraded: a refused (damaged) file, an expired calibration, or a failed reference check. Unhealthy: Calibration:Required
/// and a sensor without a usable calibration (sessions are refused). A missing calibration alone stays Healthy but
/// says "factory calibration only".
/// </summary>
public static class CalibrationHealthCheck
{
    public const string Name = "calibration";

    public static HealthReportEntry Evaluate(WorkerHealth health, CalibrationOptions options, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(health);
        ArgumentNullException.ThrowIfNull(options);
        TimeSpan warnBefore = TimeSpan.FromDays(options.WarnBeforeExpiryDays);
        HealthStatus status = HealthStatus.Healthy;
        var lines = new List<string>();
        var sensors = new List<object>();
        for (int i = 0; i < health.SensorCount; i++)
        {
            CalibrationLookup? lookup = health.CalibrationOf(i);
            ReferenceCheckResult? check = health.LastReferenceCheck(i);
            if (lookup is not null)
            {
                string change = lookup.ChangedUtc is { } at
                    ? $" (picked up {at.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", System.Globalization.CultureInfo.InvariantCulture)} UTC between sessions; was {lookup.ChangedFrom})"
                    : string.Empty;
                lines.Add($"Sensors:{i} {lookup.SensorId}: {lookup.Describe(now, warnBefore)}{change}");
                HealthStatus own = lookup.Status switch
                {
                    CalibrationStatus.Refused => options.Required ? HealthStatus.Unhealthy : HealthStatus.Degraded,
                    CalibrationStatus.Missing => options.Required ? HealthStatus.Unhealthy : HealthStatus.Healthy,
                    _ => lookup.ValidityAt(now, warnBefore) == CalibrationValidity.Expired ? HealthStatus.Degraded : HealthStatus.Healthy,
                };
                status = Worst(status, own);
            }

            if (check is not null)
            {
                lines.Add($"Sensors:{i}: {check.Message}");
                if (!check.Passed)
                {
                    status = Worst(status, HealthStatus.Degraded);
                }
            }

            sensors.Add(ToJson(i, lookup, check, now, warnBefore));
        }

        var data = new Dictionary<string, object> { ["sensors"] = sensors };
        string description = lines.Count == 0 ? "calibration not looked up yet" : string.Join("; ", lines);
        return new HealthReportEntry(status, description, TimeSpan.Zero, null, data);
    }

    /// <summary>One sensor's calibration state as health.json and the status message show it (snake_case).</summary>
    public static object ToJson(int index, CalibrationLookup? lookup, ReferenceCheckResult? check, DateTimeOffset now, TimeSpan warnBefore) => new
    {
        sensor = $"Sensors:{index}",
        sensor_id = lookup?.SensorId,
        status = lookup?.Status.ToString().ToLowerInvariant(),
        calibration = lookup?.ForSession(now, warnBefore)?.ToJsonObject(),
        flags = lookup?.FlagsAt(now, warnBefore) ?? [],
        message = lookup?.Describe(now, warnBefore),
        changed_from = lookup?.ChangedFrom,
        changed_utc = lookup?.ChangedUtc,
        reference_check = check is null ? null : ReferenceCheckJson(check),
    };

    /// <summary>A reference check with the documented field names (docs/device-stream.md).</summary>
    public static object ReferenceCheckJson(ReferenceCheckResult r) => new
    {
        sensor_id = r.SensorId,
        hand = r.Hand,
        calibration_id = r.CalibrationId,
        checked_utc = r.CheckedUtc,
        reference_c = Math.Round(r.ReferenceCelsius, 3),
        measured_c = double.IsFinite(r.MeasuredCelsius) ? Math.Round(r.MeasuredCelsius, 3) : (double?)null,
        error_c = double.IsFinite(r.ErrorCelsius) ? Math.Round(r.ErrorCelsius, 3) : (double?)null,
        tolerance_c = r.ToleranceCelsius,
        images = r.Images,
        region_pixels = r.RegionPixels,
        region_spread_c = double.IsFinite(r.RegionSpreadCelsius) ? Math.Round(r.RegionSpreadCelsius, 3) : (double?)null,
        pass = r.Passed,
        message = r.Message,
    };

    private static HealthStatus Worst(HealthStatus a, HealthStatus b) => (HealthStatus)Math.Min((int)a, (int)b);
}
