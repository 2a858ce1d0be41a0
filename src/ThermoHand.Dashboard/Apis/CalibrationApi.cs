using System.Security.Claims;
using System.Text;
using ThermoHand.Calibration;
using ThermoHand.Dashboard.Pages.Calibration;
using ThermoHand.Dashboard.Security;
using ThermoHand.Dashboard.Storage;

namespace ThermoHand.Dashboard.Apis;

/// <summary>
/// Site calibrations for device technicians (policy ManageCalibrations): the list of every sensor's newest version,
/// the exact stored file (to copy into a device's calibration directory; each download audited), and the report's
/// pictures as PNG. Uploads go through the /Calibration page's form (antiforgery, one place for the refusal messages).
/// </summary>
public static class CalibrationApi
{
    public const string Prefix = "/api/calibrations";

    public static IEndpointRouteBuilder MapCalibrationApi(this IEndpointRouteBuilder endpoints)
    {
        var group = endpoints.MapGroup(Prefix).RequireAuthorization(ClinicPolicies.ManageCalibrations);
        group.MapGet("/", ListAsync);
        group.MapGet("/{sensorId}/v{version:int}/file", DownloadAsync);
        group.MapGet("/{sensorId}/v{version:int}/{map}.png", MapAsync);
        return endpoints;
    }

    /// <summary>Address of a calibration's file download.</summary>
    public static string FileUrl(string sensorId, int version) => $"{Prefix}/{Uri.EscapeDataString(sensorId)}/v{version}/file";

    /// <summary>Address of one of a calibration's pictures.</summary>
    public static string MapUrl(string sensorId, int version, CalibrationMapKind kind) =>
        $"{Prefix}/{Uri.EscapeDataString(sensorId)}/v{version}/{CalibrationMaps.Name(kind)}.png";

    private static async Task<IResult> ListAsync(ICalibrationStore store, TimeProvider clock, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        var newest = await store.ListNewestCalibrationsAsync(cancellationToken);
        return TypedResults.Ok(newest.Select(c => new
        {
            id = c.Id,
            sensor_id = c.SensorId,
            version = c.Version,
            created_utc = c.CreatedUtc,
            expires_utc = c.ExpiresUtc,
            validity = CalibrationValidityText.At(c.ExpiresUtc, now) switch
            {
                CalibrationValidity.Expired => "expired",
                CalibrationValidity.ExpiresSoon => "expires_soon",
                _ => "valid",
            },
            passed = c.Passed,
            bad_pixel_count = c.BadPixelCount,
            sha256 = c.BodySha256,
            file_sha256 = c.FileSha256,
            uploaded_by = c.UploadedBy,
            uploaded_utc = c.UploadedUtc,
        }).ToList());
    }

    private static async Task<IResult> DownloadAsync(string sensorId, int version, ICalibrationStore store, AuditTrail audit, ClaimsPrincipal user, CancellationToken cancellationToken)
    {
        var stored = await store.GetCalibrationAsync(sensorId, version, cancellationToken);
        if (stored is null)
        {
            return NotStored(sensorId, version);
        }

        await audit.RecordAsync(user, CalibrationUploads.DownloadAction, "calibration", stored.Summary.Id, $"sha256={stored.Summary.BodySha256}", cancellationToken);
        // The bytes exactly as uploaded, under the name the device's calibration directory expects (v0003.thcal.json).
        return TypedResults.File(stored.FileBytes, "application/json", SiteCalibrationFile.FileNameFor(version));
    }

    private static async Task<IResult> MapAsync(string sensorId, int version, string map, ICalibrationStore store, CancellationToken cancellationToken)
    {
        if (CalibrationMaps.Parse(map) is not { } kind)
        {
            return TypedResults.NotFound("No such picture: use gain.png, offset.png or bad-pixels.png.");
        }

        var stored = await store.GetCalibrationAsync(sensorId, version, cancellationToken);
        if (stored is null)
        {
            return NotStored(sensorId, version);
        }

        var calibration = StoredCalibrationText.Parse(stored);
        return TypedResults.File(CalibrationMaps.RenderPng(calibration, kind), "image/png");
    }

    private static IResult NotStored(string sensorId, int version) =>
        TypedResults.NotFound($"No calibration {sensorId}/v{version} is stored on the dashboard.");
}

/// <summary>Reads a stored calibration back (it was checked on upload; the checksum is checked again, so a damaged row shows as such).</summary>
public static class StoredCalibrationText
{
    public static SiteCalibration Parse(StoredCalibrationFile stored)
    {
        ArgumentNullException.ThrowIfNull(stored);
        return SiteCalibrationFile.Parse(Encoding.UTF8.GetString(stored.FileBytes), stored.Summary.Id);
    }
}
