using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc.RazorPages;
using ThermoHand.Dashboard.Security;
using ThermoHand.Dashboard.Storage;

namespace ThermoHand.Dashboard.Pages.Live;

/// <summary>/live: the registered devices, each linking to its live view.</summary>
[Authorize(Policy = ClinicPolicies.ViewLive)]
public sealed class IndexModel(IClinicStore store) : PageModel
{
    public IReadOnlyList<DeviceRecord> Devices { get; private set; } = [];

    public async Task OnGetAsync(CancellationToken cancellationToken)
        => Devices = await store.ListDevicesAsync(cancellationToken);
}
