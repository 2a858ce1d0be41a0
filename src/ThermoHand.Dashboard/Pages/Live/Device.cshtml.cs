using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using ThermoHand.Dashboard.Live;
using ThermoHand.Dashboard.Security;
using ThermoHand.Dashboard.Storage;

namespace ThermoHand.Dashboard.Pages.Live;

/// <summary>
/// The live view of one device (/live/{deviceId}). The page is a shell; live.js fills it from the Server-Sent Events
/// stream (<see cref="LiveEventsEndpoint"/>). Unknown devices are a 404, not an empty page that waits forever.
/// </summary>
[Authorize(Policy = ClinicPolicies.ViewLive)]
public sealed class DeviceModel(IClinicStore store) : PageModel
{
    public string DeviceId { get; private set; } = "";

    public string DisplayName { get; private set; } = "";

    public DateTimeOffset? LastSeenUtc { get; private set; }

    public string EventsUrl => LiveEventsEndpoint.PathFor(DeviceId);

    public async Task<IActionResult> OnGetAsync(string deviceId, CancellationToken cancellationToken)
    {
        var device = await store.FindDeviceAsync(deviceId, cancellationToken);
        if (device is null)
        {
            return NotFound($"No device '{deviceId}' is registered.");
        }

        DeviceId = device.DeviceId;
        DisplayName = device.DisplayName;
        LastSeenUtc = device.LastSeenUtc;
        return Page();
    }
}
