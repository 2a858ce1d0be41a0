using System.Globalization;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using ThermoHand.Calibration;
using ThermoHand.Dashboard.Apis;
using ThermoHand.Dashboard.Security;
using ThermoHand.Dashboard.Storage;

namespace ThermoHand.Dashboard.Pages.Calibration;

/// <summary>
/// /Calibration/{sensorId}/v{version}: one calibration's report — the quality numbers against their limits, the
/// failures in words, gain / offset / bad-pixel maps, the sensor's version history, where it was used (counts and
/// dates per device), and the download of the exact file.
/// </summary>
[Authorize(Policy = ClinicPolicies.ManageCalibrations)]
public sealed class ReportModel(ICalibrationStore store, IReferenceCheckStore referenceChecks, TimeProvider clock) : PageModel
{
    /// <summary>One line of the quality table: a number, its limit (an upper or, for the target spacing, a lower bound), and whether it is met.</summary>
    public sealed record LimitRow(string Key, string Measure, string Definition, string? Before, string After, string Limit, bool Met);

    /// <summary>One picture and the words under it.</summary>
    public sealed record Picture(CalibrationMapKind Kind, string Title, string Url, string Caption);

    public StoredCalibrationSummary Stored { get; private set; } = null!;

    public SiteCalibration Calibration { get; private set; } = null!;

    public IReadOnlyList<LimitRow> Limits { get; private set; } = [];

    public IReadOnlyList<Picture> Pictures { get; private set; } = [];

    public IReadOnlyList<StoredCalibrationSummary> History { get; private set; } = [];

    public IReadOnlyList<CalibrationUseCount> UsedBy { get; private set; } = [];

    /// <summary>The reference checks the devices ran with this calibration applied, newest first (no patient reference).</summary>
    public IReadOnlyList<CalibrationReferenceCheck> ReferenceChecks { get; private set; } = [];

    public DateTimeOffset Now => clock.GetUtcNow();

    public string DownloadUrl => CalibrationApi.FileUrl(Stored.SensorId, Stored.Version);

    /// <summary>Set when the stored file no longer passes its own checksum (the database row was damaged).</summary>
    public string? Problem { get; private set; }

    public async Task<IActionResult> OnGetAsync(string sensorId, int version, CancellationToken cancellationToken)
    {
        var file = await store.GetCalibrationAsync(sensorId, version, cancellationToken);
        if (file is null)
        {
            return NotFound($"No calibration {sensorId}/v{version} is stored on the dashboard.");
        }

        Stored = file.Summary;
        History = await store.ListCalibrationVersionsAsync(sensorId, cancellationToken);
        var sessions = await store.ListSessionSettingsAsync(sensorId, cancellationToken);
        UsedBy = CalibrationUsage.From(sessions, History).UsesOf(sensorId, version);
        ReferenceChecks = await referenceChecks.ListReferenceChecksOfCalibrationAsync(Stored.Id, cancellationToken);
        try
        {
            Calibration = StoredCalibrationText.Parse(file);
        }
        catch (CalibrationFileException problem)
        {
            Problem = problem.Message + ". Upload the original file again under a new version, or recalibrate.";
            return Page();
        }

        Limits = LimitRows(Calibration.Quality);
        Pictures = PicturesOf(Calibration);
        return Page();
    }

