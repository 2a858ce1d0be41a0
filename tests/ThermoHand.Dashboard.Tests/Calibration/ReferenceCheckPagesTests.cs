using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Extensions.DependencyInjection;
using ThermoHand.Dashboard.Security;
using ThermoHand.Dashboard.Storage;
using ThermoHand.Dashboard.Tests.Support;
using ThermoHand.Streaming;
using static ThermoHand.Dashboard.Tests.Ingest.ReferenceCheckMessages;

namespace ThermoHand.Dashboard.Tests.Calibration;

/// <summary>
/// What the device said about calibration reaches the pages as numbers and plain words: the session report shows each
/// sensor's calibration, its flags with their meaning and the reference checks' target / measured / error / limit /
/// result; the calibration report lists the checks made with that calibration (no patient), and the calibration list
/// the flags per device.
/// </summary>
public sealed partial class ReferenceCheckPagesTests : IDisposable
{
    private const string Device = "pi-ward-3";
    private const string LeftSensor = "00000000BEEF";
    private readonly DashboardFactory factory = new();

    public void Dispose() => factory.Dispose();

    private async Task<HttpClient> As(string role)
    {
        var name = role + "-user";
        await factory.CreateUserAsync(name, role, "password-of-" + role);
        return await factory.LoggedInClientAsync(name, "password-of-" + role);
    }

