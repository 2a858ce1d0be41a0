using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using ThermoHand.Dashboard.Security;
using ThermoHand.Dashboard.Storage;

namespace ThermoHand.Dashboard.Apis;

/// <summary>
/// Users, devices and the audit trail. Creating a user or a device returns the password / secret exactly once; the
/// server keeps only hashes. JSON POSTs need the antiforgery header.
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
        return app;
    }

    public sealed record NewUser(string UserName, string Role, string? Password);

    public sealed record CreatedUser(string UserName, string Role, string? GeneratedPassword);

    public sealed record UserView(string UserName, string Role, bool LockedOut, DateTimeOffset CreatedUtc);

    public sealed record NewDevice(string DeviceId, string? DisplayName);

    public sealed record RegisteredDevice(string DeviceId, string DisplayName, string Secret, string AuthorizationHeader);

    public sealed record DeviceView(string DeviceId, string DisplayName, DateTimeOffset CreatedUtc, DateTimeOffset? LastSeenUtc, long AcknowledgedThrough);

    private static async Task<Ok<UserView[]>> ListUsersAsync(IClinicStore store, TimeProvider clock, CancellationToken cancellationToken) =>
        TypedResults.Ok((await store.ListUsersAsync(cancellationToken))
            .Select(u => new UserView(u.UserName, u.Role, u.LockedUntilUtc > clock.GetUtcNow(), u.CreatedUtc)).ToArray());

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

    private static async Task<Ok<DeviceView[]>> ListDevicesAsync(IClinicStore store, CancellationToken cancellationToken) =>
        TypedResults.Ok((await store.ListDevicesAsync(cancellationToken))
            .Select(d => new DeviceView(d.DeviceId, d.DisplayName, d.CreatedUtc, d.LastSeenUtc, d.AcknowledgedThrough)).ToArray());

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
