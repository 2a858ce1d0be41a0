using System.Buffers.Binary;
using System.Diagnostics.CodeAnalysis;
using System.IO.Hashing;
using System.Text;

namespace ThermoHand.Recording.Native;

/// <summary>
/// Streams a <c>.threc</c> recording record by record (never loads the whole file). Reading stops cleanly at the
/// first incomplete or damaged record; <see cref="Integrity"/> then says how much was recovered and why it stopped.
/// Damage never throws: only a file that is not a recording at all (bad preamble or header) does.
/// </summary>
public sealed class SessionRecordingReader : IDisposable
{
    private readonly Stream stream;
    private readonly bool ownsStream;
    private readonly long? fileLength;
    private byte[] buffer = new byte[4096];
    private readonly ushort[] previousSubpageWords = new ushort[Mlx90640.RawSubpage.WordCount];
    private long position;
    private long recordsRecovered;
    private long unknownSkipped;
    private double? lastTime;
    private RecordingEnding ending = RecordingEnding.NotYetKnown;
    private string? problem;

    public SessionRecordingReader(Stream stream, bool leaveOpen = false)
    {
        ArgumentNullException.ThrowIfNull(stream);
        this.stream = stream;
        ownsStream = !leaveOpen;
        fileLength = stream.CanSeek ? stream.Length - stream.Position : null;
        try
        {
            (FileMajorVersion, FileMinorVersion) = ReadPreamble();
            Header = ReadHeaderRecord();
        }
        catch
        {
            if (ownsStream)
            {
                stream.Dispose();
            }

            throw;
        }
    }

    public RecordingHeader Header { get; }

    public ushort FileMajorVersion { get; }

    /// <summary>The writer's minor version; may be newer than ours (then unknown records are skipped).</summary>
    public ushort FileMinorVersion { get; }

    public RecordingIntegrity Integrity
        => new(ending, position, fileLength, recordsRecovered, unknownSkipped, lastTime, problem);

