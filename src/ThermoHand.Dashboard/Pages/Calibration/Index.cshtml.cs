using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using ThermoHand.Dashboard.Security;
using ThermoHand.Dashboard.Storage;

namespace ThermoHand.Dashboard.Pages.Calibration;

/// <summary>
/// /Calibration for device technicians: every sensor's newest calibration (validity, pass/fail, bad pixels, which
/// devices measured with it), the upload of a .thcal.json, a per-device summary flagging sessions measured with an
/// expired or no calibration, and how to run the guided capture on the device.
/// </summary>
[Authorize(Policy = ClinicPolicies.ManageCalibrations)]
[RequestSizeLimit(CalibrationUploads.MaxRequestBytes)]
[RequestFormLimits(MultipartBodyLengthLimit = CalibrationUploads.MaxRequestBytes)]
public sealed class IndexModel(ICalibrationStore store, CalibrationUploads uploads, TimeProvider clock) : PageModel
{
    /// <summary>One list row: a sensor's newest calibration and where it was used.</summary>
    public sealed record Row(StoredCalibrationSummary Calibration, IReadOnlyList<CalibrationUseCount> UsedBy);

    public IReadOnlyList<Row> Rows { get; private set; } = [];

    public IReadOnlyList<DeviceCalibrationSummary> Devices { get; private set; } = [];

    /// <summary>Per device, the calibration flags its sessions carried (calibration_missing, calibration_refused, calibration_expired).</summary>
    public IReadOnlyList<DeviceFlagCount> Flags { get; private set; } = [];

    public DateTimeOffset Now => clock.GetUtcNow();

    /// <summary>The outcome of the last upload, in words.</summary>
    public string? Message { get; private set; }

    public string? Problem { get; private set; }

    /// <summary>The calibration just stored, to link to its report.</summary>
    public string? StoredId { get; private set; }

    [BindProperty]
    public IFormFile? CalibrationFile { get; set; }

    public async Task OnGetAsync(CancellationToken cancellationToken) => await LoadAsync(cancellationToken);

    public async Task<IActionResult> OnPostUploadAsync(CancellationToken cancellationToken)
    {
        await using var content = CalibrationFile?.OpenReadStream();
        var result = await uploads.UploadAsync(CalibrationFile?.FileName, content, CalibrationFile?.Length ?? 0, User, cancellationToken);
        if (result.Accepted)
        {
            Message = result.Message;
            StoredId = result.CalibrationId;
        }
        else
        {
            Problem = result.Message;
            Response.StatusCode = StatusCodes.Status400BadRequest;
        }

        await LoadAsync(cancellationToken);
        return Page();
    }

    private async Task LoadAsync(CancellationToken cancellationToken)
    {
        var newest = await store.ListNewestCalibrationsAsync(cancellationToken);
        var all = new List<StoredCalibrationSummary>();
        foreach (var sensor in newest)
        {
            all.AddRange(await store.ListCalibrationVersionsAsync(sensor.SensorId, cancellationToken));
        }

        var usage = CalibrationUsage.From(await store.ListSessionSettingsAsync(cancellationToken: cancellationToken), all);
        Rows = newest.Select(c => new Row(c, usage.UsesOf(c.SensorId, c.Version))).ToList();
        Devices = usage.Devices();
        Flags = usage.FlagCounts();
    }
}
