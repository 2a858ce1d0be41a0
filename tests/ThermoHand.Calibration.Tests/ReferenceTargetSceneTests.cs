using ThermoHand.Simulation;

namespace ThermoHand.Calibration.Tests;

public sealed class ReferenceTargetSceneTests
{
    [Fact]
    public void The_target_is_uniform_up_to_the_sensor_noise_and_the_thermometer_is_within_its_tolerance()
    {
        var scene = new ReferenceTargetScene(30, ReferenceTargetKind.StirredWaterBath, seed: 3);
        Assert.Equal(0.96f, scene.Emissivity);
        var image = new float[768];
        scene.Render(TimeSpan.FromSeconds(5), image);
        var mean = image.Average(t => (double)t);
        var sd = Math.Sqrt(image.Sum(t => (t - mean) * (t - mean)) / 767);
        Assert.Equal(30, mean, 0.02);
        Assert.InRange(sd, 0.09, 0.11);

        var readings = Enumerable.Range(0, 50).Select(_ => scene.ReadReferenceThermometer()).ToArray();
        Assert.All(readings, r => Assert.InRange(r, 30 - 0.05 - 0.04, 30 + 0.05 + 0.04));
        scene.TemperatureCelsius = 36;
        Assert.Equal(36 + (readings.Average() - 30), scene.ReadReferenceThermometer(), 0.05);
    }

    [Fact]
    public void A_reference_reading_far_from_what_the_sensor_sees_stops_the_procedure_and_says_why()
    {
        var scene = new ReferenceTargetScene(20);
        using var bench = new ReferenceTargetBench(scene, Mlx90640.Emulation.PixelResponseErrors.None);
        var plan = new CalibrationPlan { ImagesPerTarget = 8, WarmUp = new WarmUpCriteria { Window = TimeSpan.FromSeconds(20) } };
        var e = Assert.Throws<CalibrationProcedureException>(() => new CalibrationWorkflow(plan, new MistypedPrompt(scene)).Run(bench));
        Assert.Contains("target 1 of 3 (20 °C, fit): the sensor reads 20.", e.Message, StringComparison.Ordinal);
        Assert.Contains("but the reference thermometer 2.00 °C", e.Message, StringComparison.Ordinal);
        Assert.Contains("Nothing was saved", e.Message, StringComparison.Ordinal);
    }

    /// <summary>A technician who drops a digit: 2.00 instead of 20.00.</summary>
    private sealed class MistypedPrompt(ReferenceTargetScene scene) : ICalibrationPrompt
    {
        public void PresentTarget(CalibrationTarget target) => scene.TemperatureCelsius = target.NominalCelsius;

        public double ReadReferenceTemperature(CalibrationTarget target) => target.NominalCelsius / 10;
    }
}
