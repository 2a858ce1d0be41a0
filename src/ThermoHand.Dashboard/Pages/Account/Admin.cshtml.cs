using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using ThermoHand.Dashboard.Security;
using ThermoHand.Dashboard.Storage;

namespace ThermoHand.Dashboard.Pages.Account;

/// <summary>
/// Administration: devices (technicians and administrators), users and the audit trail (administrators only).
/// A new device's secret or a generated password is shown once on the page that created it, never again.
/// </summary>
[Authorize(Policy = ClinicPolicies.ManageDevices)]
public sealed class AdminModel(IClinicStore store, UserAccounts accounts, DeviceCredentials devices, AuditTrail audit, TimeProvider clock) : PageModel
{
    public IReadOnlyList<UserRecord> Users { get; private set; } = [];

    public IReadOnlyList<DeviceRecord> Devices { get; private set; } = [];

    public IReadOnlyList<AuditEntry> Audit { get; private set; } = [];

    public bool IsAdministrator => User.IsInRole(ClinicRoles.Administrator);

    public DateTimeOffset Now => clock.GetUtcNow();

    /// <summary>Shown once after creating a user or a device.</summary>
    public string? ShownOnce { get; private set; }

    public string? Problem { get; private set; }

    [BindProperty]
    public string? NewUserName { get; set; }

    [BindProperty]
    public string? NewUserRole { get; set; }

    [BindProperty]
    public string? NewDeviceId { get; set; }

    [BindProperty]
    public string? NewDeviceName { get; set; }

    public async Task OnGetAsync(CancellationToken cancellationToken) => await LoadAsync(cancellationToken);

    public async Task<IActionResult> OnPostUserAsync(CancellationToken cancellationToken)
    {
        if (!IsAdministrator)
        {
            return Forbid();
        }

        try
        {
            var (user, password) = await accounts.CreateAsync(NewUserName ?? "", NewUserRole ?? "", null, cancellationToken);
            await audit.RecordAsync(User, AuditTrail.CreateUser, "user", user.UserName, "role=" + user.Role, cancellationToken);
            ShownOnce = $"User '{user.UserName}' ({user.Role}) created. Password, shown only now: {password}";
        }
        catch (ArgumentException problem)
        {
            Problem = problem.Message;
        }

        await LoadAsync(cancellationToken);
        return Page();
    }

    public async Task<IActionResult> OnPostDeviceAsync(CancellationToken cancellationToken)
    {
        try
        {
            var (device, secret) = await devices.RegisterAsync(NewDeviceId ?? "", NewDeviceName ?? "", cancellationToken);
            await audit.RecordAsync(User, AuditTrail.RegisterDevice, "device", device.DeviceId, null, cancellationToken);
            ShownOnce = $"Device '{device.DeviceId}' registered. Its secret, shown only now (put it in the device's settings): {secret}";
        }
        catch (ArgumentException problem)
        {
            Problem = problem.Message;
        }

        await LoadAsync(cancellationToken);
        return Page();
    }

    private async Task LoadAsync(CancellationToken cancellationToken)
    {
        Devices = await store.ListDevicesAsync(cancellationToken);
        if (IsAdministrator)
        {
            Users = await store.ListUsersAsync(cancellationToken);
            Audit = await store.ListAuditAsync(100, null, cancellationToken);
        }
    }
}
