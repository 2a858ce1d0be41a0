using System.Buffers.Binary;
using ThermoHand.Analysis;
using ThermoHand.Mlx90640;
using ThermoHand.Recording.Native;

namespace ThermoHand.Recording.Tests;

public class NativeRecordingTests
{
    /// <summary>A short session with every record type, in the order a real one interleaves them.</summary>
    private static (byte[] Bytes, List<RecordingEntry> Written) WriteSession(SubpageEncoding encoding = SubpageEncoding.PreviousDeltaDeflate, bool close = true)
    {
        var written = new List<RecordingEntry>();
        var stream = new MemoryStream();
        var writer = new SessionRecordingWriter(stream, RecordingTestData.Header(), new RecordingWriterOptions { SubpageEncoding = encoding }, leaveOpen: true);
        writer.WriteEnvironment(new EnvironmentReading(0.0, EnvironmentQuantity.RoomTemperature, 22.4, "SHT31"));
        writer.WriteEnvironment(new EnvironmentReading(0.0, EnvironmentQuantity.RoomHumidity, 41.5, "SHT31"));
        written.Add(new EnvironmentEntry(new EnvironmentReading(0.0, EnvironmentQuantity.RoomTemperature, 22.4, "SHT31")));
        written.Add(new EnvironmentEntry(new EnvironmentReading(0.0, EnvironmentQuantity.RoomHumidity, 41.5, "SHT31")));
        foreach (var subpage in RecordingTestData.LiveLikeSubpages(6, rateHz: 4))
        {
            writer.WriteSubpage(subpage);
            written.Add(new SubpageEntry(subpage.Clone()));
            if (subpage.TimeSeconds == 0.5)
            {
                var e = new SessionEvent(0.5, SessionEventTypes.ChallengeStart);
                writer.WriteEvent(e);
                written.Add(new EventEntry(e));
                var bath = new EnvironmentReading(0.5, EnvironmentQuantity.WaterBathTemperature, 15.02, "manual");
                writer.WriteEnvironment(bath);
                written.Add(new EnvironmentEntry(bath));
            }
        }

        var note = new Annotation(1.25, "note", "patient moved — left hand ✋");
        writer.WriteAnnotation(note);
        written.Add(new AnnotationEntry(note));
        if (close)
        {
            writer.Dispose();
        }

        return (stream.ToArray(), written);
    }

    private static (List<RecordingEntry> Entries, RecordingIntegrity Integrity) ReadBack(byte[] bytes)
    {
        using var reader = new SessionRecordingReader(new MemoryStream(bytes));
        var entries = reader.ReadAll().ToList();
        return (entries, reader.Integrity);
    }

    private static void AssertSameEntry(RecordingEntry expected, RecordingEntry actual)
    {
        switch (expected)
        {
            case SubpageEntry s:
                var a = Assert.IsType<SubpageEntry>(actual);
                Assert.Equal(s.Subpage.TimeSeconds, a.Subpage.TimeSeconds);
                Assert.Equal(s.Subpage.Words, a.Subpage.Words);
                break;
            default:
                Assert.Equal(expected, actual); // records compare by value
                break;
        }
    }

    [Theory]
    [InlineData(SubpageEncoding.PreviousDeltaDeflate)]
    [InlineData(SubpageEncoding.DeltaDeflate)]
    [InlineData(SubpageEncoding.Raw)]
    public void Every_record_type_round_trips_exactly(SubpageEncoding encoding)
    {
        var (bytes, written) = WriteSession(encoding);
        using var reader = new SessionRecordingReader(new MemoryStream(bytes));
        var expectedHeader = RecordingTestData.Header();
        var header = reader.Header;
        Assert.Equal(expectedHeader.EepromWords, header.EepromWords);
        Assert.Equal(expectedHeader with { }, header with { }, new HeaderComparer());
        Assert.Equal(2.0, header.RefreshRateHz);
        Assert.Equal(18, header.AdcResolutionBits);
        Assert.Equal(ReadingPattern.Chess, header.Pattern);

        var entries = reader.ReadAll().ToList();
        Assert.Equal(written.Count, entries.Count);
        for (var i = 0; i < written.Count; i++)
        {
            AssertSameEntry(written[i], entries[i]);
        }

        var integrity = reader.Integrity;
        Assert.Equal(RecordingEnding.ClosedNormally, integrity.Ending);
        Assert.Equal(bytes.Length, integrity.BytesRecovered);
        Assert.Equal(0, integrity.BytesLost);
        Assert.Equal(written.Count + 2, integrity.RecordsRecovered); // + header + end record
        Assert.Equal(1.25, integrity.LastTimeSeconds);
    }

    private sealed class HeaderComparer : IEqualityComparer<RecordingHeader>
    {
        public bool Equals(RecordingHeader? x, RecordingHeader? y)
            => x is not null && y is not null && x.ControlRegister == y.ControlRegister && x.Emissivity == y.Emissivity
               && x.ReflectedTemperature == y.ReflectedTemperature && x.DeviceId == y.DeviceId && x.SensorId == y.SensorId
               && x.Hand == y.Hand && x.ProtocolPreset == y.ProtocolPreset && x.StartedUtc == y.StartedUtc && x.Software == y.Software;

