using System.Globalization;

namespace ThermoHand.Calibration;

/// <summary>What one reference target is for.</summary>
public enum TargetRole
{
    /// <summary>Used to fit each pixel's gain and offset.</summary>
    Fit,

    /// <summary>Not used in the fit: the calibration is judged by how well it reads this target.</summary>
    Verification,
}

/// <summary>One reference target of a calibration: its place in the order, the temperature asked for, and its role.</summary>
public sealed record CalibrationTarget(int Number, int Count, double NominalCelsius, TargetRole Role)
{
    /// <summary>"target 2 of 3 (30 °C, verification)".</summary>
    public override string ToString() => string.Create(
        CultureInfo.InvariantCulture,
        $"target {Number} of {Count} ({NominalCelsius:0.#} °C, {(Role == TargetRole.Fit ? "fit" : "verification")})");
}

/// <summary>
/// When the sensor counts as warmed up: the mean of the image (the target fills the view) changes by less than
/// <see cref="MaxDriftCelsiusPerMinute"/>, measured as the least-squares slope over the last <see cref="Window"/>.
/// </summary>
/// <remarks>
/// Why these defaults: the MLX90640's offset settles over minutes after power-on; 0.01 °C/min over 2 minutes means what
/// is left to settle changes the readings by well under 0.05 °C during the few minutes the captures take (an offset
/// decaying with time constant τ still moving at rate r has r·τ left: 0.01 °C/min · 3 min = 0.03 °C). A target that
/// is itself drifting (a bath still heating) also holds the procedure here, which is what we want.
/// </remarks>
public sealed record WarmUpCriteria
{
    public TimeSpan Window { get; init; } = TimeSpan.FromMinutes(2);

    public double MaxDriftCelsiusPerMinute { get; init; } = 0.01;

    /// <summary>Give up (and say why) when the sensor has not settled after this long.</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromMinutes(30);
}

/// <summary>
/// The rules that declare a pixel bad (docs/calibration.md, "Bad pixels"). A bad pixel is not corrected but replaced
/// by the mean of its good neighbours when the calibration is applied.
/// </summary>
public sealed record BadPixelRules
{
    /// <summary>
    /// Dead: temporal noise below this fraction of the median pixel's at any target. A working thermopile pixel always
    /// shows noise (NETD 0.1 K); a pixel whose reading does not move at all is stuck, whatever value it shows.
    /// </summary>
    public double DeadNoiseFraction { get; init; } = 0.25;

    /// <summary>
    /// Noisy: temporal noise above this multiple of the median pixel's at any target. At the MLX90640's 0.1 K NETD that
    /// is 0.3 °C per image, so this pixel alone would use most of the 0.5 °C relative-error anchor (clinical.md §9);
    /// normal pixels stay below 1.5× the median (the spread of a standard deviation estimated from ≥ 30 images).
    /// </summary>
    public double NoisyNoiseFactor { get; init; } = 3.0;

    /// <summary>Dead: fitted gain below this (the pixel barely follows the target).</summary>
    public double MinGain { get; init; } = 0.8;

    /// <summary>Dead: fitted gain above this (the pixel over-reacts far beyond a factory-calibration error).</summary>
    public double MaxGain { get; init; } = 1.25;
}

/// <summary>
/// A calibration's design: the reference targets (two or more to fit, one more to verify), how many images to average at
/// each, the target's emissivity, warm-up, bad-pixel rules and pass/fail limits. Defaults in docs/calibration.md.
/// </summary>
public sealed record CalibrationPlan
{
    /// <summary>
    /// Default fit targets: 20 °C (a fingertip just after the cold challenge) and 36 °C (a warm dorsum), so every skin
    /// temperature of the test lies between them, where a straight-line fit is most accurate.
    /// </summary>
    public static IReadOnlyList<double> DefaultFitTargetsCelsius { get; } = [20, 36];

    /// <summary>Default verification target: 28 °C, in the middle of the rewarming range and 8 °C from either fit target.</summary>
    public const double DefaultVerificationTargetCelsius = 28;

    public IReadOnlyList<double> FitTargetsCelsius { get; init; } = DefaultFitTargetsCelsius;

    public double VerificationTargetCelsius { get; init; } = DefaultVerificationTargetCelsius;

    /// <summary>Images averaged per target (≥ 30 so each pixel's temporal noise is estimated within ±13 %).</summary>
    public int ImagesPerTarget { get; init; } = 32;

