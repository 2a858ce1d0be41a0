using System.Globalization;

namespace ThermoHand.Dashboard.Pages.Sessions;

/// <summary>How one metric is shown: its JSON field, the clinic's name for it, unit, definition and display precision.</summary>
public sealed record MetricDefinition(string Field, string Label, string Unit, string Definition, int Decimals)
{
    public string Format(double? value) => value is { } v && double.IsFinite(v)
        ? v.ToString("F" + Decimals.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture)
        : "—";
}

/// <summary>
/// The metrics of the report and comparison tables, with units and definitions as docs/metrics.md §2–3 states
/// them. Times are seconds after challenge_end (hands out of the water = 0 s).
/// </summary>
public static class MetricCatalog
{
    /// <summary>The DDD sign convention, word for word on every page that shows a DDD (clinical.md §2.1).</summary>
    public const string DddConvention =
        "DDD (distal–dorsal difference) = T dorsum − T fingertip at baseline, in °C. Positive = fingers colder than the back of the hand. "
        + "(The Bath \"digit − dorsum gradient\" has the opposite sign.)";

    public const string TimeZero = "Time 0 s = challenge end (hands leave the water); all rewarming times are seconds after it.";

    public static readonly IReadOnlyList<MetricDefinition> RegionMetrics =
    [
        new("baseline_c", "Baseline", "°C", "Mean of trusted frames in the 60 s before challenge start", 2),
        new("baseline_coverage_s", "Baseline coverage", "s", "Seconds of the 60 s baseline window covered by trusted frames", 0),
        new("noise_c", "Frame noise", "°C", "One frame's noise during baseline (robust, from successive differences)", 3),
        new("t0_c", "T0", "°C", "Smoothed temperature at the first frame after challenge end", 2),
        new("min_c", "Minimum", "°C", "Minimum of the smoothed curve over 0–900 s", 2),
        new("t_min_s", "Time of minimum", "s", "When the minimum occurred", 0),
        new("drop_c", "Drop", "°C", "Baseline − minimum", 2),
        new("recovery_pct.300", "Recovery at 5 min", "%", "100 · (T(300 s) − min) / (baseline − min)", 1),
        new("recovery_pct.600", "Recovery at 10 min", "%", "100 · (T(600 s) − min) / (baseline − min)", 1),
        new("recovery_pct.900", "Recovery at 15 min", "%", "100 · (T(900 s) − min) / (baseline − min)", 1),
        new("t25_s", "t25", "s", "First time after the minimum with recovery ≥ 25 % (— if never within 900 s)", 0),
        new("t50_s", "t50", "s", "First time after the minimum with recovery ≥ 50 % (— if never within 900 s)", 0),
        new("t63_s", "t63", "s", "First time after the minimum with recovery ≥ 63 %", 0),
        new("t100_s", "t100", "s", "First time after the minimum with recovery ≥ 100 % (back to baseline)", 0),
        new("lag_s", "Lag", "s", "First time the curve rises more than max(3 · noise, 0.5 °C) above the minimum and stays there 30 s", 0),
        new("max_rate_c_per_min", "Maximum rewarming rate", "°C/min", "Steepest least-squares slope over any 60 s window", 2),
        new("early_gradient_c_per_min", "Early gradient", "°C/min", "Least-squares slope over 0–120 s", 2),
        new("max_c", "Maximum", "°C", "Maximum of the smoothed curve over 0–900 s", 2),
        new("t_max_s", "Time of maximum", "s", "When the maximum occurred", 0),
        new("final_c", "Final", "°C", "Smoothed temperature at 900 s", 2),
        new("auc_c_min", "Area under curve", "°C·min", "Integral of T over 0–900 s", 1),
        new("auc_above_min_c_min", "Area above minimum", "°C·min", "Integral of (T − minimum) over 0–900 s", 1),
        new("fit.tau_s", "Fit τ", "s", "Time constant of T(t) = T∞ − (T∞ − T0)·e^(−(t − lag)/τ)", 0),
        new("fit.t_inf_c", "Fit T∞", "°C", "Plateau of the exponential fit", 2),
        new("fit.r2", "Fit R²", "", "Goodness of the exponential fit (1 = perfect)", 4),
    ];

    /// <summary>The handful of metrics the comparison table and the PDF summary use (the clinically read ones).</summary>
    public static readonly IReadOnlyList<string> KeyFields =
        ["baseline_c", "min_c", "drop_c", "recovery_pct.300", "recovery_pct.600", "recovery_pct.900", "t50_s", "max_rate_c_per_min", "auc_above_min_c_min"];

    public static MetricDefinition Get(string field)
        => RegionMetrics.FirstOrDefault(m => m.Field == field)
           ?? throw new ArgumentException($"'{field}' is not a metric of the report (see MetricCatalog.RegionMetrics).", nameof(field));

    /// <summary>Region order of every table: fingertips thumb to little finger, then the dorsum.</summary>
    public static readonly IReadOnlyList<string> RegionOrder = ["D1", "D2", "D3", "D4", "D5", "dorsum"];

    public static string RegionLabel(string name) => name switch
    {
        "D1" => "D1 thumb",
        "D2" => "D2 index",
        "D3" => "D3 middle",
        "D4" => "D4 ring",
        "D5" => "D5 little",
        "dorsum" => "Dorsum",
        _ => name,
    };
}
