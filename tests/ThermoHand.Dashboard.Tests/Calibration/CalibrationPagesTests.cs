using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Extensions.DependencyInjection;
using SkiaSharp;
using ThermoHand.Calibration;
using ThermoHand.Dashboard.Ingest;
using ThermoHand.Dashboard.Pages.Calibration;
using ThermoHand.Dashboard.Security;
using ThermoHand.Dashboard.Storage;
using ThermoHand.Dashboard.Tests.Support;

namespace ThermoHand.Dashboard.Tests.Calibration;

/// <summary>
/// The calibration pages and API on the real server in memory: uploads (good, damaged, wrong format, taken version,
/// too large) with nothing stored on refusal, the audit lines, who may open what, the exact download, the pictures,
/// and the sessions measured with each calibration.
/// </summary>
public sealed partial class CalibrationPagesTests : IDisposable
{
    private readonly DashboardFactory factory = new();

    public void Dispose() => factory.Dispose();

    private ICalibrationStore Calibrations => factory.Services.GetRequiredService<ICalibrationStore>();

    private async Task<HttpClient> As(string role)
    {
        var name = role + "-user";
        if (await factory.Store.FindUserAsync(name) is null)
        {
            await factory.CreateUserAsync(name, role, "password-of-" + role);
        }

        return await factory.LoggedInClientAsync(name, "password-of-" + role);
    }

    private static async Task<(HttpStatusCode Status, string Html)> UploadAsync(HttpClient client, string fileName, byte[] content)
    {
        var token = await DashboardFactory.FormTokenAsync(client, "/Calibration");
        using var form = new MultipartFormDataContent
        {
            { new StringContent(token), "__RequestVerificationToken" },
        };
        var file = new ByteArrayContent(content);
        file.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        form.Add(file, "CalibrationFile", fileName);
        var response = await client.PostAsync("/Calibration?handler=Upload", form);
        return (response.StatusCode, WebUtility.HtmlDecode(await response.Content.ReadAsStringAsync()));
    }

    private static string Alert(string html) => AlertPattern().Match(html) is { Success: true } m ? m.Groups[1].Value.Trim() : "";

