using System.Net;
using ThermoHand.Dashboard.Security;
using ThermoHand.Dashboard.Tests.Support;

namespace ThermoHand.Dashboard.Tests.Access;

/// <summary>
/// Password guessing is slowed twice over: per client address, login submissions beyond
/// Dashboard:Login:RequestsPerMinute in the window are refused with 429 and a message saying what to do; per account,
/// MaxFailedAttempts wrong passwords lock the account whatever address the guesses come from.
/// </summary>
public sealed class LoginThrottleTests
{
    [Fact]
    public async Task The_submission_after_the_limit_gets_429_with_a_message_and_no_password_check()
    {
        const int limit = 4;
        using var factory = new DashboardFactory(loginRequestsPerMinute: limit);
        await factory.CreateUserAsync("ana", ClinicRoles.Clinician, "ana-right-password");
        var client = factory.NewClient();
        for (var i = 0; i < limit; i++)
        {
            Assert.Equal(HttpStatusCode.Unauthorized, (await DashboardFactory.LogInAsync(client, "nobody", "wrong-password")).StatusCode);
        }

        var auditBefore = (await factory.Store.ListAuditAsync()).Count;
        var refused = await DashboardFactory.LogInAsync(client, "ana", "ana-right-password");
        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        var message = await refused.Content.ReadAsStringAsync();
        Assert.Contains("Too many login attempts", message, StringComparison.Ordinal);
        Assert.Contains("try again", message, StringComparison.Ordinal);
        Assert.NotNull(refused.Headers.RetryAfter);
        Assert.DoesNotContain(refused.Headers, h => h.Key == "Set-Cookie" && h.Value.Any(v => v.StartsWith("thermohand.auth", StringComparison.Ordinal)));

        // Refused before the password is looked at: even the right password does not log in, and no login is audited.
        Assert.Equal(auditBefore, (await factory.Store.ListAuditAsync()).Count);
    }

    [Fact]
    public async Task Guesses_from_many_clients_still_lock_the_account()
    {
        using var factory = new DashboardFactory();
        var password = await factory.CreateUserAsync("ana", ClinicRoles.Clinician);
        for (var attempt = 0; attempt < 5; attempt++)
        {
            var fresh = factory.NewClient(); // a new browser (cookies, antiforgery token) for every guess
            await DashboardFactory.LogInAsync(fresh, "ana", "guess-" + attempt);
        }

        var right = await DashboardFactory.LogInAsync(factory.NewClient(), "ana", password);
        Assert.Equal(HttpStatusCode.Unauthorized, right.StatusCode);
        Assert.Contains("locked until", await right.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }
}
