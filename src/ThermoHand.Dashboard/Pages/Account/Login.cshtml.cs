using System.ComponentModel.DataAnnotations;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.AspNetCore.RateLimiting;
using ThermoHand.Dashboard.Extensions;
using ThermoHand.Dashboard.Security;

namespace ThermoHand.Dashboard.Pages.Account;

/// <summary>The login form. Anonymous by necessity; rate-limited per client address; antiforgery-checked (Razor Pages).</summary>
[AllowAnonymous]
[EnableRateLimiting(DashboardServiceExtensions.LoginRateLimit)]
public sealed class LoginModel(UserAccounts accounts, AuditTrail audit) : PageModel
{
    [BindProperty]
    [Required]
    public string UserName { get; set; } = "";

    [BindProperty]
    [Required]
    [DataType(DataType.Password)]
    public string Password { get; set; } = "";

    [BindProperty(SupportsGet = true)]
    public string? ReturnUrl { get; set; }

    public string? Problem { get; private set; }

    public void OnGet()
    {
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken cancellationToken)
    {
        if (!ModelState.IsValid)
        {
            Problem = "Enter your user name and password.";
            return Page();
        }

        var result = await accounts.VerifyAsync(UserName, Password, cancellationToken);
        if (result.Disabled)
        {
            // Said only after the right password, so it tells a guesser nothing.
            await audit.RecordAsync(UserName.Trim(), AuditTrail.LoginFailed, "user", UserName.Trim(), "disabled", cancellationToken);
            Problem = "This account has been disabled by an administrator. Ask an administrator to enable it again.";
            Response.StatusCode = StatusCodes.Status403Forbidden;
            return Page();
        }

        if (!result.Succeeded)
        {
            await audit.RecordAsync(UserName.Trim(), AuditTrail.LoginFailed, "user", UserName.Trim(), result.LockedOut ? "locked" : null, cancellationToken);
            // One message for unknown user and wrong password: the form must not tell which user names exist.
            Problem = result.LockedOut
                ? $"Too many failed attempts: this account is locked until {result.LockedUntilUtc:HH:mm} UTC."
                : "Wrong user name or password.";
            Response.StatusCode = StatusCodes.Status401Unauthorized;
            return Page();
        }

        var user = result.User!;
        await HttpContext.SignInAsync(CookieAuthenticationDefaults.AuthenticationScheme,
            UserAccounts.SignInPrincipal(user.UserName, user.Role, result.SecurityStamp));
        await audit.RecordAsync(user.UserName, AuditTrail.Login, "user", user.UserName, null, cancellationToken);
        return LocalRedirect(Url.IsLocalUrl(ReturnUrl) ? ReturnUrl! : "/");
    }
}