    [Fact]
    public async Task A_good_file_is_stored_verbatim_listed_and_audited()
    {
        var technician = await As(ClinicRoles.Technician);
        // Made ten days ago by the server's clock, valid for a year: "valid until" that day next year.
        var calibration = CalibrationFiles.Make(version: 3, created: factory.Clock.GetUtcNow().AddDays(-10));
        var bytes = CalibrationFiles.Bytes(calibration);

        var (status, html) = await UploadAsync(technician, "v0003.thcal.json", bytes);

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Contains("Stored 0A1B2C3D4E5F/v3 from v0003.thcal.json (passed its limits).", html, StringComparison.Ordinal);
        var stored = await Calibrations.GetCalibrationAsync(CalibrationFiles.SensorId, 3);
        Assert.Equal(bytes, stored!.FileBytes);
        Assert.Equal("technician-user", stored.Summary.UploadedBy);
        Assert.Equal(factory.Clock.GetUtcNow().ToUnixTimeMilliseconds(), stored.Summary.UploadedUtc.ToUnixTimeMilliseconds());
        Assert.Contains(await factory.Store.ListAuditAsync(userName: "technician-user"),
            a => a is { Action: CalibrationUploads.UploadAction, TargetKind: "calibration", TargetId: "0A1B2C3D4E5F/v3" } && a.Detail!.Contains(CalibrationFiles.BodySha256(calibration), StringComparison.Ordinal));

        // The list: sensor, version, validity in words, result, bad pixels.
        var list = WebUtility.HtmlDecode(await technician.GetStringAsync("/Calibration"));
        var row = RowPattern().Match(list).Value;
        Assert.Contains(">v3<", row, StringComparison.Ordinal);
        Assert.Contains("valid until " + calibration.ExpiresUtc.UtcDateTime.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture), row, StringComparison.Ordinal);
        Assert.Contains("class=\"text validity valid\"", row, StringComparison.Ordinal);
        Assert.Contains(">passed<", row, StringComparison.Ordinal);
        Assert.Contains("<td>2</td>", row, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Damaged_wrong_format_and_taken_versions_are_refused_with_the_parsers_words_and_nothing_stored()
    {
        var technician = await As(ClinicRoles.Technician);
        var calibration = CalibrationFiles.Make(version: 1);

        var damaged = await UploadAsync(technician, "v0001.thcal.json", Encoding.UTF8.GetBytes(CalibrationFiles.Damaged(calibration)));
        Assert.Equal(HttpStatusCode.BadRequest, damaged.Status);
        Assert.StartsWith("v0001.thcal.json: checksum mismatch: the file was changed or damaged after it was made", Alert(damaged.Html), StringComparison.Ordinal);
        Assert.EndsWith("Nothing was stored.", Alert(damaged.Html), StringComparison.Ordinal);

        var notOurs = await UploadAsync(technician, "settings.json", Encoding.UTF8.GetBytes("""{"format":"something-else","formatVersion":1}"""));
        Assert.Contains("settings.json: not a ThermoHand site calibration (\"format\" must be \"thermohand-site-calibration\")", Alert(notOurs.Html), StringComparison.Ordinal);

        var notJson = await UploadAsync(technician, "photo.png", [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0xFF, 0xFE]);
        Assert.Contains("photo.png: not UTF-8 text: the file is damaged or not a calibration file", Alert(notJson.Html), StringComparison.Ordinal);

        var empty = await UploadAsync(technician, "empty.thcal.json", []);
        Assert.Equal(HttpStatusCode.BadRequest, empty.Status);

        Assert.Empty(await Calibrations.ListNewestCalibrationsAsync());

        // A taken version: the first file stays, the second is refused naming who stored the first.
        Assert.Equal(HttpStatusCode.OK, (await UploadAsync(technician, "v0001.thcal.json", CalibrationFiles.Bytes(calibration))).Status);
        var clash = await UploadAsync(technician, "other.thcal.json", CalibrationFiles.Bytes(CalibrationFiles.Make(version: 1, gainTilt: 0.05)));
        Assert.Equal(HttpStatusCode.BadRequest, clash.Status);
        Assert.Contains("sensor 0A1B2C3D4E5F version 1 is already stored with different content (uploaded by technician-user", Alert(clash.Html), StringComparison.Ordinal);
        Assert.Equal(CalibrationFiles.Bytes(calibration), (await Calibrations.GetCalibrationAsync(CalibrationFiles.SensorId, 1))!.FileBytes);

        // The identical file again is not an error and changes nothing.
        var same = await UploadAsync(technician, "copy.thcal.json", CalibrationFiles.Bytes(calibration));
        Assert.Equal(HttpStatusCode.OK, same.Status);
        Assert.Contains("is already stored with exactly this content", same.Html, StringComparison.Ordinal);

        var refusals = (await factory.Store.ListAuditAsync(userName: "technician-user")).Where(a => a.Action == CalibrationUploads.RefusedAction).ToList();
        Assert.Equal(5, refusals.Count);
        Assert.Contains(refusals, a => a.TargetId == "0A1B2C3D4E5F/v1" && a.Detail!.Contains("already stored with different content", StringComparison.Ordinal));
        Assert.Contains(refusals, a => a.TargetId == "v0001.thcal.json" && a.Detail!.Contains("checksum mismatch", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_file_over_the_size_limit_is_refused_before_it_is_read()
    {
        var administrator = await As(ClinicRoles.Administrator);
        var huge = new byte[SiteCalibrationFile.MaxFileBytes + 1];
        Array.Fill(huge, (byte)' ');
        var (status, html) = await UploadAsync(administrator, "huge.thcal.json", huge);
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains("huge.thcal.json: 4,194,305 bytes is too large for a calibration file (at most 4,194,304)", Alert(html), StringComparison.Ordinal);
        Assert.Empty(await Calibrations.ListNewestCalibrationsAsync());
    }

    [Fact]
    public async Task Technicians_and_administrators_may_open_the_pages_and_api_others_are_refused()
    {
        var calibration = CalibrationFiles.Make(version: 2);
        await Calibrations.AddCalibrationAsync(CalibrationFiles.ForStore(calibration));
        string[] paths =
        [
            "/Calibration", "/Calibration/0A1B2C3D4E5F/v2", "/api/calibrations", "/api/calibrations/0A1B2C3D4E5F/v2/file",
            "/api/calibrations/0A1B2C3D4E5F/v2/gain.png",
        ];
        var failures = new List<string>();
        foreach (var role in ClinicRoles.All)
        {
            var client = await As(role);
            var allowed = role is ClinicRoles.Technician or ClinicRoles.Administrator;
            foreach (var path in paths)
            {
                var response = await client.GetAsync(path);
                var ok = allowed ? response.StatusCode == HttpStatusCode.OK : Refused(response);
                if (!ok)
                {
                    failures.Add($"{role} GET {path}: {(int)response.StatusCode}");
                }
            }
        }

        using var anonymous = factory.NewClient();
        var (device, _) = await factory.DeviceClientAsync("dev-cal");
        foreach (var path in paths)
        {
            if (!Refused(await anonymous.GetAsync(path)))
            {
                failures.Add("anonymous GET " + path);
            }

            if (!Refused(await device.GetAsync(path)))
            {
                failures.Add("device credential GET " + path);
            }
        }

        // An upload needs the role too, not only the form's token.
        var clinician = await As(ClinicRoles.Clinician);
        using (var form = new MultipartFormDataContent { { new ByteArrayContent(CalibrationFiles.Bytes(CalibrationFiles.Make(version: 9))), "CalibrationFile", "v0009.thcal.json" } })
        {
            if (!Refused(await clinician.PostAsync("/Calibration?handler=Upload", form)))
            {
                failures.Add("clinician upload");
            }
        }

        Assert.Empty(failures);
        Assert.Null(await Calibrations.GetCalibrationAsync(CalibrationFiles.SensorId, 9));
    }

    [Fact]
    public async Task The_report_shows_limits_failures_pictures_history_and_downloads_the_exact_file()
    {
        var failed = CalibrationFiles.Make(version: 2, passed: false, created: new DateTimeOffset(2026, 2, 1, 8, 0, 0, TimeSpan.Zero));
        await Calibrations.AddCalibrationAsync(CalibrationFiles.ForStore(CalibrationFiles.Make(version: 1, created: new DateTimeOffset(2025, 2, 1, 8, 0, 0, TimeSpan.Zero))));
        await Calibrations.AddCalibrationAsync(CalibrationFiles.ForStore(failed));
        var technician = await As(ClinicRoles.Technician);

        var html = WebUtility.HtmlDecode(await technician.GetStringAsync("/Calibration/0A1B2C3D4E5F/v2"));
        Assert.Contains("FAILED its limits", html, StringComparison.Ordinal);
        Assert.Matches(@"data-limit=""mean-error""[^>]*>\s*<td class=""text"">Mean absolute error</td>\s*<td>0\.62 °C</td>\s*<td>0\.41 °C</td>\s*<td>≤ 0\.30 °C</td>\s*<td class=""text verdict failed"">NO</td>", html);
        Assert.Matches(@"data-limit=""noise""[^>]*>\s*<td class=""text"">Median temporal noise</td>\s*<td>—</td>\s*<td>0\.11 °C</td>\s*<td>≤ 0\.30 °C</td>\s*<td class=""text verdict passed"">yes</td>", html);
        Assert.Contains("<li>uniformity 0.35 °C is above the limit 0.30 °C</li>", html, StringComparison.Ordinal);
        Assert.Matches(@"data-limit=""fit-span""[^>]*>\s*<td class=""text"">Fit span</td>\s*<td>—</td>\s*<td>16\.00 °C</td>\s*<td>≥ 5\.00 °C</td>\s*<td class=""text verdict passed"">yes</td>", html);
        Assert.Contains("column 5, row 1, column 28, row 21", html, StringComparison.Ordinal);
        Assert.Contains("Gain per pixel, 0.9800 to 1.0200", html, StringComparison.Ordinal);
        Assert.Contains("data-version=\"1\"", html, StringComparison.Ordinal);
        Assert.Contains("data-version=\"2\" class=\"current\"", html, StringComparison.Ordinal);

        var download = await technician.GetAsync("/api/calibrations/0A1B2C3D4E5F/v2/file");
        Assert.Equal(CalibrationFiles.Bytes(failed), await download.Content.ReadAsByteArrayAsync());
        Assert.Equal("v0002.thcal.json", download.Content.Headers.ContentDisposition!.FileName);
        // What was downloaded passes the device's own check.
        Assert.Equal(failed.Id, SiteCalibrationFile.Parse(Encoding.UTF8.GetString(await download.Content.ReadAsByteArrayAsync()), "download").Id);
        Assert.Contains(await factory.Store.ListAuditAsync(userName: "technician-user"),
            a => a is { Action: CalibrationUploads.DownloadAction, TargetId: "0A1B2C3D4E5F/v2" });

        Assert.Equal(HttpStatusCode.NotFound, (await technician.GetAsync("/Calibration/0A1B2C3D4E5F/v7")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await technician.GetAsync("/api/calibrations/0A1B2C3D4E5F/v2/other.png")).StatusCode);
    }

    [Fact]
    public async Task The_pictures_are_pngs_of_the_maps_with_bad_pixels_marked()
    {
        var calibration = CalibrationFiles.Make(version: 4);
        await Calibrations.AddCalibrationAsync(CalibrationFiles.ForStore(calibration));
        var technician = await As(ClinicRoles.Technician);
        SKBitmap Picture(string name) =>
            SKBitmap.Decode(technician.GetByteArrayAsync($"/api/calibrations/0A1B2C3D4E5F/v4/{name}.png").GetAwaiter().GetResult());
        SKColor Centre(SKBitmap bitmap, int pixel) => bitmap.GetPixel(
            (pixel % 32 * CalibrationMaps.CellSize) + 6, (pixel / 32 * CalibrationMaps.CellSize) + 1);   // inside the cell, clear of the cross and the grid

        using var gain = Picture("gain");
        Assert.Equal((384, 288), (gain.Width, gain.Height));
        // Gain rises from left (below 1: blue) to right (above 1: red); row 12's outermost columns are the extremes.
        var left = Centre(gain, (12 * 32) + 0);
        var right = Centre(gain, (12 * 32) + 31);
        Assert.True(left.Blue > left.Red + 100, $"left edge is blue ({left})");
        Assert.True(right.Red > right.Blue + 100, $"right edge is red ({right})");

        using var bad = Picture("bad-pixels");
        Assert.Equal(SKColor.Parse("#D55E00"), Centre(bad, 37));
        Assert.Equal(SKColor.Parse("#E8F1E8"), Centre(bad, 38));
        using var offset = Picture("offset");
        Assert.Equal(SKColor.Parse("#9E9E9E"), Centre(offset, 700));
    }

    [Fact]
    public async Task Sessions_measured_with_each_calibration_are_counted_and_expired_or_missing_ones_flagged_per_device()
    {
        var calibration = CalibrationFiles.Make(version: 1);
        await Calibrations.AddCalibrationAsync(CalibrationFiles.ForStore(calibration));
        await factory.Store.CreateDeviceAsync("bench-a", "Bench A", "hash");
        var start = new DateTimeOffset(2026, 3, 10, 9, 0, 0, TimeSpan.Zero);
        var batch = new[]
        {
            CalibrationFiles.SessionStarted(1, "s-1", start, ("left", CalibrationFiles.SensorId, CalibrationFiles.Used(calibration))),
            CalibrationFiles.SessionStarted(2, "s-2", start.AddDays(2), ("left", CalibrationFiles.SensorId, CalibrationFiles.Used(calibration))),
            CalibrationFiles.SessionStarted(3, "s-3", start.AddDays(3), ("left", CalibrationFiles.SensorId, CalibrationFiles.Used(calibration, "expired"))),
            CalibrationFiles.SessionStarted(4, "s-4", start.AddDays(4), ("right", "00000000BEEF", null)),
        };
        Assert.True((await factory.Store.StoreBatchAsync("bench-a", batch.Select(DeviceMessageInterpreter.Interpret).ToList(), start)).Accepted);
        var technician = await As(ClinicRoles.Technician);

        var report = WebUtility.HtmlDecode(await technician.GetStringAsync("/Calibration/0A1B2C3D4E5F/v1"));
        Assert.Matches(@"data-device=""bench-a""><td class=""text"">bench-a</td><td>3</td><td class=""text"">2026-03-10 09:00 UTC</td><td class=""text"">2026-03-13 09:00 UTC</td>", report);
        Assert.DoesNotContain("PR-CAL", report, StringComparison.Ordinal);   // no patient reference on a technician's page
        Assert.DoesNotContain("s-1", report, StringComparison.Ordinal);

        var list = WebUtility.HtmlDecode(await technician.GetStringAsync("/Calibration"));
        var device = DevicePattern().Match(list);
        Assert.True(device.Success, "the device summary has a row for bench-a");
        Assert.Contains("class=\"flagged\"", device.Value, StringComparison.Ordinal);
        Assert.Matches(@"<td>4</td>\s*<td>2</td>\s*<td class="""">0</td>\s*<td class=""alarm"">1</td>\s*<td class=""alarm"">1</td>", device.Value);
        Assert.Contains("bench-a: 3, last 2026-03-13 09:00 UTC", list, StringComparison.Ordinal);
        Assert.DoesNotContain("PR-CAL", list, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_demo_calibration_thermohand_calibrate_made_is_accepted_and_reported()
    {
        // The repository's calibration/ folder holds what `thermohand calibrate --emulated` wrote (docs/calibration.md):
        // the page must take the command's real output, not only files this test builds.
        var files = Directory.GetFiles(RepositoryCalibrationFolder(), "v*.thcal.json", SearchOption.AllDirectories);
        Assert.NotEmpty(files);
        var technician = await As(ClinicRoles.Technician);
        foreach (var path in files)
        {
            var bytes = await File.ReadAllBytesAsync(path);
            var expected = SiteCalibrationFile.Parse(Encoding.UTF8.GetString(bytes), path);
            var (status, html) = await UploadAsync(technician, Path.GetFileName(path), bytes);
            Assert.True(status == HttpStatusCode.OK, $"{path}: {Alert(html)}");

            var report = WebUtility.HtmlDecode(await technician.GetStringAsync($"/Calibration/{expected.SensorId}/v{expected.Version}"));
            Assert.Contains(expected.Quality.Passed ? "passed its limits" : "FAILED its limits", report, StringComparison.Ordinal);
            Assert.Contains($"<td>{ThermoHand.Dashboard.Pages.Calibration.ReportModel.Celsius(expected.Quality.MeanAbsoluteErrorAfterCelsius)}</td>", report, StringComparison.Ordinal);
            foreach (var map in new[] { "gain", "offset", "bad-pixels" })
            {
                using var picture = SKBitmap.Decode(await technician.GetByteArrayAsync($"/api/calibrations/{expected.SensorId}/v{expected.Version}/{map}.png"));
                Assert.Equal((384, 288), (picture.Width, picture.Height));
            }

            Assert.Equal(bytes, await technician.GetByteArrayAsync($"/api/calibrations/{expected.SensorId}/v{expected.Version}/file"));
        }
    }

    private static string RepositoryCalibrationFolder([System.Runtime.CompilerServices.CallerFilePath] string sourceFile = "") =>
        Path.GetFullPath(Path.Combine(Path.GetDirectoryName(sourceFile)!, "..", "..", "..", "calibration"));

    [Fact]
    public void A_verification_target_too_near_a_fit_target_misses_its_lower_limit()
    {
        var rows = Pages.Calibration.ReportModel.LimitRows(new CalibrationQuality { FitTargetsCelsius = [20, 29], VerificationTargetCelsius = 30 });
        var distance = Assert.Single(rows, r => r.Key == "verification-distance");
        Assert.Equal(("1.00 °C", "≥ 2.00 °C", false), (distance.After, distance.Limit, distance.Met));
        var span = Assert.Single(rows, r => r.Key == "fit-span");
        Assert.Equal(("9.00 °C", true), (span.After, span.Met));
    }

    [Fact]
    public void Validity_is_said_in_days_with_the_warning_period()
    {
        var expires = new DateTimeOffset(2026, 6, 1, 0, 0, 0, TimeSpan.Zero);
        Assert.Equal("valid until 2026-06-01", CalibrationValidityText.Describe(expires, expires.AddDays(-31)));
        Assert.Equal("expires in 30 days", CalibrationValidityText.Describe(expires, expires.AddDays(-30)));
        Assert.Equal("expires in 1 day", CalibrationValidityText.Describe(expires, expires.AddHours(-1)));
        Assert.Equal("expired today", CalibrationValidityText.Describe(expires, expires));
        Assert.Equal("expired 3 days ago", CalibrationValidityText.Describe(expires, expires.AddDays(3.5)));
    }

    private static bool Refused(HttpResponseMessage response) =>
        response.StatusCode is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden
        || (response.StatusCode == HttpStatusCode.Redirect && response.Headers.Location!.OriginalString.Contains("/Account/Login", StringComparison.OrdinalIgnoreCase));

    [GeneratedRegex(@"id=""upload-problem"">([^<]*)<")]
    private static partial Regex AlertPattern();

    [GeneratedRegex(@"<tr data-sensor=""0A1B2C3D4E5F"">.*?</tr>", RegexOptions.Singleline)]
    private static partial Regex RowPattern();

    [GeneratedRegex(@"<tr data-device=""bench-a"".*?</tr>", RegexOptions.Singleline)]
    private static partial Regex DevicePattern();
}
