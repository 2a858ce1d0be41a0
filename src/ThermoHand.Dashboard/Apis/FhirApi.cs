using System.Globalization;
using System.Security.Claims;
using System.Text;
using Microsoft.Extensions.Options;
using ThermoHand.Analysis.Reanalysis;
using ThermoHand.Dashboard.Analysis;
using ThermoHand.Dashboard.Configuration;
using ThermoHand.Dashboard.Security;
using ThermoHand.Dashboard.Storage;
using ThermoHand.Exports.Fhir;

namespace ThermoHand.Dashboard.Apis;

/// <summary>
/// GET /sessions/{id}/export/fhir.json: the session's results as an HL7 FHIR R4 Bundle for the hospital record
/// (docs/fhir.md). It carries the real clinic identifier, so only clinicians may fetch it (ExportFhir policy), and
/// every download is in the audit trail with the analysis versions it contained. The Patient identifier system and
/// the metrics' CodeSystem are the site's Dashboard:Fhir settings (checked at start).
/// </summary>
public static class FhirApi
{
    public const string ExportFhirAction = "export_fhir";

    public static IEndpointRouteBuilder MapFhirApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/sessions/{sessionId}/export/fhir.json", ExportAsync).RequireAuthorization(ClinicPolicies.ExportFhir);
        return app;
    }

    private static async Task<IResult> ExportAsync(
        string sessionId, ClaimsPrincipal user, IClinicStore store, IAnalysisSelection selection, ClinicIdentifierProtector identifiers,
        AuditTrail audit, IOptions<DashboardOptions> options, CancellationToken cancellationToken)
    {
        var session = await store.GetSessionAsync(sessionId, cancellationToken);
        if (session is null)
        {
            return Results.NotFound();
        }

        var selected = await selection.SelectAsync(session, cancellationToken);
        if (!selected.Any(s => s.Hand is "left" or "right"))
        {
            return Results.Text("This session has no final analysis result yet, so there is nothing to export to FHIR. Wait until the session has finished.",
                "text/plain", Encoding.UTF8, StatusCodes.Status409Conflict);
        }

        var site = options.Value.Fhir;
        var clinicIdentifier = session.Summary.PatientReference is { } reference ? await identifiers.GetAsync(reference, cancellationToken) : null;
        var bundle = FhirSessionBundle.Build(new FhirSessionInput
        {
            SessionId = session.Summary.SessionId,
            ClinicIdentifier = clinicIdentifier,
            ClinicIdentifierSystem = site.PatientIdentifierSystem!,
            MetricCodeSystem = site.MetricCodeSystem!,
            StartedUtc = session.Summary.StartedUtc,
            EndedUtc = session.Summary.EndedUtc,
            SoftwareVersion = AnalysisProvenance.CurrentSoftware,
            Hands = selected.Select(s => new FhirHandResult(s.Hand, s.VersionLabel, s.Result)).ToList(),
        });
        var json = FhirSessionBundle.ToJson(bundle);
        await audit.RecordAsync(user, FhirApi.ExportFhirAction, "session", sessionId,
            string.Create(CultureInfo.InvariantCulture, $"fhir bundle; versions={string.Join(",", selected.Select(s => s.Hand + ":" + s.VersionLabel))}; clinic_identifier={(clinicIdentifier is null ? "none" : "included")}"),
            cancellationToken);
        return Results.File(Encoding.UTF8.GetBytes(json), "application/fhir+json", $"thermohand-{sessionId}-fhir.json");
    }
}
