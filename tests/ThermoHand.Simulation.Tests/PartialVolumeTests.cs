using ThermoHand.Simulation;
using Xunit.Abstractions;

namespace ThermoHand.Simulation.Tests;

/// <summary>How much of the fingertip temperature a 32×24 pixel still sees as the sensor moves away (docs/simulation.md).</summary>
public class PartialVolumeTests(ITestOutputHelper output)
{
    [Fact]
    public void FingertipContrastFallsWithDistance()
    {
        var contrasts = new List<double>();
        foreach (var distanceMm in new[] { 200.0, 300.0, 400.0 })
        {
            var scene = new SimulatedHandScene(SceneTestSettings.Clean(distanceMm: distanceMm));
            var image = SceneTestSettings.Render(scene, 10);
            var truth = scene.TruthAt(TimeSpan.FromSeconds(10));
            var room = scene.Protocol.RoomTemperatureCelsius;

            // Mean over D2–D5 of the warmest pixel within one pixel of the true fingertip centre, as a fraction of the
            // true skin-to-room contrast: 100 % would be a sensor that sees the fingertip alone.
            var fraction = Enumerable.Range(1, 4).Average(d =>
            {
                var tip = truth.FingertipCentres[d];
                var best = double.MinValue;
                for (var r = (int)Math.Round(tip.Y) - 1; r <= (int)Math.Round(tip.Y) + 1; r++)
                {
                    for (var c = (int)Math.Round(tip.X) - 1; c <= (int)Math.Round(tip.X) + 1; c++)
                    {
                        if (r is >= 0 and < 24 && c is >= 0 and < 32)
                        {
                            best = Math.Max(best, image[(r * 32) + c]);
                        }
                    }
                }

                return (best - room) / (truth.FingertipCelsius[d] - room);
            });
            output.WriteLine($"{distanceMm / 10} cm, 55°: {scene.Optics.MillimetresPerPixelX:F1} × {scene.Optics.MillimetresPerPixelY:F1} mm/pixel, fingertip pixel shows {100 * fraction:F0} % of the skin–room contrast");
            contrasts.Add(fraction);
        }

        Assert.True(contrasts[0] > contrasts[1] && contrasts[1] > contrasts[2], string.Join(", ", contrasts));
        Assert.InRange(contrasts[0], 0.5, 1.0);
        Assert.InRange(contrasts[2], 0.2, 0.9);
    }
}
