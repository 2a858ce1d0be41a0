using ThermoHand.Analysis.Regions;
using ThermoHand.Analysis.Results;
using ThermoHand.Analysis.Rewarming;

namespace ThermoHand.Analysis.Tests.Rewarming;

public class RewarmingSessionAnalyserTests
{
    private const double FrameStep = 0.5; // 2 Hz, the MLX90640 rate used for hands
    private const double SessionEnd = AnalyticCurve.ChallengeEnd + 930;

    private static readonly SessionEvent[] StandardEvents =
    [
        new(AnalyticCurve.ChallengeStart, SessionEventTypes.ChallengeStart),
        new(AnalyticCurve.ChallengeEnd, SessionEventTypes.ChallengeEnd),
        new(5, "note"), // unknown event types are ignored
    ];

    private static IEnumerable<ThermalFrame> Frames(double until = SessionEnd)
    {
        var pixels = new float[ThermalFrame.PixelCount];
        for (var i = 0; i * FrameStep <= until; i++)
        {
            yield return new ThermalFrame(i * FrameStep, pixels);
        }
    }

    private static FakeHandTracker Tracker() => new(Hand.Left, FakeHandTracker.StandardHand());

    [Fact]
    public void Live_and_batch_give_identical_results()
    {
        var batch = RewarmingSessionAnalyser.AnalyseRecording(Frames(), new SessionEvents(Hand.Left, StandardEvents), Tracker());

        // Live: each event becomes known only when it happens, and the clinician's screen asks for snapshots meanwhile.
        var live = new RewarmingSessionAnalyser(Tracker());
        var pending = new Queue<SessionEvent>(StandardEvents.OrderBy(e => e.TimeSeconds));
        var snapshots = 0;
        foreach (var frame in Frames())
        {
            while (pending.Count > 0 && pending.Peek().TimeSeconds <= frame.TimeSeconds)
            {
                live.AddEvent(pending.Dequeue());
            }

            live.AddFrame(frame);
            if (frame.TimeSeconds % 200 == 0)
            {
                var snapshot = live.Snapshot();
                Assert.True(snapshot.Provisional);
                Assert.Contains(snapshot.Quality.Flags, f => f.StartsWith("provisional", StringComparison.Ordinal));
                snapshots++;
            }
        }

        var final = live.Complete();
        Assert.True(snapshots >= 5);
        Assert.False(final.Provisional);
        Assert.Equal(AnalysisJsonWriter.ToJson(batch), AnalysisJsonWriter.ToJson(final));
    }

    [Fact]
    public void Provisional_snapshot_equals_batch_of_the_recording_so_far()
    {
        var cut = AnalyticCurve.ChallengeEnd + 400;
        var live = new RewarmingSessionAnalyser(Tracker());
        foreach (var e in StandardEvents)
        {
            live.AddEvent(e);
        }

        foreach (var frame in Frames(cut))
        {
            live.AddFrame(frame);
        }

        var snapshot = live.Snapshot();
        var batch = RewarmingSessionAnalyser.AnalyseRecording(Frames(cut), new SessionEvents(Hand.Left, StandardEvents), Tracker());
        var d2Live = snapshot.Roi("D2")!.Metrics;
        var d2Batch = batch.Roi("D2")!.Metrics;
        Assert.Equal(d2Batch.TimeToRecoverySeconds["50"], d2Live.TimeToRecoverySeconds["50"]);
        Assert.Equal(d2Batch.RecoveryPercent["300"], d2Live.RecoveryPercent["300"]);
        Assert.Null(d2Live.RecoveryPercent["600"]);
        Assert.Equal(snapshot.Quality.Flags.Where(f => !f.StartsWith("provisional", StringComparison.Ordinal)), batch.Quality.Flags);
    }

