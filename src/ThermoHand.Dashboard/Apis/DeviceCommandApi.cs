using System.Security.Claims;
using ThermoHand.Dashboard.Security;
using ThermoHand.Dashboard.Storage;
using ThermoHand.Streaming;

namespace ThermoHand.Dashboard.Apis;

/// <summary>
/// The command endpoints (docs/device-stream.md, "Commands"): the device fetches its own waiting commands and posts its
/// answers with its device credential; the live page reads a device's recent commands (clinicians only: they carry
/// patient references).
/// </summary>
public static class DeviceCommandApi
{
    /// <summary>Path of the live page's command list.</summary>
    public const string RecentPattern = "/api/devices/{deviceId}/commands";

    /// <summary>Maps the device side on the device group (device credential only, no antiforgery: no cookie is involved).</summary>
    public static RouteGroupBuilder MapDeviceCommands(this RouteGroupBuilder device)
    {
        device.MapGet(DeviceCommandPaths.Commands, TakeAsync);
        device.MapPost(DeviceCommandPaths.ResultPattern, AnswerAsync);
        return device;
    }

    /// <summary>Maps the clinicians' read of a device's recent commands (CommandDevices).</summary>
    public static IEndpointRouteBuilder MapDeviceCommandList(this IEndpointRouteBuilder app)
    {
        app.MapGet(RecentPattern, RecentAsync).RequireAuthorization(ClinicPolicies.CommandDevices);
        return app;
    }

    private static async Task<IResult> TakeAsync(ClaimsPrincipal user, DeviceCommandDesk desk, CancellationToken cancellationToken) =>
        Results.Ok(await desk.TakeAsync(DeviceId(user), cancellationToken));

    private static async Task<IResult> AnswerAsync(string commandId, DeviceCommandResult? result, ClaimsPrincipal user, DeviceCommandDesk desk, CancellationToken cancellationToken)
    {
        var (outcome, command, problem) = await desk.AnswerAsync(DeviceId(user), commandId, result, cancellationToken);
        if (problem is not null)
        {
            return Results.BadRequest(new { error = problem });
        }

        // Another device's command answers exactly like a missing one: a device learns nothing about other devices.
        return outcome == CommandAnswerOutcome.Unknown || command is null
            ? Results.NotFound(new { error = $"no command '{commandId}' for this device" })
            : Results.Ok(new { command_id = command.CommandId, state = command.State, first_answer_kept = outcome == CommandAnswerOutcome.AlreadyAnswered });
    }

    private static async Task<IResult> RecentAsync(string deviceId, DeviceCommandDesk desk, CancellationToken cancellationToken)
    {
        var recent = await desk.RecentAsync(deviceId, cancellationToken);
        return Results.Ok(recent.Select(c => new
        {
            command_id = c.CommandId,
            kind = c.Kind,
            state = c.State,
            what = DeviceCommandWords.What(c, showPatient: true),
            status = DeviceCommandWords.Status(c),
            issued_utc = c.IssuedUtc,
            issued_by = c.IssuedBy,
            session_id = c.SessionId,
        }));
    }

    private static string DeviceId(ClaimsPrincipal user) => user.FindFirstValue(DeviceAuthenticationHandler.DeviceIdClaim)!;
}