    /// <summary>
    /// The report's numbers against the limits, with the definitions of docs/calibration.md ("Verification"): errors
    /// and noise over the good pixels at the verification target, "before" with the factory calibration only.
    /// </summary>
    public static IReadOnlyList<LimitRow> LimitRows(CalibrationQuality q)
    {
        ArgumentNullException.ThrowIfNull(q);
        var l = q.Limits;
        var fitSpan = q.FitTargetsCelsius.Count == 0 ? double.NaN : q.FitTargetsCelsius.Max() - q.FitTargetsCelsius.Min();
        var verificationDistance = q.FitTargetsCelsius.Count == 0 ? double.NaN : q.FitTargetsCelsius.Min(t => Math.Abs(t - q.VerificationTargetCelsius));
        var badSplit = q.DeadPixelCount + q.NoisyPixelCount == q.BadPixelCount && q.BadPixelCount > 0
            ? string.Create(CultureInfo.InvariantCulture, $" ({q.DeadPixelCount} dead, {q.NoisyPixelCount} noisy)")
            : "";
        return
        [
            new("mean-error", "Mean absolute error", "mean over the good pixels of |corrected − reference| at the verification target",
                Celsius(q.MeanAbsoluteErrorBeforeCelsius), Celsius(q.MeanAbsoluteErrorAfterCelsius), "≤ " + Celsius(l.MaxMeanAbsoluteErrorCelsius),
                q.MeanAbsoluteErrorAfterCelsius <= l.MaxMeanAbsoluteErrorCelsius),
            new("max-error", "Largest absolute error", "largest |corrected − reference| of a good pixel at the verification target",
                Celsius(q.MaxAbsoluteErrorBeforeCelsius), Celsius(q.MaxAbsoluteErrorAfterCelsius), "≤ " + Celsius(l.MaxAbsoluteErrorCelsius),
                q.MaxAbsoluteErrorAfterCelsius <= l.MaxAbsoluteErrorCelsius),
            new("noise", "Median temporal noise", "median over the good pixels of gain × the pixel's temporal standard deviation at the verification target",
                null, Celsius(q.MedianNoiseCelsius), "≤ " + Celsius(l.MaxMedianNoiseCelsius), q.MedianNoiseCelsius <= l.MaxMedianNoiseCelsius),
            new("uniformity", "Uniformity", "spatial standard deviation of the corrected image of the verification target",
                null, Celsius(q.UniformityCelsius), "≤ " + Celsius(l.MaxUniformityCelsius), q.UniformityCelsius <= l.MaxUniformityCelsius),
            new("bad-pixels", "Bad pixels", "pixels found dead or too noisy, replaced by the mean of their good neighbours",
                null, q.BadPixelCount.ToString(CultureInfo.InvariantCulture) + badSplit, "≤ " + l.MaxBadPixels.ToString(CultureInfo.InvariantCulture),
                q.BadPixelCount <= l.MaxBadPixels),
            new("fit-span", "Fit span", "highest minus lowest reference reading of the fit targets",
                null, Celsius(fitSpan), "≥ " + Celsius(l.MinFitSpanCelsius), fitSpan >= l.MinFitSpanCelsius),
            new("verification-distance", "Verification distance", "from the verification target's reading to the nearest fit target's",
                null, Celsius(verificationDistance), "≥ " + Celsius(l.MinVerificationDistanceCelsius), verificationDistance >= l.MinVerificationDistanceCelsius),
        ];
    }

    public static string Celsius(double value) =>
        double.IsFinite(value) ? value.ToString("0.00", CultureInfo.InvariantCulture) + " °C" : "—";

    private static IReadOnlyList<Picture> PicturesOf(SiteCalibration c)
    {
        var gain = CalibrationMaps.Scale(c, CalibrationMapKind.Gain);
        var offset = CalibrationMaps.Scale(c, CalibrationMapKind.Offset);
        var bad = c.BadPixels;
        return
        [
            new(CalibrationMapKind.Gain, "Gain", CalibrationApi.MapUrl(c.SensorId, c.Version, CalibrationMapKind.Gain),
                string.Create(CultureInfo.InvariantCulture,
                    $"Gain per pixel, {gain.Minimum:0.0000} to {gain.Maximum:0.0000}. White = 1 (factory value kept); blue below, red above; full colour at 1 ± {gain.HalfSpan:0.0000}.")),
            new(CalibrationMapKind.Offset, "Offset", CalibrationApi.MapUrl(c.SensorId, c.Version, CalibrationMapKind.Offset),
                string.Create(CultureInfo.InvariantCulture,
                    $"Offset per pixel, {offset.Minimum:0.00} to {offset.Maximum:0.00} °C. White = 0 °C; blue below, red above; full colour at ± {offset.HalfSpan:0.00} °C.")),
            new(CalibrationMapKind.BadPixels, "Bad pixels", CalibrationApi.MapUrl(c.SensorId, c.Version, CalibrationMapKind.BadPixels),
                bad.Count == 0
                    ? "No bad pixel."
                    : $"{bad.Count} bad pixel{(bad.Count == 1 ? "" : "s")} (orange, crossed; grey and crossed in the other maps): "
                      + string.Join(", ", bad.Select(p => string.Create(CultureInfo.InvariantCulture, $"column {p % SiteCalibration.Columns}, row {p / SiteCalibration.Columns}")))
                      + "."),
        ];
    }
}
