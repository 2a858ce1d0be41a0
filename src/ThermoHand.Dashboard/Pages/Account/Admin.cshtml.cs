using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using ThermoHand.Dashboard.Security;
using ThermoHand.Dashboard.Storage;

namespace ThermoHand.Dashboard.Pages.Account;

/// <summary>
/// Administration: devices (technicians and administrators: register, revoke, rotate the secret), users (administrators
/// only: create, disable / enable, change role, reset password) and the audit trail (administrators only).
/// A new device's secret or a generated password is shown once on the page that created it, never again.
/// </summary>
[Authorize(Policy = ClinicPolicies.ManageDevices)]
public sealed class AdminModel(
    IClinicStore store, IAccountStore accountStore, UserAccounts accounts, StaffAccountAdministration administration, DeviceCredentials devices,
    AuditTrail audit, TimeProvider clock) : PageModel
{
    public IReadOnlyList<StaffAccount> Users { get; private set; } = [];

    public IReadOnlyList<DeviceRecord> Devices { get; private set; } = [];

    /// <summary>Revocation state per device id.</summary>
    public IReadOnlyDictionary<string, DeviceCredentialState> Credentials { get; private set; } = new Dictionary<string, DeviceCredentialState>();

    public IReadOnlyList<AuditEntry> Audit { get; private set; } = [];

    public bool IsAdministrator => User.IsInRole(ClinicRoles.Administrator);

    public DateTimeOffset Now => clock.GetUtcNow();

    /// <summary>Shown once after creating a user or a device, resetting a password or rotating a secret.</summary>
    public string? ShownOnce { get; private set; }

    /// <summary>What a change did, when it shows no secret.</summary>
    public string? Done { get; private set; }

    public string? Problem { get; private set; }

    [BindProperty]
    public string? NewUserName { get; set; }

    [BindProperty]
    public string? NewUserRole { get; set; }

    [BindProperty]
    public string? NewDeviceId { get; set; }

    [BindProperty]
    public string? NewDeviceName { get; set; }

    /// <summary>The user a disable / enable / role / reset form acts on.</summary>
    [BindProperty]
    public string? TargetUser { get; set; }

    [BindProperty]
    public string? TargetRole { get; set; }

    /// <summary>The device a revoke / rotate form acts on.</summary>
    [BindProperty]
    public string? TargetDevice { get; set; }

    [BindProperty]
    public string? RevokeReason { get; set; }

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

        return await PageAsync(cancellationToken);
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

        return await PageAsync(cancellationToken);
    }

    public Task<IActionResult> OnPostDisableAsync(CancellationToken cancellationToken) => UserChangeAsync(async user =>
    {
        await administration.DisableAsync(User, user, cancellationToken);
        Done = $"User '{user}' is disabled: refused at login, and signed out of any open browser.";
    }, cancellationToken);

    public Task<IActionResult> OnPostEnableAsync(CancellationToken cancellationToken) => UserChangeAsync(async user =>
    {
        await administration.EnableAsync(User, user, cancellationToken);
        Done = $"User '{user}' is enabled again and can log in with their password.";
    }, cancellationToken);

    public Task<IActionResult> OnPostRoleAsync(CancellationToken cancellationToken) => UserChangeAsync(async user =>
    {
        await administration.ChangeRoleAsync(User, user, TargetRole ?? "", cancellationToken);
        Done = $"User '{user}' now has the role {TargetRole}; they log in again to use it.";
    }, cancellationToken);

    public Task<IActionResult> OnPostResetPasswordAsync(CancellationToken cancellationToken) => UserChangeAsync(async user =>
    {
        var password = await administration.ResetPasswordAsync(User, user, null, cancellationToken);
        ShownOnce = $"New password for '{user}', shown only now (give it to them; they can change it on the Change password page): {password}";
    }, cancellationToken);

    public Task<IActionResult> OnPostRevokeAsync(CancellationToken cancellationToken) => ChangeAsync(async () =>
    {
        await devices.RevokeAsync(User, TargetDevice ?? "", RevokeReason ?? "", cancellationToken);
        Done = $"Device '{TargetDevice}' is revoked: its uploads are refused from now on; its stored sessions stay.";
    }, cancellationToken);

    public Task<IActionResult> OnPostRotateAsync(CancellationToken cancellationToken) => ChangeAsync(async () =>
    {
        var secret = await devices.RotateAsync(User, TargetDevice ?? "", cancellationToken);
        ShownOnce = $"Device '{TargetDevice}' has a new secret, shown only now (put it in the device's settings; the old one is refused from now on): {secret}";
    }, cancellationToken);

    private async Task<IActionResult> UserChangeAsync(Func<string, Task> change, CancellationToken cancellationToken)
    {
        if (!IsAdministrator)
        {
            return Forbid();
        }

        return await ChangeAsync(() => change((TargetUser ?? "").Trim()), cancellationToken);
    }

    private async Task<IActionResult> ChangeAsync(Func<Task> change, CancellationToken cancellationToken)
    {
        try
        {
            await change();
        }
        catch (ArgumentException problem)
        {
            Problem = Sentence(problem.Message.Replace($" (Parameter '{problem.ParamName}')", "", StringComparison.Ordinal));
            Response.StatusCode = StatusCodes.Status400BadRequest;
        }
        catch (AccountChangeRefusedException refused)
        {
            Problem = Sentence(refused.Message);
            Response.StatusCode = refused.StatusCode;
        }

        return await PageAsync(cancellationToken);
    }

    private static string Sentence(string message) => char.ToUpperInvariant(message[0]) + message[1..] + ".";

    private async Task<IActionResult> PageAsync(CancellationToken cancellationToken)
    {
        await LoadAsync(cancellationToken);
        return Page();
    }

    private async Task LoadAsync(CancellationToken cancellationToken)
    {
        Devices = await store.ListDevicesAsync(cancellationToken);
        Credentials = (await accountStore.ListDeviceCredentialsAsync(cancellationToken)).ToDictionary(c => c.DeviceId, StringComparer.Ordinal);
        if (IsAdministrator)
        {
            Users = await accountStore.ListStaffAccountsAsync(cancellationToken);
            Audit = await store.ListAuditAsync(100, null, cancellationToken);
        }
    }
}