    [Fact]
    public void Session_metrics_ddd_tips_and_counts()
    {
        var result = RewarmingSessionAnalyser.AnalyseRecording(Frames(), new SessionEvents(Hand.Left, StandardEvents), Tracker());
        var curves = FakeHandTracker.StandardHand();

        Assert.Equal(["D1", "D2", "D3", "D4", "D5", "dorsum"], result.Rois.Select(r => r.Name));
        foreach (var roi in result.Rois)
        {
            var curve = curves[roi.Name];
            Assert.Equal(curve.Baseline, roi.Metrics.BaselineCelsius!.Value, 9);
            Assert.Equal(curve.Minimum, roi.Metrics.MinimumCelsius!.Value, 0.01);
            Assert.Equal(curve.TimeTo(50), roi.Metrics.TimeToRecoverySeconds["50"]!.Value, 0.5);
            Assert.Equal(curve.RecoveryAt(300), roi.Metrics.RecoveryPercent["300"]!.Value, 0.1);
        }

        // DDD = dorsum 31.0 − fingertip: D2 +2.0, D3 +1.5, D4 +1.0 (not > 1), D5 +3.0; thumb 0.
        Assert.Equal(2.0, result.Ddd.Fingers["D2"]!.Value, 9);
        Assert.Equal(3.0, result.Ddd.Fingers["D5"]!.Value, 9);
        Assert.Equal(7.5 / 4, result.Ddd.Mean!.Value, 9);
        Assert.Equal(0.0, result.Ddd.Thumb!.Value, 9);
        Assert.Equal(3, result.Ddd.FingersAboveThreshold);

        Assert.Equal(new PixelPoint(14, 4), result.Roi("D2")!.Tip);
        Assert.Null(result.Roi(RegionNames.Dorsum)!.Tip);

        // Frames during the 60 s immersion (hand in the water) are neither used nor rejected.
        var immersionFrames = (int)(60 / FrameStep); // frames at 120.0 … 179.5 s
        Assert.Equal(Frames().Count() - immersionFrames, result.Quality.FramesUsed);
        Assert.Equal(0, result.Quality.FramesRejected);
        Assert.Empty(result.Quality.Flags);

        var curve0 = result.Roi("D2")!.Curve;
        Assert.Equal(0, curve0[0].TimeSeconds);
        Assert.Equal(22.0, curve0[0].TemperatureCelsius, 9);

        var t50 = result.DigitAverages.Single(a => a.Name == "t50_s");
        Assert.Equal(4, t50.Count);
        Assert.Equal(new[] { "D2", "D3", "D4", "D5" }.Average(d => curves[d].TimeTo(50)), t50.Mean!.Value, 0.5);
    }

    [Fact]
    public void Quality_problems_become_flags_and_rejections()
    {
        var end = AnalyticCurve.ChallengeEnd;
        var tracker = new FakeHandTracker(Hand.Right, FakeHandTracker.StandardHand())
        {
            FrameFlags = t => t is >= 50 and < 52 || t is >= 400 and < 405 ? [RegionFlags.Motion] : [],
            Lost = t => t is >= 500 and < 501.5, // 3 frames with no trusted reading
            Hot = t => t is >= 600 and < 601,    // 2 frames at 60 °C
        };
        var analyser = new RewarmingSessionAnalyser(tracker);
        analyser.AddEvent(new SessionEvent(AnalyticCurve.ChallengeStart, SessionEventTypes.ChallengeStart));
        analyser.AddEvent(new SessionEvent(end, SessionEventTypes.ChallengeEnd));
        foreach (var frame in Frames())
        {
            analyser.AddFrame(frame);
            if (frame.TimeSeconds == 700)
            {
                Assert.Null(analyser.AddFrame(new ThermalFrame(699, new float[ThermalFrame.PixelCount]))); // out of order
            }
        }

        var result = analyser.Complete();
        var flags = result.Quality.Flags;
        Assert.Equal(Hand.Right, result.Hand);
        Assert.Contains("tracker: motion in 14 frames (other 4, rewarming 10)", flags);
        Assert.Contains("all regions: 3 frames not used (region_lost)", flags); // same loss in every region: one line
        Assert.Contains("D3: 2 readings outside 10–45 °C rejected", flags);
        Assert.Contains("frames: 1 frames not later than the previous frame were rejected", flags);
        Assert.Equal(3 + 2 + 1, result.Quality.FramesRejected);
        Assert.Equal(result.Roi("D3")!.Metrics.BaselineCelsius, 29.5); // skipped frames do not disturb the metrics
    }

