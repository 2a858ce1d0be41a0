using Microsoft.Extensions.DependencyInjection;
using ThermoHand.Recording.Native;
using ThermoHand.Streaming;
using ThermoHand.Worker.Pipeline;
using ThermoHand.Worker.Protocol;
using ThermoHand.Worker.Storage;
using ThermoHand.Worker.Streaming;
using ThermoHand.Worker.Tests.Pipeline;
using ThermoHand.Worker.Tests.Streaming;
using Xunit.Abstractions;

namespace ThermoHand.Worker.Tests.Faults;

/// <summary>
/// Issue 8, "the disk filling up", with the real on-disk dashboard queue (DiskFullTests covers the same with an
/// in-memory queue, and ENOSPC from the recording): mid-session the disk that holds both the recordings and the queue
/// drops to 512 KB free. The session must stop cleanly with a message saying why, the recording up to that point must
/// read back, and the queue must reopen intact (no torn record, numbers 1..N without a gap) and go on numbering.
/// The end of the session must still reach the queue (the outbox's end-of-session reserve), so the dashboard later
/// learns that and why it ended, with the disk still full; every message that could not be queued is counted and logged.
/// </summary>
[Collection(PipelineHost.Collection)]
public sealed class DiskFillingFaultTests(ITestOutputHelper output)
{
    private static readonly ProtocolPreset LongAcclimatisation = PipelineHost.ShortPreset with { Acclimatisation = TimeSpan.FromMinutes(10) };

