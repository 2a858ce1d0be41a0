using System.Globalization;

namespace ThermoHand.Calibration;

/// <summary>Why a pixel was declared bad.</summary>
public enum BadPixelKind
{
    /// <summary>Stuck (no temporal noise), invalid in some image, or not following the target (absurd gain).</summary>
    Dead,

    /// <summary>Temporal noise far above the median pixel's.</summary>
    Noisy,
}

/// <summary>One bad pixel, the rule it broke, and the numbers, in words.</summary>
public sealed record BadPixel(int Pixel, BadPixelKind Kind, string Reason)
{
    public int Row => Pixel / SiteCalibration.Columns;

    public int Column => Pixel % SiteCalibration.Columns;
}

/// <summary>
/// Each pixel's gain and offset from the fit targets (<c>reference = gain · measured + offset</c>, least squares over
/// the targets; exact through two), and the bad pixels by <see cref="BadPixelRules"/>. Bad pixels keep gain 1 and
/// offset 0: they are replaced by their neighbours, never corrected.
/// </summary>
public sealed class PixelResponseFit
{
    private PixelResponseFit(float[] gain, float[] offset, IReadOnlyList<BadPixel> badPixels, IReadOnlyList<double> medianNoise)
    {
        Gain = gain;
        OffsetCelsius = offset;
        BadPixels = badPixels;
        MedianNoiseCelsiusPerTarget = medianNoise;
    }

    public IReadOnlyList<float> Gain { get; }

    public IReadOnlyList<float> OffsetCelsius { get; }

    /// <summary>Bad pixels in index order.</summary>
    public IReadOnlyList<BadPixel> BadPixels { get; }

    /// <summary>The median pixel's temporal noise at each fit target (°C), the yardstick of the noise rules.</summary>
    public IReadOnlyList<double> MedianNoiseCelsiusPerTarget { get; }

    public bool IsBad(int pixel) => BadPixels.Any(b => b.Pixel == pixel);

    /// <summary>Fits every pixel over the fit targets and applies the bad-pixel rules (to the verification target too, when given).</summary>
    public static PixelResponseFit Fit(IReadOnlyList<TargetMeasurement> fitTargets, BadPixelRules rules, TargetMeasurement? verification = null)
    {
        ArgumentNullException.ThrowIfNull(fitTargets);
        ArgumentNullException.ThrowIfNull(rules);
        if (fitTargets.Count < 2)
        {
            throw new ArgumentException("At least two fit targets are needed to fit a gain and an offset.", nameof(fitTargets));
        }

        // Noise rules look at every target the sensor saw: a pixel stuck or noisy at any of them is bad.
        var noiseTargets = verification is null ? fitTargets : fitTargets.Append(verification).ToArray();
        var medians = noiseTargets
            .Select(m => Statistics.Median(m.TemporalSdCelsius.Where(float.IsFinite).Select(v => (double)v)))
            .ToArray();
        var c = CultureInfo.InvariantCulture;
        var gain = new float[SiteCalibration.PixelCount];
        var offset = new float[SiteCalibration.PixelCount];
        var bad = new List<BadPixel>();
        for (var p = 0; p < SiteCalibration.PixelCount; p++)
        {
            var reason = DeadReason(p, noiseTargets, medians, rules, c);
            var kind = BadPixelKind.Dead;
            double g = 1, o = 0;
            if (reason is null)
            {
                (g, o) = LeastSquares(p, fitTargets);
                if (!double.IsFinite(g) || g < rules.MinGain || g > rules.MaxGain)
                {
                    reason = double.IsFinite(g)
                        ? string.Create(c, $"does not follow the target: fitted gain {g:0.###} is outside {rules.MinGain:0.##}–{rules.MaxGain:0.##}")
                        : "does not follow the target: its reading did not change between the fit targets";
                }
            }

            if (reason is null)
            {
                reason = NoisyReason(p, noiseTargets, medians, rules, c);
                kind = BadPixelKind.Noisy;
            }

            if (reason is not null)
            {
                bad.Add(new BadPixel(p, kind, reason));
                g = 1;
                o = 0;
            }

            gain[p] = (float)g;
            offset[p] = (float)o;
        }

        return new PixelResponseFit(gain, offset, bad, medians.Take(fitTargets.Count).ToArray());
    }

    private static string? DeadReason(int p, IReadOnlyList<TargetMeasurement> targets, double[] medians, BadPixelRules rules, IFormatProvider c)
    {
        for (var i = 0; i < targets.Count; i++)
        {
            var m = targets[i];
            if (m.InvalidImages[p] > 0 || !float.IsFinite(m.MeanCelsius[p]) || !float.IsFinite(m.TemporalSdCelsius[p]))
            {
                return string.Create(c, $"invalid in {m.InvalidImages[p]} of {m.ImageCount} images at {m.ReferenceCelsius:0.0#} °C");
            }

            if (medians[i] > 0 && m.TemporalSdCelsius[p] < rules.DeadNoiseFraction * medians[i])
            {
                return string.Create(c, $"stuck: temporal noise {m.TemporalSdCelsius[p]:0.000} °C at {m.ReferenceCelsius:0.0#} °C is below {rules.DeadNoiseFraction:0.##} × the median pixel's {medians[i]:0.000} °C");
            }
        }

        return null;
    }

    private static string? NoisyReason(int p, IReadOnlyList<TargetMeasurement> targets, double[] medians, BadPixelRules rules, IFormatProvider c)
    {
        for (var i = 0; i < targets.Count; i++)
        {
            var sd = targets[i].TemporalSdCelsius[p];
            if (medians[i] > 0 && sd > rules.NoisyNoiseFactor * medians[i])
            {
                return string.Create(c, $"noisy: temporal noise {sd:0.000} °C at {targets[i].ReferenceCelsius:0.0#} °C is above {rules.NoisyNoiseFactor:0.#} × the median pixel's {medians[i]:0.000} °C");
            }
        }

        return null;
    }

    /// <summary>reference = gain · measured + offset, least squares over the targets (measured is the pixel's mean).</summary>
    private static (double Gain, double Offset) LeastSquares(int p, IReadOnlyList<TargetMeasurement> targets)
    {
        double meanX = 0, meanY = 0;
        foreach (var m in targets)
        {
            meanX += m.MeanCelsius[p];
            meanY += m.ReferenceCelsius;
        }

        meanX /= targets.Count;
        meanY /= targets.Count;
        double sxy = 0, sxx = 0;
        foreach (var m in targets)
        {
            var dx = m.MeanCelsius[p] - meanX;
            sxy += dx * (m.ReferenceCelsius - meanY);
            sxx += dx * dx;
        }

        // A reading that did not move between targets has no gain: reported as not following the target.
        if (sxx < 1e-6)
        {
            return (double.NaN, double.NaN);
        }

        var gain = sxy / sxx;
        return (gain, meanY - (gain * meanX));
    }
}
