using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using ThermoHand.Recording.Native;
using ThermoHand.Streaming;
using ThermoHand.Worker.Pipeline;
using ThermoHand.Worker.Protocol;
using ThermoHand.Worker.Storage;
using ThermoHand.Worker.Tests.Pipeline;

namespace ThermoHand.Worker.Tests.Storage;

/// <summary>A full disk before a session, approaching during one, and ENOSPC from the recording itself.</summary>
[Collection(PipelineHost.Collection)]
public sealed class DiskFullTests
{
    private static readonly ProtocolPreset LongAcclimatisation = PipelineHost.ShortPreset with { Acclimatisation = TimeSpan.FromMinutes(10) };

    [Fact]
    public void The_estimate_follows_the_measured_recording_size_and_the_queue()
    {
        // Manchester: 20 + 2 + 1 + 15 min + 15 min slack = 53 min; at 4 Hz: 240 subpages/min × 1687 B × 0.5 = 202 440 B
        // of recording and 120 frames × 8 KiB = 983 040 B of queue per minute.
        long need = DiskSpaceBudget.Estimate(ProtocolPresets.Manchester, hands: 1, subpageRateHz: 4);
        Assert.Equal((202_440 + 983_040) * 53, need);
        Assert.InRange(DiskSpaceBudget.Estimate(ProtocolPresets.Manchester, hands: 2, subpageRateHz: 4), (2 * need) - 1, (2 * need) + 1);
        Assert.Null(DiskSpaceBudget.CheckBeforeStart(need + 100, need, 100, "/data"));
        string? refusal = DiskSpaceBudget.CheckBeforeStart(need + 99, need, 100, "/data");
        Assert.Contains("not enough free disk space", refusal);
        Assert.Contains("Storage:MinimumFreeMegabytes", refusal);
    }

    [Fact]
    public async Task A_session_does_not_start_when_the_disk_cannot_hold_it()
    {
        var disk = new FakeFreeSpace(150L << 20); // 150 MB: below the 200 MB kept free alone
        await using PipelineHost worker = PipelineHost.Build(
            services: s => s.AddSingleton<IFreeSpaceProbe>(disk), overrides: ("Simulation:AutoClinician", "false"));
        await worker.Host.StartAsync();
        var preset = PipelineHost.ShortPreset;
        CommandResult result = await worker.Pipeline.Coordinator.StartSessionAsync(new SessionSetup("RP-0042", HandSelection.Right, preset));
        await worker.Host.StopAsync();

        Assert.False(result.Accepted);
        Assert.Contains("150.0 MB free", result.Reason);
        Assert.Contains("Storage:MinimumFreeMegabytes", result.Reason);
        Assert.Empty(worker.Store.All());
        Assert.Empty(Directory.GetDirectories(worker.Folder));
        Assert.Empty(worker.Outbox.Of(DeviceMessageKinds.SessionStarted));
        Assert.Equal(ProtocolState.SetUp, worker.Host.Services.GetRequiredService<ProtocolSession>().State);
    }

    [Fact]
    public async Task A_disk_filling_during_a_session_stops_it_cleanly()
    {
        var disk = new FakeFreeSpace(10L << 30);
        await using PipelineHost worker = PipelineHost.Build(
            preset: LongAcclimatisation, services: s => s.AddSingleton<IFreeSpaceProbe>(disk), overrides: ("Storage:FreeSpaceCheckSeconds", "2"));
        SessionClosed? closed = null;
        worker.Pipeline.Coordinator.Closed += c => closed = c;
        await worker.Host.StartAsync();
        await PipelineHost.Until(() => worker.Pipeline.Coordinator.OpenSessionId is not null, "the session to start");
        await Task.Delay(200);
        disk.Bytes = 120L << 20;
        await PipelineHost.Until(() => closed is not null, "the session to stop");
        await worker.Host.StopAsync();

        Assert.Equal("aborted", closed!.Outcome);
        Assert.Contains("storage nearly full: 120.0 MB free", closed.Reason);
        StoredSession row = Assert.Single(worker.Store.All());
        Assert.Equal(SessionStates.Aborted, row.State);
        Assert.Contains("Storage:MinimumFreeMegabytes", row.Reason);
        RecordingInfo info = RecordingInfo.Read(Path.Combine(worker.Folder, row.Id, "right.threc"));
        Assert.Equal(RecordingEnding.ClosedNormally, info.Integrity.Ending);
        Assert.Equal(row.SubpagesRecorded, info.SubpageCount);
        Assert.True(info.SubpageCount > 0);
        JsonElement ended = Assert.Single(worker.Outbox.Of(DeviceMessageKinds.SessionEnded));
        Assert.Contains("storage nearly full", ended.GetProperty("reason").GetString());
        Assert.Contains(worker.Logs.Lines, l => l.Contains("Storage nearly full", StringComparison.Ordinal));
    }

    [Fact]
    public async Task ENOSPC_from_the_recording_stops_the_session_and_keeps_everything_written()
    {
        var streams = new FullDiskStreams(limitBytes: 40_000);
        await using PipelineHost worker = PipelineHost.Build(
            preset: LongAcclimatisation, services: s => s.AddSingleton<IRecordingStreamFactory>(streams));
        SessionClosed? closed = null;
        worker.Pipeline.Coordinator.Closed += c => closed = c;
        await worker.Host.StartAsync();
        await PipelineHost.Until(() => closed is not null, "the session to stop on ENOSPC");
        await worker.Host.StopAsync();

        Assert.Equal("aborted", closed!.Outcome);
        Assert.Contains("No space left on device", closed.Reason);
        StoredSession row = Assert.Single(worker.Store.All());
        Assert.Equal(SessionStates.Aborted, row.State);
        Assert.Contains("No space left on device", row.Reason);

        // The file holds every record the writer accepted; only the record that hit the full disk is partial.
        RecordingInfo info = RecordingInfo.Read(Path.Combine(worker.Folder, row.Id, "right.threc"));
        Assert.Equal(RecordingEnding.Truncated, info.Integrity.Ending);
        Assert.Equal(40_000, new FileInfo(Path.Combine(worker.Folder, row.Id, "right.threc")).Length);
        HandSessionResult hand = Assert.Single(closed.Hands);
        Assert.Equal(hand.SubpagesRecorded, info.SubpageCount);
        Assert.True(info.SubpageCount > 10, $"{info.SubpageCount} subpages kept");
        Assert.Contains(worker.Logs.Lines, l => l.Contains("recording of the right hand stopped", StringComparison.Ordinal));
    }

    /// <summary>Recording files on a disk with <paramref name="limitBytes"/> left: the write that crosses it writes what fits, then throws ENOSPC.</summary>
    private sealed class FullDiskStreams(long limitBytes) : IRecordingStreamFactory
    {
        public Stream Create(string path) => new FullDiskStream(new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.Read, 1), limitBytes);
    }

    private sealed class FullDiskStream(FileStream inner, long limit) : Stream
    {
        public override bool CanRead => false;

        public override bool CanSeek => false;

        public override bool CanWrite => true;

        public override long Length => inner.Length;

        public override long Position { get => inner.Position; set => throw new NotSupportedException(); }

        public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

        public override void Write(ReadOnlySpan<byte> buffer)
        {
            long room = limit - inner.Length;
            if (buffer.Length > room)
            {
                inner.Write(buffer[..(int)Math.Max(0, room)]);
                inner.Flush();
                throw new IOException("No space left on device : '/data/sessions/right.threc'");
            }

            inner.Write(buffer);
        }

        public override void Flush() => inner.Flush();

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                inner.Dispose();
            }

            base.Dispose(disposing);
        }
    }
}
