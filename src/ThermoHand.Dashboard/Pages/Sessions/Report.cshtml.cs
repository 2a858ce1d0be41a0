using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using ThermoHand.Dashboard.Analysis;
using ThermoHand.Dashboard.Security;
using ThermoHand.Dashboard.Storage;
using ThermoHand.Exports.Bilateral;

namespace ThermoHand.Dashboard.Pages.Sessions;

/// <summary>
/// /sessions/{id}: the session report — facts, protocol, environment, sensor settings, the 8-finger summary of a
/// two-hand session (or why there is none), per hand the rewarming curves,
/// the metric table with units and definitions, DDD with its sign convention and the quality flags. Printable; the
/// PDF and exports are beside it (<see cref="SessionExports"/>). Every view is audited.
/// </summary>
[Authorize(Policy = ClinicPolicies.ViewSessions)]
public sealed class ReportModel(IClinicStore store, IReferenceCheckStore referenceChecks, IAnalysisSelection selection, AuditTrail audit) : PageModel
{
    public SessionDetail Detail { get; private set; } = null!;

    public IReadOnlyDictionary<string, AnalysisView> Hands { get; private set; } = new Dictionary<string, AnalysisView>();

    public IReadOnlyList<SessionSummary> EarlierSessions { get; private set; } = [];

    public string ChartJson { get; private set; } = "{}";

    /// <summary>Each sensor's calibration and flags, and the reference checks' numbers (_ReportCalibration).</summary>
    public ReportCalibration Calibration { get; private set; } = new([], []);

    /// <summary>The 8-finger headline (docs/metrics.md §3) from the analysis each hand's exports use, or why there is none.</summary>
    public EightFingerSummary EightFinger { get; private set; } = null!;

    public async Task<IActionResult> OnGetAsync(string id, CancellationToken cancellationToken)
    {
        var detail = await store.GetSessionAsync(id, cancellationToken);
        if (detail is null)
        {
            return NotFound($"No session '{id}'.");
        }

        Detail = detail;
        Calibration = ReportCalibration.For(detail, await referenceChecks.GetReferenceChecksAsync(id, cancellationToken));
        Hands = SessionFacts.ResultsByHand(detail.Results);
        EightFinger = await SessionEightFinger.ForAsync(detail, selection, cancellationToken);
        ChartJson = ChartData.Json(Hands.OrderBy(h => h.Key, StringComparer.Ordinal).Select(h => ChartData.ForHand(CanvasId(h.Key), h.Value)));
        if (detail.Summary.PatientReference is { } patient)
        {
            EarlierSessions = [.. (await store.GetSessionsOfPatientAsync(patient, cancellationToken))
                .Where(s => s.SessionId != detail.Summary.SessionId)];
        }

        await audit.RecordAsync(User, AuditTrail.ViewSession, "session", id, cancellationToken: cancellationToken);
        return Page();
    }

    public static string CanvasId(string hand) => "chart-" + hand;

    public string CompareLink(SessionSummary other)
    {
        // Earliest first, so the reference column of the comparison is the earlier session.
        var pair = new[] { other, Detail.Summary }.OrderBy(s => s.StartedUtc ?? DateTimeOffset.MaxValue).Select(s => Uri.EscapeDataString(s.SessionId));
        return "/compare?sessions=" + string.Join(',', pair);
    }
}
