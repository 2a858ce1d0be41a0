namespace ThermoHand.Worker.Storage;

/// <summary>
/// Where a session's files live under Storage:Path:
/// <c>sessions.db</c> (SQLite metadata), <c>health.json</c>, and one folder per session holding
/// <c>left.threc</c>/<c>right.threc</c> (recordings, docs/recording-format.md) and <c>left.analysis.json</c>/… (final results).
/// </summary>
public sealed class SessionFiles(string root)
{
    public string Root { get; } = Path.GetFullPath(root);

    /// <summary>Storage:Path relative to the program's folder when not absolute (docs/protocol.md §5).</summary>
    public static SessionFiles FromSetting(string storagePath) =>
        new(Path.IsPathRooted(storagePath) ? storagePath : Path.Combine(AppContext.BaseDirectory, storagePath));

    public string HealthFile => Path.Combine(Root, "health.json");

    public string SessionFolder(string sessionId) => Path.Combine(Root, sessionId);

    public static string RecordingName(Analysis.Hand hand) => HandWord(hand) + ".threc";

    public static string AnalysisName(Analysis.Hand hand) => HandWord(hand) + ".analysis.json";

    public string Recording(string sessionId, Analysis.Hand hand) => Path.Combine(SessionFolder(sessionId), RecordingName(hand));

    public string AnalysisFile(string sessionId, Analysis.Hand hand) => Path.Combine(SessionFolder(sessionId), AnalysisName(hand));

    public static string HandWord(Analysis.Hand hand) => hand == Analysis.Hand.Left ? "left" : "right";
}

/// <summary>
/// Opens the file a recording is written to. The real one refuses to overwrite (a recording is patient data) and
/// writes through (buffer of 1) so the writer's one-write-per-record rule holds; tests substitute a stream that
/// runs out of space.
/// </summary>
public interface IRecordingStreamFactory
{
    Stream Create(string path);
}

public sealed class FileRecordingStreamFactory : IRecordingStreamFactory
{
    public Stream Create(string path)
    {
        try
        {
            return new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.Read, bufferSize: 1);
        }
        catch (IOException e) when (File.Exists(path))
        {
            throw new IOException($"The recording '{path}' already exists; refusing to overwrite it.", e);
        }
    }
}
