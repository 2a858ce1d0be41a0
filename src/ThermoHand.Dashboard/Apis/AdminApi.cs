using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using ThermoHand.Dashboard.Security;
using ThermoHand.Dashboard.Storage;

namespace ThermoHand.Dashboard.Apis;

/// <summary>
/// Users, devices and the audit trail. Creating a user or a device, resetting a password or rotating a device secret
/// returns the password / secret exactly once; the server keeps only hashes. Disabling, enabling, role changes and
/// password resets are for administrators (ManageUsers); revoking and rotating device secrets for whoever registers
/// devices (ManageDevices). JSON POSTs need the antiforgery header. A refused change answers 400 (bad input), 404
/// (unknown user or device) or 409 (last administrator, already revoked, own account) with the reason, and changes nothing.
/// </summary>
public static class AdminApi
{
    public static IEndpointRouteBuilder MapAdminApi(this IEndpointRouteBuilder app)
    {
        var admin = app.MapGroup("/api/admin").AddEndpointFilter<AntiforgeryFilter>();
        admin.MapGet("/users", ListUsersAsync).RequireAuthorization(ClinicPolicies.ManageUsers);
        admin.MapPost("/users", CreateUserAsync).RequireAuthorization(ClinicPolicies.ManageUsers);
        admin.MapGet("/devices", ListDevicesAsync).RequireAuthorization(ClinicPolicies.ManageDevices);
        admin.MapPost("/devices", RegisterDeviceAsync).RequireAuthorization(ClinicPolicies.ManageDevices);
        admin.MapGet("/audit", ListAuditAsync).RequireAuthorization(ClinicPolicies.ReadAudit);
        admin.MapPost("/users/{userName}/disable", DisableUserAsync).RequireAuthorization(ClinicPolicies.ManageUsers);
        admin.MapPost("/users/{userName}/enable", EnableUserAsync).RequireAuthorization(ClinicPolicies.ManageUsers);
        admin.MapPost("/users/{userName}/role", ChangeRoleAsync).RequireAuthorization(ClinicPolicies.ManageUsers);
        admin.MapPost("/users/{userName}/password", ResetPasswordAsync).RequireAuthorization(ClinicPolicies.ManageUsers);
        admin.MapPost("/devices/{deviceId}/revoke", RevokeDeviceAsync).RequireAuthorization(ClinicPolicies.ManageDevices);
        admin.MapPost("/devices/{deviceId}/rotate", RotateDeviceAsync).RequireAuthorization(ClinicPolicies.ManageDevices);
        return app;
    }

    public sealed record NewUser(string UserName, string Role, string? Password);

    public sealed record CreatedUser(string UserName, string Role, string? GeneratedPassword);

    public sealed record UserView(string UserName, string Role, bool LockedOut, DateTimeOffset CreatedUtc, bool Disabled, DateTimeOffset? DisabledUtc);

    public sealed record NewRole(string Role);

    /// <summary>A password reset; a null or empty password means "generate one".</summary>
    public sealed record NewPassword(string? Password);

    public sealed record PasswordReset(string UserName, string? GeneratedPassword);

    public sealed record Revocation(string Reason);

    public sealed record RotatedDevice(string DeviceId, string Secret, string AuthorizationHeader);

    public sealed record NewDevice(string DeviceId, string? DisplayName);

    public sealed record RegisteredDevice(string DeviceId, string DisplayName, string Secret, string AuthorizationHeader);

    public sealed record DeviceView(
        string DeviceId, string DisplayName, DateTimeOffset CreatedUtc, DateTimeOffset? LastSeenUtc, long AcknowledgedThrough,
        bool Revoked, DateTimeOffset? RevokedUtc, string? RevokedReason, DateTimeOffset? SecretRotatedUtc);

    private static async Task<Ok<UserView[]>> ListUsersAsync(IAccountStore store, TimeProvider clock, CancellationToken cancellationToken) =>
        TypedResults.Ok((await store.ListStaffAccountsAsync(cancellationToken))
            .Select(u => new UserView(u.UserName, u.Role, u.LockedUntilUtc > clock.GetUtcNow(), u.CreatedUtc, u.IsDisabled, u.DisabledUtc)).ToArray());

