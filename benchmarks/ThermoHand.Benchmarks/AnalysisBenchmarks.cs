using BenchmarkDotNet.Attributes;
using ThermoHand.Analysis;
using ThermoHand.Mlx90640;
using ThermoHand.Analysis.Regions;
using ThermoHand.Analysis.Results;
using ThermoHand.Analysis.Rewarming;
using ThermoHand.Recording.Export;
using ThermoHand.Recording.Native;
using ThermoHand.Simulation;

namespace ThermoHand.Benchmarks;

/// <summary>
/// The live analysis on the device, on a simulated 20-minute session read through the emulated sensor and driver
/// (<see cref="BenchmarkSession"/>): the cost of one image through region tracker + rewarming analyser once the
/// baseline is fixed, and of the provisional result a live screen asks for. Budget per image: 31 ms at the sensor's
/// maximum 32 images/s, 500 ms at the 2 images/s of a session.
/// </summary>
[MemoryDiagnoser]
public class AnalysisLiveBenchmarks
{
    /// <summary>Images replayed in a loop for the steady-state cost: 32 s of the baseline, hand in view.</summary>
    private const int LoopFrames = 64;

    private ThermalFrame[] loop = [];
    private HandRegionTracker? liveTracker;
    private RewarmingSessionAnalyser? live;
    private double nextTime;
    private int next;
    private HandRegionTracker? midTracker;
    private RewarmingSessionAnalyser? midSession;
    private HandRegionTracker? fullTracker;
    private RewarmingSessionAnalyser? fullSession;

    // One setup per benchmark: BenchmarkDotNet runs each in its own process, and feeding 2400 images through the
    // region tracker is itself seconds of work.
    [GlobalSetup(Target = nameof(LiveFrame))]
    public void SetupLiveFrame()
    {
        var session = BenchmarkSession.LoadOrRecordDefault();
        var start = session.Settings.Protocol.ChallengeStartSeconds;

        // Steady state: the tracker has fixed its baseline on these frames, the analyser holds them; every further
        // frame is a later time (the analyser rejects frames out of time order) with the same kind of content.
        loop = session.Frames.Where(f => f.TimeSeconds < start).Take(LoopFrames).ToArray();
        liveTracker = new HandRegionTracker(session.Settings.Hand);
        live = Feed(liveTracker, session.Events, loop);
        if (liveTracker.Baseline is null)
        {
            throw new InvalidOperationException("The region tracker did not fix a baseline on the first 32 s of the session.");
        }

        nextTime = loop[^1].TimeSeconds;
    }

    /// <summary>10 minutes in: baseline, immersion and 5 minutes of rewarming seen.</summary>
    [GlobalSetup(Target = nameof(ProvisionalSnapshotTenMinutes))]
    public void SetupTenMinutes()
    {
        var session = BenchmarkSession.LoadOrRecordDefault();
        (midTracker, midSession) = FeedNew(session, session.Frames.Where(f => f.TimeSeconds <= 600));
    }

    [GlobalSetup(Target = nameof(ProvisionalSnapshotTwentyMinutes))]
    public void SetupTwentyMinutes()
    {
        var session = BenchmarkSession.LoadOrRecordDefault();
        (fullTracker, fullSession) = FeedNew(session, session.Frames);
        if (fullSession.Snapshot().Roi("D2")?.Metrics.Fit is null)
        {
            throw new InvalidOperationException("The 20-minute session gives no D2 fit: the snapshot would not measure the full analysis.");
        }
    }

    /// <summary>One image through <see cref="HandRegionTracker.Process"/> and the analyser's bookkeeping (<see cref="RewarmingSessionAnalyser.AddFrame"/>).</summary>
    [Benchmark]
    public RegionFrameResult? LiveFrame()
    {
        nextTime += 0.5;
        return live!.AddFrame(new ThermalFrame(nextTime, loop[next++ % loop.Length].TemperaturesCelsius));
    }

