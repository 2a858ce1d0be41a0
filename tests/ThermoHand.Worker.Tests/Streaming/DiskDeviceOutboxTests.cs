using System.Text;
using System.Text.Json;
using ThermoHand.Streaming;
using ThermoHand.Worker.Streaming;

namespace ThermoHand.Worker.Tests.Streaming;

/// <summary>A scratch folder for one test, removed afterwards.</summary>
internal sealed class ScratchFolder : IDisposable
{
    public string Path { get; } = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "thermohand-outbox-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(Path))
        {
            Directory.Delete(Path, recursive: true);
        }
    }
}

internal static class OutboxTestData
{
    /// <summary>A small event payload carrying a producer counter <c>i</c>, so order and content can be checked.</summary>
    public static JsonElement Payload(int i) =>
        JsonDocument.Parse($$"""{"t_s":{{i * 0.25}},"type":"challenge_start","hand":"left","i":{{i}}}""").RootElement.Clone();

    public static int Counter(DeviceMessage message) => message.Payload.GetProperty("i").GetInt32();

    public static DeviceMessage Parse(OutboxRecord record) =>
        JsonSerializer.Deserialize<DeviceMessage>(record.Json.Span, DeviceAuthentication.JsonOptions)!;

    public static DiskOutboxSettings Settings(string folder, long segmentBytes = 4L * 1024 * 1024, Func<long>? free = null,
                                              OutboxRecordWriter? writer = null) => new()
    {
        Folder = folder,
        SegmentBytes = segmentBytes,
        MinimumFreeBytes = 1024 * 1024,
        FreeBytesProbe = free,
        RecordWriter = writer,
    };

    public static List<OutboxRecord> ReadAll(DiskDeviceOutbox outbox, long from = 1)
    {
        var all = new List<OutboxRecord>();
        while (true)
        {
            OutboxBatch batch = outbox.ReadBatch(from, 1000, 16 * 1024 * 1024);
            if (batch.IsEmpty)
            {
                return all;
            }

            all.AddRange(batch.Records);
            from = batch.LastSequence + 1;
        }
    }
}

public sealed class DiskDeviceOutboxTests
{
    [Fact]
    public void Messages_are_numbered_from_1_and_survive_reopening()
    {
        using var scratch = new ScratchFolder();
        using (DiskDeviceOutbox outbox = DiskDeviceOutbox.Open(OutboxTestData.Settings(scratch.Path)))
        {
            Assert.Equal(0, outbox.LastSequence);
            Assert.True(outbox.ReadBatch(1, 10, 1 << 20).IsEmpty);
            for (int i = 1; i <= 10; i++)
            {
                Assert.Equal(i, outbox.Enqueue(DeviceMessageKinds.Event, "session-7", OutboxTestData.Payload(i)));
            }

            Assert.Equal(10, outbox.PendingCount);
        }

        using DiskDeviceOutbox reopened = DiskDeviceOutbox.Open(OutboxTestData.Settings(scratch.Path));
        Assert.Equal(10, reopened.LastSequence);
        Assert.Equal(10, reopened.PendingCount);
        Assert.Equal(0, reopened.TornBytesDropped);
        List<DeviceMessage> messages = OutboxTestData.ReadAll(reopened).Select(OutboxTestData.Parse).ToList();
        Assert.Equal(Enumerable.Range(1, 10).Select(i => (long)i), messages.Select(m => m.Sequence));
        Assert.All(messages, m => Assert.Equal(m.Sequence, OutboxTestData.Counter(m)));
        Assert.All(messages, m => Assert.Equal(("event", "session-7"), (m.Kind, m.SessionId)));
        Assert.Equal(11, reopened.Enqueue(DeviceMessageKinds.Status, null, OutboxTestData.Payload(11)));
    }

