using ThermoHand.Mlx90640;
using ThermoHand.Mlx90640.Emulation;
using ThermoHand.Mlx90640.Vectors;
using ThermoHand.Simulation;
using ThermoHand.TestSupport;

namespace ThermoHand.Simulation.Tests;

/// <summary>
/// The scene is only useful if what it renders survives the trip through the sensor's raw words and the real driver.
/// </summary>
public class DriverRoundTripTests
{
    private const ushort ChessEighteenBitTwoHertz = 0x1901;

    [Fact]
    public void SceneSurvivesRawWordsAndDriverWithin0Point1Degree()
    {
        var vector = SensorVector.Load(Path.Combine(SharedData.VectorsDirectory, "real_melexis_sample_chess18.json"));
        var calibration = Mlx90640Calibration.Extract(vector.EepromWords);
        var calculator = new TemperatureCalculator(calibration);
        var scene = new SimulatedHandScene(new SimulationSettings { Group = PatientGroup.SystemicSclerosis, Seed = 8 });

        foreach (var seconds in new[] { 30.0, 190.0, 600.0 })
        {
            var rendered = new float[768];
            scene.Render(TimeSpan.FromSeconds(seconds), rendered);
            var subpage = new RawSubpage();
            var computed = new float[768];
            const float Ambient = 31f;
            for (var page = 0; page < 2; page++)
            {
                RawSubpageSynthesizer.Synthesize(calibration, rendered, page, ChessEighteenBitTwoHertz, Ambient, 3.3f, 1f, Ambient - 8, subpage);
                var ta = calculator.GetAmbientTemperature(subpage);
                calculator.CalculateObjectTemperatures(subpage, 1f, ta - 8, computed);
            }

            var worst = 0.0;
            var compared = 0;
            for (var i = 0; i < 768; i++)
            {
                // The vendor's own rule replaces deviating pixels by neighbours; compare the pixels the driver computes.
                if (calibration.IsDeviatingPixel(i))
                {
                    continue;
                }

                worst = Math.Max(worst, Math.Abs(computed[i] - rendered[i]));
                compared++;
            }

            Assert.True(compared > 760, $"{compared} pixels compared");
            Assert.True(worst < 0.1, $"worst pixel differs by {worst:F3} °C at {seconds} s");
        }
    }

    [Fact]
    public void SceneSurvivesTheEmulatedI2cSensorAndTheDriverOnTheSceneClock()
    {
        var scene = new SimulatedHandScene(new SimulationSettings { Group = PatientGroup.Healthy, Seed = 12 });
        var clock = new SimulatedClock();
        var options = new EmulatedMlx90640Options { DieTemperatureCelsius = 31f, Emissivity = 0.98f };
        using var sensor = new ThermoHand.Mlx90640.Mlx90640(new EmulatedMlx90640(scene, options, clock), clock) { StatusPollInterval = TimeSpan.Zero };
        sensor.ReadingPattern = ReadingPattern.Chess;
        sensor.RefreshRate = RefreshRate.TwoHertz;
        var calculator = new TemperatureCalculator(sensor.ReadEeprom());
        var pattern = ReadingPattern.Chess;

        var subpage = new RawSubpage();
        var computed = new float[768];
        var rendered = new float[768];
        var worst = 0.0;
        for (var read = 0; read < 6; read++)
        {
            clock.Advance(TimeSpan.FromSeconds(0.5));
            Assert.True(sensor.TryReadSubpage(subpage, TimeSpan.Zero), $"no subpage at {clock.Elapsed}");
            Assert.Equal(clock.Elapsed.TotalSeconds, subpage.TimeSeconds, 1e-6);
            var ta = calculator.GetAmbientTemperature(subpage);
            calculator.CalculateObjectTemperatures(subpage, 0.98f, ta - 8, computed);

            // Each subpage holds half the pixels, measured at its own moment: compare those with the scene then.
            scene.Render(TimeSpan.FromSeconds(subpage.TimeSeconds), rendered);
            for (var i = 0; i < 768; i++)
            {
                if (TemperatureCalculator.SubpageOfPixel(i, pattern) == subpage.Subpage && !calculator.Calibration.IsDeviatingPixel(i))
                {
                    worst = Math.Max(worst, Math.Abs(computed[i] - rendered[i]));
                }
            }
        }

        Assert.True(worst < 0.1, $"worst pixel differs by {worst:F3} °C");
    }
}
