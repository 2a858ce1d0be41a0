using System.Globalization;

namespace ThermoHand.Cli.Accuracy;

/// <summary>The comparison of one whole session, and how long it took to simulate and analyse.</summary>
public sealed record SessionAccuracy(AccuracySession Session, IReadOnlyList<DigitComparison> Digits, double Seconds, bool BaselineFound);

/// <summary>
/// One row of the accuracy table: a metric, how its error is taken from a digit's comparison, its unit and the
/// aim of the requirement (null = no aim stated). Errors are measured − true; the table summarises their absolute values.
/// </summary>
public sealed record AccuracyMetric(string Name, string Unit, double? Aim, Func<DigitComparison, double?> Error, bool FingersOnly = false)
{
    /// <summary>The metrics of the table, in order. DDD is defined for D2–D5 (the thumb is reported apart).</summary>
    public static IReadOnlyList<AccuracyMetric> All { get; } =
    [
        new("fingertip position", "px", 1.0, c => c.PositionErrorPixels),
        new("fingertip baseline", "°C", 0.5, c => c.BaselineErrorCelsius),
        new("recovery at 300 s", "% points", 10, c => c.RecoveryErrorPoints.GetValueOrDefault("300")),
        new("recovery at 600 s", "% points", 10, c => c.RecoveryErrorPoints.GetValueOrDefault("600")),
        new("recovery at 900 s", "% points", 10, c => c.RecoveryErrorPoints.GetValueOrDefault("900")),
        new("t50", "s", 30, c => c.T50ErrorSeconds),
        new("DDD (D2–D5)", "°C", 0.5, c => c.DddErrorCelsius, FingersOnly: true),
    ];

    public IEnumerable<double> Errors(IEnumerable<SessionAccuracy> sessions) => sessions
        .SelectMany(s => s.Digits)
        .Where(c => !FingersOnly || c.Digit >= 2)
        .Select(Error)
        .Where(e => e is { } v && double.IsFinite(v))
        .Select(e => e!.Value);
}

/// <summary>Median, 90th percentile and count of absolute errors, plus the mean signed error (the bias).</summary>
public sealed record ErrorSummary(int Count, double Median, double P90, double MeanSigned)
{
    public static ErrorSummary? Of(IEnumerable<double> signedErrors)
    {
        var values = signedErrors.ToList();
        if (values.Count == 0)
        {
            return null;
        }

        var absolute = values.Select(Math.Abs).Order().ToList();
        return new ErrorSummary(values.Count, Quantile(absolute, 0.5), Quantile(absolute, 0.9), values.Average());
    }

    /// <summary>Quantile of sorted values by linear interpolation between order statistics (Hyndman–Fan type 7, as R and NumPy).</summary>
    public static double Quantile(IReadOnlyList<double> sorted, double p)
    {
        ArgumentNullException.ThrowIfNull(sorted);
        if (sorted.Count == 0)
        {
            return double.NaN;
        }

        var h = (sorted.Count - 1) * p;
        var lower = (int)Math.Floor(h);
        var upper = Math.Min(lower + 1, sorted.Count - 1);
        return sorted[lower] + ((h - lower) * (sorted[upper] - sorted[lower]));
    }

    /// <summary>"0.41 ✓ / 0.93 ✗": median and 90th percentile, each marked against the aim when there is one.</summary>
    public string Cell(double? aim, string format)
    {
        string Mark(double v) => aim is { } a ? (v <= a ? " ✓" : " ✗") : "";
        return string.Create(CultureInfo.InvariantCulture, $"{Median.ToString(format, CultureInfo.InvariantCulture)}{Mark(Median)} / {P90.ToString(format, CultureInfo.InvariantCulture)}{Mark(P90)}");
    }
}

/// <summary>A column of the table: a named subset of the sessions (overall, one group, one field of view, …).</summary>
public sealed record AccuracyColumn(string Name, Func<AccuracySession, bool> Includes)
{
    public IReadOnlyList<SessionAccuracy> Select(IEnumerable<SessionAccuracy> sessions) => sessions.Where(s => Includes(s.Session)).ToList();

    /// <summary>Overall, the three groups, the two fields of view.</summary>
    public static IReadOnlyList<AccuracyColumn> Standard { get; } =
    [
        new("all", _ => true),
        new("healthy", s => s.Group == Simulation.PatientGroup.Healthy),
        new("primary RP", s => s.Group == Simulation.PatientGroup.PrimaryRaynauds),
        new("SSc", s => s.Group == Simulation.PatientGroup.SystemicSclerosis),
        new("55°", s => s.FovDegrees == 55),
        new("110°", s => s.FovDegrees == 110),
    ];
}

/// <summary>Counts that are not errors: digits found, digits mislabelled, t50 present on one side only.</summary>
public sealed record DetectionCounts(int Sessions, int SessionsWithBaseline, int DigitsExpected, int DigitsDetected, int Mislabelled, int T50Mismatches)
{
    public double MislabelledRate => DigitsDetected == 0 ? double.NaN : (double)Mislabelled / DigitsDetected;

    public static DetectionCounts Of(IReadOnlyCollection<SessionAccuracy> sessions)
    {
        ArgumentNullException.ThrowIfNull(sessions);
        var digits = sessions.SelectMany(s => s.Digits).ToList();
        return new DetectionCounts(
            sessions.Count,
            sessions.Count(s => s.BaselineFound),
            digits.Count,
            digits.Count(d => d.Detected),
            digits.Count(d => d.Mislabelled),
            digits.Count(d => d.T50Mismatch));
    }
}