    [Fact]
    public void A_torn_last_record_is_dropped_and_its_number_reused()
    {
        using var scratch = new ScratchFolder();
        string segment;
        using (DiskDeviceOutbox outbox = DiskDeviceOutbox.Open(OutboxTestData.Settings(scratch.Path)))
        {
            for (int i = 1; i <= 5; i++)
            {
                outbox.Enqueue(DeviceMessageKinds.Event, "s", OutboxTestData.Payload(i));
            }

            segment = Assert.Single(outbox.SegmentFiles);
        }

        // Power lost 40 bytes into writing message 6: header complete, JSON cut short.
        long intactLength = new FileInfo(segment).Length;
        byte[] torn = OutboxRecordFormat.Encode(6, Encoding.UTF8.GetBytes("""{"seq":6,"kind":"event","payload":{}}"""))[..40];
        using (var file = new FileStream(segment, FileMode.Append))
        {
            file.Write(torn);
        }

        using (DiskDeviceOutbox reopened = DiskDeviceOutbox.Open(OutboxTestData.Settings(scratch.Path)))
        {
            Assert.Equal(40, reopened.TornBytesDropped);
            Assert.Equal(intactLength, new FileInfo(segment).Length);
            Assert.Equal(5, reopened.LastSequence);
            Assert.Equal(6, reopened.Enqueue(DeviceMessageKinds.Event, "s", OutboxTestData.Payload(6)));
        }

        using DiskDeviceOutbox again = DiskDeviceOutbox.Open(OutboxTestData.Settings(scratch.Path));
        Assert.Equal(Enumerable.Range(1, 6), OutboxTestData.ReadAll(again).Select(r => OutboxTestData.Counter(OutboxTestData.Parse(r))));
    }

    [Fact]
    public void A_last_record_with_a_bad_checksum_is_dropped_whole()
    {
        using var scratch = new ScratchFolder();
        string segment;
        using (DiskDeviceOutbox outbox = DiskDeviceOutbox.Open(OutboxTestData.Settings(scratch.Path)))
        {
            for (int i = 1; i <= 4; i++)
            {
                outbox.Enqueue(DeviceMessageKinds.Event, "s", OutboxTestData.Payload(i));
            }

            segment = Assert.Single(outbox.SegmentFiles);
        }

        byte[] bytes = File.ReadAllBytes(segment);
        bytes[^3] ^= 0x20; // a flipped bit inside message 4's JSON
        File.WriteAllBytes(segment, bytes);

        using DiskDeviceOutbox reopened = DiskDeviceOutbox.Open(OutboxTestData.Settings(scratch.Path));
        Assert.Equal(3, reopened.LastSequence);
        Assert.True(reopened.TornBytesDropped > OutboxRecordFormat.HeaderLength);
        Assert.Equal(3, OutboxTestData.ReadAll(reopened).Count);
    }

    [Fact]
    public void A_full_disk_refuses_the_message_with_a_clear_message_and_leaves_no_gap()
    {
        using var scratch = new ScratchFolder();
        long free = 100L * 1024 * 1024;
        using DiskDeviceOutbox outbox = DiskDeviceOutbox.Open(OutboxTestData.Settings(scratch.Path, free: () => free));
        Assert.Equal(1, outbox.Enqueue(DeviceMessageKinds.Frame, "s", OutboxTestData.Payload(1)));
        string segment = Assert.Single(outbox.SegmentFiles);
        long length = new FileInfo(segment).Length;

        free = 1024 * 1024 + 100; // below the 1 MB reserve once the record is counted
        IOException error = Assert.Throws<IOException>(() => outbox.Enqueue(DeviceMessageKinds.Frame, "s", OutboxTestData.Payload(2)));
        Assert.Contains("is full", error.Message);
        Assert.Contains("Dashboard:OutboxMinimumFreeMegabytes", error.Message);
        Assert.Contains(scratch.Path, error.Message);
        Assert.Equal(length, new FileInfo(segment).Length);
        Assert.Equal(1, outbox.PendingCount);

        free = 100L * 1024 * 1024; // space freed: the queue continues without a gap
        Assert.Equal(2, outbox.Enqueue(DeviceMessageKinds.Frame, "s", OutboxTestData.Payload(2)));
    }

