using System.Buffers.Binary;
using System.IO.Hashing;
using FsCheck.Xunit;
using ThermoHand.Analysis;
using ThermoHand.Recording.Native;

namespace ThermoHand.Recording.Tests.Hostile;

/// <summary>
/// The .threc reader (docs/recording-format.md) on damaged files: cut at every record boundary and inside records,
/// single bit flips, random bytes, forged lengths and records whose CRC was forged over a garbage payload. The only
/// outcomes allowed are a <see cref="RecordingFormatException"/> (not a recording, nothing recoverable) or a prefix
/// of the written entries with <see cref="SessionRecordingReader.Integrity"/> saying where and why reading stopped —
/// never another exception, a hang or a large allocation.
/// </summary>
public sealed class SessionRecordingHostileTests
{
    private static readonly Lazy<(byte[] Bytes, List<RecordingEntry> Written, List<long> Boundaries)> Session = new(WriteSession);

    private static (byte[] Bytes, List<RecordingEntry> Written, List<long> Boundaries) WriteSession()
    {
        var written = new List<RecordingEntry>();
        var stream = new MemoryStream();
        using (var writer = new SessionRecordingWriter(stream, RecordingTestData.Header(), leaveOpen: true))
        {
            var room = new EnvironmentReading(0, EnvironmentQuantity.RoomTemperature, 22.4, "SHT31");
            writer.WriteEnvironment(room);
            written.Add(new EnvironmentEntry(room));
            foreach (var subpage in RecordingTestData.LiveLikeSubpages(4, rateHz: 4))
            {
                writer.WriteSubpage(subpage);
                written.Add(new SubpageEntry(subpage.Clone()));
            }

            var start = new SessionEvent(1.0, SessionEventTypes.ChallengeStart);
            writer.WriteEvent(start);
            written.Add(new EventEntry(start));
            var note = new Annotation(1.1, "note", "hand moved ✋");
            writer.WriteAnnotation(note);
            written.Add(new AnnotationEntry(note));
        }

        var bytes = stream.ToArray();
        var boundaries = new List<long>();
        long at = RecordingFormat.Magic.Length + 4;
        while (at < bytes.Length)
        {
            boundaries.Add(at);
            at += RecordingFormat.FrameOverhead + BinaryPrimitives.ReadInt32LittleEndian(bytes.AsSpan((int)at + 1));
        }

        boundaries.Add(bytes.Length);
        return (bytes, written, boundaries);
    }

    /// <summary>Reads what can be read: null when the reader refuses the file as a whole (the documented exception).</summary>
    private static (List<RecordingEntry> Entries, RecordingIntegrity Integrity)? Read(byte[] bytes)
    {
        SessionRecordingReader reader;
        try
        {
            reader = new SessionRecordingReader(new MemoryStream(bytes));
        }
        catch (RecordingFormatException e)
        {
            Assert.False(string.IsNullOrWhiteSpace(e.Message));
            return null;
        }

        using (reader)
        {
            var entries = reader.ReadAll().ToList();
            return (entries, reader.Integrity);
        }
    }

    private static void AssertPrefixOfWritten(IReadOnlyList<RecordingEntry> entries)
    {
        var written = Session.Value.Written;
        Assert.True(entries.Count <= written.Count, $"{entries.Count} entries read from a file with {written.Count}");
        for (var i = 0; i < entries.Count; i++)
        {
            if (written[i] is SubpageEntry s)
            {
                var read = Assert.IsType<SubpageEntry>(entries[i]);
                Assert.Equal(s.Subpage.Words, read.Subpage.Words);
                Assert.Equal(s.Subpage.TimeSeconds, read.Subpage.TimeSeconds);
            }
            else
            {
                Assert.Equal(written[i], entries[i]);
            }
        }
    }

