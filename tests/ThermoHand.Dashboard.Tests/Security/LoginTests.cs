using System.Net;
using System.Net.Http.Json;
using ThermoHand.Dashboard.Security;
using ThermoHand.Dashboard.Tests.Support;

namespace ThermoHand.Dashboard.Tests.Security;

public sealed class LoginTests : IDisposable
{
    private readonly DashboardFactory factory = new();

    public void Dispose() => factory.Dispose();

    [Fact]
    public async Task The_first_administrator_from_the_settings_can_log_in_and_out()
    {
        var client = factory.NewClient();
        var login = await DashboardFactory.LogInAsync(client, DashboardFactory.AdminName, DashboardFactory.AdminPassword);
        Assert.Equal(HttpStatusCode.Redirect, login.StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/api/admin/users")).StatusCode);

        var logout = await client.PostAsync("/Account/Logout", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = await DashboardFactory.FormTokenAsync(client, "/Account/Logout"),
        }));
        Assert.Equal(HttpStatusCode.Redirect, logout.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.GetAsync("/api/admin/users")).StatusCode);
    }

    [Fact]
    public async Task Stored_passwords_are_hashed()
    {
        var password = await factory.CreateUserAsync("ana", ClinicRoles.Clinician);
        var user = (await factory.Store.FindUserAsync("ana"))!;
        Assert.DoesNotContain(password, user.PasswordHash);
        Assert.StartsWith("AQAAAA", user.PasswordHash); // Identity v3 format: PBKDF2 with a random salt
    }

    [Fact]
    public async Task Five_wrong_passwords_lock_the_account_for_fifteen_minutes()
    {
        var password = await factory.CreateUserAsync("ana", ClinicRoles.Clinician);
        var client = factory.NewClient();
        for (var attempt = 1; attempt <= 4; attempt++)
        {
            var wrong = await DashboardFactory.LogInAsync(client, "ana", "wrong-password-" + attempt);
            Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
            Assert.Contains("Wrong user name or password", await wrong.Content.ReadAsStringAsync());
        }

        var fifth = await DashboardFactory.LogInAsync(client, "ana", "wrong-password-5");
        Assert.Contains("locked until", await fifth.Content.ReadAsStringAsync());

        // Even the right password is refused while locked.
        Assert.Equal(HttpStatusCode.Unauthorized, (await DashboardFactory.LogInAsync(client, "ana", password)).StatusCode);
        factory.Clock.Advance(TimeSpan.FromMinutes(14));
        Assert.Equal(HttpStatusCode.Unauthorized, (await DashboardFactory.LogInAsync(client, "ana", password)).StatusCode);
        factory.Clock.Advance(TimeSpan.FromMinutes(1.1));
        Assert.Equal(HttpStatusCode.Redirect, (await DashboardFactory.LogInAsync(client, "ana", password)).StatusCode);

        var audit = await factory.Store.ListAuditAsync(userName: "ana");
        // Four plain failures, then the locking fifth and the two refused while locked; then the login.
        Assert.Equal(4, audit.Count(a => a is { Action: AuditTrail.LoginFailed, Detail: null }));
        Assert.Equal(3, audit.Count(a => a is { Action: AuditTrail.LoginFailed, Detail: "locked" }));
        Assert.Equal(AuditTrail.Login, audit[0].Action);
    }

    [Fact]
    public async Task A_successful_login_resets_the_failure_count()
    {
        var password = await factory.CreateUserAsync("ana", ClinicRoles.Clinician);
        var client = factory.NewClient();
        for (var round = 0; round < 2; round++)
        {
            for (var attempt = 0; attempt < 4; attempt++)
            {
                await DashboardFactory.LogInAsync(client, "ana", "wrong-password");
            }

            Assert.Equal(HttpStatusCode.Redirect, (await DashboardFactory.LogInAsync(client, "ana", password)).StatusCode);
        }
    }

    [Fact]
    public async Task The_login_form_without_its_antiforgery_token_is_refused()
    {
        var client = factory.NewClient();
        var response = await DashboardFactory.LogInAsync(client, DashboardFactory.AdminName, DashboardFactory.AdminPassword, withToken: false);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Fact]
    public async Task Json_posts_without_the_antiforgery_header_are_refused()
    {
        var admin = await factory.LoggedInClientAsync(DashboardFactory.AdminName, DashboardFactory.AdminPassword);
        var body = new { userName = "bo", role = ClinicRoles.Researcher, password = "long-enough-password" };

        var forged = await admin.PostAsJsonAsync("/api/admin/users", body);
        Assert.Equal(HttpStatusCode.BadRequest, forged.StatusCode);
        Assert.Null(await factory.Store.FindUserAsync("bo"));

        var genuine = await DashboardFactory.PostJsonWithTokenAsync(admin, "/api/admin/users", body);
        Assert.Equal(HttpStatusCode.Created, genuine.StatusCode);
        Assert.Equal(ClinicRoles.Researcher, (await factory.Store.FindUserAsync("bo"))!.Role);
    }

    [Fact]
    public async Task Login_submissions_are_rate_limited_per_client()
    {
        using var limited = new DashboardFactory(loginRequestsPerMinute: 3);
        var client = limited.NewClient();
        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 4; i++)
        {
            statuses.Add((await DashboardFactory.LogInAsync(client, "nobody", "wrong-password")).StatusCode);
        }

        Assert.Equal([HttpStatusCode.Unauthorized, HttpStatusCode.Unauthorized, HttpStatusCode.Unauthorized, HttpStatusCode.TooManyRequests], statuses);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/Account/Login")).StatusCode); // showing the form is not limited
    }

    [Fact]
    public async Task Unknown_users_and_wrong_passwords_get_the_same_answer()
    {
        await factory.CreateUserAsync("ana", ClinicRoles.Clinician);
        var client = factory.NewClient();
        var unknown = await (await DashboardFactory.LogInAsync(client, "nobody", "some-password")).Content.ReadAsStringAsync();
        var wrong = await (await DashboardFactory.LogInAsync(client, "ana", "some-password")).Content.ReadAsStringAsync();
        Assert.Contains("Wrong user name or password.", unknown);
        Assert.Contains("Wrong user name or password.", wrong);
    }
}
