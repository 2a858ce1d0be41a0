using System.Text.Json;
using ThermoHand.Streaming;
using ThermoHand.Worker.Streaming;

namespace ThermoHand.Worker.Tests.Streaming;

/// <summary>
/// The outbox's end-of-session reserve (docs/reliability.md): on a disk too full for other messages, session_ended and
/// the protocol events (the aborted event says why) still reach the queue, from the room of a pre-allocated file; what
/// is refused is counted; the reserve is put back once the disk has room.
/// </summary>
public sealed class EndOfSessionReserveTests : IDisposable
{
    private const long Megabyte = 1024 * 1024;

    private readonly ScratchFolder scratch = new();

    public void Dispose() => scratch.Dispose();

    private string ReserveFile => Path.Combine(scratch.Path, DiskDeviceOutbox.ReserveFileName);

    private static JsonElement Ended(string reason) =>
        JsonSerializer.SerializeToElement(new { t_s = 14.1, outcome = "aborted", reason });

    [Fact]
    public void On_a_full_disk_only_the_end_of_the_session_is_queued_from_the_reserve_and_every_refusal_is_counted()
    {
        long free = 100 * Megabyte;
        using DiskDeviceOutbox outbox = DiskDeviceOutbox.Open(OutboxTestData.Settings(scratch.Path, free: () => free));
        Assert.True(outbox.EndOfSessionReserveHeld);
        Assert.Equal(64 * 1024, new FileInfo(ReserveFile).Length);
        Assert.Equal(1, outbox.Enqueue(DeviceMessageKinds.Frame, "s", OutboxTestData.Payload(1)));

        free = Megabyte + 100; // below the 1 MB the outbox leaves for recordings
        Assert.Throws<IOException>(() => outbox.Enqueue(DeviceMessageKinds.Frame, "s", OutboxTestData.Payload(2)));
        Assert.Throws<IOException>(() => outbox.Enqueue(DeviceMessageKinds.Status, null, OutboxTestData.Payload(3)));
        Assert.Throws<IOException>(() => outbox.Enqueue(DeviceMessageKinds.Analysis, "s", OutboxTestData.Payload(4)));
        Assert.Equal(3, outbox.NotQueuedCount);
        Assert.True(outbox.EndOfSessionReserveHeld); // refused messages never touch the reserve

        Assert.Equal(2, outbox.Enqueue(DeviceMessageKinds.Event, "s", OutboxTestData.Payload(5)));
        Assert.Equal(3, outbox.Enqueue(DeviceMessageKinds.SessionEnded, "s", Ended("storage nearly full: 0.5 MB free")));
        Assert.False(outbox.EndOfSessionReserveHeld);
        Assert.False(File.Exists(ReserveFile)); // its room is what the two messages were written into
        Assert.Equal(3, outbox.NotQueuedCount);

        // The reserve is small and spent once: then end-of-session messages are refused (and counted) like the rest.
        int taken = 0;
        IOException? refused = null;
        for (int i = 0; i < 10_000 && refused is null; i++)
        {
            try
            {
                outbox.Enqueue(DeviceMessageKinds.SessionEnded, "s", Ended("storage nearly full: 0.5 MB free"));
                taken++;
            }
            catch (IOException e)
            {
                refused = e;
            }
        }

        Assert.NotNull(refused);
        Assert.Contains("The 64 KB kept for end-of-session messages has no room left either", refused.Message);
        Assert.Contains("Dashboard:OutboxMinimumFreeMegabytes", refused.Message);
        Assert.Equal(4, outbox.NotQueuedCount);
        long recordBytes = new FileInfo(Assert.Single(outbox.SegmentFiles)).Length / outbox.LastSequence;
        Assert.InRange(taken * recordBytes, 40 * 1024, 64 * 1024); // the budget is the file less one 4 KB block

        // Room again: the next message puts the reserve back, and the queue has no gap.
        free = 100 * Megabyte;
        long next = outbox.LastSequence + 1;
        Assert.Equal(next, outbox.Enqueue(DeviceMessageKinds.Frame, "s", OutboxTestData.Payload(6)));
        Assert.True(outbox.EndOfSessionReserveHeld);
        Assert.Equal(64 * 1024, new FileInfo(ReserveFile).Length);
        Assert.Equal(Enumerable.Range(1, (int)next).Select(i => (long)i), OutboxTestData.ReadAll(outbox).Select(r => r.Sequence));
    }

