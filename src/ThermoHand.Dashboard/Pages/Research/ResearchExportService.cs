using System.Reflection;
using System.Security.Claims;
using System.Security.Cryptography;
using ThermoHand.Dashboard.Analysis;
using ThermoHand.Dashboard.Pages.Sessions;
using ThermoHand.Dashboard.Security;
using ThermoHand.Dashboard.Storage;
using ThermoHand.Exports.Research;

namespace ThermoHand.Dashboard.Pages.Research;

/// <summary>What the research page shows before a download: counts and study session ids only.</summary>
public sealed record ResearchPreview(int Sessions, int Hands, long CurveRows, int StillRunning, IReadOnlyList<string> StudySessionIds);

/// <summary>A finished export: the zip in a temporary file (deleted when the stream closes) and what it holds.</summary>
public sealed record ResearchExportFile(Stream Zip, string FileName, ResearchExportSummary Summary);

/// <summary>
/// Builds the pseudonymised research export of a cohort from the store: finished sessions only, the analysis the
/// dashboard's <see cref="IAnalysisSelection"/> chooses, every region reading, events, environment and tags; audits it.
/// </summary>
public sealed class ResearchExportService(IClinicStore store, IResearchStore research, IAnalysisSelection selection, StudyKeyProvider key, AuditTrail audit)
{
    public async Task<ResearchPreview> PreviewAsync(ResearchCohortFilter filter, CancellationToken cancellationToken)
    {
        var cohort = await research.FindCohortAsync(filter, cancellationToken);
        var ids = cohort.Sessions.Select(s => s.SessionId).ToList();
        return new ResearchPreview(
            ids.Count, cohort.Sessions.Sum(s => s.Hands.Count), await research.CountRegionReadingsAsync(ids, cancellationToken), cohort.StillRunning,
            ids.Select(key.Pseudonymiser.StudySessionId).Order(StringComparer.Ordinal).ToList());
    }

    /// <summary>Writes the zip to a temporary file and records the export in the audit trail (no identifiers in it).</summary>
    /// <param name="filter">The cohort.</param>
    /// <param name="cohortInWords">The filter for the manifest: no dates, no identifiers.</param>
    /// <param name="filterForAudit">The filter for the audit trail, dates included (the audit trail stays in the clinic).</param>
    /// <param name="user">Who exports.</param>
    /// <param name="cancellationToken">Stops the export.</param>
    public async Task<ResearchExportFile> ExportAsync(ResearchCohortFilter filter, string cohortInWords, string filterForAudit, ClaimsPrincipal user, CancellationToken cancellationToken)
    {
        var cohort = await research.FindCohortAsync(filter, cancellationToken);
        var exportId = "E-" + Convert.ToHexString(RandomNumberGenerator.GetBytes(6));
        var request = new ResearchExportRequest(
            exportId, cohortInWords, cohort.Sessions.Select(s => s.SessionId).ToList(),
            MetricCatalog.RegionMetrics.Select(m => new ResearchMetricDefinition(m.Field, m.Unit, m.Definition)).ToList(),
            typeof(ResearchExportBuilder).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "unknown");

        // A temporary file, not memory: a cohort's curves can be hundreds of megabytes, and a failure half-way sends
        // an error page instead of a truncated zip.
        var zip = new FileStream(Path.GetTempFileName(), FileMode.Create, FileAccess.ReadWrite, FileShare.None, 1 << 16, FileOptions.DeleteOnClose | FileOptions.Asynchronous);
        try
        {
            var summary = await new ResearchExportBuilder(key.Pseudonymiser).WriteAsync(request, LoadAsync, zip, cancellationToken);
            zip.Position = 0;
            var detail = $"research export {exportId}: {filterForAudit}; sessions={summary.Sessions}, hands={summary.Hands}, curve_rows={summary.CurveRows}"
                         + (cohort.StillRunning > 0 ? $", still running (not exported)={cohort.StillRunning}" : "");
            await audit.RecordAsync(user, AuditTrail.Export, "research_cohort", exportId, detail, cancellationToken);
            return new ResearchExportFile(zip, $"thermohand-research-{exportId}.zip", summary);
        }
        catch
        {
            await zip.DisposeAsync();
            throw;
        }
    }

    private async Task<ResearchSessionSource> LoadAsync(string sessionId, CancellationToken cancellationToken)
    {
        var detail = await store.GetSessionAsync(sessionId, cancellationToken)
                     ?? throw new InvalidOperationException("A session of the cohort was removed while the export ran; start the export again.");
        var analyses = await selection.SelectAsync(detail, cancellationToken);
        var s = detail.Summary;
        return new ResearchSessionSource(
            s.SessionId, s.PatientReference, s.DeviceId, s.StartedUtc, s.Hands, s.PresetName, s.Outcome,
            await research.GetStudyTagsAsync(sessionId, cancellationToken), detail.Settings,
            detail.Events.Select(e => new ResearchEvent(e.TimeSeconds, e.Type, e.Hand)).ToList(),
            detail.Environment.Select(e => new ResearchEnvironmentReading(e.TimeSeconds, e.RoomC, e.HumidityPercent, e.WaterC, e.Deviations)).ToList(),
            analyses.Select(a => new ResearchAnalysis(a.Hand, a.VersionLabel, a.Result)).ToList(),
            await research.GetRegionReadingsAsync(sessionId, cancellationToken));
    }
}