    /// <summary>Images read and thrown away after each target change, so no image mixes two targets.</summary>
    public int SettleImages { get; init; } = 2;

    /// <summary>Emissivity of the target's surface (blackbody plate ≈ 0.98, water ≈ 0.96): the driver is told this, not skin's.</summary>
    public float TargetEmissivity { get; init; } = 0.98f;

    /// <summary>
    /// A reference reading further than this from the sensor's median reading stops the procedure: the sensor is not
    /// looking at the target, or the reading was mistyped. Factory-calibrated MLX90640s are within ±1.5 °C.
    /// </summary>
    public double MaxReferenceDisagreementCelsius { get; init; } = 5;

    public WarmUpCriteria WarmUp { get; init; } = new();

    public BadPixelRules BadPixels { get; init; } = new();

    public CalibrationLimits Limits { get; init; } = new();

    /// <summary>All targets in the order they are presented: ascending temperature, so a water bath is only ever heated.</summary>
    public IReadOnlyList<CalibrationTarget> Targets()
    {
        var all = FitTargetsCelsius.Select(t => (T: t, Role: TargetRole.Fit))
            .Append((T: VerificationTargetCelsius, Role: TargetRole.Verification))
            .OrderBy(x => x.T)
            .ToList();
        return all.Select((x, i) => new CalibrationTarget(i + 1, all.Count, x.T, x.Role)).ToArray();
    }

    /// <summary>Everything wrong with this plan, in words; empty when it can be run.</summary>
    public IReadOnlyList<string> Validate()
    {
        var problems = new List<string>();
        if (FitTargetsCelsius.Count < 2)
        {
            problems.Add("at least two fit targets are needed to fit a gain and an offset");
        }

        foreach (var t in FitTargetsCelsius.Append(VerificationTargetCelsius))
        {
            if (!(t is >= 0 and <= 60))
            {
                problems.Add(string.Create(CultureInfo.InvariantCulture, $"target temperature {t} °C is outside 0–60 °C (skin temperatures lie well inside)"));
            }
        }

        if (ImagesPerTarget is < 8 or > 10_000)
        {
            problems.Add($"images per target must be 8 to 10000, not {ImagesPerTarget} (fewer cannot tell a noisy pixel)");
        }

        if (SettleImages is < 0 or > 1000)
        {
            problems.Add($"settle images must be 0 to 1000, not {SettleImages}");
        }

        if (!(TargetEmissivity is > 0.5f and <= 1f))
        {
            problems.Add(string.Create(CultureInfo.InvariantCulture, $"target emissivity {TargetEmissivity} is not that of a reference target (0.5–1)"));
        }

        if (problems.Count == 0)
        {
            problems.AddRange(TargetSpacingProblems(FitTargetsCelsius, VerificationTargetCelsius, Limits));
        }

        return problems;
    }

    /// <summary>
    /// Whether fit targets span enough to determine a gain and the verification target is far enough from each fit
    /// target to test the fit: checked on the plan's nominal temperatures and again on the reference readings.
    /// </summary>
    public static IReadOnlyList<string> TargetSpacingProblems(IReadOnlyList<double> fitCelsius, double verificationCelsius, CalibrationLimits limits)
    {
        ArgumentNullException.ThrowIfNull(fitCelsius);
        ArgumentNullException.ThrowIfNull(limits);
        var problems = new List<string>();
        var c = CultureInfo.InvariantCulture;
        if (fitCelsius.Count >= 2)
        {
            var span = fitCelsius.Max() - fitCelsius.Min();
            if (span < limits.MinFitSpanCelsius)
            {
                problems.Add(string.Create(c, $"the fit targets ({string.Join(", ", fitCelsius.Select(t => t.ToString("0.0#", c)))} °C) span only {span:0.0#} °C; they must span at least {limits.MinFitSpanCelsius:0.#} °C, or the gain is lost in the noise"));
            }
        }

        foreach (var t in fitCelsius)
        {
            var distance = Math.Abs(t - verificationCelsius);
            if (distance < limits.MinVerificationDistanceCelsius)
            {
                problems.Add(string.Create(c, $"the verification target ({verificationCelsius:0.0#} °C) is only {distance:0.0#} °C from the fit target {t:0.0#} °C; it must be at least {limits.MinVerificationDistanceCelsius:0.#} °C from every fit target, or it does not test the fit"));
            }
        }

        return problems;
    }
}
