using ThermoHand.Calibration;

namespace ThermoHand.Worker.Calibration;

/// <summary>
/// A sensor's newest calibration file as the folder listing shows it: its name, size and last-write time. Comparing
/// stamps before each session is cheap (one listing, one stat); the file is read and its SHA-256 checked again only
/// when the stamp differs. <c>thermohand calibrate</c> never overwrites a version, so a new calibration always has a
/// new name; an edited file changes its size or last-write time.
/// </summary>
public sealed record CalibrationFileStamp(string? FileName, long Length, DateTime LastWriteUtc)
{
    /// <summary>The stamp of a sensor folder without any calibration file (or no folder at all).</summary>
    public static readonly CalibrationFileStamp None = new(null, 0, default);

    /// <summary>The stamp of one file (throws <see cref="IOException"/> when it is gone).</summary>
    public static CalibrationFileStamp Of(FileInfo file)
    {
        ArgumentNullException.ThrowIfNull(file);
        return new CalibrationFileStamp(file.Name, file.Length, file.LastWriteTimeUtc);
    }

    /// <summary>
    /// The stamp of the newest file of <paramref name="sensorId"/> under <paramref name="directory"/> now; null when the
    /// folder or the file cannot be listed or stat'ed (the caller then looks the calibration up in full, which says why).
    /// </summary>
    public static CalibrationFileStamp? Current(string directory, string sensorId)
    {
        try
        {
            string? newest = new CalibrationLibrary(directory).FilesFor(sensorId).FirstOrDefault();
            return newest is null ? None : Of(new FileInfo(newest));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }
}