    [Fact]
    public void A_write_that_meets_a_full_disk_is_retried_for_session_ended_in_the_room_of_the_reserve()
    {
        // What a really full disk does: every write fails with ENOSPC until a file is deleted. The free-space figure
        // still allowed it (another program filled the disk between the check and the write).
        bool full = false;
        string reserve = ReserveFile;
        void Writer(Microsoft.Win32.SafeHandles.SafeFileHandle file, ReadOnlySpan<byte> bytes, long offset)
        {
            if (full && File.Exists(reserve))
            {
                RandomAccess.Write(file, bytes[..(bytes.Length / 2)], offset);
                throw new IOException("No space left on device");
            }

            RandomAccess.Write(file, bytes, offset);
        }

        using (DiskDeviceOutbox outbox = DiskDeviceOutbox.Open(OutboxTestData.Settings(scratch.Path, writer: Writer)))
        {
            Assert.Equal(1, outbox.Enqueue(DeviceMessageKinds.Frame, "s", OutboxTestData.Payload(1)));
            full = true;
            IOException frame = Assert.Throws<IOException>(() => outbox.Enqueue(DeviceMessageKinds.Frame, "s", OutboxTestData.Payload(2)));
            Assert.Contains("No space left on device", frame.Message);
            Assert.True(File.Exists(reserve));

            Assert.Equal(2, outbox.Enqueue(DeviceMessageKinds.SessionEnded, "s", Ended("the dashboard queue could not be written")));
            Assert.False(File.Exists(reserve));
            Assert.Equal(1, outbox.NotQueuedCount);
        }

        // The half-written frame left nothing behind: the queue reopens with 1, 2 and no torn bytes.
        using DiskDeviceOutbox reopened = DiskDeviceOutbox.Open(OutboxTestData.Settings(scratch.Path));
        Assert.Equal(0, reopened.TornBytesDropped);
        List<OutboxRecord> records = OutboxTestData.ReadAll(reopened);
        Assert.Equal([DeviceMessageKinds.Frame, DeviceMessageKinds.SessionEnded], records.Select(r => OutboxTestData.Parse(r).Kind));
        Assert.True(reopened.EndOfSessionReserveHeld); // written again at open: the disk has room
    }

    [Fact]
    public void Without_the_reserve_a_full_disk_keeps_session_ended_out_as_it_did_before()
    {
        // The old behaviour, kept as a control: with EndOfSessionReserveBytes = 0 the end of a session is refused too.
        long free = 100 * Megabyte;
        using DiskDeviceOutbox outbox = DiskDeviceOutbox.Open(new DiskOutboxSettings
        {
            Folder = scratch.Path,
            MinimumFreeBytes = Megabyte,
            EndOfSessionReserveBytes = 0,
            FreeBytesProbe = () => free,
        });
        Assert.False(File.Exists(ReserveFile));
        free = Megabyte + 100;
        IOException error = Assert.Throws<IOException>(() => outbox.Enqueue(DeviceMessageKinds.SessionEnded, "s", Ended("storage nearly full")));
        Assert.Contains("Message 'session_ended' was not queued", error.Message);
        Assert.DoesNotContain("kept for end-of-session", error.Message);
        Assert.Equal(1, outbox.NotQueuedCount);
        Assert.Equal(0, outbox.LastSequence);
    }

    [Fact]
    public void Opened_on_a_full_disk_the_outbox_works_without_a_reserve_and_a_short_reserve_file_is_replaced()
    {
        long free = Megabyte; // no room for the reserve above the minimum
        using (DiskDeviceOutbox outbox = DiskDeviceOutbox.Open(OutboxTestData.Settings(scratch.Path, free: () => free)))
        {
            Assert.False(outbox.EndOfSessionReserveHeld);
            Assert.False(File.Exists(ReserveFile));
            Assert.Throws<IOException>(() => outbox.Enqueue(DeviceMessageKinds.SessionEnded, "s", Ended("x")));
            Assert.Equal(1, outbox.NotQueuedCount);
        }

        File.WriteAllBytes(ReserveFile, new byte[100]); // e.g. power lost while it was written
        using DiskDeviceOutbox again = DiskDeviceOutbox.Open(OutboxTestData.Settings(scratch.Path));
        Assert.True(again.EndOfSessionReserveHeld);
        Assert.Equal(64 * 1024, new FileInfo(ReserveFile).Length);
    }
}
