using ThermoHand.Mlx90640.Emulation;
using ThermoHand.Simulation;

namespace ThermoHand.Calibration.Tests;

public sealed class CalibrationWorkflowTests
{
    private static (CalibrationResult Result, ReferenceTargetBench Bench, List<CalibrationProgress> Progress) Run(PixelResponseErrors? errors, CalibrationPlan? plan = null)
    {
        var scene = new ReferenceTargetScene(20);
        var bench = new ReferenceTargetBench(scene, errors);
        var progress = new List<CalibrationProgress>();
        var result = new CalibrationWorkflow(plan ?? new CalibrationPlan(), new BenchPrompt(scene), progress.Add).Run(bench);
        return (result, bench, progress);
    }

    [Fact]
    public void Realistic_sensor_errors_are_removed_and_the_planted_bad_pixels_are_found()
    {
        var (result, bench, progress) = Run(new PixelResponseErrors());
        using var _ = bench;
        var q = result.Quality;
        Assert.True(q.Passed, string.Join("; ", q.Failures));
        Assert.InRange(q.MeanAbsoluteErrorBeforeCelsius, 0.6, 2.0);
        Assert.True(q.MeanAbsoluteErrorAfterCelsius < 0.1, $"after {q.MeanAbsoluteErrorAfterCelsius}");
        var planted = bench.Emulator.PixelErrors!;
        Assert.Equal(planted.DeadPixels, result.Fit.BadPixels.Where(b => b.Kind == BadPixelKind.Dead).Select(b => b.Pixel));
        Assert.Equal(planted.NoisyPixels, result.Fit.BadPixels.Where(b => b.Kind == BadPixelKind.Noisy).Select(b => b.Pixel));
        Assert.Contains(progress, p => p.Stage == CalibrationStage.WarmingUp && p.DriftCelsiusPerMinute < 0.01);
        Assert.InRange(result.WarmUpSeconds / 60, 11, 14);
        Assert.InRange(q.MedianNoiseCelsius, 0.08, 0.12);
        Assert.True(q.UniformityCelsius < 0.05, $"uniformity {q.UniformityCelsius}");

        // Applied to the verification image, the file's correction reads the unseen target's truth (not just the thermometer).
        var image = result.Verification.MeanCelsius.ToArray();
        result.ToSiteCalibration(1, DateTimeOffset.UnixEpoch, DateTimeOffset.UnixEpoch.AddDays(1)).Apply(image);
        Assert.InRange(image.Average(t => Math.Abs(t - result.Verification.Target.NominalCelsius)), 0, 0.12);
    }
}
