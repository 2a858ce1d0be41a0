using System.Security.Claims;
using Microsoft.Extensions.DependencyInjection.Extensions;
using ThermoHand.Dashboard.Live;
using ThermoHand.Dashboard.Pages.Sessions;
using ThermoHand.Dashboard.Security;
using ThermoHand.Dashboard.Storage;

namespace ThermoHand.Dashboard.Pages;

/// <summary>Registers and maps the clinician pages (live view, sessions, report, comparison, PDF).</summary>
public static class ClinicPagesExtensions
{
    public static IServiceCollection AddClinicPages(this IServiceCollection services)
    {
        services.TryAddSingleton(provider => new LiveHub(provider.GetService<TimeProvider>()));
        return services;
    }

    /// <summary>
    /// The live stream (<c>/live/{deviceId}/events</c>) and the session downloads (PDF, JSON, CSV). The Razor pages
    /// themselves (/live, /live/{deviceId}, /sessions, /sessions/{id}, /compare) carry their own [Authorize] policies.
    /// </summary>
    public static WebApplication MapClinicPages(this WebApplication app)
    {
        app.MapGet(LiveEventsEndpoint.Pattern, StreamLiveAsync).RequireAuthorization(ClinicPolicies.ViewLive);
        app.MapSessionExports();
        return app;
    }

    private static async Task StreamLiveAsync(string deviceId, HttpContext context, LiveHub hub, IClinicStore store, AuditTrail audit, ClaimsPrincipal user)
    {
        if (await store.FindDeviceAsync(deviceId, context.RequestAborted) is null)
        {
            context.Response.StatusCode = StatusCodes.Status404NotFound;
            await context.Response.WriteAsync($"No device '{deviceId}' is registered.", context.RequestAborted);
            return;
        }

        // One audit line per opened live view (not per frame): who watched which device, when.
        await audit.RecordAsync(user, AuditTrail.ViewLive, "device", deviceId, cancellationToken: context.RequestAborted);
        await LiveEventsEndpoint.StreamAsync(context, deviceId, hub);
    }
}
