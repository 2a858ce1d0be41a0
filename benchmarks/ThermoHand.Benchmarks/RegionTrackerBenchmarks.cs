using BenchmarkDotNet.Attributes;
using ThermoHand.Analysis;
using ThermoHand.Analysis.Regions;
using ThermoHand.Simulation;

namespace ThermoHand.Benchmarks;

/// <summary>
/// Per-frame cost of the region tracker after its baseline is fixed (the steady state of a live session): one
/// <see cref="HandRegionTracker.Process"/> call on simulated 32x24 frames of a drifting, jittering hand.
/// The live budget is 31 ms per frame at 32 frames/s on a Raspberry Pi.
/// </summary>
[MemoryDiagnoser]
public class RegionTrackerBenchmarks
{
    private ThermalFrame[] frames = [];
    private HandRegionTracker? tracker;
    private int next;

    [GlobalSetup]
    public void Setup()
    {
        var scene = new SimulatedHandScene(new SimulationSettings { Hand = Hand.Left, Seed = 5 });
        frames = Enumerable.Range(0, 32).Select(i =>
        {
            var pixels = new float[ThermalFrame.PixelCount];
            scene.Render(TimeSpan.FromSeconds(i * 0.5), pixels);
            return new ThermalFrame(i * 0.5, pixels);
        }).ToArray();
        tracker = new HandRegionTracker(Hand.Left);
        foreach (var frame in frames)
        {
            tracker.Process(frame); // fixes the baseline
        }
    }

    [Benchmark]
    public RegionFrameResult ProcessFrame() => tracker!.Process(frames[next++ % frames.Length]);

    [GlobalCleanup]
    public void Cleanup() => tracker?.Dispose();
}
