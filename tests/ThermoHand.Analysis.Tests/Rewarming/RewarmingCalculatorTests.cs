using ThermoHand.Analysis.Rewarming;

namespace ThermoHand.Analysis.Tests.Rewarming;

/// <summary>Every metric against the closed form of the first-order curve (AnalyticCurve), plus the null/flag rules.</summary>
public class RewarmingCalculatorTests
{
    private static readonly RewarmingSettings Settings = RewarmingSettings.Default;

    private static RegionRewarming Compute(List<TemperatureSample> samples, double? observedUntil = null)
        => RewarmingCalculator.Compute(
            "D2",
            samples,
            AnalyticCurve.ChallengeStart,
            AnalyticCurve.ChallengeEnd,
            observedUntil ?? samples[^1].TimeSeconds,
            Settings);

    [Fact]
    public void Exponential_with_lag_matches_closed_forms()
    {
        var curve = new AnalyticCurve(Baseline: 32, Minimum: 22, LagSeconds: 30, TauSeconds: 150);
        var result = Compute(curve.Sample());
        var m = result.Metrics;

        Assert.Empty(result.Flags);
        Assert.Equal(32, m.BaselineCelsius!.Value, 9);
        Assert.Equal(60, m.BaselineCoverageSeconds!.Value, 6);
        Assert.Equal(22, m.MinimumCelsius!.Value, 6);
        Assert.Equal(10, m.DropCelsius!.Value, 6);
        Assert.Equal(22, m.StartCelsius!.Value, 6);

        // tX = lag + τ·ln(1/(1 − X)); 0.3 s tolerance = sampling step plus the 10 s smoothing's curvature bias.
        Assert.Equal(curve.TimeTo(25), m.TimeToRecoverySeconds["25"]!.Value, 0.3);
        Assert.Equal(30 + (150 * Math.Log(2)), m.TimeToRecoverySeconds["50"]!.Value, 0.3);
        Assert.Equal(curve.TimeTo(63), m.TimeToRecoverySeconds["63"]!.Value, 0.3);
        Assert.Null(m.TimeToRecoverySeconds["100"]); // 99.7 % at 900 s: a valid "never", not a flag

        // R(300) = 100·(1 − e^{−270/150}) = 83.47 %; tolerance 0.05 percentage points.
        foreach (var t in new[] { 300.0, 600.0, 900.0 })
        {
            Assert.Equal(curve.RecoveryAt(t), m.RecoveryPercent[((int)t).ToString(System.Globalization.CultureInfo.InvariantCulture)]!.Value, 0.05);
        }

        Assert.Equal(83.47, m.RecoveryPercent["300"]!.Value, 0.01);

        // AUC above min = drop·[(900 − lag) − τ(1 − e^{−870/150})]/60 = 127.52 °C·min; trapezoid on 0.25 s steps.
        Assert.Equal(curve.AreaAboveMinimum(900), m.AreaAboveMinimumCelsiusMinutes!.Value, 0.01);
        Assert.Equal(curve.AreaAboveMinimum(900) + (22 * 15), m.AreaCelsiusMinutes!.Value, 0.01);

        // Lag threshold 0.5 °C (no noise) is crossed at lag + τ·ln(drop/(drop − 0.5)) = 37.69 s.
        Assert.Equal(30 + (150 * Math.Log(10 / 9.5)), m.LagSeconds!.Value, 0.3);

        Assert.Equal(curve.At(AnalyticCurve.ChallengeEnd + 900), m.FinalCelsius!.Value, 0.01);
        Assert.Equal(m.FinalCelsius!.Value, m.MaximumCelsius!.Value, 0.01);

        var fit = m.Fit!;
        Assert.Equal(150, fit.TauSeconds, 1.0);
        Assert.Equal(30, fit.LagSeconds, 1.0);
        Assert.Equal(32, fit.EndPointCelsius, 0.02);
        Assert.Equal(22, fit.StartCelsius, 0.02);
        Assert.True(fit.RSquared > 0.9999, $"R² {fit.RSquared}");
    }

