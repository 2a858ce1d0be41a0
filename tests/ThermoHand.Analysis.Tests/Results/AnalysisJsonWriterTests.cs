using System.Text.Json;
using ThermoHand.Analysis.Results;
using ThermoHand.Analysis.Rewarming;
using ThermoHand.Analysis.Tests.Rewarming;

namespace ThermoHand.Analysis.Tests.Results;

public class AnalysisJsonWriterTests
{
    private static IEnumerable<ThermalFrame> Frames(double until)
    {
        var pixels = new float[ThermalFrame.PixelCount];
        for (var t = 0.0; t <= until; t += 0.5)
        {
            yield return new ThermalFrame(t, pixels);
        }
    }

    private static JsonElement Analyse(double until, params SessionEvent[] events)
    {
        var result = RewarmingSessionAnalyser.AnalyseRecording(
            Frames(until), new SessionEvents(Hand.Left, events), new FakeHandTracker(Hand.Left, FakeHandTracker.StandardHand()));
        using var stream = new MemoryStream();
        AnalysisJsonWriter.Write(result, stream);
        return JsonDocument.Parse(stream.ToArray()).RootElement.Clone();
    }

    [Fact]
    public void Missing_values_are_explicit_nulls_with_reasons()
    {
        // No challenge_end: every rewarming field must still be present, as null.
        var root = Analyse(400, new SessionEvent(AnalyticCurve.ChallengeStart, SessionEventTypes.ChallengeStart));

        var d2 = root.GetProperty("rois")[1];
        Assert.Equal(29.0, d2.GetProperty("baseline_c").GetDouble(), 9);
        foreach (var field in new[] { "min_c", "drop_c", "t50_s", "max_rate_c_per_min", "auc_above_min_c_min", "lag_s", "fit" })
        {
            Assert.Equal(JsonValueKind.Null, d2.GetProperty(field).ValueKind);
        }

        foreach (var key in new[] { "300", "600", "900" })
        {
            Assert.Equal(JsonValueKind.Null, d2.GetProperty("recovery_pct").GetProperty(key).ValueKind);
        }

        Assert.Equal(0, d2.GetProperty("curve").GetArrayLength());
        Assert.Equal(JsonValueKind.Null, root.GetProperty("challenge").GetProperty("end_s").ValueKind);
        var flags = root.GetProperty("quality").GetProperty("flags").EnumerateArray().Select(f => f.GetString()).ToList();
        Assert.Contains("missing event: no challenge_end: rewarming metrics not computed", flags);

        // DDD needs only the baseline, so it is there.
        Assert.Equal(2.0, root.GetProperty("ddd_c").GetProperty("D2").GetDouble(), 9);
    }

    [Fact]
    public void Complete_result_has_contract_fields_extras_and_sign_definition()
    {
        var root = Analyse(
            AnalyticCurve.ChallengeEnd + 910,
            new SessionEvent(AnalyticCurve.ChallengeStart, SessionEventTypes.ChallengeStart),
            new SessionEvent(AnalyticCurve.ChallengeEnd, SessionEventTypes.ChallengeEnd));

        Assert.Equal("thermohand/analysis/v1", root.GetProperty("schema").GetString());
        Assert.Equal("left", root.GetProperty("hand").GetString());
        Assert.False(root.GetProperty("provisional").GetBoolean());
        Assert.Equal(60, root.GetProperty("challenge").GetProperty("immersion_s").GetDouble());

        var d2 = root.GetProperty("rois")[1];
        foreach (var field in new[] { "t25_s", "t50_s", "t63_s", "lag_s", "early_gradient_c_per_min", "max_c", "final_c", "auc_c_min", "noise_c" })
        {
            Assert.True(d2.TryGetProperty(field, out _), field);
        }

        Assert.Equal(JsonValueKind.Null, d2.GetProperty("t100_s").ValueKind); // asymptotic curve: never 100 %
        Assert.Equal(150, d2.GetProperty("fit").GetProperty("tau_s").GetDouble(), 1.0);

        var averages = root.GetProperty("digits_2_5");
        Assert.Equal(4, averages.GetProperty("baseline_c").GetProperty("n").GetInt32());
        Assert.Equal((29.0 + 29.5 + 30.0 + 28.0) / 4, averages.GetProperty("baseline_c").GetProperty("mean").GetDouble(), 4);
        Assert.Equal(3, root.GetProperty("fingers_ddd_over_1c").GetInt32());
        Assert.Equal(0.0, root.GetProperty("ddd_thumb_c").GetDouble(), 9);
        Assert.Contains("DDD = T_dorsum - T_fingertip", root.GetProperty("definitions").GetProperty("ddd_c").GetString());
    }

    [Fact]
    public void Numbers_are_rounded_and_invariant()
    {
        var root = Analyse(
            AnalyticCurve.ChallengeEnd + 910,
            new SessionEvent(AnalyticCurve.ChallengeStart, SessionEventTypes.ChallengeStart),
            new SessionEvent(AnalyticCurve.ChallengeEnd, SessionEventTypes.ChallengeEnd));
        var raw = root.GetProperty("rois")[1].GetProperty("recovery_pct").GetProperty("300").GetRawText();
        Assert.Matches(@"^\d+\.\d{1,4}$", raw);
        var point = root.GetProperty("rois")[1].GetProperty("curve")[100];
        Assert.Matches(@"^\d+(\.\d{1,3})?$", point[1].GetRawText());
    }

    [Fact]
    public void Bilateral_result_holds_both_hands_and_the_eight_finger_summary()
    {
        SessionEvent[] events =
        [
            new(AnalyticCurve.ChallengeStart, SessionEventTypes.ChallengeStart),
            new(AnalyticCurve.ChallengeEnd, SessionEventTypes.ChallengeEnd),
        ];
        AnalysisResult Hand(Analysis.Hand hand) => RewarmingSessionAnalyser.AnalyseRecording(
            Frames(AnalyticCurve.ChallengeEnd + 300), new SessionEvents(hand, events), new FakeHandTracker(hand, FakeHandTracker.StandardHand()));

        using var stream = new MemoryStream();
        AnalysisJsonWriter.Write(HandSummary.Combine(Hand(Analysis.Hand.Left), Hand(Analysis.Hand.Right)), stream);
        using var json = JsonDocument.Parse(stream.ToArray());
        var root = json.RootElement;

        Assert.Equal("left", root.GetProperty("left").GetProperty("hand").GetString());
        Assert.Equal("right", root.GetProperty("right").GetProperty("hand").GetString());
        var eight = root.GetProperty("eight_finger");
        Assert.Equal(8, eight.GetProperty("averages").GetProperty("baseline_c").GetProperty("n").GetInt32());
        Assert.Equal(1.875, eight.GetProperty("ddd_mean_c").GetDouble(), 9);
        Assert.Equal(6, eight.GetProperty("fingers_ddd_over_1c").GetInt32());
    }
}