    /// <summary>Opens a file for streaming. It may still be being written (shared read access).</summary>
    public static SessionRecordingReader Open(string path)
    {
        var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, bufferSize: 64 * 1024);
        try
        {
            return new SessionRecordingReader(file);
        }
        catch (RecordingFormatException ex)
        {
            throw new RecordingFormatException($"{path}: {ex.Message}");
        }
    }

    /// <summary>Reads the next subpage, event, environment reading or annotation; false at the end or at damage.</summary>
    public bool TryReadNext([NotNullWhen(true)] out RecordingEntry? entry)
    {
        while (TryReadRecord(out var type, out var length))
        {
            if (!TryDecodeCurrent(type, length, out entry))
            {
                return false;
            }

            if (entry is not null)
            {
                NoteTime(entry.TimeSeconds);
                return true;
            }
        }

        entry = null;
        return false;
    }

    /// <summary>All remaining records, streamed.</summary>
    public IEnumerable<RecordingEntry> ReadAll()
    {
        while (TryReadNext(out var entry))
        {
            yield return entry;
        }
    }

    public void Dispose()
    {
        if (ownsStream)
        {
            stream.Dispose();
        }
    }

    /// <summary>
    /// Reads and CRC-checks the next record frame into the buffer (payload at offset 5). Skips unknown record types.
    /// Returns false at the end of the file or at damage (then <see cref="Integrity"/> says which).
    /// For the fast index, which needs only types and times and must not inflate every subpage.
    /// </summary>
    internal bool TryReadRecord(out RecordType type, out int length)
    {
        type = default;
        length = 0;
        while (ending == RecordingEnding.NotYetKnown)
        {
            var frame = ReadFrame();
            type = frame.Type;
            length = frame.Length;
            var record = $"record {recordsRecovered + 1} at byte {position}";
            switch (frame.Status)
            {
                case FrameStatus.NoData:
                    StopAt(RecordingEnding.NotClosed, null);
                    return false;
                case FrameStatus.HeaderCut:
                    StopAt(RecordingEnding.Truncated, $"{record} is cut off inside its frame header");
                    return false;
                case FrameStatus.ImpossibleLength:
                    StopAt(RecordingEnding.Corrupt, $"{record} claims an impossible length of {length} bytes");
                    return false;
                case FrameStatus.BodyCut:
                    StopAt(RecordingEnding.Truncated, $"{record} ({type}, {length} bytes) is incomplete: {frame.BodyBytesRead} of {length + 4} bytes after its frame header");
                    return false;
                case FrameStatus.CrcMismatch:
                    StopAt(RecordingEnding.Corrupt, $"{record} fails its CRC check (stored {frame.StoredCrc:X8}, computed {frame.ComputedCrc:X8})");
                    return false;
            }

            var frameLength = length + RecordingFormat.FrameOverhead;
            if (type == RecordType.End)
            {
                position += frameLength;
                recordsRecovered++;
                Span<byte> probe = stackalloc byte[1];
                if (ReadFully(probe) > 0)
                {
                    // Position stays after the end record: that is where the good data stops.
                    ending = RecordingEnding.DataAfterEnd;
                    problem = $"{(fileLength is { } l ? $"{l - position} bytes" : "data")} after the end record at byte {position}";
                }
                else
                {
                    ending = RecordingEnding.ClosedNormally;
                }

                return false;
            }

            position += frameLength;
            recordsRecovered++;
            if (type is RecordType.Subpage or RecordType.Event or RecordType.Environment or RecordType.Annotation)
            {
                return true;
            }

            // A record type from a newer minor version: framed and checked, so it can be skipped safely.
            unknownSkipped++;
        }

        return false;
    }

    /// <summary>The payload of the record last returned by <see cref="TryReadRecord"/>.</summary>
    internal ReadOnlySpan<byte> Payload(int length) => buffer.AsSpan(5, length);

    internal void NoteTime(double timeSeconds) => lastTime = lastTime is { } t ? Math.Max(t, timeSeconds) : timeSeconds;

    /// <summary>
    /// Decodes the record last returned by <see cref="TryReadRecord"/>. False if it cannot be decoded although its
    /// CRC matched (a writer bug or a layout we misread): reading then stops there, as for damage.
    /// </summary>
    internal bool TryDecodeCurrent(RecordType type, int length, out RecordingEntry? entry)
    {
        try
        {
            entry = Decode(type, length);
            return true;
        }
        catch (Exception ex) when (ex is InvalidDataException or IOException or FormatException or DecoderFallbackException)
        {
            position -= length + RecordingFormat.FrameOverhead;
            recordsRecovered--;
            StopAt(RecordingEnding.Corrupt, $"record {recordsRecovered + 1} ({type}) at byte {position} passes its CRC but cannot be decoded: {ex.Message}");
            entry = null;
            return false;
        }
    }

    private RecordingEntry? Decode(RecordType type, int length)
    {
        if (type == RecordType.Subpage)
        {
            var subpage = RecordCodec.ReadSubpage(Payload(length), previousSubpageWords, Header.Pattern);
            subpage.Words.CopyTo(previousSubpageWords, 0);
            return new SubpageEntry(subpage);
        }

        using var reader = RecordCodec.PayloadReader(buffer[5..(5 + length)], length);
        return type switch
        {
            RecordType.Event => new EventEntry(RecordCodec.ReadEvent(reader)),
            RecordType.Environment => new EnvironmentEntry(RecordCodec.ReadEnvironment(reader)),
            RecordType.Annotation => new AnnotationEntry(RecordCodec.ReadAnnotation(reader)),
            _ => null,
        };
    }

    private (ushort Major, ushort Minor) ReadPreamble()
    {
        var magicLength = RecordingFormat.Magic.Length;
        Span<byte> preamble = stackalloc byte[magicLength + 4];
        var got = ReadFully(preamble);
        if (got < magicLength || !preamble[..magicLength].SequenceEqual(RecordingFormat.Magic))
        {
            throw new RecordingFormatException("not a ThermoHand session recording (the file does not start with the THREC signature)");
        }

        if (got < preamble.Length)
        {
            throw new RecordingFormatException("the recording ends inside its preamble; nothing can be recovered");
        }

        var major = BinaryPrimitives.ReadUInt16LittleEndian(preamble[magicLength..]);
        var minor = BinaryPrimitives.ReadUInt16LittleEndian(preamble[(magicLength + 2)..]);
        if (major != RecordingFormat.MajorVersion)
        {
            throw new RecordingFormatException(
                $"recording format version {major}.{minor} is not supported (this software reads version {RecordingFormat.MajorVersion}.x); update ThermoHand");
        }

        position = preamble.Length;
        return (major, minor);
    }

    private RecordingHeader ReadHeaderRecord()
    {
        var ok = TryReadRecordRaw(out var type, out var length);
        if (!ok || type != RecordType.Header)
        {
            throw new RecordingFormatException(ok
                ? $"the first record is {type}, not the session header"
                : $"the session header is unreadable ({problem}); nothing can be recovered");
        }

        try
        {
            using var reader = RecordCodec.PayloadReader(buffer[5..(5 + length)], length);
            return RecordCodec.ReadHeader(reader);
        }
        catch (Exception ex) when (ex is InvalidDataException or IOException or FormatException or DecoderFallbackException)
        {
            throw new RecordingFormatException($"the session header cannot be decoded: {ex.Message}");
        }
    }

    /// <summary>Like <see cref="TryReadRecord"/> but returns the header type too (used once, for the first record).</summary>
    private bool TryReadRecordRaw(out RecordType type, out int length)
    {
        // The header is just a record whose type the loop would skip as unknown; read its frame directly.
        var frame = ReadFrame();
        type = frame.Type;
        length = frame.Length;
        problem = frame.Status switch
        {
            FrameStatus.NoData or FrameStatus.HeaderCut => "the file ends before the header record",
            FrameStatus.ImpossibleLength => $"impossible header length {length}",
            FrameStatus.BodyCut => "the header record is incomplete",
            FrameStatus.CrcMismatch => "the header record fails its CRC check",
            _ => null,
        };
        if (frame.Status != FrameStatus.Complete)
        {
            return false;
        }

        position += length + RecordingFormat.FrameOverhead;
        recordsRecovered = 1;
        return true;
    }

    /// <summary>
    /// Reads one record frame (type byte, int32 length, payload, CRC32 over type + length + payload) into the buffer,
    /// payload at offset 5, and checks it. The one place that knows the frame layout; callers word the outcome.
    /// </summary>
    private Frame ReadFrame()
    {
        var got = ReadFully(buffer.AsSpan(0, 5));
        if (got < 5)
        {
            return new Frame(got == 0 ? FrameStatus.NoData : FrameStatus.HeaderCut, default, 0);
        }

        var type = (RecordType)buffer[0];
        var length = BinaryPrimitives.ReadInt32LittleEndian(buffer.AsSpan(1));
        if (length < 0 || length > RecordingFormat.MaxPayloadLength)
        {
            return new Frame(FrameStatus.ImpossibleLength, type, length);
        }

        if (buffer.Length < length + RecordingFormat.FrameOverhead)
        {
            Array.Resize(ref buffer, length + RecordingFormat.FrameOverhead);
        }

        var rest = length + 4;
        var gotRest = ReadFully(buffer.AsSpan(5, rest));
        if (gotRest < rest)
        {
            return new Frame(FrameStatus.BodyCut, type, length, gotRest);
        }

        var stored = BinaryPrimitives.ReadUInt32LittleEndian(buffer.AsSpan(5 + length));
        var computed = Crc32.HashToUInt32(buffer.AsSpan(0, 5 + length));
        return stored == computed
            ? new Frame(FrameStatus.Complete, type, length)
            : new Frame(FrameStatus.CrcMismatch, type, length, StoredCrc: stored, ComputedCrc: computed);
    }

    private enum FrameStatus
    {
        Complete,
        NoData,
        HeaderCut,
        ImpossibleLength,
        BodyCut,
        CrcMismatch,
    }

    private readonly record struct Frame(FrameStatus Status, RecordType Type, int Length, int BodyBytesRead = 0, uint StoredCrc = 0, uint ComputedCrc = 0);

    private void StopAt(RecordingEnding why, string? description)
    {
        // Position excludes the bad record: only whole, checked records count as recovered.
        ending = why;
        problem = description;
    }

    private int ReadFully(Span<byte> destination)
    {
        var total = 0;
        while (total < destination.Length)
        {
            var read = stream.Read(destination[total..]);
            if (read == 0)
            {
                break;
            }

            total += read;
        }

        return total;
    }
}
