using ThermoHand.Simulation;

namespace ThermoHand.Analysis.Tests.Reanalysis;

/// <summary>A short simulated cold-challenge session (1 frame / 2 s, 5 min of rewarming), shared by the re-analysis tests.</summary>
internal static class SimulatedFrames
{
    private static readonly Lazy<(IReadOnlyList<ThermalFrame> Frames, IReadOnlyList<SessionEvent> Events)> Session = new(Make);

    public static IReadOnlyList<ThermalFrame> Frames => Session.Value.Frames;

    public static IReadOnlyList<SessionEvent> Events => Session.Value.Events;

    /// <summary>Fresh copies, so a test that changes pixels cannot affect another.</summary>
    public static IEnumerable<ThermalFrame> Copies() => Frames.Select(f => new ThermalFrame(f.TimeSeconds, (float[])f.TemperaturesCelsius.Clone()));

    private static (IReadOnlyList<ThermalFrame>, IReadOnlyList<SessionEvent>) Make()
    {
        var protocol = new ProtocolTimeline { BaselineSeconds = 90, RewarmingSeconds = 300 };
        var scene = new SimulatedHandScene(new SimulationSettings { Hand = Hand.Right, Group = PatientGroup.Healthy, Seed = 5, Protocol = protocol });
        var frames = new List<ThermalFrame>();
        for (var t = 0.0; t <= protocol.TotalSeconds; t += 2)
        {
            var pixels = new float[ThermalFrame.PixelCount];
            scene.Render(TimeSpan.FromSeconds(t), pixels);
            frames.Add(new ThermalFrame(t, pixels));
        }

        return (frames, protocol.Events);
    }
}
