using System.Text.Json;

namespace ThermoHand.Dashboard.Storage;

/// <summary>
/// Versioned analysis results of a session (docs/reanalysis.md): the device's own result is "device" (kept in
/// analysis_results, never touched); each re-analysis adds version 2, 3, … ("v2", "v3") with one row per hand.
/// Versions are only ever added, never changed or removed. Implemented by <see cref="SqlClinicStore"/>.
/// </summary>
public interface IAnalysisVersionStore
{
    /// <summary>Stores one re-analysis (all its hands) as the session's next version, in one transaction; returns the version number.</summary>
    Task<int> AddAnalysisVersionAsync(string sessionId, IReadOnlyList<NewAnalysisVersion> hands, string createdBy, CancellationToken cancellationToken = default);

    /// <summary>Every stored version of a session, oldest first, hands in order.</summary>
    Task<IReadOnlyList<StoredAnalysisVersion>> ListAnalysisVersionsAsync(string sessionId, CancellationToken cancellationToken = default);
}

/// <summary>One hand of a re-analysis to store: its provenance (canonical JSON), settings hash and result JSON.</summary>
public sealed record NewAnalysisVersion(string Hand, string ProvenanceJson, string SettingsHash, string ResultJson);

/// <summary>One stored hand of one analysis version.</summary>
public sealed record StoredAnalysisVersion(
    string SessionId, int Version, string Hand, string Label, JsonElement Provenance, string SettingsHash, JsonElement Result,
    string CreatedBy, DateTimeOffset CreatedUtc);
