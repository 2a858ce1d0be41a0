using System.Security.Claims;
using ThermoHand.Dashboard.Ingest;
using ThermoHand.Dashboard.Security;
using ThermoHand.Streaming;

namespace ThermoHand.Dashboard.Apis;

/// <summary>The device stream (docs/device-stream.md): POST a batch, GET the acknowledgement. Device credential only.</summary>
public static class DeviceApi
{
    public static IEndpointRouteBuilder MapDeviceApi(this IEndpointRouteBuilder app)
    {
        var device = app.MapGroup("").RequireAuthorization(ClinicPolicies.Device).DisableAntiforgery();
        device.MapPost(DeviceAuthentication.MessagesPath, PostMessagesAsync);
        device.MapGet(DeviceAuthentication.AckPath, GetAckAsync);
        device.MapDeviceCommands();      // GET /api/device/v1/commands, POST …/commands/{id}/result (DeviceCommandApi.cs)
        app.MapDeviceCommandList();      // GET /api/devices/{deviceId}/commands for the live page (clinicians)
        return app;
    }

    private static async Task<IResult> PostMessagesAsync(HttpRequest request, ClaimsPrincipal user, DeviceBatchReader reader, DeviceIngest ingest, CancellationToken cancellationToken)
    {
        // The body is read by the ingest's reader, within Dashboard:Ingest's size limits (413 over them, nothing stored).
        var read = await reader.ReadAsync(DeviceId(user), request, cancellationToken);
        if (read.Refusal is { } refusal)
        {
            return refusal;
        }

        var response = await ingest.IngestAsync(DeviceId(user), read.Batch, cancellationToken);
        var ack = new DeviceAck(response.AcknowledgedThrough);
        return response.Status switch
        {
            IngestStatus.Stored => Results.Ok(ack),
            IngestStatus.Gap => Results.Conflict(ack),
            _ => Results.BadRequest(new { error = response.Problem, acknowledged_through = response.AcknowledgedThrough }),
        };
    }

    private static async Task<IResult> GetAckAsync(ClaimsPrincipal user, DeviceIngest ingest, CancellationToken cancellationToken) =>
        Results.Ok(new DeviceAck(await ingest.AcknowledgedThroughAsync(DeviceId(user), cancellationToken)));

    private static string DeviceId(ClaimsPrincipal user) => user.FindFirstValue(DeviceAuthenticationHandler.DeviceIdClaim)!;
}
