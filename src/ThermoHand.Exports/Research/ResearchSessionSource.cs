using System.Text.Json;

namespace ThermoHand.Exports.Research;

// What the export reads about one session, as the clinic stores it (identifiers included): the builder, not the
// caller, decides what leaves, so one place removes identifiers and the leak test can feed it real-looking data.
// Session times (SessionSeconds) are seconds on the device's session clock.

/// <summary>One stored session with everything the research export may use from it.</summary>
/// <remarks>
/// <para>SessionId: The clinic's session id: replaced by a study session id, never exported.</para>
/// <para>PatientReference: The clinic's pseudonymous reference: replaced by a study id, never exported.</para>
/// <para>DeviceId: Never exported (HIPAA device identifiers); kept here so the leak test can prove it.</para>
/// <para>StartedUtc: Used only to number a patient's visits in order; never exported.</para>
/// <para>Settings: Sensor settings as the device sent them: only a calibration version is read from them.</para>
/// <para>Analyses: The analysis result per hand chosen by the dashboard's analysis selection.</para>
/// <para>RegionReadings: Every region reading of every stored frame (the live curves).</para>
/// </remarks>
public sealed record ResearchSessionSource(
    string SessionId,
    string? PatientReference,
    string DeviceId,
    DateTimeOffset? StartedUtc,
    IReadOnlyList<string> Hands,
    string? ProtocolPreset,
    string? Outcome,
    IReadOnlyList<string> GroupTags,
    JsonElement? Settings,
    IReadOnlyList<ResearchEvent> Events,
    IReadOnlyList<ResearchEnvironmentReading> Environment,
    IReadOnlyList<ResearchAnalysis> Analyses,
    IReadOnlyList<ResearchRegionReading> RegionReadings);

/// <summary>A protocol event (challenge_start, challenge_end, paused, …). Free-text details are not exported.</summary>
public sealed record ResearchEvent(double SessionSeconds, string Type, string? Hand);

/// <summary>A room / humidity / water reading with the deviations the device flagged at that moment.</summary>
public sealed record ResearchEnvironmentReading(
    double SessionSeconds, double? RoomC, double? HumidityPercent, double? WaterC, IReadOnlyList<string> Deviations);

/// <summary>The analysis result (<c>thermohand/analysis/v1</c>) of one hand and the label of the analysis that made it.</summary>
public sealed record ResearchAnalysis(string Hand, string VersionLabel, JsonElement Result);

/// <summary>One region's reading in one stored frame: null temperature = the device could not read the region then.</summary>
public sealed record ResearchRegionReading(
    string Hand, double SessionSeconds, string Region, int? Digit, double? TemperatureC, bool Trusted, string? Flag);

/// <summary>A metric of the analysis JSON as the clinic's documentation defines it (docs/metrics.md §2).</summary>
/// <remarks>Field: JSON path inside one ROI, e.g. "t50_s" or "recovery_pct.300".</remarks>
public sealed record ResearchMetricDefinition(string Field, string Unit, string Definition)
{
    /// <summary>The metrics.csv column: the field with '.' replaced by '_' ("recovery_pct_300").</summary>
    public string Column => Field.Replace('.', '_');
}

/// <summary>What to export and how to name it.</summary>
/// <remarks>
/// <para>ExportId: Random id of this export (also in the audit trail).</para>
/// <para>CohortDescription: The cohort filter in words, without identifiers or dates.</para>
/// <para>SessionKeys: The clinic's session ids of the cohort, in any order.</para>
/// </remarks>
public sealed record ResearchExportRequest(
    string ExportId,
    string CohortDescription,
    IReadOnlyList<string> SessionKeys,
    IReadOnlyList<ResearchMetricDefinition> Metrics,
    string SoftwareVersion);

/// <summary>Files and rows written, for the audit trail and the page.</summary>
public sealed record ResearchExportSummary(
    string ExportId, int Sessions, int Hands, long CurveRows, IReadOnlyDictionary<string, long> RowsByFile, IReadOnlyList<string> StudySessionIds);
