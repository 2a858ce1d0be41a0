using ThermoHand.Analysis.Regions;
using ThermoHand.Analysis.Results;
using ThermoHand.Analysis.Rewarming;
using ThermoHand.Simulation;

namespace ThermoHand.Cli.Accuracy;

/// <summary>
/// Measured − true for one digit of one session. Null where either side is missing; <see cref="T50Mismatch"/> says
/// when exactly one side of t50 is null (one side reached half recovery in the window, the other did not), which is
/// counted apart rather than hidden among the errors.
/// </summary>
public sealed record DigitComparison(
    int Digit,
    bool Detected,
    double? PositionErrorPixels,
    bool Mislabelled,
    double? BaselineErrorCelsius,
    IReadOnlyDictionary<string, double?> RecoveryErrorPoints,
    double? T50ErrorSeconds,
    bool T50Mismatch,
    double? DddErrorCelsius,
    double TrueBaselineCelsius,
    double? MeasuredBaselineCelsius);

/// <summary>What the truth says a session's metrics are, computed by the same metric code as the analysis.</summary>
public sealed record TrueSessionMetrics(
    IReadOnlyList<PixelPoint?> BaselineTips,
    IReadOnlyList<RewarmingMetrics> Digits,
    RewarmingMetrics Dorsum);

/// <summary>
/// Compares one analysed simulated session with its ground truth. Pure: no files, no clock.
/// <para>Truth metrics come from the true fingertip and dorsum temperature of every frame (also while the hand is in
/// the water) through <see cref="RewarmingCalculator"/> with the analysis's own settings, so a difference is the
/// measurement's (sensor, partial volume, tracking) and not a difference of definitions.</para>
/// </summary>
public static class SessionComparison
{
    public const int DigitCount = 5;

    public static TrueSessionMetrics TrueMetrics(
        IReadOnlyList<GroundTruthFrame> truth, double challengeStart, double challengeEnd, RewarmingSettings settings)
    {
        ArgumentNullException.ThrowIfNull(truth);
        ArgumentNullException.ThrowIfNull(settings);
        var observedUntil = truth.Count > 0 ? truth[^1].TimeSeconds : double.NegativeInfinity;

        // The analysis's tip is the mean tracked centre over the baseline window; the truth is averaged the same way.
        var window = truth.Where(f => f.HandInView && f.TimeSeconds < challengeStart && f.TimeSeconds >= challengeStart - settings.BaselineWindowSeconds).ToList();
        var tips = new List<PixelPoint?>();
        var digits = new List<RewarmingMetrics>();
        for (var d = 0; d < DigitCount; d++)
        {
            var inView = window.Where(f => f.FingertipCentres[d].InView).ToList();
            tips.Add(inView.Count == 0 ? null : new PixelPoint(inView.Average(f => f.FingertipCentres[d].X), inView.Average(f => f.FingertipCentres[d].Y)));
            var samples = truth.Select(f => new TemperatureSample(f.TimeSeconds, f.FingertipCelsius[d])).ToList();
            digits.Add(RewarmingCalculator.Compute(RegionNames.Digit(d + 1), samples, challengeStart, challengeEnd, observedUntil, settings).Metrics);
        }

        var dorsumSamples = truth.Select(f => new TemperatureSample(f.TimeSeconds, f.DorsumCelsius)).ToList();
        var dorsum = RewarmingCalculator.Compute(RegionNames.Dorsum, dorsumSamples, challengeStart, challengeEnd, observedUntil, settings).Metrics;
        return new TrueSessionMetrics(tips, digits, dorsum);
    }

    public static IReadOnlyList<DigitComparison> Compare(AnalysisResult measured, TrueSessionMetrics truth)
    {
        ArgumentNullException.ThrowIfNull(measured);
        ArgumentNullException.ThrowIfNull(truth);
        var comparisons = new List<DigitComparison>();
        var trueDorsum = truth.Dorsum.BaselineCelsius;
        for (var digit = 1; digit <= DigitCount; digit++)
        {
            var roi = measured.Roi(RegionNames.Digit(digit));
            var trueMetrics = truth.Digits[digit - 1];
            var tip = roi?.Tip;
            var trueTip = truth.BaselineTips[digit - 1];
            double? position = tip is { } t && trueTip is { } tt ? t.DistanceTo(tt) : null;
            var mislabelled = tip is { } p && NearestTrueTip(p, truth.BaselineTips) is { } nearest && nearest != digit;

            var metrics = roi?.Metrics;
            var recovery = new Dictionary<string, double?>(StringComparer.Ordinal);
            foreach (var (key, trueValue) in trueMetrics.RecoveryPercent)
            {
                recovery[key] = Difference(metrics?.RecoveryPercent.GetValueOrDefault(key), trueValue);
            }

            var measuredT50 = metrics?.TimeToRecoverySeconds.GetValueOrDefault("50");
            var trueT50 = trueMetrics.TimeToRecoverySeconds.GetValueOrDefault("50");
            double? trueDdd = trueDorsum - trueMetrics.BaselineCelsius;
            double? measuredDdd = digit == 1 ? measured.Ddd.Thumb : measured.Ddd.Fingers.GetValueOrDefault(RegionNames.Digit(digit));
            comparisons.Add(new DigitComparison(
                digit,
                tip is not null,
                position,
                mislabelled,
                Difference(metrics?.BaselineCelsius, trueMetrics.BaselineCelsius),
                recovery,
                Difference(measuredT50, trueT50),
                measuredT50.HasValue != trueT50.HasValue,
                Difference(measuredDdd, trueDdd),
                trueMetrics.BaselineCelsius ?? double.NaN,
                metrics?.BaselineCelsius));
        }

        return comparisons;
    }

    /// <summary>The digit whose true baseline tip is nearest to a detected tip (null when no true tip is in view).</summary>
    public static int? NearestTrueTip(PixelPoint detected, IReadOnlyList<PixelPoint?> trueTips)
    {
        ArgumentNullException.ThrowIfNull(trueTips);
        int? best = null;
        var bestDistance = double.PositiveInfinity;
        for (var i = 0; i < trueTips.Count; i++)
        {
            if (trueTips[i] is { } t && t.DistanceTo(detected) < bestDistance)
            {
                bestDistance = t.DistanceTo(detected);
                best = i + 1;
            }
        }

        return best;
    }

    private static double? Difference(double? measured, double? truth)
        => measured is { } m && truth is { } t && double.IsFinite(m) && double.IsFinite(t) ? m - t : null;
}
