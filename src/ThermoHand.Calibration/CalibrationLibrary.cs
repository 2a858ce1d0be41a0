namespace ThermoHand.Calibration;

/// <summary>
/// The calibration directory (the repository's <c>calibration/</c>, or the device's copy of it): one folder per sensor
/// id holding versioned files, <c>calibration/0A1B2C3D4E5F/v0003.thcal.json</c>. The newest version applies.
/// </summary>
public sealed class CalibrationLibrary
{
    public CalibrationLibrary(string root)
    {
        ArgumentException.ThrowIfNullOrEmpty(root);
        Root = root;
    }

    public string Root { get; }

    public string FolderFor(string sensorId) => Path.Combine(Root, sensorId.ToUpperInvariant());

    /// <summary>The files of one sensor, newest version first (by file name; versions are zero-padded).</summary>
    public IReadOnlyList<string> FilesFor(string sensorId)
    {
        string folder = FolderFor(sensorId);
        return Directory.Exists(folder)
            ? Directory.GetFiles(folder, "v*" + SiteCalibrationFile.Extension).OrderByDescending(Path.GetFileName, StringComparer.Ordinal).ToArray()
            : [];
    }

    /// <summary>
    /// The newest calibration of a sensor: null when it has none. A damaged newest file throws
    /// <see cref="CalibrationFileException"/> — an older file is never used in its place silently, because the
    /// technician meant the newest one to apply. A file whose body names another sensor is refused too.
    /// </summary>
    public SiteCalibration? FindNewest(string sensorId)
    {
        ArgumentException.ThrowIfNullOrEmpty(sensorId);
        string? newest = FilesFor(sensorId).FirstOrDefault();
        if (newest is null)
        {
            return null;
        }

        SiteCalibration calibration = SiteCalibrationFile.Read(newest);
        if (!string.Equals(calibration.SensorId, sensorId, StringComparison.OrdinalIgnoreCase))
        {
            throw new CalibrationFileException(newest, $"is for sensor {calibration.SensorId}, not {sensorId}: it was copied into the wrong folder");
        }

        return calibration;
    }

    /// <summary>The version the next calibration of this sensor gets (1 when it has none).</summary>
    public int NextVersion(string sensorId)
    {
        string? newest = FilesFor(sensorId).FirstOrDefault();
        return newest is null ? 1 : int.Parse(Path.GetFileName(newest).AsSpan(1, 4), provider: System.Globalization.CultureInfo.InvariantCulture) + 1;
    }

    /// <summary>Stores a calibration under its sensor and version; refuses to overwrite an existing version.</summary>
    public string Save(SiteCalibration calibration)
    {
        ArgumentNullException.ThrowIfNull(calibration);
        string path = Path.Combine(FolderFor(calibration.SensorId), SiteCalibrationFile.FileNameFor(calibration.Version));
        if (File.Exists(path))
        {
            throw new IOException($"{path} already exists: calibration versions are never overwritten");
        }

        SiteCalibrationFile.Write(path, calibration);
        return path;
    }
}
