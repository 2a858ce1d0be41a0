using System.Globalization;
using ThermoHand.Calibration;

namespace ThermoHand.Dashboard.Pages.Calibration;

/// <summary>
/// A calibration's validity in the technicians' words: "valid until 2027-03-01", "expires in 12 days", "expired 3 days
/// ago". Same rule as <see cref="SiteCalibration.ValidityAt"/> (expired from the expiry instant on; "expires soon"
/// within <see cref="WarnBefore"/> of it), so the page and the worker agree.
/// </summary>
public static class CalibrationValidityText
{
    /// <summary>How long before expiry the pages warn: time to book a recalibration (docs/dashboard.md, "Calibration").</summary>
    public static readonly TimeSpan WarnBefore = TimeSpan.FromDays(30);

    public static CalibrationValidity At(DateTimeOffset expiresUtc, DateTimeOffset now) =>
        now >= expiresUtc ? CalibrationValidity.Expired
        : now >= expiresUtc - WarnBefore ? CalibrationValidity.ExpiresSoon
        : CalibrationValidity.Valid;

    public static string Describe(DateTimeOffset expiresUtc, DateTimeOffset now) => At(expiresUtc, now) switch
    {
        CalibrationValidity.Expired => (int)Math.Floor((now - expiresUtc).TotalDays) is var ago && ago < 1 ? "expired today" : $"expired {Days(ago)} ago",
        CalibrationValidity.ExpiresSoon => $"expires in {Days((int)Math.Ceiling((expiresUtc - now).TotalDays))}",
        _ => $"valid until {expiresUtc.UtcDateTime.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)}",
    };

    /// <summary>CSS class: expired is an alarm, expiring soon a warning.</summary>
    public static string CssClass(DateTimeOffset expiresUtc, DateTimeOffset now) => At(expiresUtc, now) switch
    {
        CalibrationValidity.Expired => "validity expired",
        CalibrationValidity.ExpiresSoon => "validity expires-soon",
        _ => "validity valid",
    };

    // Whole days: rounded up while still valid ("expires in 1 day" until the very end), down once expired.
    private static string Days(int days) => days == 1 ? "1 day" : $"{days} days";
}
