using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using ThermoHand.Calibration;

namespace ThermoHand.Worker.Calibration;

/// <summary>Whether a sensor's images get a site calibration.</summary>
public enum CalibrationStatus
{
    /// <summary>The sensor's newest calibration file was read and checked; it is applied to every image.</summary>
    Calibrated,

    /// <summary>No calibration file for this sensor: the factory (EEPROM) calibration alone.</summary>
    Missing,

    /// <summary>The newest file is damaged, not ours or in the wrong folder: refused, never applied (factory calibration alone).</summary>
    Refused,
}

/// <summary>
/// What the worker found for one sensor in the calibration directory (at start, or between sessions when the folder
/// changed): the newest calibration and the SHA-256 of its file (so the exact correction can be reproduced from the
/// calibration/ history), or why there is none.
/// </summary>
public sealed record CalibrationLookup(
    string SensorId,
    string Directory,
    CalibrationStatus Status,
    SiteCalibration? Calibration,
    string? FilePath,
    string? FileSha256,
    string? Problem)
{
    /// <summary>Session flag: the sensor ran on its factory calibration because it has none.</summary>
    public const string MissingFlag = "calibration_missing";

    /// <summary>Session flag: the sensor's calibration file was refused (damaged or misplaced).</summary>
    public const string RefusedFlag = "calibration_refused";

    /// <summary>Session flag: the calibration applied had expired.</summary>
    public const string ExpiredFlag = "calibration_expired";

    /// <summary>How sessions name the calibration in use: "SENSORID/vN", or "factory" when none is applied.</summary>
    public string CalibrationId => Calibration?.Id ?? "factory";

    /// <summary>
    /// The newest file as the folder listing showed it just before it was read (<see cref="CalibrationFileStamp.None"/>
    /// when there was none); null when the folder or the file could not be read, so the next look reads it again.
    /// </summary>
    public CalibrationFileStamp? Stamp { get; init; }

    /// <summary>What was applied before, in words ("v1", "factory calibration only"), when this lookup replaced it while the worker ran; null at start.</summary>
    public string? ChangedFrom { get; init; }

    /// <summary>When this lookup replaced the previous one (between sessions); null at start.</summary>
    public DateTimeOffset? ChangedUtc { get; init; }

    /// <summary>
    /// Finds the newest calibration of <paramref name="sensorId"/> under <paramref name="directory"/>. Never throws for
    /// a bad file: a damaged or misplaced newest file becomes <see cref="CalibrationStatus.Refused"/> with a message
    /// naming the file and what to do (an older file is never used in its place: the technician meant the newest).
    /// </summary>
    public static CalibrationLookup Find(string directory, string sensorId)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        ArgumentException.ThrowIfNullOrEmpty(sensorId);
        var library = new CalibrationLibrary(directory);
        string? newest;
        try
        {
            newest = library.FilesFor(sensorId).FirstOrDefault();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return new CalibrationLookup(sensorId, directory, CalibrationStatus.Refused, null, library.FolderFor(sensorId), null,
                $"{library.FolderFor(sensorId)}: cannot be read ({e.Message}); check Calibration:Directory and the folder's permissions");
        }

        if (newest is null)
        {
            return new CalibrationLookup(sensorId, directory, CalibrationStatus.Missing, null, null, null,
                $"no site calibration for sensor {sensorId} in {library.FolderFor(sensorId)}: factory calibration only")
            {
                Stamp = CalibrationFileStamp.None,
            };
        }

        CalibrationFileStamp? stamp = null;
        try
        {
            byte[] bytes;
            try
            {
                // Stamped before reading: a file replaced while it is read then looks changed at the next look, never the reverse.
                var info = new FileInfo(newest);
                stamp = CalibrationFileStamp.Of(info);
                if (info.Length > SiteCalibrationFile.MaxFileBytes)
                {
                    throw new CalibrationFileException(newest, $"too large for a calibration file (at most {SiteCalibrationFile.MaxFileBytes} bytes)");
                }

                bytes = File.ReadAllBytes(newest);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                throw new CalibrationFileException(newest, $"cannot be read ({e.Message})", e);
            }

            // Parse exactly the bytes that are hashed, so the recorded SHA-256 names the correction that was applied.
            SiteCalibration calibration = SiteCalibrationFile.Parse(Encoding.UTF8.GetString(bytes), newest);
            if (!string.Equals(calibration.SensorId, sensorId, StringComparison.OrdinalIgnoreCase))
            {
                throw new CalibrationFileException(newest, $"is for sensor {calibration.SensorId}, not {sensorId}: it was copied into the wrong folder");
            }

            return new CalibrationLookup(sensorId, directory, CalibrationStatus.Calibrated, calibration, newest,
                Convert.ToHexStringLower(SHA256.HashData(bytes)), null)
            {
                Stamp = stamp,
            };
        }
        catch (Exception e) when (e is CalibrationFileException or System.Text.Json.JsonException or ArgumentException or FormatException or OverflowException or InvalidOperationException)
        {
            // Whatever is wrong with the file, the worker starts and says which file and what to do.
            string what = e is CalibrationFileException ? e.Message : $"{newest}: cannot be used ({e.Message})";
            return new CalibrationLookup(sensorId, directory, CalibrationStatus.Refused, null, newest, null,
                $"site calibration refused, not applied: {what}. Sessions run on the factory calibration until it is fixed: " +
                "restore the file from the calibration/ directory's history, or remove it and recalibrate the sensor (thermohand calibrate)")
            {
                Stamp = stamp,
            };
        }
    }

    /// <summary>
    /// True when <paramref name="other"/> found the same thing (status, file, SHA-256, problem): looking again then
    /// changed nothing a session would record or apply.
    /// </summary>
    public bool SameOutcomeAs(CalibrationLookup other) =>
        other is not null && Status == other.Status && FilePath == other.FilePath && FileSha256 == other.FileSha256 && Problem == other.Problem;

    /// <summary>What this lookup applies, in a few words for the change message: "v2", "factory calibration only", "factory calibration (v0002.thcal.json refused)".</summary>
    public string ShortDescription() => Status switch
    {
        CalibrationStatus.Calibrated => $"v{Calibration!.Version}",
        CalibrationStatus.Missing => "factory calibration only",
        _ => $"factory calibration ({Path.GetFileName(FilePath)} refused)",
    };

    /// <summary>Validity of the applied calibration at <paramref name="now"/>; null when none is applied.</summary>
    public CalibrationValidity? ValidityAt(DateTimeOffset now, TimeSpan warnBefore) => Calibration?.ValidityAt(now, warnBefore);

    /// <summary>The session flags this sensor's calibration state sets at <paramref name="now"/>.</summary>
    public IReadOnlyList<string> FlagsAt(DateTimeOffset now, TimeSpan warnBefore) => Status switch
    {
        CalibrationStatus.Missing => [MissingFlag],
        CalibrationStatus.Refused => [RefusedFlag],
        _ => ValidityAt(now, warnBefore) == CalibrationValidity.Expired ? [ExpiredFlag] : [],
    };

    /// <summary>One line for the log, health and the session record: what is applied and anything to act on.</summary>
    public string Describe(DateTimeOffset now, TimeSpan warnBefore)
    {
        if (Calibration is not { } c)
        {
            return Problem ?? $"no site calibration for sensor {SensorId}: factory calibration only";
        }

        string expires = c.ExpiresUtc.UtcDateTime.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        return ValidityAt(now, warnBefore) switch
        {
            CalibrationValidity.Expired =>
                $"site calibration {c.Id} EXPIRED on {expires}: still applied, every session is flagged {ExpiredFlag}; recalibrate the sensor (thermohand calibrate)",
            CalibrationValidity.ExpiresSoon =>
                $"site calibration {c.Id} applied; it expires on {expires}: plan a recalibration",
            _ => $"site calibration {c.Id} applied (valid until {expires})",
        };
    }

    /// <summary>
    /// The calibration as sessions record it (SQLite settings, session_started): id, sensor, version, dates, validity
    /// at <paramref name="now"/> and the file's SHA-256; null when the sensor ran on its factory calibration.
    /// </summary>
    public SessionCalibration? ForSession(DateTimeOffset now, TimeSpan warnBefore) =>
        Calibration is { } c
            ? new SessionCalibration(
                c.Id, c.SensorId, c.Version, c.CreatedUtc.ToUniversalTime(), c.ExpiresUtc.ToUniversalTime(),
                ValidityWord(c.ValidityAt(now, warnBefore)), FileSha256 ?? "", Path.GetFileName(FilePath) ?? "")
            : null;

    public static string ValidityWord(CalibrationValidity validity) => validity switch
    {
        CalibrationValidity.Expired => "expired",
        CalibrationValidity.ExpiresSoon => "expires_soon",
        _ => "valid",
    };
}

/// <summary>A session's record of the calibration one sensor used (snake_case in JSON; docs/device-stream.md).</summary>
public sealed record SessionCalibration(
    string Id, string SensorId, int Version, DateTimeOffset CreatedUtc, DateTimeOffset ExpiresUtc, string Validity, string Sha256, string File)
{
    /// <summary>The object written into session settings and messages, with the documented snake_case names.</summary>
    public object ToJsonObject() => new
    {
        id = Id,
        sensor_id = SensorId,
        version = Version,
        created_utc = CreatedUtc,
        expires_utc = ExpiresUtc,
        validity = Validity,
        sha256 = Sha256,
        file = File,
    };
}