        public int GetHashCode(RecordingHeader obj) => obj.ControlRegister;
    }

    [Fact]
    public void Session_that_was_never_closed_reads_completely_and_says_so()
    {
        var (bytes, written) = WriteSession(close: false);
        var (entries, integrity) = ReadBack(bytes);
        Assert.Equal(written.Count, entries.Count);
        Assert.Equal(RecordingEnding.NotClosed, integrity.Ending);
        Assert.False(integrity.IsDamaged);
        Assert.Equal(bytes.Length, integrity.BytesRecovered);
    }

    [Fact]
    public void Truncation_at_every_byte_of_the_last_records_keeps_every_complete_record()
    {
        var (bytes, written) = WriteSession(close: false);

        // Record boundaries, from a clean read of each prefix: the file has header + written records.
        var boundaries = new List<long>();
        using (var reader = new SessionRecordingReader(new MemoryStream(bytes)))
        {
            boundaries.Add(reader.Integrity.BytesRecovered);
            while (reader.TryReadNext(out _))
            {
                boundaries.Add(reader.Integrity.BytesRecovered);
            }
        }

        Assert.Equal(written.Count + 1, boundaries.Count);

        // Cut inside each of the last four records (a subpage, an event, environment, annotation) and at their edges.
        var firstCut = boundaries[^5];
        for (var cut = firstCut; cut <= bytes.Length; cut++)
        {
            var completeRecords = boundaries.Count(b => b <= cut) - 1;
            var (entries, integrity) = ReadBack(bytes[..(int)cut]);
            Assert.Equal(completeRecords, entries.Count);
            for (var i = 0; i < entries.Count; i++)
            {
                AssertSameEntry(written[i], entries[i]);
            }

            Assert.Equal(boundaries[completeRecords], integrity.BytesRecovered);
            var atBoundary = boundaries.Contains(cut);
            Assert.Equal(atBoundary ? RecordingEnding.NotClosed : RecordingEnding.Truncated, integrity.Ending);
            Assert.Equal(cut - boundaries[completeRecords], integrity.BytesLost);
        }
    }

    [Fact]
    public void Truncation_inside_the_header_is_reported_not_recovered()
    {
        var (bytes, _) = WriteSession();
        foreach (var cut in new[] { 0, 5, 12, 13, 100, 1700 })
        {
            var ex = Assert.Throws<RecordingFormatException>(() => new SessionRecordingReader(new MemoryStream(bytes[..cut])));
            Assert.False(string.IsNullOrWhiteSpace(ex.Message));
        }
    }

    [Fact]
    public void A_flipped_byte_in_any_record_is_caught_by_the_crc_and_reading_stops_before_it()
    {
        var (bytes, written) = WriteSession();
        var boundaries = new List<long>();
        using (var reader = new SessionRecordingReader(new MemoryStream(bytes)))
        {
            boundaries.Add(reader.Integrity.BytesRecovered);
            while (reader.TryReadNext(out _))
            {
                boundaries.Add(reader.Integrity.BytesRecovered);
            }
        }

        // Flip one bit in the middle of every data record, and in its CRC, one at a time.
        for (var record = 0; record < written.Count; record++)
        {
            foreach (var offset in new[] { (boundaries[record] + boundaries[record + 1]) / 2, boundaries[record + 1] - 1 })
            {
                var damaged = (byte[])bytes.Clone();
                damaged[offset] ^= 0x10;
                var (entries, integrity) = ReadBack(damaged);
                Assert.Equal(record, entries.Count);
                Assert.Equal(RecordingEnding.Corrupt, integrity.Ending);
                Assert.True(integrity.IsDamaged);
                Assert.Equal(boundaries[record], integrity.BytesRecovered);
                Assert.Contains($"record {record + 2}", integrity.Problem); // header is record 1
            }
        }
    }

    [Fact]
    public void A_damaged_length_field_cannot_make_the_reader_allocate_gigabytes()
    {
        var (bytes, _) = WriteSession();
        var headerEnd = 12 + 5 + BinaryPrimitives.ReadInt32LittleEndian(bytes.AsSpan(13)) + 4;
        var damaged = (byte[])bytes.Clone();
        BinaryPrimitives.WriteInt32LittleEndian(damaged.AsSpan(headerEnd + 1), int.MaxValue);
        var (entries, integrity) = ReadBack(damaged);
        Assert.Empty(entries);
        Assert.Equal(RecordingEnding.Corrupt, integrity.Ending);
        Assert.Contains("impossible length", integrity.Problem);
    }

    [Fact]
    public void Header_damage_bad_magic_and_newer_major_version_are_refused_with_a_reason()
    {
        var (bytes, _) = WriteSession();
        var notRecording = (byte[])bytes.Clone();
        notRecording[0] = (byte)'X';
        Assert.Contains("THREC signature", Assert.Throws<RecordingFormatException>(() => new SessionRecordingReader(new MemoryStream(notRecording))).Message);

        var newer = (byte[])bytes.Clone();
        newer[8] = 2;
        Assert.Contains("version 2.0 is not supported", Assert.Throws<RecordingFormatException>(() => new SessionRecordingReader(new MemoryStream(newer))).Message);

        var badHeader = (byte[])bytes.Clone();
        badHeader[200] ^= 1;
        Assert.Contains("CRC", Assert.Throws<RecordingFormatException>(() => new SessionRecordingReader(new MemoryStream(badHeader))).Message);
    }