    [Fact]
    public void Missing_events_and_protocol_deviation_are_flagged()
    {
        var noEnd = RewarmingSessionAnalyser.AnalyseRecording(
            Frames(), new SessionEvents(Hand.Left, [new SessionEvent(AnalyticCurve.ChallengeStart, SessionEventTypes.ChallengeStart)]), Tracker());
        Assert.Contains("missing event: no challenge_end: rewarming metrics not computed", noEnd.Quality.Flags);
        Assert.Null(noEnd.Roi("D2")!.Metrics.MinimumCelsius);
        Assert.Equal(29.0, noEnd.Roi("D2")!.Metrics.BaselineCelsius);
        Assert.Empty(noEnd.Roi("D2")!.Curve);

        var noStart = RewarmingSessionAnalyser.AnalyseRecording(
            Frames(), new SessionEvents(Hand.Left, [new SessionEvent(AnalyticCurve.ChallengeEnd, SessionEventTypes.ChallengeEnd)]), Tracker());
        Assert.Contains("missing event: no challenge_start: baseline, drop, recovery and DDD not computed", noStart.Quality.Flags);
        Assert.Null(noStart.Ddd.Mean);
        Assert.Null(noStart.Roi("D2")!.Metrics.RecoveryPercent["300"]);
        Assert.Equal(22.0, noStart.Roi("D2")!.Metrics.MinimumCelsius!.Value, 0.01);

        var longImmersion = RewarmingSessionAnalyser.AnalyseRecording(
            Frames(),
            new SessionEvents(Hand.Left, [new SessionEvent(AnalyticCurve.ChallengeStart - 60, SessionEventTypes.ChallengeStart), StandardEvents[1]]),
            Tracker());
        Assert.Contains("protocol deviation: immersion lasted 120.0 s (60 ± 10 s expected)", longImmersion.Quality.Flags);
    }

    [Fact]
    public void Two_hands_give_the_eight_finger_summary()
    {
        var events = new SessionEvents(Hand.Left, StandardEvents);
        var left = RewarmingSessionAnalyser.AnalyseRecording(Frames(), events, Tracker());
        var right = RewarmingSessionAnalyser.AnalyseRecording(Frames(), events, new FakeHandTracker(Hand.Right, FakeHandTracker.StandardHand()));
        var both = HandSummary.Combine(left, right);

        var baseline = both.EightFingerAverages.Single(a => a.Name == "baseline_c");
        Assert.Equal(8, baseline.Count);
        Assert.Equal((29.0 + 29.5 + 30.0 + 28.0) / 4, baseline.Mean!.Value, 9);
        Assert.Equal(7.5 / 4, both.EightFingerDddMeanCelsius!.Value, 9);
        Assert.Equal(6, both.FingersWithDddAboveThreshold);
    }
}

public class RewarmingFullSessionSnapshotTests
{
    [Fact]
    public void Snapshot_of_a_full_session_fits_every_region_and_repeats_identically()
    {
        // 20 min at 4 Hz, six regions: what a live screen re-analyses on every refresh. Its cost is measured by
        // AnalysisBenchmarks.ProvisionalSnapshotTwentyMinutes (benchmarks/README.md), not timed here: a wall-clock bound
        // in a unit test fails on a busy machine and says nothing on a quiet one.
        var analyser = new RewarmingSessionAnalyser(new FakeHandTracker(Hand.Left, FakeHandTracker.StandardHand()));
        analyser.AddEvent(new SessionEvent(AnalyticCurve.ChallengeStart, SessionEventTypes.ChallengeStart));
        analyser.AddEvent(new SessionEvent(AnalyticCurve.ChallengeEnd, SessionEventTypes.ChallengeEnd));
        var pixels = new float[ThermalFrame.PixelCount];
        var frameCount = 0;
        for (var i = 0; i * 0.25 <= AnalyticCurve.ChallengeEnd + 930; i++)
        {
            analyser.AddFrame(new ThermalFrame(i * 0.25, pixels));
            frameCount++;
        }

        var first = analyser.Snapshot();
        var second = analyser.Snapshot();

        Assert.True(first.Provisional);
        Assert.Equal((frameCount - 1) * 0.25, first.AnalysedUntilSeconds!.Value, 9);
        foreach (var digit in new[] { "D2", "D3", "D4", "D5" })
        {
            Assert.NotNull(first.Roi(digit)!.Metrics.Fit);
        }

        // A snapshot reads the kept series and changes nothing: the next one is identical.
        Assert.Equal(first.Quality.Flags, second.Quality.Flags);
        Assert.Equal(first.Quality.FramesUsed, second.Quality.FramesUsed);
        Assert.Equal(first.Roi("D2")!.Metrics.Fit, second.Roi("D2")!.Metrics.Fit);
    }
}
