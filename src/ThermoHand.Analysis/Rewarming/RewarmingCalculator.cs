using static System.FormattableString;

namespace ThermoHand.Analysis.Rewarming;

/// <summary>
/// Computes every rewarming metric of one region from its trusted samples (docs/metrics.md). Pure: the same samples
/// and settings give the same numbers whether they came from a live sensor, a recording or a test.
/// </summary>
public static class RewarmingCalculator
{
    /// <param name="region">Region name used in the flags ("D3", "dorsum").</param>
    /// <param name="samples">Trusted samples of the region on the session clock, in time order.</param>
    /// <param name="challengeStart">challenge_start on the session clock, null when the event is missing.</param>
    /// <param name="challengeEnd">challenge_end on the session clock (rewarming time 0), null when missing.</param>
    /// <param name="observedUntil">Session time of the last frame seen: data beyond it do not exist yet (live) or at all.</param>
    /// <param name="settings">Windows and thresholds.</param>
    public static RegionRewarming Compute(
        string region,
        IReadOnlyList<TemperatureSample> samples,
        double? challengeStart,
        double? challengeEnd,
        double observedUntil,
        RewarmingSettings settings)
    {
        ArgumentNullException.ThrowIfNull(samples);
        ArgumentNullException.ThrowIfNull(settings);
        var flags = new List<string>();

        // Every reported time and level is present from the start (as null), so the result always has the same fields.
        var metrics = new RewarmingMetrics
        {
            RecoveryPercent = settings.RecoveryTimesSeconds.ToDictionary(Key, _ => (double?)null),
            TimeToRecoverySeconds = settings.RecoveryLevelsPercent.ToDictionary(Key, _ => (double?)null),
        };

        double? baseline = null;
        double noise = double.NaN;
        if (challengeStart is { } start)
        {
            (metrics, baseline, noise) = ComputeBaseline(region, samples, start, settings, metrics, flags);
        }

        if (challengeEnd is not { } end || observedUntil <= end)
        {
            return new RegionRewarming(metrics, flags);
        }

        var window = settings.RewarmingWindowSeconds;
        var windowEnd = Math.Min(window, observedUntil - end);

        // Samples a little past the window are kept so the smoothing and interpolation at 900 s are centred.
        var post = new List<TemperatureSample>();
        foreach (var s in samples)
        {
            var u = s.TimeSeconds - end;
            if (u >= 0 && u <= window + settings.MaximumGapSeconds)
            {
                post.Add(new TemperatureSample(u, s.TemperatureCelsius));
            }
        }

        var inWindowCount = post.Count(s => s.TimeSeconds <= windowEnd);
        if (inWindowCount == 0)
        {
            flags.Add(Invariant($"{region}: no trusted frames after challenge_end: rewarming metrics not computed"));
            return new RegionRewarming(metrics, flags);
        }

        foreach (var gap in SeriesMath.FindGaps(post, 0, windowEnd, settings.MaximumGapSeconds))
        {
            flags.Add(Invariant($"{region}: no trusted frames for {gap.LengthSeconds:0} s ({gap.FromSeconds:0}–{gap.ToSeconds:0} s after challenge_end)"));
        }

        var smooth = SeriesMath.LocalLinearSmooth(post, settings.SmoothingHalfWidthSeconds);
        var windowCount = smooth.TakeWhile(s => s.TimeSeconds <= windowEnd).Count();

        var minimumIndex = 0;
        var maximumIndex = 0;
        for (var i = 1; i < windowCount; i++)
        {
            if (smooth[i].TemperatureCelsius < smooth[minimumIndex].TemperatureCelsius)
            {
                minimumIndex = i;
            }

            if (smooth[i].TemperatureCelsius > smooth[maximumIndex].TemperatureCelsius)
            {
                maximumIndex = i;
            }
        }

        var minimum = smooth[minimumIndex].TemperatureCelsius;
        var drop = baseline - minimum;
        var recoveryDefined = drop >= settings.MinimumDropCelsius;
        if (drop is { } d && d < settings.MinimumDropCelsius)
        {
            flags.Add(Invariant($"{region}: baseline − minimum is {d:0.00} °C (< {settings.MinimumDropCelsius} °C): recovery percentages and times not computed"));
        }

        var windowComplete = windowEnd >= window - settings.EdgeToleranceSeconds;
        var lag = FindLag(smooth, minimumIndex, windowCount, minimum, noise, settings);

        metrics = metrics with
        {
            StartCelsius = post[0].TimeSeconds <= settings.MaximumGapSeconds ? smooth[0].TemperatureCelsius : null,
            MinimumCelsius = minimum,
            MinimumTimeSeconds = smooth[minimumIndex].TimeSeconds,
            DropCelsius = drop,
            LagSeconds = lag,
            MaximumCelsius = smooth[maximumIndex].TemperatureCelsius,
            MaximumTimeSeconds = smooth[maximumIndex].TimeSeconds,
        };

        var recovery = new Dictionary<string, double?>();
        foreach (var t in settings.RecoveryTimesSeconds)
        {
            var key = Key(t);
            recovery[key] = null;
            if (!recoveryDefined)
            {
                continue;
            }

            if (t > windowEnd + settings.EdgeToleranceSeconds)
            {
                flags.Add(Invariant($"{region}: recovery at {key} s not computed: data end {windowEnd:0} s after challenge_end"));
                continue;
            }

            var value = SeriesMath.ValueAt(smooth, t, settings.MaximumGapSeconds, settings.EdgeToleranceSeconds);
            if (value is null)
            {
                flags.Add(Invariant($"{region}: recovery at {key} s not computed: no trusted frames near that time"));
                continue;
            }

            recovery[key] = 100 * (value.Value - minimum) / (baseline!.Value - minimum);
        }

        var times = new Dictionary<string, double?>();
        foreach (var level in settings.RecoveryLevelsPercent)
        {
            var key = Key(level);
            times[key] = recoveryDefined ? TimeToRecovery(smooth, minimumIndex, windowCount, minimum, baseline!.Value, level, settings) : null;
            if (recoveryDefined && times[key] is null && !windowComplete)
            {
                flags.Add(Invariant($"{region}: t{key} not known: {level} % recovery not reached before the data end ({windowEnd:0} s after challenge_end)"));
            }
        }

        double? final = null;
        if (windowComplete)
        {
            final = SeriesMath.ValueAt(smooth, window, settings.MaximumGapSeconds, settings.EdgeToleranceSeconds);
            if (final is null)
            {
                flags.Add(Invariant($"{region}: final temperature not computed: no trusted frames near {window:0} s"));
            }
        }
        else
        {
            flags.Add(Invariant($"{region}: final temperature and AUC not computed: data end {windowEnd:0} s after challenge_end (window {window:0} s)"));
        }

        var (rate, rateStart) = MaximumRate(post, windowEnd, settings);
        if (rate is null)
        {
            flags.Add(Invariant($"{region}: maximum rewarming rate not computed: no {settings.RateWindowSeconds:0} s stretch covered by trusted frames"));
        }

        var early = EarlyGradient(post, windowEnd, settings);
        if (early is null)
        {
            flags.Add(Invariant($"{region}: early gradient not computed: 0–{settings.EarlyGradientSeconds:0} s not covered by trusted frames"));
        }

        double? area = null;
        if (windowComplete)
        {
            area = AreaUnderCurve(post, window, settings);
            if (area is null)
            {
                flags.Add(Invariant($"{region}: AUC not computed: a gap over {settings.MaximumGapSeconds:0} s lies inside 0–{window:0} s"));
            }
        }

        var fitSamples = post.Where(s => s.TimeSeconds <= windowEnd).ToList();
        var fit = ExponentialRecoveryFit.Fit(fitSamples, lag ?? (windowEnd / 2), settings.FitMinimumTauSeconds, settings.FitMaximumTauSeconds);
        if (fit is null)
        {
            flags.Add(Invariant($"{region}: exponential fit not computed: no exponential rise with τ between {settings.FitMinimumTauSeconds:0} and {settings.FitMaximumTauSeconds:0} s"));
        }

        metrics = metrics with
        {
            RecoveryPercent = recovery,
            TimeToRecoverySeconds = times,
            FinalCelsius = final,
            MaximumRateCelsiusPerMinute = rate,
            MaximumRateWindowStartSeconds = rateStart,
            EarlyGradientCelsiusPerMinute = early,
            AreaCelsiusMinutes = area / 60,
            AreaAboveMinimumCelsiusMinutes = (area - (minimum * window)) / 60,
            Fit = fit,
        };
        return new RegionRewarming(metrics, flags);
    }

