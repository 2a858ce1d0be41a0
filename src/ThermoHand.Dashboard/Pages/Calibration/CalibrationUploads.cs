using System.Globalization;
using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using ThermoHand.Calibration;
using ThermoHand.Dashboard.Extensions;
using ThermoHand.Dashboard.Security;
using ThermoHand.Dashboard.Storage;

namespace ThermoHand.Dashboard.Pages.Calibration;

/// <summary>
/// Takes one uploaded <c>.thcal.json</c>: checks it with <see cref="SiteCalibrationFile.Parse"/> (format, checksum,
/// content), refuses a taken version, stores the exact bytes, and audits the upload or the refusal. Whatever is
/// refused leaves nothing stored; the answer says what is wrong in the parser's words and what to do.
/// </summary>
public sealed class CalibrationUploads(ICalibrationStore store, AuditTrail audit, TimeProvider clock)
{
    /// <summary>Audit actions of the calibration pages.</summary>
    public const string UploadAction = "calibration_upload", RefusedAction = "calibration_refused", DownloadAction = "calibration_download";

    /// <summary>Largest request the upload form accepts: the largest file the parser reads plus room for the form around it.</summary>
    public const long MaxRequestBytes = SiteCalibrationFile.MaxFileBytes + (64 * 1024);

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    public async Task<CalibrationUploadResult> UploadAsync(string? uploadedName, Stream? content, long length, ClaimsPrincipal user, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(user);
        // Only the last path part: browsers may send a full path, and the name is shown and stored.
        var name = Path.GetFileName(uploadedName ?? "").Trim();
        if (content is null || name.Length == 0)
        {
            return CalibrationUploadResult.Refused("Choose a calibration file (.thcal.json) to upload; nothing was stored.");
        }

        if (length > SiteCalibrationFile.MaxFileBytes)
        {
            return await RefuseAsync(user, name, null,
                $"{name}: {length.ToString("N0", CultureInfo.InvariantCulture)} bytes is too large for a calibration file (at most {SiteCalibrationFile.MaxFileBytes.ToString("N0", CultureInfo.InvariantCulture)}); it is not a calibration file. Nothing was stored.",
                cancellationToken);
        }

        var bytes = new byte[length];
        await content.ReadExactlyAsync(bytes, cancellationToken);
        SiteCalibration calibration;
        string bodySha256;
        try
        {
            var text = DecodeText(bytes, name);
            calibration = SiteCalibrationFile.Parse(text, name);
            bodySha256 = ReadBodyChecksum(text);
        }
        catch (CalibrationFileException problem)
        {
            return await RefuseAsync(user, name, null, problem.Message + ". Nothing was stored.", cancellationToken);
        }

        if (!SensorIds.IsUsable(calibration.SensorId))
        {
            return await RefuseAsync(user, name, calibration.Id,
                $"{name}: sensor id '{calibration.SensorId}' is not one the dashboard can file (letters, digits, '-' or '_', at most 64); the file was not made by thermohand calibrate. Nothing was stored.",
                cancellationToken);
        }

        var now = clock.GetUtcNow();
        var result = await store.AddCalibrationAsync(new NewSiteCalibration(
            calibration.SensorId, calibration.Version, bodySha256, Convert.ToHexStringLower(SHA256.HashData(bytes)), name, bytes,
            calibration.CreatedUtc, calibration.ExpiresUtc, calibration.Quality.Passed, calibration.BadPixels.Count,
            user.UserName(), now), cancellationToken);
        switch (result.Outcome)
        {
            case CalibrationAddOutcome.Added:
                await audit.RecordAsync(user, UploadAction, "calibration", calibration.Id, $"{name} sha256={bodySha256}", cancellationToken);
                return CalibrationUploadResult.Stored(calibration.Id, $"Stored {calibration.Id} from {name} ({(calibration.Quality.Passed ? "passed" : "FAILED")} its limits).");
            case CalibrationAddOutcome.AlreadyStored:
                // Not a refusal: the same file twice changes nothing, and the technician is told so.
                await audit.RecordAsync(user, UploadAction, "calibration", calibration.Id, $"{name}: identical to the stored file; nothing changed", cancellationToken);
                return CalibrationUploadResult.Stored(calibration.Id, $"{calibration.Id} is already stored with exactly this content (uploaded by {result.Stored.UploadedBy}); nothing changed.");
            default:
                var taken = result.Stored;
                return await RefuseAsync(user, name, calibration.Id,
                    $"{name}: sensor {calibration.SensorId} version {calibration.Version} is already stored with different content (uploaded by {taken.UploadedBy} on {taken.UploadedUtc:yyyy-MM-dd HH:mm} UTC from {taken.FileName}). " +
                    $"Versions are never overwritten: if this is a new calibration, make it with the next version number (thermohand calibrate does); otherwise upload the original file. Nothing was stored.",
                    cancellationToken);
        }
    }

    private async Task<CalibrationUploadResult> RefuseAsync(ClaimsPrincipal user, string name, string? calibrationId, string message, CancellationToken cancellationToken)
    {
        await audit.RecordAsync(user, RefusedAction, "calibration", calibrationId ?? name, message, cancellationToken);
        return CalibrationUploadResult.Refused(message);
    }

    private static string DecodeText(byte[] bytes, string name)
    {
        try
        {
            return StrictUtf8.GetString(bytes);
        }
        catch (DecoderFallbackException)
        {
            throw new CalibrationFileException(name, "not UTF-8 text: the file is damaged or not a calibration file");
        }
    }

    /// <summary>The envelope's "sha256" (already checked against the body by the parser), lower case.</summary>
    private static string ReadBodyChecksum(string text)
    {
        using var document = JsonDocument.Parse(text);
        return document.RootElement.GetProperty("sha256").GetString()!.ToLowerInvariant();
    }
}

/// <summary>The answer to an upload: stored (or already there) with the calibration's id, or refused with the reason.</summary>
public sealed record CalibrationUploadResult(bool Accepted, string? CalibrationId, string Message)
{
    public static CalibrationUploadResult Stored(string calibrationId, string message) => new(true, calibrationId, message);

    public static CalibrationUploadResult Refused(string message) => new(false, null, message);
}

/// <summary>Which sensor ids the dashboard files: they appear in addresses and file names, so nothing else is accepted.</summary>
public static class SensorIds
{
    public static bool IsUsable(string? sensorId) =>
        !string.IsNullOrEmpty(sensorId) && sensorId.Length <= 64 && sensorId.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_');
}
