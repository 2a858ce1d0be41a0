using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using ThermoHand.Dashboard.Security;

namespace ThermoHand.Dashboard.Pages.Account;

/// <summary>
/// Any signed-in user changes their own password: the current one, then the new one twice (the rules are those at
/// creation). Audited; every other browser of this user is signed out (new security stamp), this one stays signed in.
/// </summary>
public sealed class PasswordModel(UserAccounts accounts, AuditTrail audit) : PageModel
{
    [BindProperty]
    public string? CurrentPassword { get; set; }

    [BindProperty]
    public string? NewPassword { get; set; }

    [BindProperty]
    public string? RepeatPassword { get; set; }

    public string? Done { get; private set; }

    public string? Problem { get; private set; }

    public void OnGet()
    {
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken cancellationToken)
    {
        var userName = User.Identity?.Name ?? "";
        if (!string.Equals(NewPassword, RepeatPassword, StringComparison.Ordinal))
        {
            return Refused("The two new passwords differ; type the same new password twice. Your password was not changed.");
        }

        try
        {
            var account = await accounts.ChangeOwnPasswordAsync(userName, CurrentPassword ?? "", NewPassword ?? "", cancellationToken);
            await audit.RecordAsync(User, StaffAccountAdministration.OwnChange, "user", userName, null, cancellationToken);
            await HttpContext.SignInAsync(CookieAuthenticationDefaults.AuthenticationScheme,
                UserAccounts.SignInPrincipal(account.UserName, account.Role, account.SecurityStamp));
            Done = "Your password was changed. Any other browser signed in as you has been signed out.";
            return Page();
        }
        catch (ArgumentException problem)
        {
            return Refused(char.ToUpperInvariant(problem.Message[0]) + problem.Message[1..].Replace($" (Parameter '{problem.ParamName}')", "", StringComparison.Ordinal) + ".");
        }
    }

    private PageResult Refused(string message)
    {
        Problem = message;
        Response.StatusCode = StatusCodes.Status400BadRequest;
        return Page();
    }
}