    private static string Key(double value) => Invariant($"{value:0.##}");

    private static (RewarmingMetrics Metrics, double? Baseline, double Noise) ComputeBaseline(
        string region, IReadOnlyList<TemperatureSample> samples, double start, RewarmingSettings settings, RewarmingMetrics metrics, List<string> flags)
    {
        var from = start - settings.BaselineWindowSeconds;
        var inWindow = samples.Where(s => s.TimeSeconds >= from && s.TimeSeconds < start).ToList();

        // Coverage counts one frame interval per sample span, so 240 frames at 4 Hz cover the full 60 s.
        var coverage = inWindow.Count < 2
            ? 0
            : Math.Min(
                settings.BaselineWindowSeconds,
                (inWindow[^1].TimeSeconds - inWindow[0].TimeSeconds) * inWindow.Count / (inWindow.Count - 1));
        foreach (var gap in SeriesMath.FindGaps(inWindow, from, start, settings.MaximumGapSeconds))
        {
            coverage = Math.Min(coverage, settings.BaselineWindowSeconds - gap.LengthSeconds);
        }

        if (coverage < settings.MinimumBaselineSeconds)
        {
            flags.Add(Invariant($"{region}: baseline not computed: only {coverage:0} s of trusted frames in the {settings.BaselineWindowSeconds:0} s before challenge_start"));
            return (metrics with { BaselineCoverageSeconds = coverage }, null, double.NaN);
        }

        if (coverage < settings.ShortBaselineSeconds)
        {
            flags.Add(Invariant($"{region}: short baseline: {coverage:0} s of trusted frames in the {settings.BaselineWindowSeconds:0} s before challenge_start"));
        }

        var baseline = SeriesMath.Mean(inWindow);
        var noise = SeriesMath.SuccessiveDifferenceNoise(inWindow);
        return (metrics with
        {
            BaselineCelsius = baseline,
            BaselineCoverageSeconds = coverage,
            NoiseCelsius = double.IsFinite(noise) ? noise : null,
        }, baseline, noise);
    }

