using Microsoft.Extensions.Logging;
using ThermoHand.Calibration;
using ThermoHand.Worker.Health;
using ThermoHand.Worker.Pipeline;

namespace ThermoHand.Worker.Calibration;

/// <summary>
/// Looks at each sensor's calibration folder again between sessions, so a file <c>thermohand calibrate</c> has just
/// written is used for the next test without restarting the worker. Cheap when nothing changed: one listing and one
/// stat per sensor (<see cref="CalibrationFileStamp"/>); the file is read and its SHA-256 checked only when the newest
/// file's name, size or last-write time differ. A changed folder is judged exactly as at start
/// (<see cref="CalibrationLookup.Find"/>): a damaged newest file is refused and no older file is used in its place.
/// <para>
/// Must only be called while no session is open, from the session coordinator's loop (before a session starts and
/// before a reference check): the calibration a session records is then the one applied to all of its images.
/// </para>
/// </summary>
public sealed class SiteCalibrationReload
{
    private readonly IReadOnlyList<ThermalSensor> sensors;
    private readonly CalibrationOptions options;
    private readonly WorkerHealth health;
    private readonly ILogger logger;
    private readonly string directory;
    private int looks;
    private int filesRead;
    private int changes;

    public SiteCalibrationReload(IReadOnlyList<ThermalSensor> sensors, CalibrationOptions options, WorkerHealth health, ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(sensors);
        ArgumentNullException.ThrowIfNull(options);
        this.sensors = sensors;
        this.options = options;
        this.health = health ?? throw new ArgumentNullException(nameof(health));
        this.logger = logger ?? throw new ArgumentNullException(nameof(logger));
        directory = SiteCalibrationLoader.ResolveDirectory(options.Directory);
    }

    /// <summary>Sensor folders looked at (listing + stat) since start, not counting the start itself.</summary>
    public int Looks => Volatile.Read(ref looks);

    /// <summary>Times a calibration was looked up in full (file read, SHA-256 and checksum verified) because its folder had changed.</summary>
    public int FilesRead => Volatile.Read(ref filesRead);

    /// <summary>Times a sensor's applied calibration changed (a new file, a refused one, one removed).</summary>
    public int Changes => Volatile.Read(ref changes);

    /// <summary>
    /// Looks again at every sensor's folder and applies what changed; returns the sensors whose calibration changed.
    /// Never throws for a bad file or folder: that becomes a refused calibration with a message, as at start.
    /// </summary>
    public IReadOnlyList<ThermalSensor> LookAgain(DateTimeOffset now)
    {
        var changed = new List<ThermalSensor>();
        foreach (ThermalSensor sensor in sensors)
        {
            Interlocked.Increment(ref looks);
            CalibrationLookup? before = sensor.Site.Lookup;
            CalibrationFileStamp? stamp = CalibrationFileStamp.Current(directory, sensor.SensorId);
            if (before?.Stamp is { } known && stamp is not null && known == stamp)
            {
                continue; // nothing changed: no read, no log
            }

            Interlocked.Increment(ref filesRead);
            CalibrationLookup found = CalibrationLookup.Find(directory, sensor.SensorId);
            if (before is not null && found.SameOutcomeAs(before))
            {
                // Touched but the same (or the same problem again): remember the new stamp so it is not read again; say nothing.
                CalibrationLookup same = before with { Stamp = found.Stamp };
                sensor.Site.Use(same);
                health.RecordCalibration(sensor.Index, same);
                continue;
            }

            CalibrationLookup applied = found with { ChangedFrom = before?.ShortDescription() ?? "nothing", ChangedUtc = now };
            sensor.Site.Use(applied);
            health.RecordCalibration(sensor.Index, applied);
            Interlocked.Increment(ref changes);
            Report(sensor, applied, now);
            changed.Add(sensor);
        }

        return changed;
    }

    private void Report(ThermalSensor sensor, CalibrationLookup applied, DateTimeOffset now)
    {
        TimeSpan warnBefore = TimeSpan.FromDays(options.WarnBeforeExpiryDays);
        string was = applied.ChangedFrom ?? "nothing";
        string required = options.Required ? "; Calibration:Required is true, so sessions of this sensor are refused until it is fixed" : string.Empty;
        switch (applied.Status)
        {
            case CalibrationStatus.Refused:
                CalibrationReloadLog.Refused(logger, sensor.Key, was, applied.Describe(now, warnBefore) + required);
                break;
            case CalibrationStatus.Missing:
                CalibrationReloadLog.Removed(logger, sensor.Key, was, applied.Describe(now, warnBefore) + required);
                break;
            default:
                if (applied.ValidityAt(now, warnBefore) == CalibrationValidity.Valid)
                {
                    CalibrationReloadLog.Applied(logger, sensor.Key, applied.CalibrationId, was, applied.FileSha256 ?? string.Empty);
                }
                else
                {
                    CalibrationReloadLog.AppliedWithWarning(logger, sensor.Key, applied.CalibrationId, was, applied.Describe(now, warnBefore));
                }

                break;
        }
    }
}

/// <summary>The log lines of a calibration that changed while the worker runs (EventId 155–158, beside 150–154 of the start).</summary>
internal static partial class CalibrationReloadLog
{
    [LoggerMessage(EventId = 155, Level = LogLevel.Information, Message = "{Sensor}: site calibration {CalibrationId} applied from now on (was {Was}); file sha256 {Sha256}")]
    public static partial void Applied(ILogger logger, string sensor, string calibrationId, string was, string sha256);

    [LoggerMessage(EventId = 156, Level = LogLevel.Warning, Message = "{Sensor}: site calibration {CalibrationId} applied from now on (was {Was}); {Description}")]
    public static partial void AppliedWithWarning(ILogger logger, string sensor, string calibrationId, string was, string description);

    [LoggerMessage(EventId = 157, Level = LogLevel.Error, Message = "{Sensor}: the newest calibration file changed (was {Was}): {Problem}")]
    public static partial void Refused(ILogger logger, string sensor, string was, string problem);

    [LoggerMessage(EventId = 158, Level = LogLevel.Warning, Message = "{Sensor}: the calibration file is gone (was {Was}): {Description}")]
    public static partial void Removed(ILogger logger, string sensor, string was, string description);
}