    [Fact]
    public void Rates_without_lag_match_the_regression_closed_form()
    {
        var curve = new AnalyticCurve(Baseline: 31, Minimum: 21, LagSeconds: 0, TauSeconds: 120);
        var m = Compute(curve.Sample()).Metrics;

        // The curve is steepest at t = 0, so the best 60 s window starts there: 4.06 °C/min for these parameters.
        Assert.Equal(curve.RegressionSlopeFromLag(60), m.MaximumRateCelsiusPerMinute!.Value, 0.005);
        Assert.Equal(0, m.MaximumRateWindowStartSeconds!.Value, 6);
        Assert.Equal(curve.RegressionSlopeFromLag(120), m.EarlyGradientCelsiusPerMinute!.Value, 0.005);
        Assert.True(m.MaximumRateCelsiusPerMinute > m.EarlyGradientCelsiusPerMinute);
        Assert.Equal(120 * Math.Log(2), m.TimeToRecoverySeconds["50"]!.Value, 0.3);
    }

    [Fact]
    public void Noisy_curve_stays_within_stated_tolerances()
    {
        // 0.15 °C frame noise at 4 Hz, about what a fingertip of 1–2 MLX90640 pixels shows.
        var curve = new AnalyticCurve(Baseline: 32, Minimum: 22, LagSeconds: 30, TauSeconds: 150);
        var m = Compute(curve.Sample(noise: 0.15, seed: 7)).Metrics;

        Assert.Equal(0.15, m.NoiseCelsius!.Value, 0.02);
        Assert.Equal(32, m.BaselineCelsius!.Value, 0.03);
        Assert.Equal(22, m.MinimumCelsius!.Value, 0.1); // smoothing leaves a small downward bias of the minimum
        Assert.Equal(curve.TimeTo(50), m.TimeToRecoverySeconds["50"]!.Value, 3.0);
        Assert.Equal(curve.RecoveryAt(300), m.RecoveryPercent["300"]!.Value, 1.5);
        Assert.Equal(curve.AreaAboveMinimum(900), m.AreaAboveMinimumCelsiusMinutes!.Value, 1.5);
        Assert.Equal(150, m.Fit!.TauSeconds, 5.0);
        Assert.InRange(m.LagSeconds!.Value, 30, 50);
    }

    [Fact]
    public void Small_drop_gives_null_recovery_with_a_reason()
    {
        var curve = new AnalyticCurve(Baseline: 32, Minimum: 31.7, LagSeconds: 0, TauSeconds: 100);
        var result = Compute(curve.Sample());

        Assert.Equal(0.3, result.Metrics.DropCelsius!.Value, 3); // the edge smoothing sees a little curvature at t = 0
        Assert.All(result.Metrics.RecoveryPercent.Values, Assert.Null);
        Assert.Null(result.Metrics.TimeToRecoverySeconds["50"]);
        Assert.Contains(result.Flags, f => f.StartsWith("D2: baseline − minimum is 0.30 °C", StringComparison.Ordinal));
    }

    [Fact]
    public void Slow_rewarming_gives_null_t50_without_a_flag()
    {
        var curve = new AnalyticCurve(Baseline: 32, Minimum: 22, LagSeconds: 60, TauSeconds: 3000);
        var result = Compute(curve.Sample());

        Assert.Null(result.Metrics.TimeToRecoverySeconds["50"]);
        Assert.Equal(curve.RecoveryAt(900), result.Metrics.RecoveryPercent["900"]!.Value, 0.05);
        Assert.DoesNotContain(result.Flags, f => f.Contains("t50", StringComparison.Ordinal));
    }

    [Fact]
    public void Short_baseline_is_flagged_and_too_short_is_null()
    {
        var curve = new AnalyticCurve(32, 22, 30, 150);

        var shortResult = Compute(curve.Sample(from: AnalyticCurve.ChallengeStart - 30));
        Assert.Equal(32, shortResult.Metrics.BaselineCelsius!.Value, 9);
        Assert.Equal(30, shortResult.Metrics.BaselineCoverageSeconds!.Value, 0.5);
        Assert.Contains(shortResult.Flags, f => f.StartsWith("D2: short baseline: 30 s", StringComparison.Ordinal));

        var none = Compute(curve.Sample(from: AnalyticCurve.ChallengeStart - 5));
        Assert.Null(none.Metrics.BaselineCelsius);
        Assert.Null(none.Metrics.DropCelsius);
        Assert.Null(none.Metrics.RecoveryPercent["300"]);
        Assert.Contains(none.Flags, f => f.StartsWith("D2: baseline not computed", StringComparison.Ordinal));
        Assert.Equal(22, none.Metrics.MinimumCelsius!.Value, 6); // what does not need the baseline is still there
    }