    private static async Task<Results<Created<CreatedUser>, ValidationProblem>> CreateUserAsync(
        NewUser request, ClaimsPrincipal user, UserAccounts accounts, AuditTrail audit, CancellationToken cancellationToken)
    {
        try
        {
            var (created, password) = await accounts.CreateAsync(request.UserName, request.Role, request.Password, cancellationToken);
            await audit.RecordAsync(user, AuditTrail.CreateUser, "user", created.UserName, "role=" + created.Role, cancellationToken);
            return TypedResults.Created("/api/admin/users", new CreatedUser(created.UserName, created.Role, string.IsNullOrEmpty(request.Password) ? password : null));
        }
        catch (ArgumentException problem)
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { [problem.ParamName ?? "request"] = [FirstSentence(problem)] });
        }
    }

    private static async Task<Ok<DeviceView[]>> ListDevicesAsync(IClinicStore store, IAccountStore accounts, CancellationToken cancellationToken)
    {
        var credentials = (await accounts.ListDeviceCredentialsAsync(cancellationToken)).ToDictionary(c => c.DeviceId, StringComparer.Ordinal);
        return TypedResults.Ok((await store.ListDevicesAsync(cancellationToken)).Select(d =>
        {
            var credential = credentials.GetValueOrDefault(d.DeviceId);
            return new DeviceView(d.DeviceId, d.DisplayName, d.CreatedUtc, d.LastSeenUtc, d.AcknowledgedThrough,
                credential?.IsRevoked == true, credential?.RevokedUtc, credential?.RevokedReason, credential?.SecretRotatedUtc);
        }).ToArray());
    }

    private static Task<IResult> DisableUserAsync(string userName, ClaimsPrincipal user, StaffAccountAdministration administration, CancellationToken cancellationToken) =>
        ChangeAsync(async () => { await administration.DisableAsync(user, userName, cancellationToken); return TypedResults.NoContent(); });

    private static Task<IResult> EnableUserAsync(string userName, ClaimsPrincipal user, StaffAccountAdministration administration, CancellationToken cancellationToken) =>
        ChangeAsync(async () => { await administration.EnableAsync(user, userName, cancellationToken); return TypedResults.NoContent(); });

    private static Task<IResult> ChangeRoleAsync(string userName, NewRole request, ClaimsPrincipal user, StaffAccountAdministration administration, CancellationToken cancellationToken) =>
        ChangeAsync(async () => { await administration.ChangeRoleAsync(user, userName, request.Role ?? "", cancellationToken); return TypedResults.NoContent(); });

    private static Task<IResult> ResetPasswordAsync(string userName, NewPassword request, ClaimsPrincipal user, StaffAccountAdministration administration, CancellationToken cancellationToken) =>
        ChangeAsync(async () =>
        {
            var password = await administration.ResetPasswordAsync(user, userName, request.Password, cancellationToken);
            return TypedResults.Ok(new PasswordReset(userName.Trim(), string.IsNullOrEmpty(request.Password) ? password : null));
        });

    private static Task<IResult> RevokeDeviceAsync(string deviceId, Revocation request, ClaimsPrincipal user, DeviceCredentials devices, CancellationToken cancellationToken) =>
        ChangeAsync(async () => { await devices.RevokeAsync(user, deviceId, request.Reason ?? "", cancellationToken); return TypedResults.NoContent(); });

    private static Task<IResult> RotateDeviceAsync(string deviceId, ClaimsPrincipal user, DeviceCredentials devices, CancellationToken cancellationToken) =>
        ChangeAsync(async () =>
        {
            var secret = await devices.RotateAsync(user, deviceId, cancellationToken);
            return TypedResults.Ok(new RotatedDevice(deviceId.Trim(), secret, $"Device {deviceId.Trim()}:{secret}"));
        });

    /// <summary>Runs a change; a refusal becomes 400 (field and reason), 404 or 409 (reason), and nothing is changed.</summary>
    private static async Task<IResult> ChangeAsync(Func<Task<IResult>> change)
    {
        try
        {
            return await change();
        }
        catch (ArgumentException problem)
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { [problem.ParamName ?? "request"] = [FirstSentence(problem)] });
        }
        catch (AccountChangeRefusedException refused)
        {
            return TypedResults.Problem(refused.Message, statusCode: refused.StatusCode);
        }
    }

    private static async Task<Results<Created<RegisteredDevice>, ValidationProblem>> RegisterDeviceAsync(
        NewDevice request, ClaimsPrincipal user, DeviceCredentials devices, AuditTrail audit, CancellationToken cancellationToken)
    {
        try
        {
            var (device, secret) = await devices.RegisterAsync(request.DeviceId, request.DisplayName ?? request.DeviceId, cancellationToken);
            await audit.RecordAsync(user, AuditTrail.RegisterDevice, "device", device.DeviceId, null, cancellationToken);
            return TypedResults.Created("/api/admin/devices",
                new RegisteredDevice(device.DeviceId, device.DisplayName, secret, $"Device {device.DeviceId}:{secret}"));
        }
        catch (ArgumentException problem)
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { [problem.ParamName ?? "request"] = [FirstSentence(problem)] });
        }
    }

    private static async Task<Ok<IReadOnlyList<AuditEntry>>> ListAuditAsync(IClinicStore store, CancellationToken cancellationToken, int limit = 200, string? user = null) =>
        TypedResults.Ok(await store.ListAuditAsync(Math.Clamp(limit, 1, 10_000), user, cancellationToken));

    // ArgumentException appends " (Parameter 'x')"; the field name is already the key.
    private static string FirstSentence(ArgumentException problem) =>
        problem.ParamName is null ? problem.Message : problem.Message.Replace($" (Parameter '{problem.ParamName}')", "", StringComparison.Ordinal);
}
