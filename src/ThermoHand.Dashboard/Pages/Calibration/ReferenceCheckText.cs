using System.Globalization;
using ThermoHand.Dashboard.Storage;

namespace ThermoHand.Dashboard.Pages.Calibration;

/// <summary>
/// A reference check's numbers as the report and the calibration pages print them (docs/worker.md §10): target and
/// measured in °C to 0.01, error = measured − target with its sign, the limit as ±, and the verdict in words.
/// </summary>
public static class ReferenceCheckText
{
    /// <summary>What the table's columns mean, printed under it.</summary>
    public const string Definition =
        "The sensor looked at a reference target of known temperature before the session. Measured = mean of the image's central "
        + "region over the check's images; error = measured − target; the check passes when |error| ≤ the limit (default 0.5 °C: "
        + "clinical decisions rest on differences of 0.5–1 °C, clinical.md §9). A failed check means the session's absolute temperatures "
        + "may be off by about the error.";

    public static string Celsius(double? value) =>
        value is { } v && double.IsFinite(v) ? v.ToString("0.00", CultureInfo.InvariantCulture) + " °C" : "—";

    /// <summary>The error with its sign ("+0.94 °C"), or "no image" when none was measured.</summary>
    public static string Error(StoredReferenceCheck check)
    {
        ArgumentNullException.ThrowIfNull(check);
        return check.ErrorC is { } e ? e.ToString("+0.00;-0.00;0.00", CultureInfo.InvariantCulture) + " °C" : "no image";
    }

    public static string Limit(StoredReferenceCheck check)
    {
        ArgumentNullException.ThrowIfNull(check);
        return "± " + check.LimitC.ToString("0.00", CultureInfo.InvariantCulture) + " °C";
    }

    public static string Verdict(StoredReferenceCheck check)
    {
        ArgumentNullException.ThrowIfNull(check);
        return check.Passed ? "passed" : "FAILED";
    }

    /// <summary>"site calibration 0A1B2C3D4E5F/v3" or "factory calibration only".</summary>
    public static string Calibration(string calibrationId) =>
        string.Equals(calibrationId, "factory", StringComparison.OrdinalIgnoreCase) ? "factory calibration only" : "site calibration " + calibrationId;
}
