namespace ThermoHand.Analysis.Rewarming;

/// <summary>
/// Every threshold and window the rewarming analysis uses, in one place so that a result can name the choices it was
/// made with. Defaults follow the Manchester protocol (1 min immersion, 15 min of rewarming; clinical.md §1.1) and the
/// project's own choices marked [U] in docs/metrics.md.
/// </summary>
public sealed record RewarmingSettings
{
    public static RewarmingSettings Default { get; } = new();

    /// <summary>Baseline = mean over this many seconds before challenge_start (formats.md §4).</summary>
    public double BaselineWindowSeconds { get; init; } = 60;

    /// <summary>A baseline covering less than this is still computed but flagged as short.</summary>
    public double ShortBaselineSeconds { get; init; } = 55;

    /// <summary>A baseline covering less than this is not computed at all (too few frames to call it a baseline).</summary>
    public double MinimumBaselineSeconds { get; init; } = 10;

    /// <summary>Rewarming is analysed from challenge_end to this many seconds after it (15 min standard, [S6]).</summary>
    public double RewarmingWindowSeconds { get; init; } = 900;

    /// <summary>Half-width of the centred local-line smoothing used for level metrics (min, max, recovery, tX): damps sensor noise.</summary>
    public double SmoothingHalfWidthSeconds { get; init; } = 5;

    /// <summary>A stretch longer than this without trusted samples is a gap: values inside it are not interpolated.</summary>
    public double MaximumGapSeconds { get; init; } = 30;

    /// <summary>A value at a fixed time may be taken from the nearest sample when it is at most this far away (series ends).</summary>
    public double EdgeToleranceSeconds { get; init; } = 2;

    /// <summary>Lag threshold = max(this × baseline noise, <see cref="LagMinimumRiseCelsius"/>) above the minimum.</summary>
    public double LagNoiseMultiple { get; init; } = 3;

    public double LagMinimumRiseCelsius { get; init; } = 0.5;

    /// <summary>The rise must stay above the lag threshold for this long to count as the start of rewarming.</summary>
    public double LagSustainSeconds { get; init; } = 30;

    /// <summary>Window of the maximum rewarming rate (formats.md §4: steepest rise over any 60 s window).</summary>
    public double RateWindowSeconds { get; init; } = 60;

    /// <summary>The early gradient is the regression slope over 0 … this many seconds (2 min, [S4]).</summary>
    public double EarlyGradientSeconds { get; init; } = 120;

    /// <summary>A regression window must be covered to at least this fraction of its length.</summary>
    public double MinimumWindowCoverage { get; init; } = 0.9;

    /// <summary>Below this baseline − minimum the recovery percentage divides by noise and is not computed.</summary>
    public double MinimumDropCelsius { get; init; } = 0.5;

    /// <summary>Times after challenge_end at which the recovery percentage is reported (formats.md §4).</summary>
    public IReadOnlyList<double> RecoveryTimesSeconds { get; init; } = [300, 600, 900];

    /// <summary>Recovery levels whose first-reach time is reported (t25, t50, t63, t100; [S6][S15]).</summary>
    public IReadOnlyList<double> RecoveryLevelsPercent { get; init; } = [25, 50, 63, 100];

    /// <summary>Expected immersion (Manchester: 1 min) and the tolerance before it is a protocol deviation.</summary>
    public double ImmersionSeconds { get; init; } = 60;

    public double ImmersionToleranceSeconds { get; init; } = 10;

    /// <summary>Readings outside this band are not skin temperatures (sensor fault, water, background) and are rejected.</summary>
    public double PlausibleMinimumCelsius { get; init; } = 10;

    public double PlausibleMaximumCelsius { get; init; } = 45;

    /// <summary>DDD above this counts a finger as abnormal (Anderson score, [S2]).</summary>
    public double DddAbnormalCelsius { get; init; } = 1.0;

    /// <summary>Exponential time constants outside this range are reported as "no fit" rather than as a number.</summary>
    public double FitMinimumTauSeconds { get; init; } = 5;

    public double FitMaximumTauSeconds { get; init; } = 20000;
}
