using System.Globalization;

namespace ThermoHand.Calibration;

/// <summary>
/// Judges a fit at the verification target, which the fit never saw: errors of each good pixel's mean reading against
/// the reference thermometer, before (factory calibration only) and after the site correction; the median pixel's
/// temporal noise; the spatial spread of the corrected image; the bad-pixel count; target spacing — each against
/// <see cref="CalibrationLimits"/>, with every unmet limit stated in words.
/// </summary>
/// <remarks>
/// Errors use each pixel's mean over the captured images, so they measure the calibration, not the noise (which is
/// reported on its own). "Good" pixels are those not declared bad: bad pixels are replaced by neighbours in use.
/// </remarks>
public static class CalibrationVerifier
{
    public static CalibrationQuality Assess(
        PixelResponseFit fit,
        IReadOnlyList<TargetMeasurement> fitTargets,
        TargetMeasurement verification,
        CalibrationLimits limits)
    {
        ArgumentNullException.ThrowIfNull(fit);
        ArgumentNullException.ThrowIfNull(fitTargets);
        ArgumentNullException.ThrowIfNull(verification);
        ArgumentNullException.ThrowIfNull(limits);
        var reference = verification.ReferenceCelsius;
        var before = new List<double>();
        var after = new List<double>();
        var corrected = new List<double>();
        var noise = new List<double>();
        for (var p = 0; p < SiteCalibration.PixelCount; p++)
        {
            var measured = verification.MeanCelsius[p];
            if (fit.IsBad(p) || !float.IsFinite(measured))
            {
                continue;
            }

            var value = (fit.Gain[p] * measured) + fit.OffsetCelsius[p];
            before.Add(Math.Abs(measured - reference));
            after.Add(Math.Abs(value - reference));
            corrected.Add(value);
            noise.Add(Math.Abs(fit.Gain[p]) * verification.TemporalSdCelsius[p]);
        }

        var c = CultureInfo.InvariantCulture;
        var failures = new List<string>();
        var fitReferences = fitTargets.Select(m => m.ReferenceCelsius).ToArray();
        failures.AddRange(CalibrationPlan.TargetSpacingProblems(fitReferences, reference, limits));
        var dead = fit.BadPixels.Count(b => b.Kind == BadPixelKind.Dead);
        var noisy = fit.BadPixels.Count - dead;
        if (corrected.Count == 0)
        {
            failures.Add("no pixel is good: the sensor is not working");
            return new CalibrationQuality
            {
                FitTargetsCelsius = fitReferences,
                VerificationTargetCelsius = reference,
                BadPixelCount = fit.BadPixels.Count,
                DeadPixelCount = dead,
                NoisyPixelCount = noisy,
                ImagesPerTarget = verification.ImageCount,
                Limits = limits,
                Passed = false,
                Failures = failures,
            };
        }

        var quality = new CalibrationQuality
        {
            FitTargetsCelsius = fitReferences,
            VerificationTargetCelsius = reference,
            MeanAbsoluteErrorBeforeCelsius = Round(before.Average()),
            MaxAbsoluteErrorBeforeCelsius = Round(before.Max()),
            MeanAbsoluteErrorAfterCelsius = Round(after.Average()),
            MaxAbsoluteErrorAfterCelsius = Round(after.Max()),
            MedianNoiseCelsius = Round(Statistics.Median(noise)),
            UniformityCelsius = Round(StandardDeviation(corrected)),
            BadPixelCount = fit.BadPixels.Count,
            DeadPixelCount = dead,
            NoisyPixelCount = noisy,
            ImagesPerTarget = verification.ImageCount,
            Limits = limits,
        };
        Check(failures, quality.MeanAbsoluteErrorAfterCelsius, limits.MaxMeanAbsoluteErrorCelsius, "mean error after calibration", "at the verification target", c);
        Check(failures, quality.MaxAbsoluteErrorAfterCelsius, limits.MaxAbsoluteErrorCelsius, "largest pixel error after calibration", "at the verification target", c);
        Check(failures, quality.MedianNoiseCelsius, limits.MaxMedianNoiseCelsius, "median pixel noise", "(check the supply and the refresh rate)", c);
        Check(failures, quality.UniformityCelsius, limits.MaxUniformityCelsius, "spread across the corrected image", "(is the target filling the view and evenly warm?)", c);
        if (quality.BadPixelCount > limits.MaxBadPixels)
        {
            failures.Add($"{quality.BadPixelCount} bad pixels ({dead} dead, {noisy} noisy) are more than the {limits.MaxBadPixels} allowed: the sensor itself is suspect; replace it");
        }

        return quality with { Passed = failures.Count == 0, Failures = failures };
    }

    private static void Check(List<string> failures, double value, double limit, string what, string hint, IFormatProvider c)
    {
        if (!(value <= limit))
        {
            failures.Add(string.Create(c, $"{what} {value:0.00} °C is above the limit {limit:0.00} °C {hint}"));
        }
    }

    // Reports state hundredths of a degree at best; four decimals keep the file stable and honest.
    private static double Round(double value) => Math.Round(value, 4);

    private static double StandardDeviation(IReadOnlyList<double> values)
    {
        if (values.Count < 2)
        {
            return 0;
        }

        var mean = values.Average();
        return Math.Sqrt(values.Sum(v => (v - mean) * (v - mean)) / (values.Count - 1));
    }
}
