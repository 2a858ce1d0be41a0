using System.IO.Compression;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using ThermoHand.Dashboard.Pages.Research;
using ThermoHand.Dashboard.Security;

namespace ThermoHand.Dashboard.Tests.Research;

/// <summary>A researcher in chromium: opens /Research, filters a cohort, previews it and downloads the zip.</summary>
[Collection(BrowserCollection.Name)]
public sealed class ResearchBrowserTests(BrowserServerFixture server)
{
    private const string ResearcherName = "researcher.browser", ResearcherPassword = "pseudonymised-2026";

    [Fact]
    public async Task Researcher_filters_a_cohort_and_downloads_the_pseudonymised_zip()
    {
        var accounts = server.Services.GetRequiredService<UserAccounts>();
        if (await server.Store.FindUserAsync(ResearcherName) is null)
        {
            await accounts.CreateAsync(ResearcherName, ClinicRoles.Researcher, ResearcherPassword);
        }

        var pseudonymiser = server.Services.GetRequiredService<StudyKeyProvider>().Pseudonymiser;
        var expected = new[] { BrowserServerFixture.BeforeSessionId, BrowserServerFixture.AfterSessionId }
            .Select(pseudonymiser.StudySessionId).Order(StringComparer.Ordinal).ToList();

        await using var context = await server.Browser.NewContextAsync(new BrowserNewContextOptions { BaseURL = server.BaseAddress.ToString(), AcceptDownloads = true });
        var page = await context.NewPageAsync();
        await BrowserLogin.LogInAsync(page, ResearcherName, ResearcherPassword);
        await page.ClickAsync("nav a[href='/Research']");
        await page.WaitForURLAsync(url => url.Contains("/Research", StringComparison.Ordinal));

        // Both fixture sessions (2 and 9 March 2026); the live demo device's sessions, if any, are later.
        await page.FillAsync("input[name=from]", "2026-03-01");
        await page.FillAsync("input[name=to]", "2026-03-31");
        await page.ClickAsync("button[name=preview]");
        await page.WaitForSelectorAsync("#research-preview");
        Assert.Equal("2", await page.InnerTextAsync("#preview-sessions"));
        var shown = (await page.Locator("#preview-ids li").AllInnerTextsAsync()).Order(StringComparer.Ordinal).ToList();
        Assert.Equal(expected, shown);
        Assert.DoesNotContain(BrowserServerFixture.PatientReference, await page.ContentAsync(), StringComparison.Ordinal);

        var download = await page.RunAndWaitForDownloadAsync(() => page.ClickAsync("#research-download"), new PageRunAndWaitForDownloadOptions { Timeout = 120_000 });
        Assert.Contains("Preparing the export", await page.InnerTextAsync("#research-status"), StringComparison.Ordinal);
        Assert.EndsWith(".zip", download.SuggestedFilename, StringComparison.Ordinal);
        var path = await download.PathAsync();
        using var zip = ZipFile.OpenRead(path);
        Assert.Equal(
            ["curves_long.csv", "curves_long.parquet", "data_dictionary.csv", "data_dictionary.md", "environment.csv", "events_deviations.csv", "manifest.json", "metrics.csv", "sessions.csv"],
            zip.Entries.Select(e => e.FullName).Order(StringComparer.Ordinal));
        using var reader = new StreamReader(zip.GetEntry("sessions.csv")!.Open());
        var rows = reader.ReadToEnd().Split('\n', StringSplitOptions.RemoveEmptyEntries).Skip(1).Select(l => l.Split(',')).ToList();
        Assert.Equal(expected, rows.Select(r => r[1]).Order(StringComparer.Ordinal));
        Assert.Single(rows.Select(r => r[0]).Distinct()); // one patient: one study id, visits 1 and 2
        using var metrics = new StreamReader(zip.GetEntry("metrics.csv")!.Open());
        Assert.True(metrics.ReadToEnd().Split('\n', StringSplitOptions.RemoveEmptyEntries).Length > 1, "the simulated sessions' analysis gives metric rows");
    }
}
