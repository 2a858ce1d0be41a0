using ThermoHand.Mlx90640;
using ThermoHand.Recording.Native;

namespace ThermoHand.Recording.Replay;

/// <summary>How fast a recording is played back.</summary>
public sealed record ReplayOptions
{
    /// <summary>As fast as possible (analysis, export). Each subpage keeps its recorded time either way.</summary>
    public static ReplayOptions AsFastAsPossible { get; } = new();

    /// <summary>Wait between subpages as the sensor did (for demonstrations and testing the live pipeline).</summary>
    public static ReplayOptions RealTime(double speed = 1.0, TimeProvider? timeProvider = null)
        => new() { Paced = true, Speed = speed, TimeProvider = timeProvider ?? TimeProvider.System };

    public bool Paced { get; init; }

    /// <summary>Playback speed when paced: 2 plays a 20-minute session in 10 minutes. Must be positive.</summary>
    public double Speed { get; init; } = 1.0;

    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;
}

/// <summary>
/// Plays a recording's raw subpages, with their recorded times, into the same pipeline as the live sensor.
/// Other records (events, environment, annotations) are passed to <see cref="OtherEntryReplayed"/> in file order.
/// A damaged recording plays up to its last good record, then ends; <see cref="Integrity"/> says why it ended.
/// </summary>
public sealed class RecordingSubpageSource : ISubpageSource
{
    private readonly SessionRecordingReader reader;
    private readonly ReplayOptions options;
    private readonly ushort[] eeprom;
    private double? firstSubpageTime;
    private long startTimestamp;

    public RecordingSubpageSource(SessionRecordingReader reader, ReplayOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(reader);
        this.options = options ?? ReplayOptions.AsFastAsPossible;
        if (!(this.options.Speed > 0) || !double.IsFinite(this.options.Speed))
        {
            throw new ArgumentOutOfRangeException(nameof(options), $"Replay speed must be a positive number, not {this.options.Speed}.");
        }

        this.reader = reader;
        eeprom = (ushort[])reader.Header.EepromWords.Clone();
    }

    /// <summary>Raised for every event, environment reading and annotation met between subpages.</summary>
    public event Action<RecordingEntry>? OtherEntryReplayed;

    public RecordingHeader Header => reader.Header;

    public ReadOnlyMemory<ushort> EepromWords => eeprom;

    /// <summary>Subpages delivered so far.</summary>
    public long SubpagesReplayed { get; private set; }

    public RecordingIntegrity Integrity => reader.Integrity;

    public static RecordingSubpageSource Open(string path, ReplayOptions? options = null)
    {
        var reader = SessionRecordingReader.Open(path);
        try
        {
            return new RecordingSubpageSource(reader, options);
        }
        catch
        {
            reader.Dispose();
            throw;
        }
    }

    /// <summary>Copies the next subpage into <paramref name="destination"/>; when paced, first waits until its time has come.</summary>
    public bool TryReadSubpage(RawSubpage destination, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(destination);
        while (reader.TryReadNext(out var entry))
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (entry is not SubpageEntry subpage)
            {
                OtherEntryReplayed?.Invoke(entry);
                continue;
            }

            if (options.Paced)
            {
                WaitUntilDue(subpage.TimeSeconds, cancellationToken);
            }

            subpage.Subpage.Words.CopyTo(destination.Words, 0);
            destination.TimeSeconds = subpage.TimeSeconds;
            SubpagesReplayed++;
            return true;
        }

        return false;
    }

    public void Dispose() => reader.Dispose();

    private void WaitUntilDue(double timeSeconds, CancellationToken cancellationToken)
    {
        var time = options.TimeProvider;
        if (firstSubpageTime is not { } first)
        {
            firstSubpageTime = timeSeconds;
            startTimestamp = time.GetTimestamp();
            return;
        }

        // Deadlines are absolute (from the first subpage), so waiting errors never accumulate over a long session.
        var due = TimeSpan.FromSeconds((timeSeconds - first) / options.Speed);
        var wait = due - time.GetElapsedTime(startTimestamp);
        if (wait > TimeSpan.Zero)
        {
            Task.Delay(wait, time, cancellationToken).GetAwaiter().GetResult();
        }
    }
}
