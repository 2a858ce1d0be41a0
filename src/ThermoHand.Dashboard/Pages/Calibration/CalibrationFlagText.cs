namespace ThermoHand.Dashboard.Pages.Calibration;

/// <summary>
/// The worker's per-sensor <c>calibration_flags</c> (docs/worker.md §10, docs/device-stream.md) in plain words for the
/// report and the calibration pages: what happened and what it means for the session's absolute temperatures.
/// </summary>
public static class CalibrationFlagText
{
    public const string Missing = "calibration_missing";

    public const string Refused = "calibration_refused";

    public const string Expired = "calibration_expired";

    /// <summary>A short name for tables, e.g. "no site calibration".</summary>
    public static string Name(string flag) => flag switch
    {
        Missing => "no site calibration",
        Refused => "calibration file refused",
        Expired => "calibration expired",
        _ => flag.Replace('_', ' '),
    };

    /// <summary>What the flag means, in a sentence.</summary>
    public static string Meaning(string flag) => flag switch
    {
        Missing => "The device had no site calibration for this sensor, so its images were corrected with the sensor's factory "
                   + "calibration only; absolute temperatures may be off by more than with a site calibration (the reference check, "
                   + "if one was run, says by how much). Calibrate the sensor (thermohand calibrate).",
        Refused => "The sensor's site calibration file was damaged, not a calibration file or another sensor's, so the device did "
                   + "not apply it (nor an older version): the images were corrected with the factory calibration only. Replace "
                   + "the file on the device (download it from the calibration's report) or recalibrate the sensor.",
        Expired => "The site calibration had passed its expiry date at the session's start. It was still applied, but the sensor "
                   + "may have drifted since it was made: recalibrate the sensor (thermohand calibrate).",
        _ => $"The device reported the flag '{flag}', which this dashboard does not know: see the device's documentation.",
    };
}