    [Fact]
    public void Cut_at_every_record_boundary_and_inside_every_record_keeps_every_whole_record()
    {
        var (bytes, written, boundaries) = Session.Value;
        var headerEnd = boundaries[1];
        var cuts = new SortedSet<long>();
        for (var b = 0; b < boundaries.Count - 1; b++)
        {
            var (from, to) = (boundaries[b], boundaries[b + 1]);
            foreach (var cut in new[] { from, from + 1, from + 4, from + 5, from + 6, (from + to) / 2, to - 4, to - 1 })
            {
                cuts.Add(Math.Clamp(cut, 0, bytes.Length));
            }
        }

        for (var cut = 0; cut < 20; cut++)
        {
            cuts.Add(cut); // inside the preamble
        }

        foreach (var cut in cuts)
        {
            var result = Read(bytes[..(int)cut]);
            if (cut < headerEnd)
            {
                Assert.True(result is null, $"a file cut at byte {cut}, inside the preamble or header, was opened");
                continue;
            }

            var (entries, integrity) = result ?? throw new Xunit.Sdk.XunitException($"cut at byte {cut}: refused although the header is whole");
            AssertPrefixOfWritten(entries);
            var lastWhole = boundaries.Last(b => b <= cut);
            Assert.Equal(lastWhole, integrity.BytesRecovered);
            Assert.Equal(cut - lastWhole, integrity.BytesLost);
            if (cut == bytes.Length)
            {
                Assert.Equal(RecordingEnding.ClosedNormally, integrity.Ending);
                Assert.Equal(written.Count, entries.Count);
            }
            else if (cut == lastWhole)
            {
                Assert.Equal(RecordingEnding.NotClosed, integrity.Ending);
            }
            else
            {
                Assert.Equal(RecordingEnding.Truncated, integrity.Ending);
                Assert.Contains($"at byte {lastWhole}", integrity.Problem, StringComparison.Ordinal);
            }
        }
    }

    [Property(MaxTest = 300, Replay = "(4401,8803)")]
    public void One_flipped_bit_anywhere_gives_a_prefix_and_names_the_damage(int position, byte bit)
    {
        var bytes = (byte[])Session.Value.Bytes.Clone();
        var at = Math.Abs(position % bytes.Length);
        bytes[at] ^= (byte)(1 << (bit % 8));
        if (Read(bytes) is not var (entries, integrity))
        {
            Assert.True(at < Session.Value.Boundaries[1], $"a flip at byte {at}, after the header, made the whole file unreadable");
            return;
        }

        AssertPrefixOfWritten(entries);
        if (at is 10 or 11)
        {
            // The minor version is informational by design (a newer minor is read, unknown records skipped): a flip
            // there changes what the reader reports, not what it reads.
            Assert.Equal(RecordingEnding.ClosedNormally, integrity.Ending);
            return;
        }

        Assert.True(integrity.IsDamaged, $"a flip at byte {at} went unnoticed ({integrity.Describe()})");
        Assert.True(integrity.BytesRecovered <= at, $"bytes recovered {integrity.BytesRecovered} include the flipped byte {at}");
        Assert.False(string.IsNullOrWhiteSpace(integrity.Problem));
    }

    [Property(MaxTest = 200, Replay = "(4403,8807)")]
    public void Random_bytes_after_the_signature_or_after_the_header_never_crash(int seed, short length, bool keepHeader)
    {
        var random = new Random(seed);
        var prefix = keepHeader ? Session.Value.Bytes[..(int)Session.Value.Boundaries[1]] : Session.Value.Bytes[..12];
        var tail = new byte[Math.Abs(length % 5000)];
        random.NextBytes(tail);
        if (Read([.. prefix, .. tail]) is var (entries, integrity))
        {
            Assert.True(keepHeader || entries.Count == 0);
            Assert.True(integrity.Ending != RecordingEnding.NotYetKnown);
        }
    }

    [Theory]
    [InlineData(int.MaxValue)]
    [InlineData(int.MinValue)]
    [InlineData(-1)]
    [InlineData((1 << 20) + 1)]
    [InlineData(1 << 20)]
    public void A_forged_record_length_never_makes_the_reader_allocate_much(int forgedLength)
    {
        var (bytes, _, boundaries) = Session.Value;
        var damaged = (byte[])bytes.Clone();
        BinaryPrimitives.WriteInt32LittleEndian(damaged.AsSpan((int)boundaries[3] + 1), forgedLength);
        var before = GC.GetAllocatedBytesForCurrentThread();
        var (entries, integrity) = Read(damaged) ?? throw new Xunit.Sdk.XunitException("refused although the header is whole");
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Equal(2, entries.Count);
        Assert.True(integrity.Ending is RecordingEnding.Corrupt or RecordingEnding.Truncated, integrity.Describe());
        Assert.True(allocated < 4 << 20, $"{allocated} bytes allocated for a forged length of {forgedLength}");
    }