    [Fact]
    public async Task A_disk_filling_mid_session_stops_it_cleanly_leaves_recording_and_queue_intact_and_the_dashboard_learns_why()
    {
        string folder = PipelineHost.NewFolder();
        string queueFolder = Path.Combine(folder, "outbox");
        var disk = new FakeFreeSpace(10L << 30);
        SessionClosed? closed = null;
        long queuedBeforeFull;
        long notQueued;
        int loggedNotQueued;
        await using (PipelineHost worker = PipelineHost.Build(
            folder, LongAcclimatisation,
            s =>
            {
                s.AddSingleton<IFreeSpaceProbe>(disk);
                s.AddSingleton<IDeviceOutbox>(_ => DiskDeviceOutbox.Open(OutboxTestData.Settings(queueFolder, free: () => disk.Bytes)));
            },
            ("Storage:FreeSpaceCheckSeconds", "2")))
        {
            var outbox = (DiskDeviceOutbox)worker.Host.Services.GetRequiredService<IDeviceOutbox>();
            worker.Pipeline.Coordinator.Closed += c => closed = c;
            await worker.Host.StartAsync();
            await PipelineHost.Until(() => worker.Pipeline.Coordinator.OpenSessionId is not null, "the session to start");
            await PipelineHost.Until(() => outbox.LastSequence > 20, "some frames in the queue");
            queuedBeforeFull = outbox.LastSequence;
            disk.Bytes = 512 * 1024; // below the queue's 1 MB and the recordings' 200 MB
            await PipelineHost.Until(() => closed is not null, "the session to stop");
            await worker.Host.StopAsync();
            output.WriteLine($"stopped: {closed!.Outcome}: {closed.Reason}");
            foreach (string line in worker.Logs.Lines.Where(l => l.StartsWith("Error", StringComparison.Ordinal)).Distinct().Take(4))
            {
                output.WriteLine(line);
            }

            // A clear message: the session row and the log say the disk is full and which setting keeps room.
            Assert.Equal("aborted", closed.Outcome);
            StoredSession row = Assert.Single(worker.Store.All());
            Assert.Equal(SessionStates.Aborted, row.State);
            Assert.Matches("storage nearly full|disk holding .* is full", row.Reason!);
            Assert.Contains(worker.Logs.Lines, l => l.Contains("Storage nearly full", StringComparison.Ordinal) || l.Contains("free space on the device", StringComparison.Ordinal));

            // The recording up to that point reads back, closed normally, exactly as many subpages as the row says.
            RecordingInfo info = RecordingInfo.Read(Path.Combine(folder, row.Id, "right.threc"));
            Assert.Equal(RecordingEnding.ClosedNormally, info.Integrity.Ending);
            Assert.Equal(row.SubpagesRecorded, info.SubpageCount);
            Assert.True(info.SubpageCount > 0);
            output.WriteLine($"recording: {info.SubpageCount} subpages to {info.LastSubpageSeconds:0.0} s; queue: {queuedBeforeFull} messages before the disk filled, {outbox.LastSequence} at the stop");

            // Nothing dropped silently: every message the outbox refused was counted there and logged by its producer.
            notQueued = outbox.NotQueuedCount;
            loggedNotQueued = worker.Logs.Lines.Count(l => l.StartsWith("Error ", StringComparison.Ordinal) && l.Contains("Dashboard queue: could not queue a", StringComparison.Ordinal));
            output.WriteLine($"not queued: {notQueued} counted by the outbox, {loggedNotQueued} logged; end-of-session reserve held afterwards: {outbox.EndOfSessionReserveHeld}");
            Assert.True(notQueued > 0, "the full disk refused nothing");
            Assert.Equal(notQueued, loggedNotQueued);
            Assert.False(outbox.EndOfSessionReserveHeld); // it was used for the end of the session
        }

        // The queue reopens intact, the disk still full: nothing torn, 1..N without a gap, every record readable.
        using DiskDeviceOutbox reopened = DiskDeviceOutbox.Open(OutboxTestData.Settings(queueFolder, free: () => disk.Bytes));
        Assert.Equal(0, reopened.TornBytesDropped);
        List<OutboxRecord> records = OutboxTestData.ReadAll(reopened);
        Assert.Equal(Enumerable.Range(1, records.Count).Select(i => (long)i), records.Select(r => r.Sequence));
        Assert.Equal(reopened.LastSequence, records.Count);
        Assert.True(records.Count >= queuedBeforeFull);
        Assert.All(records, r => Assert.Equal(r.Sequence, OutboxTestData.Parse(r).Sequence));
        Assert.Single(records.Select(OutboxTestData.Parse), m => m.Kind == DeviceMessageKinds.SessionStarted);

        // The dashboard, reached later with the disk still full, gets everything queued: the aborted event saying why,
        // then session_ended with the same reason, as the last messages of the session.
        var dashboard = new FakeDashboard();
        using (var uploader = new DashboardUploader(
            reopened,
            new DashboardUplinkSettings { Url = new Uri("http://dashboard.clinic:5080/"), DeviceId = dashboard.DeviceId, Secret = dashboard.Secret },
            new ListLogger<DashboardUploader>(), TimeProvider.System, dashboard, new Random(5)))
        {
            await uploader.StartAsync(CancellationToken.None);
            await PipelineHost.Until(() => reopened.PendingCount == 0, "the dashboard to acknowledge the queue", 15);
            await uploader.StopAsync(CancellationToken.None);
        }

        IReadOnlyList<DeviceMessage> stored = dashboard.Stored;
        Assert.Equal(records.Select(r => r.Sequence), stored.Select(m => m.Sequence));
        DeviceMessage ended = Assert.Single(stored, m => m.Kind == DeviceMessageKinds.SessionEnded);
        DeviceMessage aborted = Assert.Single(stored, m => m.Kind == DeviceMessageKinds.Event && m.Payload.GetProperty("type").GetString() == "aborted");
        string reason = ended.Payload.GetProperty("reason").GetString()!;
        output.WriteLine($"dashboard holds 1..{stored.Count}; #{aborted.Sequence} aborted: {aborted.Payload.GetProperty("detail").GetString()}; #{ended.Sequence} session_ended: {ended.Payload.GetProperty("outcome").GetString()}: {reason}");
        Assert.Equal("aborted", ended.Payload.GetProperty("outcome").GetString());
        Assert.Equal(closed!.Reason, reason);
        Assert.Matches("storage nearly full|disk holding .* is full", reason);
        Assert.Equal(reason, aborted.Payload.GetProperty("detail").GetString());
        Assert.True(aborted.Sequence < ended.Sequence);
        Assert.DoesNotContain(stored, m => m.Sequence > ended.Sequence && m.SessionId == ended.SessionId);

        // Space is freed: the queue goes on numbering, and the reserve is put back for the next session.
        disk.Bytes = 10L << 30;
        Assert.Equal(records.Count + 1, reopened.Enqueue(DeviceMessageKinds.Status, null, OutboxTestData.Payload(1)));
        Assert.True(reopened.EndOfSessionReserveHeld);
    }
}
