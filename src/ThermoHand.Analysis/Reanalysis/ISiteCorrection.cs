namespace ThermoHand.Analysis.Reanalysis;

/// <summary>
/// A site calibration as the re-analysis needs it: its reference and the per-pixel correction in the temperature
/// domain. The dashboard and the CLI wrap ThermoHand.Calibration's SiteCalibration in it (the analysis library does
/// not depend on the calibration library).
/// </summary>
public interface ISiteCorrection
{
    CalibrationReference Reference { get; }

    /// <summary>Factory-calibrated temperatures → site-corrected, in place (768 pixels).</summary>
    void Apply(Span<float> temperaturesCelsius);

    /// <summary>Undoes <see cref="Apply"/> in place (pixels the calibration filled in come back as NaN).</summary>
    void Remove(Span<float> temperaturesCelsius);
}
