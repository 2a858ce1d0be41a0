using Microsoft.Extensions.Logging;
using ThermoHand.Worker.Health;
using ThermoHand.Worker.Pipeline;
using ThermoHand.Worker.Services;

namespace ThermoHand.Worker.Calibration;

/// <summary>
/// Finds each opened sensor's calibration when the pipeline is built, before any image is assembled, and makes the
/// outcome visible: the sensor applies it, health shows it, the log says it (a refused file as an error naming the file).
/// </summary>
public static class SiteCalibrationLoader
{
    /// <summary>Calibration:Directory as a full path; a relative one is taken from the program's folder (like Storage:Path).</summary>
    public static string ResolveDirectory(string setting) =>
        Path.IsPathRooted(setting) ? setting : Path.GetFullPath(Path.Combine(AppContext.BaseDirectory, setting));

    public static IReadOnlyList<CalibrationLookup> Load(
        IEnumerable<ThermalSensor> sensors, CalibrationOptions options, DateTimeOffset now, WorkerHealth health, ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(sensors);
        ArgumentNullException.ThrowIfNull(options);
        string directory = ResolveDirectory(options.Directory);
        TimeSpan warnBefore = TimeSpan.FromDays(options.WarnBeforeExpiryDays);
        var found = new List<CalibrationLookup>();
        foreach (ThermalSensor sensor in sensors)
        {
            CalibrationLookup lookup = CalibrationLookup.Find(directory, sensor.SensorId);
            sensor.Site.Use(lookup);
            health.RecordCalibration(sensor.Index, lookup);
            string text = lookup.Describe(now, warnBefore);
            switch (lookup.Status)
            {
                case CalibrationStatus.Refused:
                    Log.CalibrationRefused(logger, sensor.Key, text);
                    break;
                case CalibrationStatus.Missing:
                    Log.CalibrationWarning(logger, sensor.Key, options.Required ? text + "; Calibration:Required is true, so sessions are refused" : text);
                    break;
                default:
                    if (lookup.ValidityAt(now, warnBefore) == ThermoHand.Calibration.CalibrationValidity.Valid)
                    {
                        Log.CalibrationApplied(logger, sensor.Key, text, lookup.FileSha256 ?? "");
                    }
                    else
                    {
                        Log.CalibrationWarning(logger, sensor.Key, text);
                    }

                    break;
            }

            found.Add(lookup);
        }

        return found;
    }
}
