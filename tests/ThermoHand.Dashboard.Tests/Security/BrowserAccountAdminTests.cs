using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using ThermoHand.Dashboard.Security;

namespace ThermoHand.Dashboard.Tests.Security;

/// <summary>
/// An administrator in a real browser (Debian's chromium via Playwright, the shared browser fixture) disables a departed
/// clinician on the Administration page: the row says so, the clinician's open browser is sent to the login page on its
/// next click, and logging in again is refused with a message saying why.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class BrowserAccountAdminTests(BrowserServerFixture server)
{
    private const string AdminName = "admin.browser";
    private const string AdminPassword = "manage-the-clinic-2026";
    private const string LeaverName = "dr.leaver";
    private const string LeaverPassword = "last-day-at-work-2026";

    private async Task<IPage> SignedInPageAsync(string userName, string password)
    {
        var context = await server.Browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = server.BaseAddress.ToString(), ViewportSize = new ViewportSize { Width = 1400, Height = 1000 },
        });
        var page = await context.NewPageAsync();
        await BrowserLogin.LogInAsync(page, userName, password);
        return page;
    }

    [Fact]
    public async Task An_administrator_disables_a_user_on_the_admin_page_and_the_users_open_browser_is_signed_out()
    {
        var accounts = server.Services.GetRequiredService<UserAccounts>();
        await accounts.CreateAsync(AdminName, ClinicRoles.Administrator, AdminPassword);
        await accounts.CreateAsync(LeaverName, ClinicRoles.Clinician, LeaverPassword);
        var leaver = await SignedInPageAsync(LeaverName, LeaverPassword);
        await leaver.GotoAsync("/Sessions");
        Assert.Contains("/Sessions", leaver.Url, StringComparison.Ordinal);

        var admin = await SignedInPageAsync(AdminName, AdminPassword);
        await admin.ClickAsync("header nav a[href='/Account/Admin']");
        var row = admin.Locator($"#users tr[data-user='{LeaverName}']");
        Assert.Equal("active", (await row.Locator("td.state").TextContentAsync())!.Trim());
        Assert.Equal(ClinicRoles.Clinician, await row.Locator("select[name=TargetRole]").InputValueAsync()); // the role form starts at the current role
        await row.Locator("form.disable-user button[type=submit]").ClickAsync();
        await admin.WaitForSelectorAsync("#change-done");
        Assert.Equal($"User '{LeaverName}' is disabled: refused at login, and signed out of any open browser.", (await admin.TextContentAsync("#change-done"))!.Trim());
        row = admin.Locator($"#users tr[data-user='{LeaverName}']");
        Assert.StartsWith("disabled since", (await row.Locator("td.state").TextContentAsync())!.Trim(), StringComparison.Ordinal);
        Assert.Equal(1, await row.Locator("form.enable-user").CountAsync());   // the button now offers to enable again
        Assert.Contains("disable_user", await admin.TextContentAsync("#audit") ?? "", StringComparison.Ordinal);

        // The leaver's browser, still holding its cookie, is sent to the login page on its next request.
        await leaver.GotoAsync("/Sessions");
        Assert.Contains("/Account/Login", leaver.Url, StringComparison.OrdinalIgnoreCase);
        await leaver.FillAsync("input[name=UserName]", LeaverName);
        await leaver.FillAsync("input[name=Password]", LeaverPassword);
        await leaver.ClickAsync("#login-form button[type=submit]");
        await leaver.WaitForSelectorAsync("#login-problem");
        Assert.Equal("This account has been disabled by an administrator. Ask an administrator to enable it again.",
            (await leaver.TextContentAsync("#login-problem"))!.Trim());

        await admin.Context.CloseAsync();
        await leaver.Context.CloseAsync();
    }
}
