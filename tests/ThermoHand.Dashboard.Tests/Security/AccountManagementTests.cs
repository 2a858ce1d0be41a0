using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using ThermoHand.Dashboard.Security;
using ThermoHand.Dashboard.Storage;
using ThermoHand.Dashboard.Tests.Support;
using ThermoHand.Streaming;

namespace ThermoHand.Dashboard.Tests.Security;

/// <summary>
/// Staff accounts changed and withdrawn through the admin API and the pages: disable / enable, role change, password
/// reset, one's own password change — each audited, each refusal saying why and changing nothing, and each ending the
/// signed-in cookies it should.
/// </summary>
public sealed class AccountManagementTests : IDisposable
{
    private const string AnaPassword = "ana-first-password-1";

    private readonly DashboardFactory factory = new();

    public void Dispose() => factory.Dispose();

    private Task<HttpClient> AdminAsync() => factory.LoggedInClientAsync(DashboardFactory.AdminName, DashboardFactory.AdminPassword);

    private async Task<HttpClient> AnaAsync()
    {
        if (await factory.Store.FindUserAsync("ana") is null)
        {
            await factory.CreateUserAsync("ana", ClinicRoles.Clinician, AnaPassword);
        }

        return await factory.LoggedInClientAsync("ana", AnaPassword);
    }

    private static Task<HttpResponseMessage> PostAsync(HttpClient client, string path, object? body = null) =>
        DashboardFactory.PostJsonWithTokenAsync(client, path, body ?? new { });

    private async Task<IReadOnlyList<AuditEntry>> AuditAsync(string action) =>
        (await factory.Store.ListAuditAsync(1000)).Where(e => e.Action == action).ToList();

    private static async Task<string> ProblemAsync(HttpResponseMessage response) => await response.Content.ReadAsStringAsync();

    [Fact]
    public async Task Only_an_administrator_may_change_accounts()
    {
        var ana = await AnaAsync();
        await factory.CreateUserAsync("tech", ClinicRoles.Technician, "tech-password-123");
        var tech = await factory.LoggedInClientAsync("tech", "tech-password-123");
        foreach (var client in new[] { ana, tech })
        {
            foreach (var (path, body) in new (string, object)[]
                     {
                         ("/api/admin/users/admin/disable", new { }), ("/api/admin/users/ana/enable", new { }),
                         ("/api/admin/users/ana/role", new { role = ClinicRoles.Administrator }), ("/api/admin/users/admin/password", new { }),
                     })
            {
                Assert.Equal(HttpStatusCode.Forbidden, (await PostAsync(client, path, body)).StatusCode);
            }
        }

        var admin = (await factory.Store.ListUsersAsync()).Single(u => u.UserName == DashboardFactory.AdminName);
        Assert.Equal(ClinicRoles.Administrator, admin.Role);
        Assert.False((await factory.Services.GetAccountStore().FindStaffAccountAsync("admin"))!.IsDisabled);
        Assert.Empty(await AuditAsync(StaffAccountAdministration.DisableUser));
    }

