namespace ThermoHand.Calibration.Tests;

public sealed class PixelResponseFitTests
{
    private const int N = SiteCalibration.PixelCount;

    /// <summary>A measurement whose pixels read gain·T + offset (the inverse of the correction to find) with the given noise.</summary>
    private static TargetMeasurement Measure(double reference, TargetRole role, Func<int, double> gain, Func<int, double> offset, Func<int, double> noise, int number = 1)
        => new(
            new CalibrationTarget(number, 3, reference, role),
            reference,
            Enumerable.Range(0, N).Select(p => (float)((gain(p) * reference) + offset(p))).ToArray(),
            Enumerable.Range(0, N).Select(p => (float)noise(p)).ToArray(),
            new int[N],
            32);

    [Fact]
    public void Recovers_each_pixels_correction_and_names_dead_and_noisy_pixels()
    {
        double Gain(int p) => 1 + (((p % 13) - 6) * 0.004);
        double Offset(int p) => ((p % 7) - 3) * 0.2;
        double Noise(int p) => p == 100 ? 0 : p == 200 ? 0.9 : 0.1 + ((p % 5) * 0.005);
        var fit = PixelResponseFit.Fit([Measure(20, TargetRole.Fit, Gain, Offset, Noise), Measure(36, TargetRole.Fit, Gain, Offset, Noise, 3)], new BadPixelRules());

        // reference = g·measured + o inverts measured = G·T + O: g = 1/G, o = −O/G.
        Assert.Equal(1 / Gain(5), fit.Gain[5], 4);
        Assert.Equal(-Offset(5) / Gain(5), fit.OffsetCelsius[5], 3);
        Assert.Equal([100, 200], fit.BadPixels.Select(b => b.Pixel));
        Assert.Equal(BadPixelKind.Dead, fit.BadPixels[0].Kind);
        Assert.Contains("stuck", fit.BadPixels[0].Reason, StringComparison.Ordinal);
        Assert.Equal(BadPixelKind.Noisy, fit.BadPixels[1].Kind);
        Assert.Equal(1f, fit.Gain[100]);
        Assert.Equal(0f, fit.OffsetCelsius[200]);
    }

    [Fact]
    public void A_pixel_that_does_not_follow_the_target_or_was_invalid_is_dead()
    {
        var cold = Measure(20, TargetRole.Fit, _ => 1, _ => 0, _ => 0.1);
        var warm = Measure(36, TargetRole.Fit, p => p == 7 ? 0.5 : 1, _ => 0, _ => 0.1, 3);
        ((int[])warm.InvalidImages)[9] = 2;
        var fit = PixelResponseFit.Fit([cold, warm], new BadPixelRules());
        Assert.Equal([7, 9], fit.BadPixels.Select(b => b.Pixel));
        Assert.Contains("does not follow the target", fit.BadPixels[0].Reason, StringComparison.Ordinal);
        Assert.Contains("invalid in 2 of 32 images", fit.BadPixels[1].Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Verification_reports_errors_before_and_after_and_fails_with_reasons()
    {
        double Gain(int p) => 1.01;
        double Offset(int p) => p % 2 == 0 ? 0.8 : 1.2;
        double Noise(int p) => p < 6 ? 0.6 : 0.1;
        var fitTargets = new[] { Measure(20, TargetRole.Fit, Gain, Offset, Noise), Measure(36, TargetRole.Fit, Gain, Offset, Noise, 3) };
        var verification = Measure(28, TargetRole.Verification, Gain, Offset, Noise, 2);
        var fit = PixelResponseFit.Fit(fitTargets, new BadPixelRules(), verification);
        var quality = CalibrationVerifier.Assess(fit, fitTargets, verification, new CalibrationLimits());

        Assert.Equal(1.28, quality.MeanAbsoluteErrorBeforeCelsius, 3);
        Assert.Equal(0, quality.MeanAbsoluteErrorAfterCelsius, 3);
        Assert.Equal(6, quality.NoisyPixelCount);
        Assert.False(quality.Passed);
        Assert.Single(quality.Failures);
        Assert.Contains("6 bad pixels (0 dead, 6 noisy) are more than the 4 allowed", quality.Failures[0], StringComparison.Ordinal);
    }

    [Fact]
    public void Targets_too_close_together_are_refused_in_the_plan_and_fail_on_the_readings()
    {
        var plan = new CalibrationPlan { FitTargetsCelsius = [25, 27], VerificationTargetCelsius = 26 };
        var problems = plan.Validate();
        Assert.Contains(problems, p => p.Contains("span only 2.0 °C", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Contains("is only 1.0 °C from the fit target 25.0 °C", StringComparison.Ordinal));
        Assert.Empty(new CalibrationPlan().Validate());
        Assert.Equal([20.0, 28, 36], new CalibrationPlan().Targets().Select(t => t.NominalCelsius));
        Assert.Equal(TargetRole.Verification, new CalibrationPlan().Targets()[1].Role);
    }
}