    [Fact]
    public void Unknown_record_types_from_a_newer_minor_version_are_skipped_and_counted()
    {
        var (bytes, written) = WriteSession(close: false);
        var extra = new byte[] { 0x42, 3, 0, 0, 0, 1, 2, 3, 0, 0, 0, 0 };
        BinaryPrimitives.WriteUInt32LittleEndian(extra.AsSpan(8), System.IO.Hashing.Crc32.HashToUInt32(extra.AsSpan(0, 8)));
        var (entries, integrity) = ReadBack([.. bytes, .. extra]);
        Assert.Equal(written.Count, entries.Count);
        Assert.Equal(1, integrity.UnknownRecordsSkipped);
        Assert.Equal(RecordingEnding.NotClosed, integrity.Ending);
        Assert.Equal(bytes.Length + extra.Length, integrity.BytesRecovered);
    }

    [Fact]
    public void Data_after_the_end_record_is_reported()
    {
        var (bytes, written) = WriteSession();
        var (entries, integrity) = ReadBack([.. bytes, .. bytes[..40]]);
        Assert.Equal(written.Count, entries.Count);
        Assert.Equal(RecordingEnding.DataAfterEnd, integrity.Ending);
        Assert.Equal(bytes.Length, integrity.BytesRecovered);
        Assert.Equal(40, integrity.BytesLost);
    }

    [Fact]
    public void Writer_refuses_to_overwrite_an_existing_file_and_leaves_it_untouched()
    {
        var path = Path.Combine(Path.GetTempPath(), $"thermohand-{Guid.NewGuid():N}.threc");
        try
        {
            using (var writer = SessionRecordingWriter.Create(path, RecordingTestData.Header()))
            {
                writer.WriteSubpage(RecordingTestData.RealSubpage(0));
            }

            var refused = path + ".bad";
            Assert.Throws<ArgumentException>(() => SessionRecordingWriter.Create(refused, RecordingTestData.Header() with { Emissivity = 2 }));
            Assert.False(File.Exists(refused), "a refused header must not leave an empty file behind");

            var before = File.ReadAllBytes(path);
            var ex = Assert.Throws<IOException>(() => SessionRecordingWriter.Create(path, RecordingTestData.Header()));
            Assert.Contains("already exists", ex.Message);
            Assert.Equal(before, File.ReadAllBytes(path));

            var info = RecordingInfo.Read(path);
            Assert.Equal(1, info.SubpageCount);
            Assert.Equal(RecordingEnding.ClosedNormally, info.Integrity.Ending);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void Writer_rejects_subpages_out_of_acquisition_order_non_finite_times_and_impossible_settings()
    {
        Assert.Contains("Emissivity", Assert.Throws<ArgumentException>(() => new SessionRecordingWriter(new MemoryStream(), RecordingTestData.Header() with { Emissivity = 0 })).Message);

        using var writer = new SessionRecordingWriter(new MemoryStream(), RecordingTestData.Header());
        var subpage = RecordingTestData.RealSubpage(0);
        subpage.TimeSeconds = 2.0;
        writer.WriteSubpage(subpage);
        subpage.TimeSeconds = 1.5;
        Assert.Contains("not after the previous subpage", Assert.Throws<ArgumentException>(() => writer.WriteSubpage(subpage)).Message);
        subpage.TimeSeconds = 2.0;
        Assert.Throws<ArgumentException>(() => writer.WriteSubpage(subpage)); // equal time: a duplicate read
        Assert.Throws<ArgumentException>(() => writer.WriteEvent(new SessionEvent(double.NaN, "challenge_start")));
        Assert.Throws<ArgumentException>(() => writer.WriteEnvironment(new EnvironmentReading(1, EnvironmentQuantity.RoomTemperature, double.PositiveInfinity, "x")));
    }

    [Fact]
    public void Info_counts_subpages_per_half_lists_events_and_reports_duration_without_decompressing()
    {
        var (bytes, _) = WriteSession();
        using var reader = new SessionRecordingReader(new MemoryStream(bytes));
        var info = RecordingInfo.Read(reader);
        Assert.Equal(6, info.SubpageCount);
        Assert.Equal([3, 3], info.SubpagesPerHalf);
        Assert.Equal(1.25, info.DurationSeconds, 9);
        Assert.Equal([new SessionEvent(0.5, SessionEventTypes.ChallengeStart)], info.Events);
        Assert.Equal(3, info.EnvironmentReadings.Count);
        Assert.Single(info.Annotations);
        var text = info.Describe();
        Assert.Contains("hand:          right", text);
        Assert.Contains("2 Hz subpages, 18-bit, chess pattern", text);
        Assert.Contains("challenge_start", text);
        Assert.Contains("closed normally", text);
    }
}
