namespace ThermoHand.Recording.Native;

/// <summary>How a recording ended, as far as a reader got.</summary>
public enum RecordingEnding
{
    /// <summary>Still reading: the end of the file has not been reached yet.</summary>
    NotYetKnown,

    /// <summary>The writer closed the session normally (end record present, nothing after it).</summary>
    ClosedNormally,

    /// <summary>Every record is whole but there is no end record: the program stopped between two records (crash, power cut, or still recording).</summary>
    NotClosed,

    /// <summary>The last record is incomplete: the program or the power stopped while it was being written.</summary>
    Truncated,

    /// <summary>A record fails its CRC or cannot be decoded: the file was damaged after writing. Nothing after it is read.</summary>
    Corrupt,

    /// <summary>Bytes follow the end record (e.g. two files concatenated). They are not read.</summary>
    DataAfterEnd,
}

/// <summary>
/// What a reader could recover from a recording: everything up to the last whole, CRC-checked record is kept;
/// nothing after a damaged record is trusted.
/// </summary>
public sealed record RecordingIntegrity(
    RecordingEnding Ending,
    long BytesRecovered,
    long? FileLength,
    long RecordsRecovered,
    long UnknownRecordsSkipped,
    double? LastTimeSeconds,
    string? Problem)
{
    /// <summary>Bytes at the end of the file that could not be used (0 when the whole file was read).</summary>
    public long? BytesLost => FileLength is { } length ? length - BytesRecovered : null;

    /// <summary>True when the reader stopped early because of damage (truncated, corrupt or trailing data).</summary>
    public bool IsDamaged => Ending is RecordingEnding.Truncated or RecordingEnding.Corrupt or RecordingEnding.DataAfterEnd;

    public string Describe()
    {
        var text = Ending switch
        {
            RecordingEnding.ClosedNormally => "closed normally",
            RecordingEnding.NotClosed => "not closed (the session stopped between records: crash, power cut or still recording); all records intact",
            RecordingEnding.Truncated => "truncated (the last record is incomplete)",
            RecordingEnding.Corrupt => "corrupt",
            RecordingEnding.DataAfterEnd => "unexpected data after the end record",
            _ => "not read to the end",
        };
        if (Problem is not null)
        {
            text += $": {Problem}";
        }

        var last = LastTimeSeconds is { } t ? $", last record at {t:0.###} s" : "";
        var lost = BytesLost is > 0 ? $", {BytesLost} bytes not recovered" : "";
        return $"{text}; recovered {RecordsRecovered} records, {BytesRecovered} bytes{last}{lost}";
    }
}
