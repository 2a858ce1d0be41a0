namespace ThermoHand.Calibration;

/// <summary>
/// A site-calibration file that cannot be used: unreadable, not our format, damaged (checksum mismatch) or
/// inconsistent. The message names the file and says what is wrong, in words a device technician can act on.
/// </summary>
public sealed class CalibrationFileException : Exception
{
    public CalibrationFileException(string path, string problem, Exception? inner = null)
        : base($"{path}: {problem}", inner)
    {
        FilePath = path;
        Problem = problem;
    }

    public CalibrationFileException()
    {
        FilePath = "";
        Problem = "";
    }

    public CalibrationFileException(string message)
        : base(message)
    {
        FilePath = "";
        Problem = message;
    }

    public CalibrationFileException(string message, Exception innerException)
        : base(message, innerException)
    {
        FilePath = "";
        Problem = message;
    }

    public string FilePath { get; }

    public string Problem { get; }
}
