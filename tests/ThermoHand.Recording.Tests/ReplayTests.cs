using Microsoft.Extensions.Time.Testing;
using ThermoHand.Analysis;
using ThermoHand.Mlx90640;
using ThermoHand.Recording.Native;
using ThermoHand.Recording.Replay;

namespace ThermoHand.Recording.Tests;

public class ReplayTests
{
    private static (byte[] Bytes, List<RawSubpage> Subpages) Record(int count, double rateHz)
    {
        var stream = new MemoryStream();
        var subpages = RecordingTestData.LiveLikeSubpages(count, rateHz).ToList();
        using (var writer = new SessionRecordingWriter(stream, RecordingTestData.Header(), leaveOpen: true))
        {
            for (var i = 0; i < subpages.Count; i++)
            {
                writer.WriteSubpage(subpages[i]);
                if (i == 2)
                {
                    writer.WriteEvent(new SessionEvent(subpages[i].TimeSeconds, SessionEventTypes.ChallengeEnd));
                }
            }
        }

        return (stream.ToArray(), subpages);
    }

    private static async Task<bool> CompletesWithin(Task task, int milliseconds)
        => await Task.WhenAny(task, Task.Delay(milliseconds)) == task;

    [Fact]
    public void Fast_replay_delivers_every_subpage_with_its_time_and_passes_events_on()
    {
        var (bytes, subpages) = Record(10, rateHz: 8);
        using var source = new RecordingSubpageSource(new SessionRecordingReader(new MemoryStream(bytes)));
        var events = new List<RecordingEntry>();
        source.OtherEntryReplayed += events.Add;
        Assert.Equal(RecordingTestData.Eeprom, source.EepromWords.ToArray());

        var destination = new RawSubpage();
        var replayed = 0;
        while (source.TryReadSubpage(destination, CancellationToken.None))
        {
            Assert.Equal(subpages[replayed].Words, destination.Words);
            Assert.Equal(subpages[replayed].TimeSeconds, destination.TimeSeconds);
            replayed++;
        }

        Assert.Equal(10, replayed);
        Assert.Equal(10, source.SubpagesReplayed);
        var e = Assert.IsType<EventEntry>(Assert.Single(events));
        Assert.Equal(SessionEventTypes.ChallengeEnd, e.Event.Type);
        Assert.Equal(RecordingEnding.ClosedNormally, source.Integrity.Ending);
        Assert.False(source.TryReadSubpage(destination, CancellationToken.None)); // stays ended
    }

    [Fact]
    public async Task Paced_replay_waits_for_each_subpage_time_on_the_time_provider_scaled_by_speed()
    {
        var (bytes, _) = Record(3, rateHz: 2); // subpages at 0, 0.5, 1.0 s
        var time = new FakeTimeProvider();
        using var source = new RecordingSubpageSource(new SessionRecordingReader(new MemoryStream(bytes)), ReplayOptions.RealTime(speed: 2, time));
        var destination = new RawSubpage();
        Assert.True(source.TryReadSubpage(destination, CancellationToken.None)); // the first plays at once

        // At double speed the second subpage (0.5 s later in the session) is due after 250 ms.
        var second = Task.Run(() => source.TryReadSubpage(destination, CancellationToken.None));
        Assert.False(await CompletesWithin(second, 100));
        time.Advance(TimeSpan.FromMilliseconds(249));
        Assert.False(await CompletesWithin(second, 100));
        time.Advance(TimeSpan.FromMilliseconds(1));
        Assert.True(await CompletesWithin(second, 5000));
        Assert.True(await second);
        Assert.Equal(0.5, destination.TimeSeconds);

        // Deadlines are absolute: if the consumer is late, the next subpage comes without extra waiting.
        time.Advance(TimeSpan.FromSeconds(1));
        var third = Task.Run(() => source.TryReadSubpage(destination, CancellationToken.None));
        Assert.True(await CompletesWithin(third, 5000));
        Assert.Equal(1.0, destination.TimeSeconds);
    }

    [Fact]
    public async Task Paced_replay_can_be_cancelled_while_waiting()
    {
        var (bytes, _) = Record(2, rateHz: 0.5);
        var time = new FakeTimeProvider();
        using var source = new RecordingSubpageSource(new SessionRecordingReader(new MemoryStream(bytes)), ReplayOptions.RealTime(1, time));
        var destination = new RawSubpage();
        Assert.True(source.TryReadSubpage(destination, CancellationToken.None));
        using var cancel = new CancellationTokenSource();
        var waiting = Task.Run(() => source.TryReadSubpage(destination, cancel.Token));
        Assert.False(await CompletesWithin(waiting, 50));
        cancel.Cancel();
        Assert.True(await CompletesWithin(waiting, 5000));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => waiting);
    }

    [Fact]
    public void Replay_of_a_crashed_recording_plays_up_to_the_last_complete_subpage()
    {
        var (bytes, subpages) = Record(6, rateHz: 4);
        var cut = bytes[..(bytes.Length - 17 - 100)]; // loses the end record (17 bytes) and the tail of the last subpage
        using var source = new RecordingSubpageSource(new SessionRecordingReader(new MemoryStream(cut)));
        var destination = new RawSubpage();
        var count = 0;
        while (source.TryReadSubpage(destination, CancellationToken.None))
        {
            Assert.Equal(subpages[count].Words, destination.Words);
            count++;
        }

        Assert.Equal(5, count);
        Assert.Equal(RecordingEnding.Truncated, source.Integrity.Ending);
    }
}