    /// <summary>
    /// Lag = first time after the minimum at which the smoothed curve is more than θ = max(k·noise, 0.5 °C) above the
    /// minimum and stays there for the sustain time. Null when the rise never starts (or cannot yet be confirmed).
    /// </summary>
    private static double? FindLag(TemperatureSample[] smooth, int minimumIndex, int windowCount, double minimum, double noise, RewarmingSettings settings)
    {
        var threshold = settings.LagMinimumRiseCelsius;
        if (double.IsFinite(noise))
        {
            threshold = Math.Max(threshold, settings.LagNoiseMultiple * noise);
        }

        var last = smooth[Math.Max(0, windowCount - 1)].TimeSeconds;
        for (var i = minimumIndex; i < windowCount; i++)
        {
            var t = smooth[i].TimeSeconds;
            if (t + settings.LagSustainSeconds > last)
            {
                return null;
            }

            if (smooth[i].TemperatureCelsius - minimum <= threshold)
            {
                continue;
            }

            var sustained = true;
            for (var j = i + 1; j < windowCount && smooth[j].TimeSeconds <= t + settings.LagSustainSeconds; j++)
            {
                if (smooth[j].TemperatureCelsius - minimum <= threshold)
                {
                    sustained = false;
                    i = j; // the next candidate starts after this dip
                    break;
                }
            }

            if (sustained)
            {
                return t;
            }
        }

        return null;
    }

