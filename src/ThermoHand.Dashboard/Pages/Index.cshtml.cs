using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using ThermoHand.Dashboard.Security;

namespace ThermoHand.Dashboard.Pages;

/// <summary>"/": sends each role to where its work is (sessions for clinicians and researchers, live view for technicians).</summary>
public sealed class IndexModel : PageModel
{
    public IActionResult OnGet()
    {
        if (User.IsInRole(ClinicRoles.Clinician) || User.IsInRole(ClinicRoles.Researcher))
        {
            return Redirect("/sessions");
        }

        if (User.IsInRole(ClinicRoles.Technician))
        {
            return Redirect("/live");
        }

        return User.IsInRole(ClinicRoles.Administrator) ? Redirect("/Account/Admin") : Redirect("/Account/Login");
    }
}
