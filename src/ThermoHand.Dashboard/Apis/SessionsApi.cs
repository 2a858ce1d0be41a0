using System.Globalization;
using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using ThermoHand.Dashboard.Security;
using ThermoHand.Dashboard.Storage;

namespace ThermoHand.Dashboard.Apis;

/// <summary>
/// JSON reads of patient data for the pages' scripts: sessions, frames, curves, a patient's history, a device's live
/// state, and the protected clinic identifier. Every read is written to the audit trail.
/// </summary>
public static class SessionsApi
{
    public static IEndpointRouteBuilder MapSessionsApi(this IEndpointRouteBuilder app)
    {
        var sessions = app.MapGroup("/api").RequireAuthorization(ClinicPolicies.ViewSessions).AddEndpointFilter<AntiforgeryFilter>();
        sessions.MapGet("/sessions", SearchAsync);
        sessions.MapGet("/sessions/{sessionId}", GetAsync);
        sessions.MapGet("/sessions/{sessionId}/frames", FramesAsync);
        sessions.MapGet("/sessions/{sessionId}/curves", CurvesAsync);
        sessions.MapGet("/patients/{patientReference}/sessions", PatientHistoryAsync);

        var identifier = app.MapGroup("/api/patients/{patientReference}/clinic-identifier")
            .RequireAuthorization(ClinicPolicies.ViewClinicIdentifier).AddEndpointFilter<AntiforgeryFilter>();
        identifier.MapGet("", GetClinicIdentifierAsync);
        identifier.MapPut("", SetClinicIdentifierAsync);

        app.MapGet("/api/devices/{deviceId}/live-state", LiveStateAsync).RequireAuthorization(ClinicPolicies.ViewLive);
        return app;
    }

    private static async Task<Ok<IReadOnlyList<SessionSummary>>> SearchAsync(
        ClaimsPrincipal user, IClinicStore store, AuditTrail audit, CancellationToken cancellationToken,
        string? patient = null, DateTimeOffset? from = null, DateTimeOffset? to = null, string? device = null, string? outcome = null,
        int limit = 100, int offset = 0)
    {
        var found = await store.SearchSessionsAsync(new SessionQuery(patient, from, to, device, outcome, limit, offset), cancellationToken);
        await audit.RecordAsync(user, AuditTrail.ViewSessionList, "sessions", null,
            string.Create(CultureInfo.InvariantCulture, $"patient={patient}; from={from:O}; to={to:O}; device={device}; outcome={outcome}; rows={found.Count}"), cancellationToken);
        return TypedResults.Ok(found);
    }

    private static async Task<Results<Ok<SessionDetail>, NotFound>> GetAsync(string sessionId, ClaimsPrincipal user, IClinicStore store, AuditTrail audit, CancellationToken cancellationToken)
    {
        var session = await store.GetSessionAsync(sessionId, cancellationToken);
        if (session is null)
        {
            return TypedResults.NotFound();
        }

        await audit.RecordAsync(user, AuditTrail.ViewSession, "session", sessionId, null, cancellationToken);
        return TypedResults.Ok(session);
    }

    private static async Task<Results<Ok<IReadOnlyList<StoredFrame>>, NotFound, ProblemHttpResult>> FramesAsync(
        string sessionId, ClaimsPrincipal user, IClinicStore store, AuditTrail audit, CancellationToken cancellationToken,
        string? hand = null, double? from = null, double? to = null, int limit = 2000)
    {
        // "from=NaN" parses as a double but is no time; the database would fail on it (a 500) instead of saying why.
        if (from is { } f && !double.IsFinite(f) || to is { } t && !double.IsFinite(t))
        {
            return TypedResults.Problem("'from' and 'to' must be finite times in seconds", statusCode: StatusCodes.Status400BadRequest);
        }

        if (await store.GetSessionAsync(sessionId, cancellationToken) is null)
        {
            return TypedResults.NotFound();
        }

        var frames = await store.GetFramesAsync(sessionId, hand, from, to, Math.Clamp(limit, 1, 10_000), cancellationToken);
        await audit.RecordAsync(user, AuditTrail.ViewFrames, "session", sessionId,
            string.Create(CultureInfo.InvariantCulture, $"hand={hand}; from={from}; to={to}; frames={frames.Count}"), cancellationToken);
        return TypedResults.Ok(frames);
    }

    private static async Task<Results<Ok<IReadOnlyList<RegionCurve>>, NotFound>> CurvesAsync(
        string sessionId, ClaimsPrincipal user, IClinicStore store, AuditTrail audit, CancellationToken cancellationToken, string? hand = null)
    {
        if (await store.GetSessionAsync(sessionId, cancellationToken) is null)
        {
            return TypedResults.NotFound();
        }

        var curves = await store.GetRegionCurvesAsync(sessionId, hand, cancellationToken);
        await audit.RecordAsync(user, AuditTrail.ViewSession, "session", sessionId, "curves", cancellationToken);
        return TypedResults.Ok(curves);
    }

    private static async Task<Ok<IReadOnlyList<SessionSummary>>> PatientHistoryAsync(
        string patientReference, ClaimsPrincipal user, IClinicStore store, AuditTrail audit, CancellationToken cancellationToken)
    {
        var sessions = await store.GetSessionsOfPatientAsync(patientReference, cancellationToken);
        await audit.RecordAsync(user, AuditTrail.ViewPatientHistory, "patient", patientReference, null, cancellationToken);
        return TypedResults.Ok(sessions);
    }

    private static async Task<Ok<ClinicIdentifierBody>> GetClinicIdentifierAsync(
        string patientReference, ClaimsPrincipal user, ClinicIdentifierProtector identifiers, AuditTrail audit, CancellationToken cancellationToken)
    {
        var value = await identifiers.GetAsync(patientReference, cancellationToken);
        await audit.RecordAsync(user, AuditTrail.ViewClinicIdentifier, "patient", patientReference, null, cancellationToken);
        return TypedResults.Ok(new ClinicIdentifierBody(value));
    }

    private static async Task<NoContent> SetClinicIdentifierAsync(
        string patientReference, ClinicIdentifierBody body, ClaimsPrincipal user, ClinicIdentifierProtector identifiers, AuditTrail audit, CancellationToken cancellationToken)
    {
        await identifiers.SetAsync(patientReference, body.ClinicIdentifier, cancellationToken);
        await audit.RecordAsync(user, AuditTrail.SetClinicIdentifier, "patient", patientReference, null, cancellationToken);
        return TypedResults.NoContent();
    }

    private static async Task<Results<Ok<DeviceLiveState>, NotFound>> LiveStateAsync(
        string deviceId, ClaimsPrincipal user, IClinicStore store, AuditTrail audit, CancellationToken cancellationToken)
    {
        var state = await store.GetLiveStateAsync(deviceId, cancellationToken);
        if (state is null)
        {
            return TypedResults.NotFound();
        }

        await audit.RecordAsync(user, AuditTrail.ViewLive, "device", deviceId, state.CurrentSession?.SessionId, cancellationToken);
        return TypedResults.Ok(state);
    }

    /// <summary>Body of the clinic-identifier endpoints.</summary>
    public sealed record ClinicIdentifierBody(string? ClinicIdentifier);
}
