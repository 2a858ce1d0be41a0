using System.Text.Json;
using ThermoHand.Analysis;
using ThermoHand.Analysis.Reanalysis;
using ThermoHand.Analysis.Results;
using ThermoHand.Analysis.Rewarming;
using ThermoHand.Exports.Bilateral;

namespace ThermoHand.Exports.Tests.Bilateral;

/// <summary>
/// The 8-finger summary computed from two stored per-hand results (docs/metrics.md §3): the same numbers as
/// HandSummary.Combine over the results in memory, and a reason instead of numbers when a hand is missing or flagged.
/// </summary>
public sealed class EightFingerSummaryTests
{
    /// <summary>
    /// A hand's result with values on a binary grid with at most 4 decimals (multiples of 1/16), so writing (4 decimals) and reading back loses
    /// nothing and "the same numbers" can be checked exactly. D5's recovery at 900 s and t100 are missing on purpose.
    /// </summary>
    public static AnalysisResult HandResult(Hand hand, double offset, params string[] flags)
    {
        var rois = new List<RoiResult>();
        for (var digit = 1; digit <= 5; digit++)
        {
            var metrics = new RewarmingMetrics
            {
                BaselineCelsius = 30 + (digit * 0.25) + offset,
                BaselineCoverageSeconds = 60,
                NoiseCelsius = 0.125,
                StartCelsius = 22.5 + offset,
                MinimumCelsius = 22 + (digit * 0.5) + offset,
                MinimumTimeSeconds = 10 * digit,
                DropCelsius = 8 - (digit * 0.25),
                LagSeconds = 30 + digit,
                MaximumRateCelsiusPerMinute = 1.5 + (digit * 0.125) + offset,
                EarlyGradientCelsiusPerMinute = 0.75,
                RecoveryPercent = new Dictionary<string, double?> { ["300"] = 40 + (3 * digit) + offset, ["600"] = 70 + digit, ["900"] = digit == 5 ? null : 90 + digit },
                TimeToRecoverySeconds = new Dictionary<string, double?> { ["25"] = 100 + digit, ["50"] = 200 + (20 * digit) + offset, ["63"] = 300 + digit, ["100"] = null },
                MaximumCelsius = 31 + offset,
                MaximumTimeSeconds = 880,
                FinalCelsius = 30.5 + offset,
                AreaCelsiusMinutes = 400 + digit + offset,
                AreaAboveMinimumCelsiusMinutes = 90 + (digit * 2.5) + offset,
                Fit = new ExponentialFitResult(150 + (8 * digit), 31.25 + offset, 22.5, 30, 0.9375),
            };
            rois.Add(new RoiResult("D" + digit, digit, null, metrics, []));
        }

        rois.Add(new RoiResult("dorsum", null, null, new RewarmingMetrics { BaselineCelsius = 31.5 + offset }, []));
        var ddd = HandSummary.DistalDorsalDifference(rois, RewarmingSettings.Default);
        return new AnalysisResult(hand, rois, ddd, HandSummary.Averages(rois), new QualityReport(flags, 1080, 3), new ChallengeTiming(120, 180), false, 1080);
    }

    public static JsonElement Stored(AnalysisResult result)
    {
        using var document = JsonDocument.Parse(AnalysisJsonWriter.ToJson(result));
        return document.RootElement.Clone();
    }

    [Fact]
    public void Two_stored_hand_results_give_exactly_the_numbers_of_HandSummary_Combine()
    {
        var left = HandResult(Hand.Left, 0);
        var right = HandResult(Hand.Right, 1.5);
        var expected = HandSummary.Combine(left, right);

        var summary = EightFingerSummary.Combine([new HandAnalysis("right", "device", Stored(right)), new HandAnalysis("left", "device", Stored(left))]);

        Assert.Null(summary.NotComputedReason);
        var actual = summary.Result!;
        Assert.Equal(expected.EightFingerDddMeanCelsius, actual.EightFingerDddMeanCelsius);
        Assert.Equal(expected.FingersWithDddAboveThreshold, actual.FingersWithDddAboveThreshold);
        Assert.Equal(expected.EightFingerAverages, actual.EightFingerAverages);   // names, mean, SD, CV and n, bit for bit
        Assert.Equal(8, summary.Spread("t50_s")!.Count);
        Assert.Equal(6, summary.Spread("recovery_pct.900")!.Count);              // D5 of each hand has none: left out, not zero
        Assert.Equal(0, summary.Spread("t100_s")!.Count);
        Assert.Equal(expected.EightFingerAverages.Single(s => s.Name == "tau_s"), summary.Spread("fit.tau_s"));
        Assert.Null(summary.Spread("noise_c"));                                    // per region only, never averaged
        // Mean over D2–D5 of both hands of baseline 30 + 0.25·d (+1.5 on the right): 30.875 and 32.375 → 31.625 °C.
        Assert.Equal(31.625, summary.Spread("baseline_c")!.Mean);
        Assert.Equal("device for both hands", summary.VersionsText);
        Assert.Contains(summary.Cautions, c => c.Contains("fewer than 8 fingers", StringComparison.Ordinal));
    }

