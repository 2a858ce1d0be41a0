using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using ThermoHand.Recording.Native;
using ThermoHand.Streaming;
using ThermoHand.Worker.Pipeline;
using ThermoHand.Worker.Storage;
using ThermoHand.Worker.Tests.Pipeline;
using Xunit.Abstractions;

namespace ThermoHand.Worker.Tests.Faults;

/// <summary>
/// Issue 8, "the clock stepping": during a session the wall clock (what NTP or an operator sets) jumps an hour
/// forward and then two hours back, while the monotonic clock the session is timed on runs on. Session times must
/// stay monotonic, protocol phases must last what the preset says, and nothing may be reordered or dropped.
/// </summary>
[Collection(PipelineHost.Collection)]
public sealed class ClockStepFaultTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Wall_clock_steps_of_an_hour_change_no_session_time_order_or_count()
    {
        var clock = new SteppingClock(new ScaledTimeProvider(20));
        await using PipelineHost worker = PipelineHost.Build(services: s => s.AddSingleton<TimeProvider>(clock));
        SessionClosed? closed = null;
        worker.Pipeline.Coordinator.Closed += c => closed = c;
        PipelineClock pipelineClock = worker.Host.Services.GetRequiredService<PipelineClock>();

        await worker.Host.StartAsync();
        await PipelineHost.Until(() => worker.Pipeline.Coordinator.OpenSessionId is not null, "the session to start");
        double start = pipelineClock.Now;
        await PipelineHost.Until(() => pipelineClock.Now - start > 15, "15 s of acclimatisation");
        clock.Step(TimeSpan.FromHours(1));
        await PipelineHost.Until(() => pipelineClock.Now - start > 40, "the immersion");
        clock.Step(TimeSpan.FromHours(-2));
        await PipelineHost.Until(() => closed is not null, "the session to complete", 120);
        await worker.Host.StopAsync();

        StoredSession row = Assert.Single(worker.Store.All());
        Assert.Equal(SessionStates.Completed, row.State);
        RecordingInfo info = RecordingInfo.Read(Path.Combine(worker.Folder, row.Id, "right.threc"));
        Assert.Equal(RecordingEnding.ClosedNormally, info.Integrity.Ending);

        // Protocol phases as long as the preset says (20 + 10 + 5 + 40 s), whatever the wall clock did.
        double T(string type) => info.Events.Single(e => e.Type == type).TimeSeconds;
        output.WriteLine($"events: {string.Join(", ", info.Events.Select(e => $"{e.Type}@{e.TimeSeconds:0.00}"))}");
        // A timed phase never ends early. It ends at the first protocol tick after its time, and on a loaded CI machine
        // a tick can be late by a stall: 0.25 s of wall time is 5 s of session time at ×20. A step taken for elapsed
        // time would be an hour off, so these bounds still catch it. (1e-9: 75.30 − 35.30 is 39.999… in binary.)
        Assert.InRange(T("baseline_start") - T("acclimatisation_start"), 20 - 1e-9, 25);
        Assert.InRange(T("baseline_end") - T("baseline_start"), 10 - 1e-9, 15);
        // 5 s of immersion plus the auto-clinician's reaction, which runs on wall time (seen: 20.5 s under load).
        Assert.InRange(T("challenge_end") - T("challenge_start"), 4.5, 60);
        Assert.InRange(T("rewarming_end") - T("challenge_end"), 40 - 1e-9, 45);

        // Session times strictly increasing in the recording and in the dashboard queue; counts agree.
        List<double> subpages = [];
        using (var reader = SessionRecordingReader.Open(Path.Combine(worker.Folder, row.Id, "right.threc")))
        {
            subpages.AddRange(reader.ReadAll().OfType<SubpageEntry>().Select(e => e.TimeSeconds));
        }

        Assert.True(subpages.Zip(subpages.Skip(1)).All(p => p.Second > p.First), "subpage times go backwards");
        // A step taken for elapsed time would leave a gap of an hour (or a timer waiting an hour, and no end). At ×20 a
        // 0.1 s stall of this machine under CI load is already 2 s of session time, so the bound is 10 s, not 2.
        double widest = subpages.Zip(subpages.Skip(1)).Max(p => p.Second - p.First);
        output.WriteLine($"widest gap between subpages: {widest:0.00} s of session time");
        Assert.True(widest < 10, $"a gap of {widest:0.0} s in the subpages");
        HandPipeline consumer = Assert.Single(worker.Pipeline.Hands);
        Assert.Equal(Assert.Single(worker.Pipeline.Acquisition).SubpagesQueued, consumer.SubpagesTaken);
        Assert.Equal(consumer.SubpagesTaken - consumer.SubpagesOutsideSession, subpages.Count);
        List<double> frames = worker.Outbox.Of(DeviceMessageKinds.Frame).Select(f => f.GetProperty("t_s").GetDouble()).ToList();
        Assert.Equal(Assert.Single(closed!.Hands).FramesAssembled, frames.Count);
        Assert.True(frames.Zip(frames.Skip(1)).All(p => p.Second > p.First), "frame times go backwards in the dashboard queue");
        string[] expected = ["acclimatisation_start", "baseline_start", "baseline_end", "challenge_start", "challenge_end", "rewarming_end"];
        Assert.Equal(expected, worker.Outbox.Of(DeviceMessageKinds.Event).Select(e => e.GetProperty("type").GetString()));
        Assert.InRange(subpages.Count, 75, 155); // 77 s at 2 Hz; stalls of a loaded machine cost subpages, a step must not stop them

        // The steps did happen on the wall clock: the stored start and end (wall-clock fields) are ~1 h apart the wrong way.
        double wallSeconds = (row.EndedUtc!.Value - row.StartedUtc).TotalSeconds;
        output.WriteLine($"{subpages.Count} subpages, {frames.Count} frames; wall clock from start to end: {wallSeconds:0} s; session clock: {info.LastSubpageSeconds:0.0} s");
        Assert.InRange(wallSeconds, -3600 + 70, -3600 + 90);
    }

    /// <summary>The worker's clock with a wall clock (GetUtcNow) that can be stepped; timestamps and timers stay monotonic.</summary>
    private sealed class SteppingClock(TimeProvider inner) : TimeProvider
    {
        private long offsetTicks;

        public void Step(TimeSpan by) => Interlocked.Add(ref offsetTicks, by.Ticks);

        public override DateTimeOffset GetUtcNow() => inner.GetUtcNow() + TimeSpan.FromTicks(Interlocked.Read(ref offsetTicks));

        public override long GetTimestamp() => inner.GetTimestamp();

        public override long TimestampFrequency => inner.TimestampFrequency;

        public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period) =>
            inner.CreateTimer(callback, state, dueTime, period);
    }
}