    [Fact]
    public void A_write_failing_half_way_leaves_no_half_record_and_no_gap()
    {
        using var scratch = new ScratchFolder();
        bool failNext = false;
        void Writer(Microsoft.Win32.SafeHandles.SafeFileHandle file, ReadOnlySpan<byte> bytes, long offset)
        {
            if (failNext)
            {
                // What ENOSPC looks like: part of the record reached the file, then the write failed.
                RandomAccess.Write(file, bytes[..(bytes.Length / 2)], offset);
                throw new IOException("No space left on device");
            }

            RandomAccess.Write(file, bytes, offset);
        }

        using (DiskDeviceOutbox outbox = DiskDeviceOutbox.Open(OutboxTestData.Settings(scratch.Path, writer: Writer)))
        {
            outbox.Enqueue(DeviceMessageKinds.Event, "s", OutboxTestData.Payload(1));
            string segment = Assert.Single(outbox.SegmentFiles);
            long length = new FileInfo(segment).Length;

            failNext = true;
            IOException error = Assert.Throws<IOException>(() => outbox.Enqueue(DeviceMessageKinds.Event, "s", OutboxTestData.Payload(2)));
            Assert.Contains("No space left on device", error.Message);
            Assert.Contains("not queued", error.Message);
            Assert.Equal(length, new FileInfo(segment).Length);
            Assert.Equal(1, outbox.LastSequence);

            failNext = false;
            Assert.Equal(2, outbox.Enqueue(DeviceMessageKinds.Event, "s", OutboxTestData.Payload(2)));
        }

        using DiskDeviceOutbox reopened = DiskDeviceOutbox.Open(OutboxTestData.Settings(scratch.Path));
        Assert.Equal(0, reopened.TornBytesDropped);
        Assert.Equal([1, 2], OutboxTestData.ReadAll(reopened).Select(r => OutboxTestData.Counter(OutboxTestData.Parse(r))));
    }

    [Fact]
    public void Acknowledged_segments_are_deleted_and_the_pointer_survives_a_restart()
    {
        using var scratch = new ScratchFolder();
        using (DiskDeviceOutbox outbox = DiskDeviceOutbox.Open(OutboxTestData.Settings(scratch.Path, segmentBytes: 2048)))
        {
            for (int i = 1; i <= 60; i++)
            {
                outbox.Enqueue(DeviceMessageKinds.Event, "s", OutboxTestData.Payload(i));
            }

            int before = outbox.SegmentFiles.Count;
            Assert.True(before >= 5, $"expected several 2 KB segments, got {before}");
            outbox.Acknowledge(30);
            Assert.Equal(30, outbox.PendingCount);
            Assert.True(outbox.SegmentFiles.Count < before);
            Assert.All(outbox.SegmentFiles, f => Assert.True(File.Exists(f)));
            Assert.Equal(outbox.SegmentFiles.Count, Directory.GetFiles(scratch.Path, "*.outbox").Length);
        }

        using DiskDeviceOutbox reopened = DiskDeviceOutbox.Open(OutboxTestData.Settings(scratch.Path, segmentBytes: 2048));
        Assert.Equal(30, reopened.AcknowledgedThrough);
        Assert.Equal(30, reopened.PendingCount);
        Assert.Equal(Enumerable.Range(31, 30), OutboxTestData.ReadAll(reopened, 31).Select(r => (int)r.Sequence));

        // Asking for an acknowledged message already deleted gives the oldest still on disk, flagged by FirstSequence.
        OutboxBatch oldest = reopened.ReadBatch(1, 5, 1 << 20);
        Assert.True(oldest.FirstSequence is > 1 and <= 31);
        Assert.Equal(Enumerable.Range((int)oldest.FirstSequence, 5).Select(i => (long)i), oldest.Records.Select(r => r.Sequence));
    }

    [Fact]
    public void Batches_respect_the_message_and_byte_limits_and_cover_every_message_once_across_segments()
    {
        using var scratch = new ScratchFolder();
        using DiskDeviceOutbox outbox = DiskDeviceOutbox.Open(OutboxTestData.Settings(scratch.Path, segmentBytes: 1500));
        for (int i = 1; i <= 45; i++)
        {
            outbox.Enqueue(DeviceMessageKinds.Event, "s", OutboxTestData.Payload(i));
        }

        int recordBytes = outbox.ReadBatch(1, 1, 1 << 20).Records[0].Json.Length;
        var seen = new List<long>();
        long from = 1;
        while (true)
        {
            OutboxBatch batch = outbox.ReadBatch(from, 7, 3 * recordBytes + 20);
            if (batch.IsEmpty)
            {
                break;
            }

            Assert.InRange(batch.Records.Count, 1, 7);
            Assert.True(batch.JsonBytes <= 3 * recordBytes + 20, $"batch of {batch.JsonBytes} bytes");
            seen.AddRange(batch.Records.Select(r => r.Sequence));
            from = batch.LastSequence + 1;
        }

        Assert.Equal(Enumerable.Range(1, 45).Select(i => (long)i), seen);
        Assert.True(outbox.SegmentFiles.Count > 2);

        // A re-read from an earlier point (after a 409) starts there, not at the cached position.
        Assert.Equal(20, outbox.ReadBatch(20, 3, 1 << 20).FirstSequence);
    }

