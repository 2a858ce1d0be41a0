using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using ThermoHand.Dashboard.Security;

namespace ThermoHand.Dashboard.Pages.Account;

/// <summary>Logout is a POST (with antiforgery token) so another site cannot log a clinician out with a link.</summary>
public sealed class LogoutModel(AuditTrail audit) : PageModel
{
    public IActionResult OnGet() => Page();

    public async Task<IActionResult> OnPostAsync(CancellationToken cancellationToken)
    {
        await audit.RecordAsync(User, AuditTrail.Logout, "user", User.Identity?.Name, null, cancellationToken);
        await HttpContext.SignOutAsync(CookieAuthenticationDefaults.AuthenticationScheme);
        return RedirectToPage("/Account/Login");
    }
}