    /// <summary>First time after the minimum with recovery ≥ level, linearly interpolated inside the crossing interval.</summary>
    private static double? TimeToRecovery(TemperatureSample[] smooth, int minimumIndex, int windowCount, double minimum, double baseline, double level, RewarmingSettings settings)
    {
        var target = minimum + (level / 100 * (baseline - minimum));
        for (var i = minimumIndex + 1; i < windowCount; i++)
        {
            if (smooth[i].TemperatureCelsius >= target)
            {
                var a = smooth[i - 1];
                var b = smooth[i];
                if (b.TimeSeconds - a.TimeSeconds > settings.MaximumGapSeconds || b.TemperatureCelsius <= a.TemperatureCelsius)
                {
                    return b.TimeSeconds;
                }

                return a.TimeSeconds + ((target - a.TemperatureCelsius) / (b.TemperatureCelsius - a.TemperatureCelsius) * (b.TimeSeconds - a.TimeSeconds));
            }
        }

        return null;
    }

    /// <summary>
    /// Steepest least-squares slope over any window of the rate length starting at a sample, in °C/min. A window counts
    /// when trusted samples cover at least the minimum fraction of it and it holds no gap longer than the allowed gap.
    /// The least-squares slope is a parabola-weighted mean of dT/dt over the window, so single noisy frames barely move it.
    /// </summary>
    private static (double? Rate, double? Start) MaximumRate(List<TemperatureSample> post, double windowEnd, RewarmingSettings settings)
    {
        var length = settings.RateWindowSeconds;
        var count = post.Count(s => s.TimeSeconds <= windowEnd);
        double? best = null;
        double? bestStart = null;
        var end = 0;
        for (var i = 0; i < count; i++)
        {
            var start = post[i].TimeSeconds;
            end = Math.Max(end, i);
            while (end + 1 < count && post[end + 1].TimeSeconds <= start + length)
            {
                end++;
            }

            if (post[end].TimeSeconds - start < settings.MinimumWindowCoverage * length || end - i < 2)
            {
                continue;
            }

            var hasGap = false;
            for (var j = i + 1; j <= end && !hasGap; j++)
            {
                hasGap = post[j].TimeSeconds - post[j - 1].TimeSeconds > settings.MaximumGapSeconds;
            }

            if (hasGap)
            {
                continue;
            }

            var slope = SeriesMath.LeastSquaresSlope(post, i, end + 1) * 60;
            if (double.IsFinite(slope) && (best is null || slope > best))
            {
                best = slope;
                bestStart = start;
            }
        }

        return (best, bestStart);
    }

    private static double? EarlyGradient(List<TemperatureSample> post, double windowEnd, RewarmingSettings settings)
    {
        var length = settings.EarlyGradientSeconds;
        var inWindow = post.Where(s => s.TimeSeconds <= Math.Min(length, windowEnd)).ToList();
        if (inWindow.Count < 3 || inWindow[^1].TimeSeconds - inWindow[0].TimeSeconds < settings.MinimumWindowCoverage * length)
        {
            return null;
        }

        if (SeriesMath.FindGaps(inWindow, 0, length, settings.MaximumGapSeconds).Count > 0)
        {
            return null;
        }

        var slope = SeriesMath.LeastSquaresSlope(inWindow, 0, inWindow.Count) * 60;
        return double.IsFinite(slope) ? slope : null;
    }

    /// <summary>Trapezoid ∫ T dt over [0, window] in °C·s; null when any gap longer than allowed lies inside.</summary>
    private static double? AreaUnderCurve(List<TemperatureSample> post, double window, RewarmingSettings settings)
    {
        if (SeriesMath.FindGaps(post, 0, window, settings.MaximumGapSeconds).Count > 0)
        {
            return null;
        }

        // With no gap, the ends are within the gap limit of a sample: hold or interpolate there.
        var first = SeriesMath.ValueAt(post, 0, settings.MaximumGapSeconds, settings.MaximumGapSeconds);
        var last = SeriesMath.ValueAt(post, window, settings.MaximumGapSeconds, settings.MaximumGapSeconds);
        if (first is null || last is null)
        {
            return null;
        }

        var points = new List<TemperatureSample> { new(0, first.Value) };
        points.AddRange(post.Where(s => s.TimeSeconds > 0 && s.TimeSeconds < window));
        points.Add(new TemperatureSample(window, last.Value));
        double area = 0;
        for (var i = 1; i < points.Count; i++)
        {
            area += 0.5 * (points[i].TemperatureCelsius + points[i - 1].TemperatureCelsius) * (points[i].TimeSeconds - points[i - 1].TimeSeconds);
        }

        return area;
    }
}
