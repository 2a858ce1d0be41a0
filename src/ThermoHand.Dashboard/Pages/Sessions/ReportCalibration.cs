using ThermoHand.Dashboard.Pages.Calibration;
using ThermoHand.Dashboard.Storage;

namespace ThermoHand.Dashboard.Pages.Sessions;

/// <summary>
/// The report's "Calibration and reference check" part: per sensor the calibration it was measured with and the flags
/// the device raised (in words), and the numbers of the reference checks run before the session.
/// </summary>
public sealed record ReportCalibration(IReadOnlyList<SessionCalibrationUse> Sensors, IReadOnlyList<StoredReferenceCheck> Checks)
{
    /// <summary>Reads the sensors from the session's stored settings (what its device sent with session_started).</summary>
    public static ReportCalibration For(SessionDetail detail, IReadOnlyList<StoredReferenceCheck> checks)
    {
        ArgumentNullException.ThrowIfNull(detail);
        var settings = new SessionSettingsRecord(detail.Summary.SessionId, detail.Summary.DeviceId, detail.Summary.StartedUtc, detail.Settings?.GetRawText());
        // The stored calibrations' expiry is not needed: the device's own validity word is shown, or "valid" when it applied one.
        return new ReportCalibration(SessionCalibrations.Read(settings, (_, _) => null), checks);
    }

    /// <summary>Every distinct flag of the session's sensors, for the meanings printed under the table.</summary>
    public IReadOnlyList<string> DistinctFlags => Sensors.SelectMany(s => s.Flags).Distinct(StringComparer.Ordinal).ToList();

    /// <summary>The same facts as label/value lines for the PDF (labels short: the PDF gives them 150 pt).</summary>
    public IReadOnlyList<(string Label, string Value)> Lines()
    {
        var lines = new List<(string, string)>();
        foreach (var sensor in Sensors)
        {
            var flags = sensor.Flags.Count == 0 ? "no flags" : "flags: " + string.Join(", ", sensor.Flags.Select(CalibrationFlagText.Name));
            lines.Add(($"Calibration ({sensor.Hand ?? "—"})", $"sensor {sensor.SensorId ?? "—"}: {Calibration(sensor)}; {flags}"));
        }

        lines.AddRange(DistinctFlags.Select(f => ("Flag: " + CalibrationFlagText.Name(f), CalibrationFlagText.Meaning(f))));
        foreach (var c in Checks)
        {
            lines.Add(($"Reference check ({c.Hand ?? "—"})",
                $"sensor {c.SensorId}, {ReferenceCheckText.Calibration(c.CalibrationId)}, {SessionFacts.When(c.CheckedUtc)}: target {ReferenceCheckText.Celsius(c.TargetC)}, "
                + $"measured {ReferenceCheckText.Celsius(c.MeasuredC)}, error {ReferenceCheckText.Error(c)}, limit {ReferenceCheckText.Limit(c)}: {ReferenceCheckText.Verdict(c)}"));
        }

        if (Checks.Count == 0)
        {
            lines.Add(("Reference check", "none reported with this session"));
        }

        return lines;
    }

    /// <summary>The calibration a sensor was measured with, in words.</summary>
    public static string Calibration(SessionCalibrationUse sensor)
    {
        ArgumentNullException.ThrowIfNull(sensor);
        return sensor.State switch
        {
            SessionCalibrationState.None => "factory calibration only",
            SessionCalibrationState.NotReported => "not reported by the device",
            SessionCalibrationState.Expired => $"site calibration {sensor.CalibrationId} (expired)",
            SessionCalibrationState.ExpiresSoon => $"site calibration {sensor.CalibrationId} (valid; expiring soon)",
            _ => $"site calibration {sensor.CalibrationId} (valid)",
        };
    }
}
