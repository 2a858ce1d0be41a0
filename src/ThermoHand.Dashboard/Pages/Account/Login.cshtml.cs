using System.ComponentModel.DataAnnotations;
using System.Security.Claims;
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
        var identity = new ClaimsIdentity(
            [new Claim(ClaimTypes.Name, user.UserName), new Claim(ClaimTypes.Role, user.Role)],
            CookieAuthenticationDefaults.AuthenticationScheme);
        await HttpContext.SignInAsync(CookieAuthenticationDefaults.AuthenticationScheme, new ClaimsPrincipal(identity));
        await audit.RecordAsync(user.UserName, AuditTrail.Login, "user", user.UserName, null, cancellationToken);
        return LocalRedirect(Url.IsLocalUrl(ReturnUrl) ? ReturnUrl! : "/");
    }
}