    /// <summary>Provisional result 10 minutes into the session (1200 images, six regions).</summary>
    [Benchmark]
    public AnalysisResult ProvisionalSnapshotTenMinutes() => midSession!.Snapshot();

    /// <summary>Provisional result at the end of a 20-minute session (2400 images): the most a live screen ever asks for.</summary>
    [Benchmark]
    public AnalysisResult ProvisionalSnapshotTwentyMinutes() => fullSession!.Snapshot();

    [GlobalCleanup]
    public void Cleanup()
    {
        liveTracker?.Dispose();
        midTracker?.Dispose();
        fullTracker?.Dispose();
    }

    private static (HandRegionTracker, RewarmingSessionAnalyser) FeedNew(BenchmarkSession session, IEnumerable<ThermalFrame> frames)
    {
        var tracker = new HandRegionTracker(session.Settings.Hand);
        return (tracker, Feed(tracker, session.Events, frames));
    }

    private static RewarmingSessionAnalyser Feed(IHandRegionTracker tracker, SessionEvents events, IEnumerable<ThermalFrame> frames)
    {
        var analyser = new RewarmingSessionAnalyser(tracker);
        foreach (var e in events.Events)
        {
            analyser.AddEvent(e);
        }

        foreach (var frame in frames)
        {
            analyser.AddFrame(frame);
        }

        return analyser;
    }
}

/// <summary>
/// Re-analysing a whole 20-minute recording (2400 images) after the session: from images already in memory, and
/// end to end from the native recording (read, recompute temperatures from the raw subpages, track, analyse) — what
/// <c>thermohand analyze session.threc</c> does apart from writing the JSON.
/// </summary>
[MemoryDiagnoser]
public class AnalysisRecordingBenchmarks
{
    private BenchmarkSession session = null!;
    private ThermalFrame[] frames = [];

    [GlobalSetup]
    public void Setup()
    {
        session = BenchmarkSession.LoadOrRecordDefault();
        frames = [.. session.Frames];

        // Measure a real analysis, not a fast path: the hand must be found and the fingertips measured.
        var check = ReanalyseThrecFile();
        if (frames.Length != 2400 || check.Quality.FramesUsed < 2000 || check.Roi("D2")?.Metrics.BaselineCelsius is null)
        {
            throw new InvalidOperationException(
                $"The benchmark session is not a measurable hand: {frames.Length} images, {check.Quality.FramesUsed} used, D2 baseline {check.Roi("D2")?.Metrics.BaselineCelsius}.");
        }
    }

    [Benchmark]
    public AnalysisResult ReanalyseInMemory()
    {
        using var tracker = new HandRegionTracker(session.Settings.Hand);
        return RewarmingSessionAnalyser.AnalyseRecording(frames, session.Events, tracker);
    }

    [Benchmark]
    public AnalysisResult ReanalyseThrecFile()
    {
        using var reader = SessionRecordingReader.Open(session.RecordingPath!);
        using var tracker = new HandRegionTracker(reader.Header.Hand);
        return RewarmingSessionAnalyser.AnalyseRecording(RecordedFrames.Compute(reader), session.Events, tracker);
    }

    /// <summary>Only the replay half of <see cref="ReanalyseThrecFile"/>: read and recompute the 2400 images.</summary>
    [Benchmark]
    public int ReplayThrecFileOnly()
    {
        using var reader = SessionRecordingReader.Open(session.RecordingPath!);
        return RecordedFrames.Compute(reader).Count();
    }
}

/// <summary>
/// The whole device-side pipeline per image, unthrottled: emulated sensor (scene rendering + RAM synthesis) → I2C
/// driver → <see cref="ThermoHand.Mlx90640.FrameAssembler"/> (temperatures) → region tracker → rewarming analyser.
/// The emulation exists only here: <see cref="SceneRenderOneSubpage"/> (plus the emulator's RAM synthesis, 146 µs per
/// subpage in TemperatureBenchmarks) is the part to subtract for the cost of the real device code.
/// </summary>
[MemoryDiagnoser]
public class AnalysisPipelineBenchmarks
{
    private DevicePipeline? pipeline;
    private DevicePipeline? sensorOnly;
    private HandRegionTracker? tracker;
    private RewarmingSessionAnalyser? analyser;
    private DevicePipeline? prerenderedPipeline;
    private HandRegionTracker? prerenderedTracker;
    private RewarmingSessionAnalyser? prerenderedAnalyser;
    private readonly float[] scratch = new float[ThermalFrame.PixelCount];
    private SimulatedHandScene? scene;
    private double sceneTime;

