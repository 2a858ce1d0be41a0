using ThermoHand.Analysis.Regions;
using ThermoHand.Analysis.Results;

namespace ThermoHand.Analysis.Rewarming;

/// <summary>
/// Per-hand and two-hand summaries over fingers: DDD at baseline, digit 2–5 averages of every metric and their spread.
/// Thumbs are reported on their own and left out of the averages (clinical.md §2: relatively spared in SSc, [S3]).
/// </summary>
public static class HandSummary
{
    public static readonly IReadOnlyList<int> AveragedDigits = [2, 3, 4, 5];

    /// <summary>DDD = dorsum baseline − fingertip baseline for D1–D5; null per finger when either baseline is missing.</summary>
    public static DddResult DistalDorsalDifference(IReadOnlyList<RoiResult> rois, RewarmingSettings settings)
    {
        ArgumentNullException.ThrowIfNull(rois);
        ArgumentNullException.ThrowIfNull(settings);
        var dorsum = rois.FirstOrDefault(r => r.Name == RegionNames.Dorsum)?.Metrics.BaselineCelsius;
        double? Ddd(int digit) => dorsum - rois.FirstOrDefault(r => r.Digit == digit)?.Metrics.BaselineCelsius;

        var fingers = new Dictionary<string, double?>();
        foreach (var digit in AveragedDigits)
        {
            fingers[RegionNames.Digit(digit)] = Ddd(digit);
        }

        var measured = fingers.Values.Where(v => v is not null).Select(v => v!.Value).ToList();
        return new DddResult(
            fingers,
            measured.Count > 0 ? measured.Average() : null,
            Ddd(1),
            measured.Count > 0 ? measured.Count(v => v > settings.DddAbnormalCelsius) : null,
            measured.Count);
    }

    /// <summary>Mean, SD and CV of every scalar metric across the digit 2–5 regions given.</summary>
    public static IReadOnlyList<MetricSpread> Averages(IEnumerable<RoiResult> fingers)
    {
        var byMetric = new List<(string Name, List<double> Values)>();
        foreach (var roi in fingers.Where(r => r.Digit is >= 2 and <= 5))
        {
            foreach (var (name, value) in roi.Metrics.NamedValues())
            {
                var entry = byMetric.FirstOrDefault(e => e.Name == name);
                if (entry.Name is null)
                {
                    entry = (name, []);
                    byMetric.Add(entry);
                }

                if (value is { } v && double.IsFinite(v))
                {
                    entry.Values.Add(v);
                }
            }
        }

        return byMetric.Select(e => Spread(e.Name, e.Values)).ToList();
    }

    /// <summary>The 8-finger (digits 2–5 of both hands) summary of a two-sensor session.</summary>
    public static BilateralResult Combine(AnalysisResult left, AnalysisResult right)
    {
        ArgumentNullException.ThrowIfNull(left);
        ArgumentNullException.ThrowIfNull(right);
        var fingers = left.Rois.Concat(right.Rois).ToList();
        var ddd = left.Ddd.Fingers.Values.Concat(right.Ddd.Fingers.Values).Where(v => v is not null).Select(v => v!.Value).ToList();
        int? above = left.Ddd.FingersAboveThreshold is null && right.Ddd.FingersAboveThreshold is null
            ? null
            : (left.Ddd.FingersAboveThreshold ?? 0) + (right.Ddd.FingersAboveThreshold ?? 0);
        return new BilateralResult(left, right, Averages(fingers), ddd.Count > 0 ? ddd.Average() : null, above);
    }

    private static MetricSpread Spread(string name, List<double> values)
    {
        if (values.Count == 0)
        {
            return new MetricSpread(name, null, null, null, 0);
        }

        var mean = values.Average();
        var sd = SeriesMath.StandardDeviation(values);
        double? standardDeviation = double.IsFinite(sd) ? sd : null;
        return new MetricSpread(name, mean, standardDeviation, mean > 0 ? standardDeviation / mean : null, values.Count);
    }
}