    [Property(MaxTest = 300, Replay = "(4405,8811)")]
    public void A_record_with_a_forged_crc_over_garbage_is_decoded_or_reported_corrupt(int seed, byte typeChoice, byte length)
    {
        // Only a buggy or hostile writer makes these: the CRC matches, the payload is nonsense.
        var random = new Random(seed);
        RecordType[] types = [RecordType.Subpage, RecordType.Event, RecordType.Environment, RecordType.Annotation, RecordType.End, RecordType.Header, (RecordType)0x42];
        var type = types[typeChoice % types.Length];
        var payload = new byte[length];
        random.NextBytes(payload);
        if (type == RecordType.Subpage && payload.Length > 8)
        {
            payload[8] = (byte)(seed & 3); // each encoding, and one that does not exist
        }

        var (bytes, _, boundaries) = Session.Value;
        byte[] forged = [.. bytes[..(int)boundaries[2]], .. Frame(type, payload)];
        var (entries, integrity) = Read(forged) ?? throw new Xunit.Sdk.XunitException("refused although the header is whole");
        AssertPrefixOfWritten(entries.Take(1).ToList());
        Assert.True(integrity.Ending is RecordingEnding.Corrupt or RecordingEnding.NotClosed or RecordingEnding.ClosedNormally,
            integrity.Describe());
        if (integrity.Ending == RecordingEnding.Corrupt)
        {
            Assert.Contains("cannot be decoded", integrity.Problem, StringComparison.Ordinal);
        }
    }

    [Theory]
    [InlineData(new byte[] { 0, 0, 0, 0, 0, 0, 0, 0, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF })] // an over-long 7-bit string length
    [InlineData(new byte[] { 0, 0, 0, 0, 0, 0, 0, 0, 0xFF, 0xFF, 0xFF, 0xFF, 0x0F })] // a negative string length
    [InlineData(new byte[] { 0, 0, 0, 0, 0, 0, 0, 0, 0x05, 0xC3, 0x28, 0x41, 0x41, 0x41 })] // invalid UTF-8
    [InlineData(new byte[] { 0, 0, 0, 0, 0, 0, 0, 0, 0x7F, 0x41 })] // a string longer than the payload
    public void Event_records_with_impossible_strings_are_reported_corrupt(byte[] payload)
    {
        var (bytes, _, boundaries) = Session.Value;
        byte[] forged = [.. bytes[..(int)boundaries[2]], .. Frame(RecordType.Event, payload)];
        var (entries, integrity) = Read(forged) ?? throw new Xunit.Sdk.XunitException("refused although the header is whole");
        Assert.Single(entries);
        Assert.Equal(RecordingEnding.Corrupt, integrity.Ending);
        Assert.Contains("cannot be decoded", integrity.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public void A_header_with_an_impossible_string_is_refused_with_the_documented_exception()
    {
        var header = new byte[(RecordingFormat.EepromWordCount * 2) + 2 + 4 + 1 + 8];
        byte[] payload = [.. header, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF];
        byte[] forged = [.. Session.Value.Bytes[..12], .. Frame(RecordType.Header, payload)];
        var error = Record.Exception(() => new SessionRecordingReader(new MemoryStream(forged)));
        Assert.IsType<RecordingFormatException>(error);
        Assert.Contains("session header cannot be decoded", error.Message, StringComparison.Ordinal);
    }

    private static byte[] Frame(RecordType type, byte[] payload)
    {
        var frame = new byte[payload.Length + RecordingFormat.FrameOverhead];
        frame[0] = (byte)type;
        BinaryPrimitives.WriteInt32LittleEndian(frame.AsSpan(1), payload.Length);
        payload.CopyTo(frame.AsSpan(5));
        BinaryPrimitives.WriteUInt32LittleEndian(frame.AsSpan(5 + payload.Length), Crc32.HashToUInt32(frame.AsSpan(0, 5 + payload.Length)));
        return frame;
    }
}