    [GlobalSetup]
    public void Setup()
    {
        // A two-hour baseline: the hand stays in view however many images the benchmark takes (steady state, not
        // the cheaper no-hand frames of the immersion).
        var settings = BenchmarkSession.DefaultSettings with { Protocol = new ProtocolTimeline { BaselineSeconds = 7200 } };
        scene = new SimulatedHandScene(settings);
        pipeline = new DevicePipeline(new SimulatedHandScene(settings), settings.Protocol.RoomTemperatureCelsius);
        tracker = new HandRegionTracker(settings.Hand);
        analyser = new RewarmingSessionAnalyser(tracker);
        foreach (var e in settings.Protocol.Events)
        {
            analyser.AddEvent(e);
        }

        // Past the tracker's baseline (3 still frames) so the steady state is measured.
        for (var i = 0; i < 20; i++)
        {
            analyser.AddFrame(pipeline.NextImage());
        }

        sensorOnly = new DevicePipeline(new SimulatedHandScene(settings), settings.Protocol.RoomTemperatureCelsius);

        // The same pipeline on a scene rendered beforehand: what is left is the device's own code plus the
        // emulator's register synthesis (SynthesizeOneSubpage), i.e. the device-side cost per image.
        prerenderedPipeline = new DevicePipeline(
            PrerenderedScene.Record(new SimulatedHandScene(settings), BenchmarkSession.Rate.SubpagePeriod(), 64), settings.Protocol.RoomTemperatureCelsius);
        prerenderedTracker = new HandRegionTracker(settings.Hand);
        prerenderedAnalyser = new RewarmingSessionAnalyser(prerenderedTracker);
        foreach (var e in settings.Protocol.Events)
        {
            prerenderedAnalyser.AddEvent(e);
        }

        for (var i = 0; i < 20; i++)
        {
            prerenderedAnalyser.AddFrame(prerenderedPipeline.NextImage());
        }

        if (prerenderedTracker.Baseline is null || tracker.Baseline is null)
        {
            throw new InvalidOperationException("The region tracker fixed no baseline in 20 images of the pipeline: the benchmark would measure the no-hand path.");
        }
    }

    /// <summary>One image: two subpages read and merged, then tracked and analysed.</summary>
    [Benchmark]
    public RegionFrameResult? DevicePipelineImage() => analyser!.AddFrame(pipeline!.NextImage());

    /// <summary>
    /// <see cref="DevicePipelineImage"/> with the hand scene rendered beforehand (replayed from 64 subpages): the
    /// device-side figure — driver, assembler, tracker and analyser, plus the emulator's RAM synthesis.
    /// </summary>
    [Benchmark]
    public RegionFrameResult? DevicePipelineImageWithoutSceneRendering() => prerenderedAnalyser!.AddFrame(prerenderedPipeline!.NextImage());

    /// <summary>Two subpages read through the driver and merged, without tracking or analysis.</summary>
    [Benchmark]
    public ThermalFrame SensorDriverAssemblerImage() => sensorOnly!.NextImage();

    /// <summary>Rendering the simulated hand once, as the emulator does for every subpage (absent on the device).</summary>
    [Benchmark]
    public float SceneRenderOneSubpage()
    {
        sceneTime += 0.25;
        scene!.Render(TimeSpan.FromSeconds(sceneTime % 7200), scratch);
        return scratch[0];
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        pipeline?.Dispose();
        sensorOnly?.Dispose();
        tracker?.Dispose();
        prerenderedPipeline?.Dispose();
        prerenderedTracker?.Dispose();
    }
}
