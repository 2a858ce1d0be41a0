using System.Globalization;
using ThermoHand.Calibration;

namespace ThermoHand.Cli.Commands;

/// <summary>
/// <c>thermohand calibration check FILE [--at DATE]</c>: verifies a site-calibration file's checksum and contents and
/// prints its summary and whether it is valid at a date (now by default). Exit 0 valid (or expiring soon),
/// <see cref="CalibrationExitCodes.Expired"/> expired, <see cref="ExitCodes.InvalidInput"/> damaged or not a calibration.
/// </summary>
public sealed class CalibrationCheckCommand : ICliCommand
{
    /// <summary>How long before expiry a calibration is reported as expiring soon (the worker warns the same way).</summary>
    public static readonly TimeSpan WarnBeforeExpiry = TimeSpan.FromDays(30);

    public string Name => "calibration check";

    public string Usage => "FILE.thcal.json [--at YYYY-MM-DD]";

    public string Summary => "Check a sensor calibration file: checksum, contents, summary, validity and expiry.";

    /// <summary>"Now" when --at is not given (tests fix it).</summary>
    internal TimeProvider Clock { get; init; } = TimeProvider.System;

    public int Run(CommandArguments args, TextWriter output, TextWriter error)
    {
        ArgumentNullException.ThrowIfNull(args);
        var path = args.Required(0, "the calibration file (FILE.thcal.json)");
        var atText = args.Option("at");
        args.EnsureAllConsumed(1);
        var c = CultureInfo.InvariantCulture;
        var at = Clock.GetUtcNow();
        if (atText is not null)
        {
            at = DateTimeOffset.TryParse(atText, c, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var parsed)
                ? parsed
                : throw new CommandLineException($"--at must be a date such as 2027-01-31 (or 2027-01-31T09:00Z), not '{atText}'");
        }

        SiteCalibration calibration;
        try
        {
            calibration = SiteCalibrationFile.Read(path);
        }
        catch (CalibrationFileException e)
        {
            error.WriteLine($"thermohand calibration check: REFUSED — {e.Message}");
            return ExitCodes.InvalidInput;
        }

        var q = calibration.Quality;
        output.WriteLine($"{path}: checksum OK");
        output.WriteLine($"calibration {calibration.Id} for sensor {calibration.SensorId}");
        output.WriteLine(string.Create(c, $"made {calibration.CreatedUtc:yyyy-MM-dd HH:mm} UTC, expires {calibration.ExpiresUtc:yyyy-MM-dd HH:mm} UTC"));
        output.WriteLine(string.Create(c, $"fit targets {string.Join(", ", q.FitTargetsCelsius.Select(t => t.ToString("0.00", c)))} °C, verified at {q.VerificationTargetCelsius:0.00} °C: mean abs error {q.MeanAbsoluteErrorBeforeCelsius:0.000} → {q.MeanAbsoluteErrorAfterCelsius:0.000} °C, largest {q.MaxAbsoluteErrorAfterCelsius:0.000} °C"));
        output.WriteLine(string.Create(c, $"median noise {q.MedianNoiseCelsius:0.000} °C, uniformity {q.UniformityCelsius:0.000} °C, bad pixels {calibration.BadPixels.Count} [{string.Join(", ", calibration.BadPixels)}]"));
        output.WriteLine(q.Passed ? "passed its limits when it was made" : "did NOT pass its limits when it was made: " + string.Join("; ", q.Failures));
        var validity = calibration.ValidityAt(at, WarnBeforeExpiry);
        switch (validity)
        {
            case CalibrationValidity.Expired:
                output.WriteLine(string.Create(c, $"EXPIRED on {calibration.ExpiresUtc:yyyy-MM-dd} (checked at {at:yyyy-MM-dd}): recalibrate the sensor; sessions measured with it are flagged"));
                return CalibrationExitCodes.Expired;
            case CalibrationValidity.ExpiresSoon:
                output.WriteLine(string.Create(c, $"valid at {at:yyyy-MM-dd}, but expires within {WarnBeforeExpiry.TotalDays:0} days ({(calibration.ExpiresUtc - at).TotalDays:0} left): plan a recalibration"));
                break;
            default:
                output.WriteLine(string.Create(c, $"valid at {at:yyyy-MM-dd} ({(calibration.ExpiresUtc - at).TotalDays:0} days left)"));
                break;
        }

        return q.Passed ? ExitCodes.Ok : CalibrationExitCodes.FailedLimits;
    }
}
