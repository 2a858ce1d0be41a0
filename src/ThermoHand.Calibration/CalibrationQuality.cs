namespace ThermoHand.Calibration;

/// <summary>
/// The numbers a calibration report states and its verdict: errors at the verification target (one not used in the
/// fit) before and after the site correction, temporal noise, uniformity and bad pixels, against stated limits.
/// </summary>
public sealed record CalibrationQuality
{
    /// <summary>Reference temperatures (°C) of the targets used in the fit.</summary>
    public IReadOnlyList<double> FitTargetsCelsius { get; init; } = [];

    /// <summary>Reference temperature (°C) of the verification target, not used in the fit.</summary>
    public double VerificationTargetCelsius { get; init; }

    /// <summary>Mean |measured − reference| over the good pixels at the verification target, factory calibration only.</summary>
    public double MeanAbsoluteErrorBeforeCelsius { get; init; }

    public double MaxAbsoluteErrorBeforeCelsius { get; init; }

    /// <summary>The same after the site correction.</summary>
    public double MeanAbsoluteErrorAfterCelsius { get; init; }

    public double MaxAbsoluteErrorAfterCelsius { get; init; }

    /// <summary>Median over pixels of each pixel's temporal standard deviation (°C) at the verification target.</summary>
    public double MedianNoiseCelsius { get; init; }

    /// <summary>Spatial standard deviation (°C) of the corrected verification image (a uniform target reads flat).</summary>
    public double UniformityCelsius { get; init; }

    public int BadPixelCount { get; init; }

    /// <summary>Of <see cref="BadPixelCount"/>, those found dead (stuck, invalid, or not following the target).</summary>
    public int DeadPixelCount { get; init; }

    /// <summary>Of <see cref="BadPixelCount"/>, those found too noisy.</summary>
    public int NoisyPixelCount { get; init; }

    /// <summary>Images averaged at each target.</summary>
    public int ImagesPerTarget { get; init; }

    public CalibrationLimits Limits { get; init; } = new();

    public bool Passed { get; init; }

    /// <summary>Each limit that was not met, in words; empty when <see cref="Passed"/>.</summary>
    public IReadOnlyList<string> Failures { get; init; } = [];
}

/// <summary>The limits a calibration must meet to pass (defaults documented in docs/calibration.md).</summary>
public sealed record CalibrationLimits
{
    public double MaxMeanAbsoluteErrorCelsius { get; init; } = 0.3;

    public double MaxAbsoluteErrorCelsius { get; init; } = 1.0;

    public double MaxMedianNoiseCelsius { get; init; } = 0.3;

    public double MaxUniformityCelsius { get; init; } = 0.3;

    /// <summary>The datasheet allows up to 4 defective pixels; more means the sensor itself is suspect.</summary>
    public int MaxBadPixels { get; init; } = 4;

    /// <summary>The fit targets' reference temperatures must span at least this (°C), or the gain is lost in the noise.</summary>
    public double MinFitSpanCelsius { get; init; } = 5;

    /// <summary>The verification target must be at least this far (°C) from every fit target, or it does not test the fit.</summary>
    public double MinVerificationDistanceCelsius { get; init; } = 2;
}
