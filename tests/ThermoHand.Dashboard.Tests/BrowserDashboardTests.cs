using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text.Json;
using Microsoft.Playwright;
using ThermoHand.Dashboard.Pages.Sessions;
using ThermoHand.Dashboard.Security;

namespace ThermoHand.Dashboard.Tests;

/// <summary>
/// The clinician pages in a real browser (Debian's chromium via Playwright) against the real server and a simulated
/// device: login, the live view updating, a finished session's report with the analysis' numbers, the comparison,
/// and the exports. Screenshots of the live view and a report go to docs/images/ for the README when THERMOHAND_SCREENSHOTS=1.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class BrowserDashboardTests(BrowserServerFixture server)
{
    private const int Columns = 32;

    // Its own patient, so the live demo session does not show up in the before/after search.
    private const string LivePatient = "PT-0099";

    [Fact]
    public async Task Live_view_updates_the_thermal_image_curves_timers_and_room_warnings()
    {
        var session = server.Before;
        var device = new SimulatedDeviceClient(server.DeviceHttp, server.LiveDevice.Id, server.LiveDevice.Secret);
        var messages = session.Messages(LivePatient, DateTimeOffset.UtcNow).ToList();
        // Everything up to about 3 minutes into rewarming is already there when the page opens (history), the rest
        // arrives while it watches.
        var frameIndexes = messages.Select((m, i) => (m, i)).Where(x => x.m.Kind == "frame").Select(x => x.i).ToList();
        var splitAt = frameIndexes[frameIndexes.Count - 20];
        await device.SendAsync("live-1", messages.Take(splitAt));

        var page = await server.LoggedInPageAsync();
        await page.GotoAsync($"/live/{server.LiveDevice.Id}");
        await page.WaitForFunctionAsync("() => Number(document.querySelector('.thermal-image')?.dataset.framesDrawn ?? 0) >= 1", null, new() { Timeout = 15_000 });
        Assert.Equal("rewarming", await page.TextContentAsync("#protocol-state"));
        Assert.Equal(LivePatient, await page.TextContentAsync("#patient-ref"));
        // The room deviation the device flagged at challenge end is shown as a warning.
        Assert.True(await page.IsVisibleAsync("#warnings"));
        Assert.Contains("outside 23 ± 1 °C", await page.TextContentAsync("#warnings"), StringComparison.Ordinal);
        // Curves from the history: every region that had trusted readings has a drawn series.
        await page.WaitForFunctionAsync("() => Number(document.querySelector('canvas.curves')?.dataset.series ?? 0) >= 5", null, new() { Timeout = 10_000 });

        var before = await CanvasChecksumAsync(page);
        var receivedBefore = int.Parse(await page.TextContentAsync("#frames-received") ?? "0", CultureInfo.InvariantCulture);

        // The rest at the sensor's pace (4 messages/s), as a device would send them.
        foreach (var chunk in messages.Skip(splitAt).Where(m => m.Kind is "frame").Chunk(1))
        {
            await device.SendAsync("live-1", chunk, batchSize: 1);
            await Task.Delay(250);
        }

        await page.WaitForFunctionAsync($"() => Number(document.getElementById('frames-received').textContent) >= {receivedBefore + 19}", null, new() { Timeout = 15_000 });
        var after = await CanvasChecksumAsync(page);
        Assert.NotEqual(before, after);   // the pixels on the canvas changed, not only a counter

        // Hover shows the exact temperature of the pixel under the pointer, from the last frame sent.
        var lastFrame = session.Frames[^1];
        var box = (await page.QuerySelectorAsync(".thermal-image"))!;
        var bounds = (await box.BoundingBoxAsync())!;
        const int column = 16, row = 12;
        await page.Mouse.MoveAsync(bounds.X + ((column + 0.5f) * bounds.Width / Columns), bounds.Y + ((row + 0.5f) * bounds.Height / 24));
        var readout = await page.TextContentAsync(".readout");
        var expected = lastFrame.Temperatures[(row * Columns) + column];
        Assert.Equal($"pixel ({column}, {row}): {expected.ToString("F2", CultureInfo.InvariantCulture)} °C", readout);

        await page.ScreenshotAsync(new PageScreenshotOptions { Path = DocsImage("dashboard-live.png"), FullPage = true });
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task Report_shows_the_numbers_of_the_analysis_the_device_sent()
    {
        var page = await server.LoggedInPageAsync(height: 1800);   // tall enough for the screenshot to hold curves and metrics
        await page.GotoAsync("/sessions/" + BrowserServerFixture.BeforeSessionId);
        using var analysis = JsonDocument.Parse(server.Before.FinalAnalysisJson);
        var expected = AnalysisView.Read(analysis.RootElement);
        Assert.NotEmpty(expected.Rois);

        var checkedCells = 0;
        var numbers = 0;
        foreach (var roi in expected.Rois)
        {
            foreach (var field in new[] { "baseline_c", "min_c", "drop_c", "t50_s", "max_rate_c_per_min", "recovery_pct.300" })
            {
                var cell = await page.TextContentAsync($"section[data-hand=right] tr[data-metric='{field}'] td[data-region='{roi.Name}']");
                Assert.Equal(MetricCatalog.Get(field).Format(roi[field]), cell);
                checkedCells++;
                numbers += roi[field] is null ? 0 : 1;
            }
        }

        Assert.True(checkedCells >= 30, $"only {checkedCells} metric cells compared");
        Assert.True(numbers >= 24, $"only {numbers} of {checkedCells} compared cells hold a number; the comparison would prove little");
        var dddCells = await page.Locator("section[data-hand=right] table.ddd td[data-field=ddd]").AllTextContentsAsync();
        Assert.Equal(expected.Ddd.Values.Select(v => SessionComparison.DddMetric.Format(v) + " °C"), dddCells);
        Assert.Contains("positive = fingers colder", await page.TextContentAsync("#ddd-convention"), StringComparison.OrdinalIgnoreCase);
        var flags = await page.Locator("section[data-hand=right] ul.quality-flags li").AllTextContentsAsync();
        Assert.Equal(expected.QualityFlags, flags);
        await page.WaitForFunctionAsync("() => document.documentElement.dataset.chartsDrawn === '1'");
        Assert.Equal((expected.Rois.Count(r => r.Curve.Count > 0)).ToString(CultureInfo.InvariantCulture), await page.GetAttributeAsync("#chart-right", "data-series"));

        // Each region in its own colour (the same as on the live view): count pixels of D1's orange (#E69F00) on the chart.
        var thumbPixels = await page.EvaluateAsync<int>(
            @"() => { const c = document.getElementById('chart-right'); const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
                      let n = 0; for (let i = 0; i < d.length; i += 4) if (Math.abs(d[i] - 230) < 12 && Math.abs(d[i + 1] - 159) < 12 && d[i + 2] < 30) n++; return n; }");
        Assert.True(thumbPixels > 100, $"only {thumbPixels} pixels of D1's colour on the report chart");

        await page.ScreenshotAsync(new PageScreenshotOptions { Path = DocsImage("dashboard-report.png") });
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task Sessions_search_and_comparison_overlay_curves_and_table_the_differences()
    {
        var page = await server.LoggedInPageAsync();
        await page.GotoAsync("/sessions?patient=" + BrowserServerFixture.PatientReference);
        Assert.Equal(2, await page.Locator("#session-list tbody tr").CountAsync());
        await page.GotoAsync("/sessions?patient=nobody");
        Assert.Equal(0, await page.Locator("#session-list tbody tr").CountAsync());

        // From the report's "other sessions" list to the comparison, the earlier session as reference.
        await page.GotoAsync("/sessions/" + BrowserServerFixture.AfterSessionId);
        await page.ClickAsync("a.compare-link");
        await page.WaitForURLAsync("**/compare?sessions=*");
        Assert.Contains($"sessions={BrowserServerFixture.BeforeSessionId},{BrowserServerFixture.AfterSessionId}", page.Url, StringComparison.Ordinal);

        using var beforeJson = JsonDocument.Parse(server.Before.FinalAnalysisJson);
        using var afterJson = JsonDocument.Parse(server.After.FinalAnalysisJson);
        var before = AnalysisView.Read(beforeJson.RootElement);
        var after = AnalysisView.Read(afterJson.RootElement);
        var compared = 0;
        foreach (var region in new[] { "D2", "D3", "D4", "dorsum" })
        {
            foreach (var field in new[] { "baseline_c", "min_c", "t50_s" })
            {
                var metric = MetricCatalog.Get(field);
                var cells = await page.Locator($"#differences-right tr[data-region='{region}'][data-metric='{field}'] td").AllTextContentsAsync();
                var (b, a) = (before.Roi(region)?[field], after.Roi(region)?[field]);
                Assert.Equal(metric.Format(b), cells[3]);
                Assert.Equal(metric.Format(a), cells[4]);
                var difference = a - b;
                Assert.Equal(difference is { } d ? (d > 0 ? "+" : "") + metric.Format(d) : "—", cells[5]);
                compared++;
            }
        }

        Assert.Equal(12, compared);
        var dddRow = await page.Locator($"#differences-right tr[data-region='{SessionComparison.DddRegion}'] td").AllTextContentsAsync();
        Assert.Equal(SessionComparison.DddMetric.Format(before.Ddd["mean"]), dddRow[3]);
        // One overlay chart per region, each with both sessions drawn.
        Assert.Equal(before.Rois.Count, await page.Locator("section[data-hand=right] canvas.report-chart").CountAsync());
        await page.WaitForFunctionAsync("() => document.documentElement.dataset.chartsDrawn !== undefined");
        Assert.Equal("2", await page.GetAttributeAsync("#compare-right-D3", "data-series"));
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = DocsImage("dashboard-compare.png"), FullPage = true });
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task Export_buttons_download_pdf_json_and_csv_and_each_is_audited()
    {
        var page = await server.LoggedInPageAsync();
        await page.GotoAsync("/sessions/" + BrowserServerFixture.AfterSessionId);

        var pdf = await DownloadAsync(page, "#download-pdf");
        Assert.Equal("%PDF", System.Text.Encoding.ASCII.GetString(pdf, 0, 4));
        Assert.True(pdf.Length > 5_000, $"PDF of {pdf.Length} bytes is too small to hold the report");

        var json = await DownloadAsync(page, "#export-json");
        using var report = JsonDocument.Parse(json);
        Assert.Equal(SessionExports.ReportSchema, report.RootElement.GetProperty("schema").GetString());
        Assert.Equal(BrowserServerFixture.PatientReference, report.RootElement.GetProperty("patient_ref").GetString());
        var final = report.RootElement.GetProperty("results").EnumerateArray().Single(r => r.GetProperty("final").GetBoolean()).GetProperty("result");
        using var sent = JsonDocument.Parse(server.After.FinalAnalysisJson);
        Assert.True(JsonElement.DeepEquals(sent.RootElement, final), "the exported final result differs from what the device sent");

        var csv = System.Text.Encoding.UTF8.GetString(await DownloadAsync(page, "#export-csv")).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(CurveCsv.Header, csv[0]);
        // Every trusted region reading of every frame: at least 5 regions in most of the session's frames.
        Assert.True(csv.Length - 1 > server.After.Frames.Count * 3, $"{csv.Length - 1} CSV rows for {server.After.Frames.Count} frames");
        Assert.All(csv.Skip(1).Take(50), line => Assert.StartsWith(BrowserServerFixture.AfterSessionId + ",right,", line, StringComparison.Ordinal));

        var audit = await server.Store.ListAuditAsync(500, BrowserServerFixture.ClinicianName);
        var exports = audit.Where(e => e.Action == AuditTrail.Export && e.TargetId == BrowserServerFixture.AfterSessionId).Select(e => e.Detail ?? "").ToList();
        Assert.Contains("pdf", exports);
        Assert.Contains("report.json", exports);
        Assert.Contains(exports, d => d.StartsWith("curves.csv", StringComparison.Ordinal));
        Assert.Contains(audit, e => e.Action == AuditTrail.ViewSession && e.TargetId == BrowserServerFixture.AfterSessionId);
        await page.Context.CloseAsync();
    }

    /// <summary>
    /// Where a screenshot goes: docs/images/NAME in this checkout when THERMOHAND_SCREENSHOTS=1 (to refresh the README's
    /// pictures), otherwise a temporary folder, so an ordinary test run leaves the working tree clean.
    /// </summary>
    private static string DocsImage(string name, [CallerFilePath] string sourceFile = "")
    {
        var folder = Environment.GetEnvironmentVariable("THERMOHAND_SCREENSHOTS") == "1"
            ? Path.GetFullPath(Path.Combine(Path.GetDirectoryName(sourceFile)!, "..", "..", "docs", "images"))
            : Path.Combine(Path.GetTempPath(), "thermohand-screenshots");
        Directory.CreateDirectory(folder);
        return Path.Combine(folder, name);
    }

    private static async Task<byte[]> DownloadAsync(IPage page, string selector)
    {
        var download = await page.RunAndWaitForDownloadAsync(() => page.ClickAsync(selector));
        var path = await download.PathAsync();
        return await File.ReadAllBytesAsync(path!);
    }

    /// <summary>A sum over the canvas' pixels: changes when the drawn image changes.</summary>
    private static Task<double> CanvasChecksumAsync(IPage page) => page.EvaluateAsync<double>(
        @"() => { const c = document.querySelector('.thermal-image'); const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
                  let s = 0; for (let i = 0; i < d.length; i += 4) s += d[i] * 3 + d[i + 1] * 5 + d[i + 2] * 7; return s; }");
}
