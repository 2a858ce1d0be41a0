using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using ThermoHand.Dashboard.Apis;
using ThermoHand.Dashboard.Live;
using ThermoHand.Dashboard.Security;
using ThermoHand.Dashboard.Storage;

namespace ThermoHand.Dashboard.Pages.Live;

/// <summary>
/// The live view of one device (/live/{deviceId}). The page is a shell; live.js fills it from the Server-Sent Events
/// stream (<see cref="LiveEventsEndpoint"/>). Unknown devices are a 404, not an empty page that waits forever.
/// Clinicians also get the test controls (start, abort, reference check; they post to <see cref="CommandsModel"/>) and
/// every viewer sees the device's recent commands and their outcome — the patient reference only for clinicians.
/// </summary>
[Authorize(Policy = ClinicPolicies.ViewLive)]
public sealed class DeviceModel(IClinicStore store, DeviceCommandDesk commands, IAuthorizationService authorization) : PageModel
{
    public string DeviceId { get; private set; } = "";

    public string DisplayName { get; private set; } = "";

    public DateTimeOffset? LastSeenUtc { get; private set; }

    public string EventsUrl => LiveEventsEndpoint.PathFor(DeviceId);

    /// <summary>True for clinicians: the test controls are shown and the command list names patients.</summary>
    public bool CanCommand { get; private set; }

    /// <summary>The device's newest commands, newest first.</summary>
    public IReadOnlyList<StoredDeviceCommand> RecentCommands { get; private set; } = [];

    /// <summary>The TempData key under which <see cref="CommandsModel"/> leaves why a command was not sent.</summary>
    public const string ProblemKey = "command-problem";

    /// <summary>Why the clinician's last command was not sent (TempData from the redirect), or null.</summary>
    public string? Problem { get; private set; }

    /// <summary>The command just sent (from the redirect), or null.</summary>
    public string? SentCommandId { get; private set; }

    public async Task<IActionResult> OnGetAsync(string deviceId, string? sent, CancellationToken cancellationToken)
    {
        var device = await store.FindDeviceAsync(deviceId, cancellationToken);
        if (device is null)
        {
            return NotFound($"No device '{deviceId}' is registered.");
        }

        DeviceId = device.DeviceId;
        DisplayName = device.DisplayName;
        LastSeenUtc = device.LastSeenUtc;
        CanCommand = (await authorization.AuthorizeAsync(User, ClinicPolicies.CommandDevices)).Succeeded;
        RecentCommands = await commands.RecentAsync(device.DeviceId, cancellationToken);
        Problem = CanCommand ? TempData[ProblemKey] as string : null;
        SentCommandId = CanCommand && sent is { Length: > 0 and <= 64 } ? sent : null;
        return Page();
    }

    public string What(StoredDeviceCommand command) => DeviceCommandWords.What(command, CanCommand);
}
