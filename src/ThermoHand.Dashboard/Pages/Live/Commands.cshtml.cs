using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using ThermoHand.Dashboard.Apis;
using ThermoHand.Dashboard.Security;
using ThermoHand.Streaming;

namespace ThermoHand.Dashboard.Pages.Live;

/// <summary>
/// The live page's command forms post here (/live/{deviceId}/commands): start a test, abort the running one, run the
/// reference check. Clinicians only, antiforgery-checked like every Razor form. A separate page from the live view
/// because technicians and researchers may watch a device but not command it. Each request ends on the live page:
/// with the new command's id, or with what was wrong (<see cref="DeviceModel.ProblemKey"/>).
/// </summary>
[Authorize(Policy = ClinicPolicies.CommandDevices)]
public sealed class CommandsModel(DeviceCommandDesk desk) : PageModel
{
    [BindProperty]
    public string? PatientReference { get; set; }

    [BindProperty]
    public string? Preset { get; set; }

    [BindProperty]
    public string? Hands { get; set; }

    public IActionResult OnGet(string deviceId) => RedirectToPage("/Live/Device", new { deviceId });

    public Task<IActionResult> OnPostStartAsync(string deviceId, CancellationToken cancellationToken) =>
        IssueAsync(deviceId, new DeviceCommandDesk.Request(DeviceCommandKinds.StartSession, PatientReference, Preset, Hands), cancellationToken);

    public Task<IActionResult> OnPostAbortAsync(string deviceId, CancellationToken cancellationToken) =>
        IssueAsync(deviceId, new DeviceCommandDesk.Request(DeviceCommandKinds.AbortSession, null, null, null), cancellationToken);

    public Task<IActionResult> OnPostReferenceCheckAsync(string deviceId, CancellationToken cancellationToken) =>
        IssueAsync(deviceId, new DeviceCommandDesk.Request(DeviceCommandKinds.ReferenceCheck, null, null, null), cancellationToken);

    private async Task<IActionResult> IssueAsync(string deviceId, DeviceCommandDesk.Request request, CancellationToken cancellationToken)
    {
        var (command, problem) = await desk.IssueAsync(User, deviceId, request, cancellationToken);
        if (command is null)
        {
            // Through TempData (a protected cookie), not the URL: a link cannot make the page show text we did not write.
            TempData[DeviceModel.ProblemKey] = problem;
            return RedirectToPage("/Live/Device", new { deviceId });
        }

        return RedirectToPage("/Live/Device", new { deviceId, sent = command.CommandId });
    }
}
