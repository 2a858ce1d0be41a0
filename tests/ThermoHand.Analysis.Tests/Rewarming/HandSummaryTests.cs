using ThermoHand.Analysis.Regions;
using ThermoHand.Analysis.Results;
using ThermoHand.Analysis.Rewarming;

namespace ThermoHand.Analysis.Tests.Rewarming;

public class HandSummaryTests
{
    private static RoiResult Roi(string name, int? digit, double? baseline, double? t50 = null)
        => new(name, digit, null, new RewarmingMetrics
        {
            BaselineCelsius = baseline,
            TimeToRecoverySeconds = new Dictionary<string, double?> { ["50"] = t50 },
        }, []);

    [Fact]
    public void Ddd_is_dorsum_minus_fingertip_positive_when_fingers_are_colder()
    {
        RoiResult[] rois =
        [
            Roi("D1", 1, 30.0), Roi("D2", 2, 29.0), Roi("D3", 3, 31.5), Roi("D4", 4, 29.5), Roi("D5", 5, 28.0),
            Roi(RegionNames.Dorsum, null, 31.0),
        ];
        var ddd = HandSummary.DistalDorsalDifference(rois, RewarmingSettings.Default);

        Assert.Equal(2.0, ddd.Fingers["D2"]!.Value, 9);   // finger 2 °C colder than the dorsum → +2
        Assert.Equal(-0.5, ddd.Fingers["D3"]!.Value, 9);  // finger warmer → negative
        Assert.Equal((2.0 - 0.5 + 1.5 + 3.0) / 4, ddd.Mean!.Value, 9);
        Assert.Equal(1.0, ddd.Thumb!.Value, 9);           // thumb apart, not in the mean
        Assert.Equal(3, ddd.FingersAboveThreshold);       // D2, D4, D5 exceed 1 °C
        Assert.Equal(["D2", "D3", "D4", "D5"], ddd.Fingers.Keys);
    }

    [Fact]
    public void Missing_dorsum_baseline_nulls_ddd()
    {
        var ddd = HandSummary.DistalDorsalDifference([Roi("D2", 2, 29.0), Roi(RegionNames.Dorsum, null, null)], RewarmingSettings.Default);
        Assert.Null(ddd.Fingers["D2"]);
        Assert.Null(ddd.Mean);
        Assert.Null(ddd.FingersAboveThreshold);
    }

    [Fact]
    public void Digit_averages_leave_out_the_thumb_and_report_spread()
    {
        RoiResult[] rois = [Roi("D1", 1, 20.0), Roi("D2", 2, 28.0, 100), Roi("D3", 3, 30.0, 200), Roi("D4", 4, 32.0, null), Roi("D5", 5, null, 300)];
        var averages = HandSummary.Averages(rois);

        var baseline = averages.Single(a => a.Name == "baseline_c");
        Assert.Equal(3, baseline.Count);
        Assert.Equal(30.0, baseline.Mean!.Value, 9);
        Assert.Equal(2.0, baseline.StandardDeviation!.Value, 9);
        Assert.Equal(2.0 / 30.0, baseline.CoefficientOfVariation!.Value, 9);

        var t50 = averages.Single(a => a.Name == "t50_s");
        Assert.Equal(200, t50.Mean!.Value, 9);
        Assert.Equal(3, t50.Count);

        var max = averages.Single(a => a.Name == "max_c");
        Assert.Equal(0, max.Count);
        Assert.Null(max.Mean);
    }
}
