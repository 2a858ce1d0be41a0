using ThermoHand.Analysis;
using ThermoHand.Simulation;

namespace ThermoHand.Simulation.Tests;

/// <summary>Settings for tests that need exact geometry: no noise, a still hand.</summary>
internal static class SceneTestSettings
{
    public static SimulationSettings Clean(PatientGroup group = PatientGroup.Healthy, Hand hand = Hand.Right, int seed = 1, double distanceMm = 300)
        => new()
        {
            Group = group,
            Hand = hand,
            Seed = seed,
            Optics = SensorOptics.Narrow55(distanceMm),
            Motion = HandMotionSettings.Still,
            TemporalNoiseCelsius = 0,
            FixedPatternNoiseCelsius = 0,
        };

    public static float[] Render(SimulatedHandScene scene, double seconds)
    {
        var image = new float[768];
        scene.Render(TimeSpan.FromSeconds(seconds), image);
        return image;
    }
}