    [Fact]
    public void No_frames_after_challenge_end_is_flagged()
    {
        var curve = new AnalyticCurve(32, 22, 30, 150);
        var result = Compute(curve.Sample(to: AnalyticCurve.ChallengeStart), observedUntil: AnalyticCurve.ChallengeEnd + 900);

        Assert.Equal(32, result.Metrics.BaselineCelsius!.Value, 9);
        Assert.Null(result.Metrics.MinimumCelsius);
        Assert.Contains(result.Flags, f => f.Contains("no trusted frames after challenge_end", StringComparison.Ordinal));
    }

    [Fact]
    public void Long_gap_nulls_what_it_covers_and_says_so()
    {
        var curve = new AnalyticCurve(32, 22, 30, 150);
        var samples = curve.Sample().Where(s => s.TimeSeconds - AnalyticCurve.ChallengeEnd is not (> 280 and < 330)).ToList();
        var result = Compute(samples);
        var m = result.Metrics;

        Assert.Null(m.RecoveryPercent["300"]);
        Assert.Null(m.AreaAboveMinimumCelsiusMinutes);
        Assert.Equal(curve.RecoveryAt(600), m.RecoveryPercent["600"]!.Value, 0.05);
        Assert.Equal(curve.TimeTo(50), m.TimeToRecoverySeconds["50"]!.Value, 0.3);
        Assert.Contains(result.Flags, f => f.StartsWith("D2: no trusted frames for 50 s (280–330 s after challenge_end)", StringComparison.Ordinal));
        Assert.Contains(result.Flags, f => f.StartsWith("D2: recovery at 300 s not computed", StringComparison.Ordinal));
        Assert.Contains(result.Flags, f => f.StartsWith("D2: AUC not computed", StringComparison.Ordinal));
    }

    [Fact]
    public void Short_gap_is_bridged_by_interpolation()
    {
        var curve = new AnalyticCurve(32, 22, 30, 150);
        var samples = curve.Sample().Where(s => s.TimeSeconds - AnalyticCurve.ChallengeEnd is not (> 290 and < 310)).ToList();
        var result = Compute(samples);

        Assert.Empty(result.Flags);
        Assert.Equal(curve.RecoveryAt(300), result.Metrics.RecoveryPercent["300"]!.Value, 0.1);
        Assert.Equal(curve.AreaAboveMinimum(900), result.Metrics.AreaAboveMinimumCelsiusMinutes!.Value, 0.02);
    }

    [Fact]
    public void Recording_ending_early_nulls_late_metrics_with_reasons()
    {
        var curve = new AnalyticCurve(32, 22, 30, 150);
        var result = Compute(curve.Sample(to: AnalyticCurve.ChallengeEnd + 600));
        var m = result.Metrics;

        Assert.Equal(curve.RecoveryAt(600), m.RecoveryPercent["600"]!.Value, 0.05);
        Assert.Null(m.RecoveryPercent["900"]);
        Assert.Null(m.FinalCelsius);
        Assert.Null(m.AreaCelsiusMinutes);
        Assert.Contains(result.Flags, f => f.StartsWith("D2: recovery at 900 s not computed: data end 600 s", StringComparison.Ordinal));
        Assert.Contains(result.Flags, f => f.StartsWith("D2: t100 not known", StringComparison.Ordinal));
        Assert.Equal(150, m.Fit!.TauSeconds, 1.5);
    }

    [Fact]
    public void Flat_curve_has_no_lag_and_no_fit()
    {
        var curve = new AnalyticCurve(32, 22, 2000, 150); // never starts rising within the window
        var result = Compute(curve.Sample());

        Assert.Null(result.Metrics.LagSeconds);
        Assert.Null(result.Metrics.Fit);
        Assert.Equal(0, result.Metrics.RecoveryPercent["900"]!.Value, 6);
        Assert.Contains(result.Flags, f => f.StartsWith("D2: exponential fit not computed", StringComparison.Ordinal));
    }
}