    [Fact]
    public void A_one_hand_session_has_no_summary_and_says_why()
    {
        var summary = EightFingerSummary.Combine([new HandAnalysis("right", "device", Stored(HandResult(Hand.Right, 0)))]);
        Assert.Null(summary.Result);
        Assert.StartsWith("Not computed: the left hand has no final analysis result.", summary.NotComputedReason, StringComparison.Ordinal);
        Assert.Contains("one-hand session", summary.NotComputedReason, StringComparison.Ordinal);
        Assert.Contains("neither hand", EightFingerSummary.Combine([]).NotComputedReason, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("missing event: no challenge_end: rewarming metrics not computed")]
    [InlineData("no frames: nothing to analyse")]
    [InlineData("protocol: challenge_end (t = 10.0 s) is not after challenge_start (t = 20.0 s): rewarming metrics not computed")]
    public void A_hand_flagged_without_rewarming_metrics_stops_the_summary_and_the_flag_is_quoted(string flag)
    {
        var summary = EightFingerSummary.Combine([
            new HandAnalysis("left", "device", Stored(HandResult(Hand.Left, 0, flag))),
            new HandAnalysis("right", "device", Stored(HandResult(Hand.Right, 0)))]);
        Assert.Null(summary.Result);
        Assert.Contains("left hand", summary.NotComputedReason, StringComparison.Ordinal);
        Assert.Contains(flag, summary.NotComputedReason, StringComparison.Ordinal);
    }

    [Fact]
    public void Other_quality_flags_are_cautions_and_a_wrongly_stored_or_unreadable_result_is_named()
    {
        var flagged = EightFingerSummary.Combine([
            new HandAnalysis("left", "device", Stored(HandResult(Hand.Left, 0, "tracker: motion in 14 frames (rewarming 14)"))),
            new HandAnalysis("right", "device", Stored(HandResult(Hand.Right, 0)))]);
        Assert.NotNull(flagged.Result);
        Assert.Contains("The left hand's result (device) has 1 quality flag;", string.Join("\n", flagged.Cautions), StringComparison.Ordinal);

        var swapped = EightFingerSummary.Combine([
            new HandAnalysis("left", "device", Stored(HandResult(Hand.Left, 0))),
            new HandAnalysis("right", "device", Stored(HandResult(Hand.Left, 0)))]);
        Assert.Null(swapped.Result);   // the same hand twice would count four fingers twice
        Assert.Contains("stored for the right hand says it is of the left hand", swapped.NotComputedReason, StringComparison.Ordinal);

        var text = Stored(HandResult(Hand.Right, 0)).GetRawText().Replace("\"t50_s\": 220", "\"t50_s\": \"220\"", StringComparison.Ordinal);
        using var broken = JsonDocument.Parse(text);
        var unreadable = EightFingerSummary.Combine([new HandAnalysis("left", "device", Stored(HandResult(Hand.Left, 0))), new HandAnalysis("right", "v2", broken.RootElement.Clone())]);
        Assert.Null(unreadable.Result);
        Assert.Contains("right hand's result (v2) could not be read: 'D1.t50_s' is string", unreadable.NotComputedReason, StringComparison.Ordinal);
    }

    [Fact]
    public void Different_versions_and_settings_of_the_two_hands_are_named()
    {
        var device = new AnalysisProvenance { Software = "device", Source = AnalysisSource.DeviceLive, Emissivity = 0.98, RegionMethod = RegionMethods.UnmixedFingertip };
        var changed = device with { Source = AnalysisSource.StoredFrames, Emissivity = 0.95 };
        var rightResult = HandResult(Hand.Right, 0) with { Provenance = changed };
        var summary = EightFingerSummary.Combine([
            new HandAnalysis("left", "device", Stored(HandResult(Hand.Left, 0)), device),
            new HandAnalysis("right", "v2", Stored(rightResult))]);

        Assert.NotNull(summary.Result);
        Assert.Equal("left device, right v2", summary.VersionsText);
        Assert.Equal(device.SettingsHash, summary.LeftSettingsHash);
        Assert.Equal(changed.SettingsHash, summary.RightSettingsHash);   // read from the re-analysis' own provenance
        Assert.True(summary.SettingsDiffer);
        Assert.Equal(["emissivity 0.98 → 0.95"], summary.SettingsDifferences);
        Assert.Contains(summary.Cautions, c => c.Contains("different settings", StringComparison.Ordinal) && c.Contains("emissivity 0.98 → 0.95", StringComparison.Ordinal));

        var same = EightFingerSummary.Combine([
            new HandAnalysis("left", "device", Stored(HandResult(Hand.Left, 0)), device),
            new HandAnalysis("right", "device", Stored(HandResult(Hand.Right, 0)), device)]);
        Assert.False(same.SettingsDiffer);
        Assert.DoesNotContain(same.Cautions, c => c.Contains("different settings", StringComparison.Ordinal));
    }
}
