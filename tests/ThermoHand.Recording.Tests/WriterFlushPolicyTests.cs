using Microsoft.Extensions.Time.Testing;
using ThermoHand.Analysis;
using ThermoHand.Recording.Native;

namespace ThermoHand.Recording.Tests;

public class WriterFlushPolicyTests
{
    /// <summary>Counts what reaches "the OS" (Flush) so the test can see every record is handed over at once.</summary>
    private sealed class CountingStream : MemoryStream
    {
        public int Flushes { get; private set; }

        public override void Flush()
        {
            Flushes++;
            base.Flush();
        }
    }

    [Fact]
    public void Every_record_reaches_the_os_at_once_and_the_disk_within_the_sync_interval()
    {
        var time = new FakeTimeProvider();
        var stream = new CountingStream();
        var writer = new SessionRecordingWriter(stream, RecordingTestData.Header(), new RecordingWriterOptions { SyncInterval = TimeSpan.FromSeconds(1) }, time, leaveOpen: true);
        Assert.Equal(1, writer.SyncCount); // the header is forced to disk at once

        var subpages = RecordingTestData.LiveLikeSubpages(8, rateHz: 4).ToList();
        var flushesBefore = stream.Flushes;
        writer.WriteSubpage(subpages[0]);
        Assert.True(stream.Flushes > flushesBefore, "a record must be handed to the OS when written");
        Assert.Equal(1, writer.SyncCount); // no fsync per record

        time.Advance(TimeSpan.FromMilliseconds(250));
        writer.WriteSubpage(subpages[1]);
        time.Advance(TimeSpan.FromMilliseconds(250));
        writer.WriteSubpage(subpages[2]);
        Assert.Equal(1, writer.SyncCount);

        // The session pauses: no record arrives, but the timer still forces the last ones out at 1 s.
        time.Advance(TimeSpan.FromMilliseconds(499));
        Assert.Equal(1, writer.SyncCount);
        time.Advance(TimeSpan.FromMilliseconds(1));
        Assert.Equal(2, writer.SyncCount);

        // Nothing new: no further fsync however long we wait.
        time.Advance(TimeSpan.FromSeconds(10));
        Assert.Equal(2, writer.SyncCount);

        // A record after a long quiet spell is synced immediately (its interval has passed).
        writer.WriteEvent(new SessionEvent(20, SessionEventTypes.ChallengeStart));
        Assert.Equal(3, writer.SyncCount);

        // Steady 4 Hz writing for 3 s: one fsync per second, not per record.
        for (var i = 3; i < 8; i++)
        {
            time.Advance(TimeSpan.FromMilliseconds(250));
            writer.WriteSubpage(subpages[i]);
        }

        time.Advance(TimeSpan.FromMilliseconds(250));
        Assert.InRange(writer.SyncCount, 4, 5);

        var before = writer.SyncCount;
        writer.Dispose();
        Assert.Equal(before + 1, writer.SyncCount); // closing forces the end record out
    }

    [Fact]
    public void Zero_interval_syncs_every_record()
    {
        var time = new FakeTimeProvider();
        using var writer = new SessionRecordingWriter(new MemoryStream(), RecordingTestData.Header(), new RecordingWriterOptions { SyncInterval = TimeSpan.Zero }, time);
        foreach (var subpage in RecordingTestData.LiveLikeSubpages(5, rateHz: 8))
        {
            writer.WriteSubpage(subpage);
        }

        Assert.Equal(6, writer.SyncCount);
    }
}
