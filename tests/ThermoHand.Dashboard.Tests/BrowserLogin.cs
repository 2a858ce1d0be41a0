using Microsoft.Playwright;

namespace ThermoHand.Dashboard.Tests;

/// <summary>Logs in through the real login form, as a clinician would.</summary>
internal static class BrowserLogin
{
    public static async Task LogInAsync(IPage page, string userName, string password)
    {
        await page.GotoAsync("/Account/Login");
        await page.FillAsync("input[name=UserName]", userName);
        await page.FillAsync("input[name=Password]", password);
        await page.ClickAsync("#login-form button[type=submit]");
        await page.WaitForURLAsync(url => !url.Contains("/Account/Login", StringComparison.OrdinalIgnoreCase), new PageWaitForURLOptions { Timeout = 15_000 });
    }
}
