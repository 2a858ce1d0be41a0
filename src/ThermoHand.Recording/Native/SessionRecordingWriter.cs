using System.Buffers.Binary;
using System.IO.Hashing;
using ThermoHand.Analysis;
using ThermoHand.Mlx90640;

namespace ThermoHand.Recording.Native;

/// <summary>Durability and size settings of a <see cref="SessionRecordingWriter"/>.</summary>
public sealed record RecordingWriterOptions
{
    /// <summary>
    /// Longest time a written record may stay only in the operating system's cache before it is forced to the
    /// storage device (fsync). Every record is handed to the OS at once, so a crash of the program loses nothing;
    /// a power cut loses at most this much. Default 1 s: "a crash loses at most the last second".
    /// Zero means fsync after every record (slow on SD cards).
    /// </summary>
    public TimeSpan SyncInterval { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>How subpages are stored; the default is the smallest (measured in docs/recording-format.md).</summary>
    public SubpageEncoding SubpageEncoding { get; init; } = SubpageEncoding.PreviousDeltaDeflate;
}

/// <summary>
/// Appends one session to a new <c>.threc</c> file: the header at creation, then subpages, events, environment
/// readings and annotations as they happen, and an end record on <see cref="Dispose"/>. Thread-safe: the
/// acquisition loop and the operator's event buttons may write at the same time.
/// </summary>
public sealed class SessionRecordingWriter : IDisposable
{
    private readonly Lock gate = new();
    private readonly Stream stream;
    private readonly bool ownsStream;
    private readonly RecordingWriterOptions options;
    private readonly TimeProvider timeProvider;
    private readonly MemoryStream payload = new();
    private readonly BinaryWriter payloadWriter;
    private readonly ITimer syncTimer;
    private readonly ushort[] previousSubpageWords = new ushort[RawSubpage.WordCount];
    private readonly ReadingPattern pattern;
    private long lastSyncTimestamp;
    private bool unsyncedData;
    private bool timerArmed;
    private double lastSubpageTime = double.NegativeInfinity;
    private double lastTime;
    private bool disposed;
    private IOException? backgroundFailure;

    /// <summary>Writes the preamble and header to <paramref name="stream"/> (which must be empty and writable).</summary>
    public SessionRecordingWriter(Stream stream, RecordingHeader header, RecordingWriterOptions? options = null, TimeProvider? timeProvider = null, bool leaveOpen = false)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(header);
        this.stream = stream;
        ownsStream = !leaveOpen;
        this.options = options ?? new RecordingWriterOptions();
        if (this.options.SyncInterval < TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(options), "SyncInterval must not be negative.");
        }

        if (!(header.Emissivity > 0 && header.Emissivity <= 1))
        {
            throw new ArgumentException($"Header Emissivity must be in (0, 1], not {header.Emissivity}.", nameof(header));
        }

        if (!double.IsFinite(header.ReflectedTemperature.Value))
        {
            throw new ArgumentException($"Header ReflectedTemperature value must be finite, not {header.ReflectedTemperature.Value}.", nameof(header));
        }

        this.timeProvider = timeProvider ?? TimeProvider.System;
        pattern = header.Pattern;
        payloadWriter = RecordCodec.PayloadWriter(payload);
        syncTimer = this.timeProvider.CreateTimer(_ => SyncFromTimer(), null, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);

