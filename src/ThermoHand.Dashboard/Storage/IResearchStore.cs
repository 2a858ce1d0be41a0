using ThermoHand.Exports.Research;

namespace ThermoHand.Dashboard.Storage;

/// <summary>
/// What the research export needs from the store beyond <see cref="IClinicStore"/>: study group tags of sessions,
/// cohorts by date range / protocol preset / tag, and every region reading of a session (the live curves) without
/// the frames' temperature blobs. Implemented by <see cref="SqlClinicStore"/> (SqlClinicStore.Research.cs).
/// </summary>
public interface IResearchStore
{
    Task<IReadOnlyList<string>> GetStudyTagsAsync(string sessionId, CancellationToken cancellationToken = default);

    /// <summary>Adds a tag (already validated by <c>StudyTag</c>); false when the session already has it.</summary>
    Task<bool> AddStudyTagAsync(string sessionId, string tag, string addedBy, CancellationToken cancellationToken = default);

    /// <summary>Removes a tag; false when the session did not have it.</summary>
    Task<bool> RemoveStudyTagAsync(string sessionId, string tag, CancellationToken cancellationToken = default);

    /// <summary>Every tag in use, for the cohort filter.</summary>
    Task<IReadOnlyList<string>> ListStudyTagsAsync(CancellationToken cancellationToken = default);

    /// <summary>Every protocol preset name sessions were run with, for the cohort filter.</summary>
    Task<IReadOnlyList<string>> ListPresetNamesAsync(CancellationToken cancellationToken = default);

    /// <summary>Sessions matching the filter, split into finished ones (exported) and ones still running (not exported).</summary>
    Task<ResearchCohort> FindCohortAsync(ResearchCohortFilter filter, CancellationToken cancellationToken = default);

    /// <summary>Region readings of the sessions: the rows curves_long.csv will have.</summary>
    Task<long> CountRegionReadingsAsync(IReadOnlyList<string> sessionIds, CancellationToken cancellationToken = default);

    /// <summary>Every region reading of every stored frame of a session, in frame order.</summary>
    Task<IReadOnlyList<ResearchRegionReading>> GetRegionReadingsAsync(string sessionId, CancellationToken cancellationToken = default);
}

/// <summary>A research cohort filter; null members do not filter. Dates compare with the session's start (UTC).</summary>
public sealed record ResearchCohortFilter(
    DateTimeOffset? StartedFromUtc = null,
    DateTimeOffset? StartedBeforeUtc = null,
    string? PresetName = null,
    string? Tag = null,
    string? SessionId = null);

/// <summary>One session of a cohort: its clinic id (never shown in the export) and hands.</summary>
public sealed record CohortSession(string SessionId, IReadOnlyList<string> Hands);

/// <summary>The finished sessions of a cohort (exported) and how many matching sessions are still running (not exported).</summary>
public sealed record ResearchCohort(IReadOnlyList<CohortSession> Sessions, int StillRunning);
