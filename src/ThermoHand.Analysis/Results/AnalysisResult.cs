using ThermoHand.Analysis.Regions;
using ThermoHand.Analysis.Rewarming;

namespace ThermoHand.Analysis.Results;

/// <summary>
/// One region of interest in the result: where it was at baseline (32×24 pixel coordinates), its metrics and its
/// rewarming curve (trusted temperatures after challenge_end; times in seconds after challenge_end).
/// </summary>
public sealed record RoiResult(string Name, int? Digit, PixelPoint? Tip, RewarmingMetrics Metrics, IReadOnlyList<TemperatureSample> Curve);

/// <summary>
/// Distal–dorsal difference at baseline, DDD = T_dorsum − T_fingertip (positive = fingers colder than the back of the
/// hand; clinical.md §2.1). <see cref="Mean"/> averages the available digits 2–5; the thumb is reported apart.
/// </summary>
public sealed record DddResult(
    IReadOnlyDictionary<string, double?> Fingers,
    double? Mean,
    double? Thumb,
    int? FingersAboveThreshold,
    int FingersMeasured);

/// <summary>Mean, spread and count of one metric across fingers. CV = SD / mean, only for a positive mean.</summary>
public sealed record MetricSpread(string Name, double? Mean, double? StandardDeviation, double? CoefficientOfVariation, int Count);

/// <summary>What went into the analysis and everything that limits it.</summary>
public sealed record QualityReport(IReadOnlyList<string> Flags, int FramesUsed, int FramesRejected);

/// <summary>Protocol times on the recording clock (null when the event is missing).</summary>
public sealed record ChallengeTiming(double? StartSeconds, double? EndSeconds)
{
    public double? ImmersionSeconds => EndSeconds - StartSeconds;
}

/// <summary>
/// The analysis of one hand (shared/formats.md §4). <see cref="Provisional"/> is true while the session is still
/// running: metrics then describe the data seen up to <see cref="AnalysedUntilSeconds"/>.
/// </summary>
public sealed record AnalysisResult(
    Hand Hand,
    IReadOnlyList<RoiResult> Rois,
    DddResult Ddd,
    IReadOnlyList<MetricSpread> DigitAverages,
    QualityReport Quality,
    ChallengeTiming Challenge,
    bool Provisional,
    double? AnalysedUntilSeconds)
{
    public const string Schema = "thermohand/analysis/v1";

    /// <summary>
    /// The settings that produced this result (docs/reanalysis.md); written as an optional <c>provenance</c> object.
    /// Null (nothing written) keeps the device's live output byte-for-byte as before.
    /// </summary>
    public Reanalysis.AnalysisProvenance? Provenance { get; init; }

    public RoiResult? Roi(string name) => Rois.FirstOrDefault(r => r.Name == name);
}

/// <summary>
/// Both hands of one session (two sensors): the Manchester summary averages the 8 fingers, digits 2–5 of both hands
/// (clinical.md §0, [S4][S7]).
/// </summary>
public sealed record BilateralResult(
    AnalysisResult Left,
    AnalysisResult Right,
    IReadOnlyList<MetricSpread> EightFingerAverages,
    double? EightFingerDddMeanCelsius,
    int? FingersWithDddAboveThreshold);