    [Fact]
    public async Task A_disabled_user_loses_the_open_session_and_is_told_at_login_until_enabled_again()
    {
        var ana = await AnaAsync();
        Assert.Equal(HttpStatusCode.OK, (await ana.GetAsync("/api/sessions")).StatusCode);
        var admin = await AdminAsync();

        Assert.Equal(HttpStatusCode.NoContent, (await PostAsync(admin, "/api/admin/users/ana/disable")).StatusCode);

        // The cookie she already holds is refused on the next request (and deleted), API and page alike.
        Assert.Equal(HttpStatusCode.Unauthorized, (await ana.GetAsync("/api/sessions")).StatusCode);
        var page = await ana.GetAsync("/Sessions");
        Assert.Equal(HttpStatusCode.Redirect, page.StatusCode);
        Assert.Contains("/Account/Login", page.Headers.Location!.OriginalString, StringComparison.Ordinal);

        // The right password gets a clear message; a wrong one the usual one (a guesser learns nothing).
        var login = await DashboardFactory.LogInAsync(factory.NewClient(), "ana", AnaPassword);
        Assert.Equal(HttpStatusCode.Forbidden, login.StatusCode);
        Assert.Contains("This account has been disabled by an administrator", await login.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        var wrong = await DashboardFactory.LogInAsync(factory.NewClient(), "ana", "not-her-password");
        Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
        Assert.Contains("Wrong user name or password", await wrong.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        var users = await admin.GetFromJsonAsync<JsonElement>("/api/admin/users");
        var row = users.EnumerateArray().Single(u => u.GetProperty("userName").GetString() == "ana");
        Assert.True(row.GetProperty("disabled").GetBoolean());

        Assert.Equal(HttpStatusCode.NoContent, (await PostAsync(admin, "/api/admin/users/ana/enable")).StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, (await DashboardFactory.LogInAsync(factory.NewClient(), "ana", AnaPassword)).StatusCode);

        var disabled = Assert.Single(await AuditAsync(StaffAccountAdministration.DisableUser));
        Assert.Equal((DashboardFactory.AdminName, "user", "ana"), (disabled.UserName, disabled.TargetKind, disabled.TargetId));
        Assert.Equal("ana", Assert.Single(await AuditAsync(StaffAccountAdministration.EnableUser)).TargetId);
        Assert.Contains(await AuditAsync(AuditTrail.LoginFailed), e => e.TargetId == "ana" && e.Detail == "disabled");
    }

    [Fact]
    public async Task The_last_enabled_administrator_cannot_be_disabled_or_demoted_and_nobody_disables_themselves()
    {
        var admin = await AdminAsync();
        var self = await PostAsync(admin, "/api/admin/users/admin/disable");
        Assert.Equal(HttpStatusCode.Conflict, self.StatusCode);
        Assert.Contains("cannot disable your own account", await ProblemAsync(self), StringComparison.Ordinal);

        var demote = await PostAsync(admin, "/api/admin/users/admin/role", new { role = ClinicRoles.Clinician });
        Assert.Equal(HttpStatusCode.Conflict, demote.StatusCode);
        Assert.Contains("'admin' is the last enabled administrator and cannot be demoted", await ProblemAsync(demote), StringComparison.Ordinal);

        // A deputy administrator disables "admin"; the deputy is then the last one.
        await factory.CreateUserAsync("deputy", ClinicRoles.Administrator, "deputy-password-12");
        var deputy = await factory.LoggedInClientAsync("deputy", "deputy-password-12");
        Assert.Equal(HttpStatusCode.NoContent, (await PostAsync(deputy, "/api/admin/users/admin/disable")).StatusCode);
        var last = await PostAsync(deputy, "/api/admin/users/deputy/role", new { role = ClinicRoles.Technician });
        Assert.Equal(HttpStatusCode.Conflict, last.StatusCode);
        Assert.Contains("create or enable another administrator first", await ProblemAsync(last), StringComparison.Ordinal);
        Assert.Equal(ClinicRoles.Administrator, (await factory.Store.FindUserAsync("deputy"))!.Role);
        Assert.Empty(await AuditAsync(StaffAccountAdministration.ChangeRole));
    }

    [Fact]
    public async Task A_role_change_takes_effect_at_the_next_login_and_ends_the_old_cookie()
    {
        var ana = await AnaAsync();
        Assert.Equal(HttpStatusCode.OK, (await ana.GetAsync("/api/sessions")).StatusCode);
        var admin = await AdminAsync();

        var unknownRole = await PostAsync(admin, "/api/admin/users/ana/role", new { role = "surgeon" });
        Assert.Equal(HttpStatusCode.BadRequest, unknownRole.StatusCode);
        Assert.Contains("role 'surgeon' is not one of", await ProblemAsync(unknownRole), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, (await PostAsync(admin, "/api/admin/users/nobody/role", new { role = ClinicRoles.Researcher })).StatusCode);

        Assert.Equal(HttpStatusCode.NoContent, (await PostAsync(admin, "/api/admin/users/ana/role", new { role = ClinicRoles.Technician })).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await ana.GetAsync("/api/sessions")).StatusCode);

        var again = await factory.LoggedInClientAsync("ana", AnaPassword);
        Assert.Equal(HttpStatusCode.Forbidden, (await again.GetAsync("/api/sessions")).StatusCode); // technicians see no sessions
        Assert.Equal(HttpStatusCode.OK, (await again.GetAsync("/api/admin/devices")).StatusCode);
        var change = Assert.Single(await AuditAsync(StaffAccountAdministration.ChangeRole));
        Assert.Equal((DashboardFactory.AdminName, "ana", "role=clinician->technician"), (change.UserName, change.TargetId, change.Detail));
    }

    [Fact]
    public async Task A_password_reset_is_shown_once_ends_the_old_password_and_cookie_and_is_never_logged()
    {
        var ana = await AnaAsync();
        var admin = await AdminAsync();

        var tooShort = await PostAsync(admin, "/api/admin/users/ana/password", new { password = "short" });
        Assert.Equal(HttpStatusCode.BadRequest, tooShort.StatusCode);
        Assert.Contains("at least 12 characters", await ProblemAsync(tooShort), StringComparison.Ordinal);

        var reset = await PostAsync(admin, "/api/admin/users/ana/password");
        Assert.Equal(HttpStatusCode.OK, reset.StatusCode);
        var password = (await reset.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("generatedPassword").GetString()!;
        Assert.Equal(18, password.Length);

        Assert.Equal(HttpStatusCode.Unauthorized, (await ana.GetAsync("/api/sessions")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await DashboardFactory.LogInAsync(factory.NewClient(), "ana", AnaPassword)).StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, (await DashboardFactory.LogInAsync(factory.NewClient(), "ana", password)).StatusCode);

        var entry = Assert.Single(await AuditAsync(StaffAccountAdministration.AdministratorReset));
        Assert.Equal((DashboardFactory.AdminName, "ana", (string?)null), (entry.UserName, entry.TargetId, entry.Detail));
        Assert.DoesNotContain(factory.LogLines, line => line.Contains(password, StringComparison.Ordinal));
        Assert.DoesNotContain(await factory.Store.ListAuditAsync(1000), e => (e.Detail ?? "").Contains(password, StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_user_changes_their_own_password_and_their_other_browsers_are_signed_out()
    {
        var here = await AnaAsync();
        var elsewhere = await factory.LoggedInClientAsync("ana", AnaPassword);

        async Task<HttpResponseMessage> ChangeAsync(string current, string next, string repeat) =>
            await here.PostAsync("/Account/Password", new FormUrlEncodedContent(new Dictionary<string, string>
            {
                ["__RequestVerificationToken"] = await DashboardFactory.FormTokenAsync(here, "/Account/Password"),
                ["CurrentPassword"] = current, ["NewPassword"] = next, ["RepeatPassword"] = repeat,
            }));

        foreach (var (current, next, repeat, message) in new[]
                 {
                     ("wrong-current-password", "a-new-password-42", "a-new-password-42", "The current password is wrong"),
                     (AnaPassword, "short", "short", "A password has at least 12 characters"),
                     (AnaPassword, "a-new-password-42", "a-new-password-43", "The two new passwords differ"),
                     (AnaPassword, AnaPassword, AnaPassword, "The new password must differ from the current one"),
                 })
        {
            var refused = await ChangeAsync(current, next, repeat);
            Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
            Assert.Contains(message, await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        Assert.Equal(HttpStatusCode.OK, (await elsewhere.GetAsync("/api/sessions")).StatusCode); // nothing changed yet

        // Without the antiforgery token the form is refused and nothing changes.
        var forged = await here.PostAsync("/Account/Password", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["CurrentPassword"] = AnaPassword, ["NewPassword"] = "forged-password-99", ["RepeatPassword"] = "forged-password-99",
        }));
        Assert.Equal(HttpStatusCode.BadRequest, forged.StatusCode);

        var done = await ChangeAsync(AnaPassword, "a-new-password-42", "a-new-password-42");
        Assert.Equal(HttpStatusCode.OK, done.StatusCode);
        Assert.Contains("Your password was changed", await done.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        Assert.Equal(HttpStatusCode.OK, (await here.GetAsync("/api/sessions")).StatusCode);            // signed in again with the new stamp
        Assert.Equal(HttpStatusCode.Unauthorized, (await elsewhere.GetAsync("/api/sessions")).StatusCode); // the other browser is out
        Assert.Equal(HttpStatusCode.Unauthorized, (await DashboardFactory.LogInAsync(factory.NewClient(), "ana", AnaPassword)).StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, (await DashboardFactory.LogInAsync(factory.NewClient(), "ana", "a-new-password-42")).StatusCode);

        var entry = Assert.Single(await AuditAsync(StaffAccountAdministration.OwnChange));
        Assert.Equal(("ana", "ana"), (entry.UserName, entry.TargetId));
        Assert.DoesNotContain(factory.LogLines, line => line.Contains("a-new-password-42", StringComparison.Ordinal));
    }

    [Fact]
    public async Task The_admin_page_disables_enables_and_resets_with_its_forms_and_refuses_the_last_administrator()
    {
        await AnaAsync();
        var admin = await AdminAsync();

        async Task<HttpResponseMessage> SubmitAsync(string handler, string user) =>
            await admin.PostAsync($"/Account/Admin?handler={handler}", new FormUrlEncodedContent(new Dictionary<string, string>
            {
                ["__RequestVerificationToken"] = await DashboardFactory.FormTokenAsync(admin, "/Account/Admin"),
                ["TargetUser"] = user,
            }));

        var disabled = await SubmitAsync("Disable", "ana");
        Assert.Equal(HttpStatusCode.OK, disabled.StatusCode);
        var html = await disabled.Content.ReadAsStringAsync();
        Assert.Contains("User &#x27;ana&#x27; is disabled", html, StringComparison.Ordinal);
        Assert.Contains("disabled since", html, StringComparison.Ordinal);
        Assert.True((await factory.Services.GetAccountStore().FindStaffAccountAsync("ana"))!.IsDisabled);

        var self = await SubmitAsync("Disable", DashboardFactory.AdminName);
        Assert.Equal(HttpStatusCode.Conflict, self.StatusCode);
        Assert.Contains("You cannot disable your own account", await self.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        Assert.Equal(HttpStatusCode.OK, (await SubmitAsync("Enable", "ana")).StatusCode);
        var reset = await SubmitAsync("ResetPassword", "ana");
        var shown = System.Text.RegularExpressions.Regex.Match(WebUtility.HtmlDecode(await reset.Content.ReadAsStringAsync()), "shown only now[^:]*: ([A-Za-z0-9]{18})");
        Assert.True(shown.Success, "the new password is not shown once");
        Assert.Equal(HttpStatusCode.Redirect, (await DashboardFactory.LogInAsync(factory.NewClient(), "ana", shown.Groups[1].Value)).StatusCode);

        // A technician reaches the page (devices) but not the user forms.
        await factory.CreateUserAsync("tech", ClinicRoles.Technician, "tech-password-123");
        var tech = await factory.LoggedInClientAsync("tech", "tech-password-123");
        var forbidden = await tech.PostAsync("/Account/Admin?handler=Disable", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = await DashboardFactory.FormTokenAsync(tech, "/Account/Admin"),
            ["TargetUser"] = "ana",
        }));
        Assert.True(forbidden.StatusCode is HttpStatusCode.Forbidden or HttpStatusCode.Redirect, $"technician disabling a user got {forbidden.StatusCode}");
        Assert.False((await factory.Services.GetAccountStore().FindStaffAccountAsync("ana"))!.IsDisabled);
    }
}

/// <summary>Device credentials withdrawn and replaced: revoked uploads get 401 with the reason, rotation refuses the old secret.</summary>
public sealed class DeviceCredentialManagementTests : IDisposable
{
    private readonly DashboardFactory factory = new();

    public void Dispose() => factory.Dispose();

    private static DeviceBatch Session(string deviceId, long firstSeq, string sessionId)
    {
        var messages = new StreamMessages();
        return new DeviceBatch(deviceId,
        [
            messages.SessionStarted(firstSeq, sessionId, "PR-DEVICE-1"),
            messages.Frame(firstSeq + 1, sessionId, 121, "left", 24.0),
            messages.Ended(firstSeq + 2, sessionId, 1020),
        ]);
    }

    private static Task<HttpResponseMessage> UploadAsync(HttpClient device, DeviceBatch batch) =>
        device.PostAsJsonAsync(DeviceAuthentication.MessagesPath, batch, DeviceAuthentication.JsonOptions);

    private async Task<HttpClient> TechnicianAsync()
    {
        await factory.CreateUserAsync("tech", ClinicRoles.Technician, "tech-password-123");
        return await factory.LoggedInClientAsync("tech", "tech-password-123");
    }

    [Fact]
    public async Task A_revoked_device_is_refused_with_its_reason_and_its_stored_data_stays()
    {
        var (device, _) = await factory.DeviceClientAsync("dev-lost");
        Assert.Equal(HttpStatusCode.OK, (await UploadAsync(device, Session("dev-lost", 1, "s-lost-1"))).StatusCode);
        var tech = await TechnicianAsync();

        var noReason = await DashboardFactory.PostJsonWithTokenAsync(tech, "/api/admin/devices/dev-lost/revoke", new { reason = " " });
        Assert.Equal(HttpStatusCode.BadRequest, noReason.StatusCode);
        Assert.Contains("give a reason", await noReason.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, (await DashboardFactory.PostJsonWithTokenAsync(tech, "/api/admin/devices/dev-none/revoke", new { reason = "lost" })).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await device.GetAsync(DeviceAuthentication.AckPath)).StatusCode); // refusals changed nothing

        Assert.Equal(HttpStatusCode.NoContent,
            (await DashboardFactory.PostJsonWithTokenAsync(tech, "/api/admin/devices/dev-lost/revoke", new { reason = "stolen from room 2" })).StatusCode);

        var refused = await UploadAsync(device, Session("dev-lost", 4, "s-lost-2"));
        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        var body = await refused.Content.ReadAsStringAsync();
        Assert.Contains("device 'dev-lost' was revoked", body, StringComparison.Ordinal);
        Assert.Contains("reason: stolen from room 2", body, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Unauthorized, (await device.GetAsync(DeviceAuthentication.AckPath)).StatusCode);
        Assert.Null(await factory.Store.GetSessionAsync("s-lost-2"));
        Assert.NotNull(await factory.Store.GetSessionAsync("s-lost-1")); // data already stored stays

        var twice = await DashboardFactory.PostJsonWithTokenAsync(tech, "/api/admin/devices/dev-lost/revoke", new { reason = "again" });
        Assert.Equal(HttpStatusCode.Conflict, twice.StatusCode);

        var devices = await tech.GetFromJsonAsync<JsonElement>("/api/admin/devices");
        var row = devices.EnumerateArray().Single(d => d.GetProperty("deviceId").GetString() == "dev-lost");
        Assert.True(row.GetProperty("revoked").GetBoolean());
        Assert.Equal("stolen from room 2", row.GetProperty("revokedReason").GetString());

        var entry = Assert.Single(await factory.Store.ListAuditAsync(1000), e => e.Action == DeviceCredentials.RevokeDevice);
        Assert.Equal(("tech", "device", "dev-lost", "reason=stolen from room 2"), (entry.UserName, entry.TargetKind, entry.TargetId, entry.Detail));
    }

    [Fact]
    public async Task A_wrong_secret_for_a_revoked_device_learns_nothing_about_the_revocation()
    {
        var (_, _) = await factory.DeviceClientAsync("dev-r");
        var tech = await TechnicianAsync();
        await DashboardFactory.PostJsonWithTokenAsync(tech, "/api/admin/devices/dev-r/revoke", new { reason = "stolen" });
        using var guesser = factory.NewClient();
        guesser.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue(DeviceAuthentication.Scheme, "dev-r:guessed-secret");
        var response = await guesser.GetAsync(DeviceAuthentication.AckPath);
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        var body = await response.Content.ReadAsStringAsync();
        Assert.Contains("unknown device or wrong secret", body, StringComparison.Ordinal);
        Assert.DoesNotContain("stolen", body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_rotated_secret_is_shown_once_and_the_old_one_is_refused_afterwards()
    {
        var (device, oldSecret) = await factory.DeviceClientAsync("dev-rot");
        Assert.Equal(HttpStatusCode.OK, (await UploadAsync(device, Session("dev-rot", 1, "s-rot-1"))).StatusCode);
        var tech = await TechnicianAsync();
        await DashboardFactory.PostJsonWithTokenAsync(tech, "/api/admin/devices/dev-rot/revoke", new { reason = "lost, then found" });

        var rotated = await DashboardFactory.PostJsonWithTokenAsync(tech, "/api/admin/devices/dev-rot/rotate", new { });
        Assert.Equal(HttpStatusCode.OK, rotated.StatusCode);
        var answer = await rotated.Content.ReadFromJsonAsync<JsonElement>();
        var newSecret = answer.GetProperty("secret").GetString()!;
        Assert.NotEqual(oldSecret, newSecret);
        Assert.Equal($"Device dev-rot:{newSecret}", answer.GetProperty("authorizationHeader").GetString());

        var old = await UploadAsync(device, Session("dev-rot", 4, "s-rot-2"));
        Assert.Equal(HttpStatusCode.Unauthorized, old.StatusCode);
        Assert.Contains("if the device's secret was rotated", await old.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        using var renewed = factory.NewClient();
        renewed.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue(DeviceAuthentication.Scheme, $"dev-rot:{newSecret}");
        Assert.Equal(HttpStatusCode.OK, (await UploadAsync(renewed, Session("dev-rot", 4, "s-rot-2"))).StatusCode); // the rotation lifted the revocation
        Assert.Equal(HttpStatusCode.NotFound, (await DashboardFactory.PostJsonWithTokenAsync(tech, "/api/admin/devices/dev-none/rotate", new { })).StatusCode);

        var entry = Assert.Single(await factory.Store.ListAuditAsync(1000), e => e.Action == DeviceCredentials.RotateDevice);
        Assert.Equal(("tech", "dev-rot", "revocation lifted"), (entry.UserName, entry.TargetId, entry.Detail));
        Assert.DoesNotContain(factory.LogLines, line => line.Contains(newSecret, StringComparison.Ordinal) || line.Contains(oldSecret, StringComparison.Ordinal));
    }

    [Fact]
    public async Task The_admin_page_revokes_and_rotates_with_its_forms()
    {
        var (device, _) = await factory.DeviceClientAsync("dev-page");
        var tech = await TechnicianAsync();

        async Task<string> SubmitAsync(string handler, Dictionary<string, string> fields)
        {
            fields["__RequestVerificationToken"] = await DashboardFactory.FormTokenAsync(tech, "/Account/Admin");
            fields["TargetDevice"] = "dev-page";
            var response = await tech.PostAsync($"/Account/Admin?handler={handler}", new FormUrlEncodedContent(fields));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            return WebUtility.HtmlDecode(await response.Content.ReadAsStringAsync());
        }

        var revoked = await SubmitAsync("Revoke", new() { ["RevokeReason"] = "left on the train" });
        Assert.Contains("Device 'dev-page' is revoked: its uploads are refused from now on; its stored sessions stay.", revoked, StringComparison.Ordinal);
        Assert.Contains("UTC: left on the train", revoked, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Unauthorized, (await device.GetAsync(DeviceAuthentication.AckPath)).StatusCode);

        var rotated = await SubmitAsync("Rotate", []);
        var secret = System.Text.RegularExpressions.Regex.Match(rotated, @"old one is refused from now on\): ([A-Za-z0-9_-]{43})");
        Assert.True(secret.Success, "the new secret is not shown once");
        Assert.Equal(HttpStatusCode.Unauthorized, (await device.GetAsync(DeviceAuthentication.AckPath)).StatusCode);
        using var renewed = factory.NewClient();
        renewed.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue(DeviceAuthentication.Scheme, "dev-page:" + secret.Groups[1].Value);
        Assert.Equal(HttpStatusCode.OK, (await renewed.GetAsync(DeviceAuthentication.AckPath)).StatusCode);

        // The page after the rotation shows the secret only in that answer, never on a later visit.
        Assert.DoesNotContain(secret.Groups[1].Value, await tech.GetStringAsync("/Account/Admin"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Clinicians_and_researchers_may_not_revoke_or_rotate()
    {
        await factory.DeviceClientAsync("dev-x");
        foreach (var role in new[] { ClinicRoles.Clinician, ClinicRoles.Researcher })
        {
            await factory.CreateUserAsync("u-" + role, role, "password-of-" + role);
            var client = await factory.LoggedInClientAsync("u-" + role, "password-of-" + role);
            Assert.Equal(HttpStatusCode.Forbidden, (await DashboardFactory.PostJsonWithTokenAsync(client, "/api/admin/devices/dev-x/revoke", new { reason = "x" })).StatusCode);
            Assert.Equal(HttpStatusCode.Forbidden, (await DashboardFactory.PostJsonWithTokenAsync(client, "/api/admin/devices/dev-x/rotate", new { })).StatusCode);
        }

        Assert.False((await factory.Services.GetAccountStore().FindDeviceCredentialAsync("dev-x"))!.IsRevoked);
    }
}

internal static class AccountStoreAccess
{
    public static IAccountStore GetAccountStore(this IServiceProvider services) =>
        (IAccountStore)services.GetService(typeof(IAccountStore))!;
}
