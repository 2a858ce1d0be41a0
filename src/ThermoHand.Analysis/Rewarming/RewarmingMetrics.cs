namespace ThermoHand.Analysis.Rewarming;

/// <summary>
/// Every rewarming metric of one region (docs/metrics.md). Times are seconds after challenge_end, temperatures °C,
/// rates °C/min, areas °C·min. Null = could not be computed (the reason is in <see cref="RegionRewarming.Flags"/>), or
/// for the tX times also "never reached within the window", which is a valid result and not a flag.
/// </summary>
public sealed record RewarmingMetrics
{
    public double? BaselineCelsius { get; init; }

    /// <summary>Seconds of the baseline window covered by trusted samples.</summary>
    public double? BaselineCoverageSeconds { get; init; }

    /// <summary>Frame-to-frame noise of one sample during baseline (successive-difference estimate).</summary>
    public double? NoiseCelsius { get; init; }

    /// <summary>Smoothed temperature at the first sample after challenge_end (T0 of [S12]).</summary>
    public double? StartCelsius { get; init; }

    public double? MinimumCelsius { get; init; }

    public double? MinimumTimeSeconds { get; init; }

    public double? DropCelsius { get; init; }

    public double? LagSeconds { get; init; }

    public double? MaximumRateCelsiusPerMinute { get; init; }

    /// <summary>Start of the 60 s window with the steepest rise.</summary>
    public double? MaximumRateWindowStartSeconds { get; init; }

    public double? EarlyGradientCelsiusPerMinute { get; init; }

    /// <summary>Recovery % at the settings' fixed times, keyed by whole seconds ("300", "600", "900").</summary>
    public IReadOnlyDictionary<string, double?> RecoveryPercent { get; init; } = new Dictionary<string, double?>();

    /// <summary>First time with recovery ≥ level, keyed by level ("25", "50", "63", "100").</summary>
    public IReadOnlyDictionary<string, double?> TimeToRecoverySeconds { get; init; } = new Dictionary<string, double?>();

    public double? MaximumCelsius { get; init; }

    public double? MaximumTimeSeconds { get; init; }

    /// <summary>Smoothed temperature at the end of the rewarming window.</summary>
    public double? FinalCelsius { get; init; }

    /// <summary>∫ T dt over the rewarming window (°C·min).</summary>
    public double? AreaCelsiusMinutes { get; init; }

    /// <summary>∫ (T − minimum) dt over the rewarming window (°C·min).</summary>
    public double? AreaAboveMinimumCelsiusMinutes { get; init; }

    public ExponentialFitResult? Fit { get; init; }

    /// <summary>
    /// The scalar metrics by their result-JSON names, in output order. One list serves the JSON writer and the
    /// digit 2–5 averages, so the two can never disagree on names.
    /// </summary>
    public IEnumerable<(string Name, double? Value)> NamedValues()
    {
        yield return ("baseline_c", BaselineCelsius);
        yield return ("t0_c", StartCelsius);
        yield return ("min_c", MinimumCelsius);
        yield return ("t_min_s", MinimumTimeSeconds);
        yield return ("drop_c", DropCelsius);
        yield return ("lag_s", LagSeconds);
        yield return ("max_rate_c_per_min", MaximumRateCelsiusPerMinute);
        yield return ("early_gradient_c_per_min", EarlyGradientCelsiusPerMinute);
        foreach (var (key, value) in RecoveryPercent)
        {
            yield return ("recovery_" + key + "_pct", value);
        }

        foreach (var (key, value) in TimeToRecoverySeconds)
        {
            yield return ("t" + key + "_s", value);
        }

        yield return ("max_c", MaximumCelsius);
        yield return ("t_max_s", MaximumTimeSeconds);
        yield return ("final_c", FinalCelsius);
        yield return ("auc_c_min", AreaCelsiusMinutes);
        yield return ("auc_above_min_c_min", AreaAboveMinimumCelsiusMinutes);
        yield return ("tau_s", Fit?.TauSeconds);
        yield return ("fit_end_c", Fit?.EndPointCelsius);
        yield return ("fit_r2", Fit?.RSquared);
    }
}

/// <summary>The metrics of one region and why any of them is missing.</summary>
public sealed record RegionRewarming(RewarmingMetrics Metrics, IReadOnlyList<string> Flags);
