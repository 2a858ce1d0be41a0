using System.Text.Json;
using ThermoHand.Recording.Native;
using ThermoHand.Streaming;
using ThermoHand.Worker.Protocol;
using ThermoHand.Worker.Storage;
using ThermoHand.Worker.Tests.Pipeline;

namespace ThermoHand.Worker.Tests.Storage;

/// <summary>
/// A power cut mid-session, made repeatable: the storage folder of a running worker is copied as it is at one instant
/// (SQLite database with its WAL, the open recording), the recording copy is cut in the middle of a record, and a new
/// worker is started on the copy. Everything the copy holds up to its last whole record must be kept and the
/// session closed as "recovered".
/// </summary>
[Collection(PipelineHost.Collection)]
public sealed class CrashRecoveryTests
{
    private static readonly ProtocolPreset LongAcclimatisation = PipelineHost.ShortPreset with { Acclimatisation = TimeSpan.FromMinutes(10) };

    [Fact]
    public async Task A_worker_killed_mid_session_keeps_frames_up_to_the_last_second_and_marks_the_session_recovered()
    {
        string crashed = PipelineHost.NewFolder();
        string id;
        long subpagesAtCut;
        double lastAtCut;
        await using (PipelineHost running = PipelineHost.Build(preset: LongAcclimatisation))
        {
            await running.Host.StartAsync();
            await PipelineHost.Until(() => running.Pipeline.Coordinator.OpenSessionId is not null, "the session to start");
            id = running.Pipeline.Coordinator.OpenSessionId!;
            string live = Path.Combine(running.Folder, id, "right.threc");
            await PipelineHost.Until(() => File.Exists(live) && RecordingInfo.Read(live).LastSubpageSeconds > 20, "20 s of recording");

            // The instant of the "power cut": copy what is on disk now, database first (its row says "running").
            foreach (string file in Directory.GetFiles(running.Folder, "sessions.db*"))
            {
                File.Copy(file, Path.Combine(crashed, Path.GetFileName(file)));
            }

            Directory.CreateDirectory(Path.Combine(crashed, id));
            string copy = Path.Combine(crashed, id, "right.threc");
            File.Copy(live, copy);
            RecordingInfo atCut = RecordingInfo.Read(copy);
            subpagesAtCut = atCut.SubpageCount;
            lastAtCut = atCut.LastSubpageSeconds!.Value;

            // Cut the last record in half, as a crash during a write leaves it.
            using (var stream = new FileStream(copy, FileMode.Open))
            {
                stream.SetLength(stream.Length - 20);
            }

            await running.Host.StopAsync();
        }

        await using PipelineHost restarted = PipelineHost.Build(folder: crashed, preset: LongAcclimatisation, overrides: ("Simulation:AutoClinician", "false"));
        await restarted.Host.StartAsync();
        await restarted.Host.StopAsync();

        RecoveredSession recovered = Assert.Single(restarted.Pipeline.Recovered);
        Assert.Equal(id, recovered.SessionId);
        StoredSession row = restarted.Store.Find(id)!;
        Assert.Equal(SessionStates.Recovered, row.State);
        Assert.Equal("recovered", row.Outcome);
        Assert.True(row.Recovered);
        Assert.Contains("crash or power cut", row.Reason);

        // At most the record being written at the cut is lost, i.e. far less than the last second (2 subpages at 2 Hz).
        RecordingInfo after = RecordingInfo.Read(Path.Combine(crashed, id, "right.threc"));
        Assert.Equal(RecordingEnding.Truncated, after.Integrity.Ending);
        Assert.InRange(after.SubpageCount, subpagesAtCut - 1, subpagesAtCut);
        Assert.True(after.LastSubpageSeconds >= lastAtCut - 1.0, $"kept up to {after.LastSubpageSeconds} s of {lastAtCut} s");
        Assert.Equal(after.SubpageCount, row.SubpagesRecorded);
        Assert.Equal(after.Integrity.LastTimeSeconds ?? after.LastSubpageSeconds, row.LastTimeSeconds);
        Assert.Contains("acclimatisation_start", after.Events.Select(e => e.Type));

        JsonElement ended = Assert.Single(restarted.Outbox.Of(DeviceMessageKinds.SessionEnded));
        Assert.Equal("recovered", ended.GetProperty("outcome").GetString());
        Assert.Equal(id, restarted.Outbox.Messages.Single(m => m.Kind == DeviceMessageKinds.SessionEnded).SessionId);

        // A second start finds nothing left to recover.
        await using PipelineHost again = PipelineHost.Build(folder: crashed, preset: LongAcclimatisation, overrides: ("Simulation:AutoClinician", "false"));
        await again.Host.StartAsync();
        await again.Host.StopAsync();
        Assert.Empty(again.Pipeline.Recovered);
    }

    [Fact]
    public async Task A_clean_stop_mid_session_closes_the_recording_and_stores_why()
    {
        await using PipelineHost worker = PipelineHost.Build(preset: LongAcclimatisation);
        await worker.Host.StartAsync();
        await PipelineHost.Until(() => worker.Pipeline.Coordinator.OpenSessionId is not null, "the session to start");
        string id = worker.Pipeline.Coordinator.OpenSessionId!;
        await Task.Delay(300);
        await worker.Host.StopAsync();

        StoredSession row = worker.Store.Find(id)!;
        Assert.Equal(SessionStates.Aborted, row.State);
        Assert.Contains("worker was stopped", row.Reason);
        RecordingInfo info = RecordingInfo.Read(Path.Combine(worker.Folder, id, "right.threc"));
        Assert.Equal(RecordingEnding.ClosedNormally, info.Integrity.Ending);
        Assert.Equal(info.SubpageCount, row.SubpagesRecorded);
        Assert.Contains("aborted", info.Events.Select(e => e.Type));
    }
}