    /// <summary>One two-hand session: right measured with an expired site calibration whose check failed by +1.398 °C;
    /// left with none (factory only), its check passed by +0.2 °C.</summary>
    private async Task SendSessionAsync()
    {
        var (device, _) = await factory.DeviceClientAsync(Device);
        var started = new DateTimeOffset(2026, 11, 20, 9, 0, 0, TimeSpan.Zero);
        var failed = Check(SensorId, "right", CalibrationId, started.AddMinutes(-3), 35, 36.398, pass: false);
        var passed = Check(LeftSensor, "left", "factory", started.AddMinutes(-3), 35, 35.2, pass: true);
        DeviceMessage[] batch =
        [
            SessionStarted(1, "s-ward-1", started,
                [Sensor("right", SensorId, CalibrationId, "expired", "calibration_expired"), Sensor("left", LeftSensor, null, "valid", "calibration_missing")],
                failed, passed),
            CheckEvent(2, "s-ward-1", 1.0, "right", failed),
            CheckEvent(3, "s-ward-1", 1.0, "left", passed),
        ];
        var response = await device.PostAsJsonAsync(DeviceAuthentication.MessagesPath, new DeviceBatch(Device, batch), DeviceAuthentication.JsonOptions);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    private static string Section(string html, string id) =>
        Regex.Match(html, $"<(section|table|ul)[^>]*id=\"{id}\"[\\s\\S]*?</\\1>").Value is { Length: > 0 } found ? found : throw new Xunit.Sdk.XunitException($"no #{id} in the page");

    /// <summary>Each cell's text: tags removed, white space collapsed.</summary>
    private static IReadOnlyList<string> Cells(string row) =>
        CellPattern().Matches(row).Select(m => Regex.Replace(Regex.Replace(m.Groups[1].Value, "<[^>]+>", " "), "\\s+", " ").Trim()).ToList();

    [Fact]
    public async Task The_session_report_shows_the_checks_numbers_and_the_flags_in_words()
    {
        await SendSessionAsync();
        var clinician = await As(ClinicRoles.Clinician);

        var html = WebUtility.HtmlDecode(await clinician.GetStringAsync("/sessions/s-ward-1"));

        var checks = Section(html, "reference-checks");
        var right = RowPattern().Matches(checks).Select(m => m.Value).Single(r => r.Contains("data-sensor=\"" + SensorId + "\"", StringComparison.Ordinal));
        Assert.Equal(["right", SensorId, "site calibration " + CalibrationId, "2026-11-20 08:57 UTC", "35.00 °C", "36.40 °C", "+1.40 °C", "± 0.50 °C", "FAILED"], Cells(right));
        var left = RowPattern().Matches(checks).Select(m => m.Value).Single(r => r.Contains("data-sensor=\"" + LeftSensor + "\"", StringComparison.Ordinal));
        Assert.Equal(["left", LeftSensor, "factory calibration only", "2026-11-20 08:57 UTC", "35.00 °C", "35.20 °C", "+0.20 °C", "± 0.50 °C", "passed"], Cells(left));

        var sensors = Section(html, "sensor-calibrations");
        Assert.Contains("site calibration " + CalibrationId + " (expired)", sensors, StringComparison.Ordinal);
        Assert.Contains("data-flag=\"calibration_expired\">calibration expired<", sensors, StringComparison.Ordinal);
        Assert.Contains("data-flag=\"calibration_missing\">no site calibration<", sensors, StringComparison.Ordinal);
        var meanings = Section(html, "calibration-flag-meanings");
        Assert.Contains("had passed its expiry date at the session's start", meanings, StringComparison.Ordinal);
        Assert.Contains("corrected with the sensor's factory calibration only", meanings, StringComparison.Ordinal);
        Assert.Contains("error = measured − target", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_calibration_report_lists_the_checks_made_with_it_without_the_patient()
    {
        await SendSessionAsync();
        await factory.Services.GetRequiredService<ICalibrationStore>().AddCalibrationAsync(CalibrationFiles.ForStore(CalibrationFiles.Make(SensorId, 1)));
        var technician = await As(ClinicRoles.Technician);

        var html = WebUtility.HtmlDecode(await technician.GetStringAsync($"/Calibration/{SensorId}/v1"));

        var row = Assert.Single(RowPattern().Matches(Section(html, "reference-checks")).Select(m => m.Value), r => r.Contains("<td", StringComparison.Ordinal));
        Assert.Equal([Device, "2026-11-20 09:00 UTC", "2026-11-20 08:57 UTC", SensorId, "right", "35.00 °C", "36.40 °C", "+1.40 °C", "± 0.50 °C", "FAILED", "8"], Cells(row));
        // Only this calibration's check: the left sensor's factory check is not listed here.
        Assert.DoesNotContain(LeftSensor, Section(html, "reference-checks"), StringComparison.Ordinal);
        Assert.Contains("calibration expired: 1 session", Section(html, "used-by"), StringComparison.Ordinal);
        Assert.DoesNotContain("PR-RC-", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_calibration_list_counts_each_flag_per_device_with_its_meaning()
    {
        await SendSessionAsync();
        var technician = await As(ClinicRoles.Technician);

        var html = WebUtility.HtmlDecode(await technician.GetStringAsync("/Calibration"));

        var flags = Section(html, "calibration-flags");
        var rows = RowPattern().Matches(flags).Select(m => m.Value).Where(r => r.Contains("<td", StringComparison.Ordinal)).ToList();
        Assert.Equal(2, rows.Count);
        var expired = Cells(rows.Single(r => r.Contains("data-flag=\"calibration_expired\"", StringComparison.Ordinal)));
        Assert.Equal([Device, "calibration expired calibration_expired", "1", "2026-11-20 09:00 UTC"], expired.Take(4));
        Assert.StartsWith("The site calibration had passed its expiry date", expired[4], StringComparison.Ordinal);
        Assert.Contains(rows, r => r.Contains("data-flag=\"calibration_missing\"", StringComparison.Ordinal) && r.Contains("no site calibration", StringComparison.Ordinal));
        Assert.DoesNotContain("PR-RC-", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_pdf_and_json_reports_carry_the_calibration_and_the_checks()
    {
        await SendSessionAsync();
        var clinician = await As(ClinicRoles.Clinician);

        using var pdf = await clinician.GetAsync("/sessions/s-ward-1/report.pdf");
        Assert.Equal(HttpStatusCode.OK, pdf.StatusCode);
        Assert.Equal("%PDF", System.Text.Encoding.ASCII.GetString((await pdf.Content.ReadAsByteArrayAsync())[..4]));

        // The PDF's text is glyph codes, so the lines it is written from are checked here.
        var detail = (await factory.Store.GetSessionAsync("s-ward-1"))!;
        var checks = await factory.Services.GetRequiredService<IReferenceCheckStore>().GetReferenceChecksAsync("s-ward-1");
        var lines = ThermoHand.Dashboard.Pages.Sessions.ReportCalibration.For(detail, checks).Lines();
        Assert.Contains(("Reference check (right)",
            $"sensor {SensorId}, site calibration {CalibrationId}, 2026-11-20 08:57 UTC: target 35.00 °C, measured 36.40 °C, error +1.40 °C, limit ± 0.50 °C: FAILED"), lines);
        Assert.Contains(("Calibration (left)", $"sensor {LeftSensor}: factory calibration only; flags: no site calibration"), lines);
        Assert.Contains(lines, l => l.Label == "Flag: calibration expired" && l.Value.StartsWith("The site calibration had passed its expiry date", StringComparison.Ordinal));

        // The report's JSON export carries the numbers too, with the stream's field names.
        using var json = JsonDocument.Parse(await clinician.GetStringAsync("/sessions/s-ward-1/export/report.json"));
        var right = json.RootElement.GetProperty("reference_checks").EnumerateArray().Single(c => c.GetProperty("sensor_id").GetString() == SensorId);
        Assert.Equal((35.0, 36.398, 1.398, 0.5, false), (right.GetProperty("reference_c").GetDouble(), right.GetProperty("measured_c").GetDouble(),
            right.GetProperty("error_c").GetDouble(), right.GetProperty("tolerance_c").GetDouble(), right.GetProperty("pass").GetBoolean()));
    }

    [Fact]
    public async Task A_session_without_checks_says_so()
    {
        var (device, _) = await factory.DeviceClientAsync(Device);
        var start = new DateTimeOffset(2026, 11, 20, 9, 0, 0, TimeSpan.Zero);
        var response = await device.PostAsJsonAsync(DeviceAuthentication.MessagesPath,
            new DeviceBatch(Device, [SessionStarted(1, "s-plain", start, [Sensor("right", SensorId, CalibrationId, "valid")])]), DeviceAuthentication.JsonOptions);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var clinician = await As(ClinicRoles.Clinician);

        var html = WebUtility.HtmlDecode(await clinician.GetStringAsync("/sessions/s-plain"));

        Assert.Contains("No reference check was reported with this session.", html, StringComparison.Ordinal);
        Assert.Contains("site calibration " + CalibrationId + " (valid)", Section(html, "sensor-calibrations"), StringComparison.Ordinal);
        Assert.DoesNotContain("calibration-flag-meanings", html, StringComparison.Ordinal);
    }

    [GeneratedRegex("<tr[\\s\\S]*?</tr>")]
    private static partial Regex RowPattern();

    [GeneratedRegex("<td[^>]*>([\\s\\S]*?)</td>")]
    private static partial Regex CellPattern();
}