        Span<byte> preamble = stackalloc byte[RecordingFormat.Magic.Length + 4];
        RecordingFormat.Magic.CopyTo(preamble);
        BinaryPrimitives.WriteUInt16LittleEndian(preamble[RecordingFormat.Magic.Length..], RecordingFormat.MajorVersion);
        BinaryPrimitives.WriteUInt16LittleEndian(preamble[(RecordingFormat.Magic.Length + 2)..], RecordingFormat.MinorVersion);
        stream.Write(preamble);
        BytesWritten = preamble.Length;
        lastSyncTimestamp = this.timeProvider.GetTimestamp();
        lock (gate)
        {
            AppendRecord(RecordType.Header, w => RecordCodec.WriteHeader(w, header));
            Sync(); // the header must reach the disk: without it nothing after is readable.
        }
    }

    /// <summary>Bytes in the file so far (preamble included).</summary>
    public long BytesWritten { get; private set; }

    /// <summary>Records written so far (header included).</summary>
    public long RecordsWritten { get; private set; }

    /// <summary>How many times the file was forced to the storage device (fsync).</summary>
    public int SyncCount { get; private set; }

    /// <summary>
    /// Creates <paramref name="path"/> and writes the header. Refuses to overwrite an existing file: a recording is
    /// patient data, and starting a session must never destroy an earlier one.
    /// </summary>
    public static SessionRecordingWriter Create(string path, RecordingHeader header, RecordingWriterOptions? options = null, TimeProvider? timeProvider = null)
    {
        FileStream file;
        try
        {
            file = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.Read, bufferSize: 1);
        }
        catch (IOException ex) when (File.Exists(path))
        {
            throw new IOException($"The recording '{path}' already exists; refusing to overwrite it. Choose a new file name.", ex);
        }

        try
        {
            return new SessionRecordingWriter(file, header, options, timeProvider);
        }
        catch
        {
            // We created this file a moment ago: remove it, or a retry would be refused as "already exists".
            file.Dispose();
            File.Delete(path);
            throw;
        }
    }

    public void WriteSubpage(RawSubpage subpage)
    {
        ArgumentNullException.ThrowIfNull(subpage);
        CheckTime(subpage.TimeSeconds, nameof(subpage));
        lock (gate)
        {
            // The acquisition clock is monotonic and a read takes milliseconds: a subpage not after the previous one
            // means two sources are mixed up (and would give frames with equal times later).
            if (subpage.TimeSeconds <= lastSubpageTime)
            {
                throw new ArgumentException(
                    $"Subpage time {subpage.TimeSeconds} s is not after the previous subpage ({lastSubpageTime} s); subpages must be written in acquisition order.",
                    nameof(subpage));
            }

            lastSubpageTime = subpage.TimeSeconds;
            if (!Enum.IsDefined(options.SubpageEncoding))
            {
                throw new InvalidOperationException($"Unknown subpage encoding {options.SubpageEncoding} in the writer options.");
            }

            AppendRecord(RecordType.Subpage, w => RecordCodec.WriteSubpage(w, subpage, options.SubpageEncoding, previousSubpageWords, pattern));
            subpage.Words.CopyTo(previousSubpageWords, 0);
            AfterRecord(subpage.TimeSeconds);
        }
    }

    public void WriteEvent(SessionEvent sessionEvent)
    {
        ArgumentNullException.ThrowIfNull(sessionEvent);
        CheckTime(sessionEvent.TimeSeconds, nameof(sessionEvent));
        if (string.IsNullOrWhiteSpace(sessionEvent.Type))
        {
            throw new ArgumentException("An event needs a type (e.g. challenge_start).", nameof(sessionEvent));
        }

        Write(RecordType.Event, sessionEvent.TimeSeconds, w => RecordCodec.WriteEvent(w, sessionEvent));
    }

    public void WriteEnvironment(EnvironmentReading reading)
    {
        ArgumentNullException.ThrowIfNull(reading);
        CheckTime(reading.TimeSeconds, nameof(reading));
        if (!double.IsFinite(reading.Value) || !Enum.IsDefined(reading.Quantity))
        {
            throw new ArgumentException($"Environment reading {reading.Quantity} = {reading.Value} is not a valid measurement.", nameof(reading));
        }

        Write(RecordType.Environment, reading.TimeSeconds, w => RecordCodec.WriteEnvironment(w, reading));
    }

    public void WriteAnnotation(Annotation annotation)
    {
        ArgumentNullException.ThrowIfNull(annotation);
        CheckTime(annotation.TimeSeconds, nameof(annotation));
        Write(RecordType.Annotation, annotation.TimeSeconds, w => RecordCodec.WriteAnnotation(w, annotation));
    }

    /// <summary>Writes the end record (the mark of a session closed normally), forces everything to disk and closes.</summary>
    public void Dispose()
    {
        lock (gate)
        {
            if (disposed)
            {
                return;
            }

            disposed = true;
            syncTimer.Dispose();
            try
            {
                AppendRecord(RecordType.End, w => w.Write(lastTime));
                Sync();
            }
            finally
            {
                payloadWriter.Dispose();
                if (ownsStream)
                {
                    stream.Dispose();
                }
            }
        }
    }

    private static void CheckTime(double timeSeconds, string parameter)
    {
        if (!double.IsFinite(timeSeconds))
        {
            throw new ArgumentException($"Record time must be a finite number of seconds, not {timeSeconds}.", parameter);
        }
    }

    private void Write(RecordType type, double timeSeconds, Action<BinaryWriter> writePayload)
    {
        lock (gate)
        {
            AppendRecord(type, writePayload);
            AfterRecord(timeSeconds);
        }
    }

    /// <summary>Frames one record (type, length, payload, CRC-32 of all three) and hands it to the OS in one write.</summary>
    private void AppendRecord(RecordType type, Action<BinaryWriter> writePayload)
    {
        ObjectDisposedException.ThrowIf(disposed && type != RecordType.End, this);
        if (backgroundFailure is { } failure)
        {
            throw new IOException($"The recording could not be forced to disk: {failure.Message}", failure);
        }

        payload.SetLength(0);
        payload.Write(stackalloc byte[5]); // room for type and length, filled in below
        writePayload(payloadWriter);
        payloadWriter.Flush();
        var length = checked((int)payload.Length - 5);
        var framed = payload.GetBuffer().AsSpan(0, (int)payload.Length);
        framed[0] = (byte)type;
        BinaryPrimitives.WriteInt32LittleEndian(framed[1..], length);
        Span<byte> crc = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32LittleEndian(crc, Crc32.HashToUInt32(framed));
        payload.Write(crc);

        // One write per record: the OS gets whole records, so a crashed program leaves at most one partial record.
        var record = payload.GetBuffer().AsSpan(0, (int)payload.Length);
        stream.Write(record);
        stream.Flush();
        BytesWritten += record.Length;
        RecordsWritten++;
    }

    private void AfterRecord(double timeSeconds)
    {
        lastTime = Math.Max(lastTime, timeSeconds);
        unsyncedData = true;
        SyncIfDue(fromTimer: false);
    }

    private void SyncFromTimer()
    {
        try
        {
            SyncIfDue(fromTimer: true);
        }
        catch (IOException ex)
        {
            // A timer thread must not crash the device; the failure is reported by the next write instead.
            lock (gate)
            {
                backgroundFailure ??= ex;
            }
        }
    }

    private void SyncIfDue(bool fromTimer)
    {
        lock (gate)
        {
            if (disposed)
            {
                return;
            }

            if (fromTimer)
            {
                timerArmed = false;
            }

            if (!unsyncedData)
            {
                return;
            }

            var sinceSync = timeProvider.GetElapsedTime(lastSyncTimestamp);
            if (sinceSync >= options.SyncInterval)
            {
                Sync();
            }
            else if (!timerArmed)
            {
                // No further record may come for a while (paused session): the timer makes sure this one still
                // reaches the disk within the interval.
                timerArmed = true;
                syncTimer.Change(options.SyncInterval - sinceSync, Timeout.InfiniteTimeSpan);
            }
        }
    }

    private void Sync()
    {
        if (stream is FileStream file)
        {
            file.Flush(flushToDisk: true);
        }
        else
        {
            stream.Flush();
        }

        SyncCount++;
        unsyncedData = false;
        lastSyncTimestamp = timeProvider.GetTimestamp();
    }
}