    [Fact]
    public void Concurrent_producers_get_distinct_consecutive_numbers_all_on_disk()
    {
        using var scratch = new ScratchFolder();
        using (DiskDeviceOutbox outbox = DiskDeviceOutbox.Open(OutboxTestData.Settings(scratch.Path, segmentBytes: 16 * 1024)))
        {
            var numbers = new System.Collections.Concurrent.ConcurrentBag<long>();
            Parallel.For(0, 4, new ParallelOptions { MaxDegreeOfParallelism = 4 }, producer =>
            {
                for (int i = 0; i < 100; i++)
                {
                    numbers.Add(outbox.Enqueue(DeviceMessageKinds.Frame, "s", OutboxTestData.Payload(producer * 1000 + i)));
                }
            });

            Assert.Equal(Enumerable.Range(1, 400).Select(i => (long)i), numbers.Order());
        }

        using DiskDeviceOutbox reopened = DiskDeviceOutbox.Open(OutboxTestData.Settings(scratch.Path, segmentBytes: 16 * 1024));
        List<DeviceMessage> all = OutboxTestData.ReadAll(reopened).Select(OutboxTestData.Parse).ToList();
        Assert.Equal(400, all.Count);
        Assert.Equal(400, all.Select(OutboxTestData.Counter).Distinct().Count());
        // Each producer's own messages stay in its order.
        foreach (IGrouping<int, int> producer in all.Select(OutboxTestData.Counter).GroupBy(c => c / 1000))
        {
            Assert.Equal(producer.Order(), producer);
        }
    }

    [Fact]
    public void When_the_dashboard_is_ahead_new_messages_continue_after_its_acknowledgement()
    {
        using var scratch = new ScratchFolder();
        using (DiskDeviceOutbox outbox = DiskDeviceOutbox.Open(OutboxTestData.Settings(scratch.Path)))
        {
            outbox.Enqueue(DeviceMessageKinds.Event, "s", OutboxTestData.Payload(1));
            Assert.True(outbox.SkipPast(100));
            Assert.False(outbox.SkipPast(50));
            Assert.Equal(0, outbox.PendingCount);
            Assert.Equal(101, outbox.Enqueue(DeviceMessageKinds.Event, "s", OutboxTestData.Payload(101)));
        }

        using DiskDeviceOutbox reopened = DiskDeviceOutbox.Open(OutboxTestData.Settings(scratch.Path));
        Assert.Equal((100, 101, 1), (reopened.AcknowledgedThrough, reopened.LastSequence, reopened.PendingCount));
        Assert.Equal([101L], OutboxTestData.ReadAll(reopened).Select(r => r.Sequence));
    }

    [Fact]
    public void A_payload_that_is_not_a_json_object_is_refused_by_name()
    {
        using var scratch = new ScratchFolder();
        using DiskDeviceOutbox outbox = DiskDeviceOutbox.Open(OutboxTestData.Settings(scratch.Path));
        ArgumentException error = Assert.Throws<ArgumentException>(() =>
            outbox.Enqueue(DeviceMessageKinds.Frame, "s", JsonDocument.Parse("[1,2]").RootElement));
        Assert.Contains("'frame' message must be a JSON object", error.Message);
        Assert.Equal(0, outbox.LastSequence);
    }

    [Fact]
    public void A_damaged_record_in_the_backlog_is_reported_with_file_and_offset()
    {
        using var scratch = new ScratchFolder();
        using DiskDeviceOutbox outbox = DiskDeviceOutbox.Open(OutboxTestData.Settings(scratch.Path));
        for (int i = 1; i <= 3; i++)
        {
            outbox.Enqueue(DeviceMessageKinds.Event, "s", OutboxTestData.Payload(i));
        }

        string segment = Assert.Single(outbox.SegmentFiles);
        using (var file = new FileStream(segment, FileMode.Open, FileAccess.ReadWrite, FileShare.ReadWrite))
        {
            file.Position = OutboxRecordFormat.MagicLength + OutboxRecordFormat.HeaderLength + 5; // inside message 1
            file.WriteByte((byte)'#');
        }

        InvalidDataException error = Assert.Throws<InvalidDataException>(() => outbox.ReadBatch(1, 10, 1 << 20));
        Assert.Contains(segment, error.Message);
        Assert.Contains("at byte 8 (message 1)", error.Message);
    }
}
