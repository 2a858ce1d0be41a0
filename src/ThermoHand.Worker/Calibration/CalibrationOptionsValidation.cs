using System.Globalization;
using ThermoHand.Worker.Configuration;

namespace ThermoHand.Worker.Calibration;

/// <summary>Checks Calibration:* at start; each message names the key to change, like the rest of ValidateWorkerOptions.</summary>
public static class CalibrationOptionsValidation
{
    public static void Validate(WorkerOptions options, List<string> errors)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(errors);
        CalibrationOptions c = options.Calibration;
        if (string.IsNullOrWhiteSpace(c.Directory))
        {
            errors.Add("Calibration:Directory is empty: set the folder holding the site calibrations (the repository's calibration/ or its copy on the device)");
        }
        else if (c.Directory.IndexOfAny(Path.GetInvalidPathChars()) >= 0)
        {
            errors.Add($"Calibration:Directory '{c.Directory}' contains characters not allowed in a path");
        }

        if (c.WarnBeforeExpiryDays is < 0 or > 365 || double.IsNaN(c.WarnBeforeExpiryDays))
        {
            errors.Add(Invariant($"Calibration:WarnBeforeExpiryDays {c.WarnBeforeExpiryDays}: must be 0–365 days"));
        }

        ReferenceCheckOptions r = c.ReferenceCheck;
        if (r.ReferenceCelsius is < 0 or > 60 || double.IsNaN(r.ReferenceCelsius))
        {
            errors.Add(Invariant($"Calibration:ReferenceCheck:ReferenceCelsius {r.ReferenceCelsius}: must be 0–60 °C (a target near skin temperature, e.g. 35)"));
        }

        if (r.ToleranceCelsius is <= 0 or > 5 || double.IsNaN(r.ToleranceCelsius))
        {
            errors.Add(Invariant($"Calibration:ReferenceCheck:ToleranceCelsius {r.ToleranceCelsius}: must be more than 0 and at most 5 °C (0.5 by default, clinical.md §9)"));
        }

        if (r.Images is < 1 or > 1000)
        {
            errors.Add(Invariant($"Calibration:ReferenceCheck:Images {r.Images}: must be 1–1000 images"));
        }

        if (r.RegionColumns is < 1 or > ReferenceCheck.Columns)
        {
            errors.Add(Invariant($"Calibration:ReferenceCheck:RegionColumns {r.RegionColumns}: must be 1–{ReferenceCheck.Columns} pixels"));
        }

        if (r.RegionRows is < 1 or > ReferenceCheck.Rows)
        {
            errors.Add(Invariant($"Calibration:ReferenceCheck:RegionRows {r.RegionRows}: must be 1–{ReferenceCheck.Rows} pixels"));
        }

        if (r.WarmUpMinutes is < 0 or > 240 || double.IsNaN(r.WarmUpMinutes))
        {
            errors.Add(Invariant($"Calibration:ReferenceCheck:WarmUpMinutes {r.WarmUpMinutes}: must be 0–240 min"));
        }

        if (r.TimeoutSeconds is < 1 or > 3600 || double.IsNaN(r.TimeoutSeconds))
        {
            errors.Add(Invariant($"Calibration:ReferenceCheck:TimeoutSeconds {r.TimeoutSeconds}: must be 1–3600 s"));
        }

        if (r.BeforeEachSimulatedSession && options.Sensors.Any(s => s.Kind == DeviceKind.Real))
        {
            errors.Add("Calibration:ReferenceCheck:BeforeEachSimulatedSession true: only emulated sensors can be shown a simulated target; set it to false when a Sensors:N:Kind is Real (run the check with the reference target in front of the sensor instead)");
        }
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
