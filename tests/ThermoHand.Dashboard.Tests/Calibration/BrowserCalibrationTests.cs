using System.Runtime.CompilerServices;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using ThermoHand.Dashboard.Security;

namespace ThermoHand.Dashboard.Tests.Calibration;

/// <summary>
/// A technician in a real browser (Debian's chromium via Playwright, the shared browser fixture): uploads a calibration
/// made with the library, sees it listed with its validity and result, opens its report with the pictures, downloads
/// the exact file, and gets the parser's clear refusal for a damaged file.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class BrowserCalibrationTests(BrowserServerFixture server)
{
    private const string TechnicianName = "tech.browser";
    private const string TechnicianPassword = "calibrate-the-sensors-2026";

    // A sensor of its own, so other tests' calibrations do not matter.
    private const string SensorId = "0BEEF0C0FFEE";

    [Fact]
    public async Task A_technician_uploads_reviews_downloads_and_is_told_why_a_damaged_file_is_refused()
    {
        await server.Services.GetRequiredService<UserAccounts>().CreateAsync(TechnicianName, ClinicRoles.Technician, TechnicianPassword);
        // Made 350 days ago, valid for 365: it expires in 15 days, so the list must warn.
        var calibration = CalibrationFiles.Make(SensorId, version: 5, created: DateTimeOffset.UtcNow.AddDays(-350));
        var folder = Directory.CreateTempSubdirectory("thermohand-calibration-upload-").FullName;
        try
        {
            var good = Path.Combine(folder, "v0005.thcal.json");
            var damaged = Path.Combine(folder, "v0006.thcal.json");
            await File.WriteAllBytesAsync(good, CalibrationFiles.Bytes(calibration));
            await File.WriteAllTextAsync(damaged, CalibrationFiles.Damaged(CalibrationFiles.Make(SensorId, version: 6)), new UTF8Encoding(false));

            var context = await server.Browser.NewContextAsync(new BrowserNewContextOptions
            {
                BaseURL = server.BaseAddress.ToString(), ViewportSize = new ViewportSize { Width = 1400, Height = 1400 },
            });
            var page = await context.NewPageAsync();
            await BrowserLogin.LogInAsync(page, TechnicianName, TechnicianPassword);

            // The navigation link, then the upload form.
            await page.ClickAsync("header nav a[href='/Calibration']");
            await page.WaitForSelectorAsync("#upload-form");
            await page.SetInputFilesAsync("input[name=CalibrationFile]", good);
            await page.ClickAsync("#upload-form button[type=submit]");
            await page.WaitForSelectorAsync("#upload-message");
            Assert.StartsWith($"Stored {SensorId}/v5 from v0005.thcal.json (passed its limits).", (await page.TextContentAsync("#upload-message"))!.Trim(), StringComparison.Ordinal);

            // Listed with its validity (a visible warning: it expires within 30 days) and its result.
            var row = page.Locator($"tr[data-sensor='{SensorId}']");
            var validity = row.Locator("td.validity");
            Assert.Equal("expires in 15 days", (await validity.TextContentAsync())!.Trim());
            Assert.Contains("expires-soon", await validity.GetAttributeAsync("class"), StringComparison.Ordinal);
            var warningColour = await validity.EvaluateAsync<string>("cell => getComputedStyle(cell).backgroundColor");
            Assert.NotEqual("rgba(0, 0, 0, 0)", warningColour);   // the warning is coloured, not only worded
            Assert.Equal("passed", (await row.Locator("td.verdict").TextContentAsync())!.Trim());
            Assert.Equal("2", (await row.Locator("td").Nth(6).TextContentAsync())!.Trim());

            // The report, with its three pictures loaded from the server.
            await row.Locator("a", new LocatorLocatorOptions { HasText = "v5" }).ClickAsync();
            await page.WaitForURLAsync($"**/Calibration/{SensorId}/v5");
            Assert.Equal($"{SensorId}/v5", await page.TextContentAsync("#calibration-id"));
            await page.WaitForFunctionAsync("() => [...document.querySelectorAll('.calibration-maps img')].every(i => i.complete && i.naturalWidth === 384)", null, new() { Timeout = 15_000 });
            Assert.Equal(3, await page.Locator(".calibration-maps img").CountAsync());
            Assert.Equal(["gain", "offset", "bad-pixels"], await page.Locator(".calibration-maps figure").EvaluateAllAsync<string[]>("fs => fs.map(f => f.dataset.map)"));
            Assert.Equal(7, await page.Locator("#quality tr[data-limit]").CountAsync());
            Assert.Equal(0, await page.Locator("#quality tr.limit-missed").CountAsync());
            await page.ScreenshotAsync(new PageScreenshotOptions { Path = DocsImage("dashboard-calibration.png"), FullPage = true });

            // The download is the uploaded file, byte for byte.
            var download = await page.RunAndWaitForDownloadAsync(() => page.ClickAsync("#download"));
            Assert.Equal("v0005.thcal.json", download.SuggestedFilename);
            Assert.Equal(CalibrationFiles.Bytes(calibration), await File.ReadAllBytesAsync((await download.PathAsync())!));

            // A damaged file: the parser's words, and nothing stored.
            await page.GotoAsync("/Calibration");
            await page.SetInputFilesAsync("input[name=CalibrationFile]", damaged);
            await page.ClickAsync("#upload-form button[type=submit]");
            await page.WaitForSelectorAsync("#upload-problem");
            var refusal = (await page.TextContentAsync("#upload-problem"))!.Trim();
            Assert.StartsWith("v0006.thcal.json: checksum mismatch: the file was changed or damaged after it was made", refusal, StringComparison.Ordinal);
            Assert.EndsWith("Nothing was stored.", refusal, StringComparison.Ordinal);
            Assert.True(await page.IsVisibleAsync("#upload-problem"));
            Assert.Equal("v5", (await page.Locator($"tr[data-sensor='{SensorId}'] td").Nth(1).TextContentAsync())!.Trim());
            await context.CloseAsync();
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    private static string DocsImage(string name, [CallerFilePath] string sourceFile = "")
    {
        var folder = Environment.GetEnvironmentVariable("THERMOHAND_SCREENSHOTS") == "1"
            ? Path.GetFullPath(Path.Combine(Path.GetDirectoryName(sourceFile)!, "..", "..", "..", "docs", "images"))
            : Path.Combine(Path.GetTempPath(), "thermohand-screenshots");
        Directory.CreateDirectory(folder);
        return Path.Combine(folder, name);
    }
}
