using System.Text.Json;

namespace ThermoHand.Exports.Fhir;

/// <summary>One hand's analysis result chosen for the export (thermohand/analysis/v1 JSON) and its version label.</summary>
public sealed record FhirHandResult(string Hand, string VersionLabel, JsonElement Result);

/// <summary>
/// Everything one session's FHIR export needs. The clinic identifier is the real one (decrypted by the dashboard for a
/// clinician): the FHIR export goes into the hospital record, so it is identified data (docs/fhir.md).
/// </summary>
public sealed record FhirSessionInput
{
    public required string SessionId { get; init; }

    /// <summary>The patient's clinic identifier (e.g. hospital number); null = not recorded (the Patient then has none).</summary>
    public string? ClinicIdentifier { get; init; }

    /// <summary>The identifier system (absolute namespace URI) of the clinic's patient numbers; the dashboard's
    /// Dashboard:Fhir:PatientIdentifierSystem setting (docs/fhir.md).</summary>
    public string ClinicIdentifierSystem { get; init; } = FhirCodes.DefaultClinicIdentifierSystem;

    /// <summary>Wall-clock time of session time t = 0 s.</summary>
    public DateTimeOffset? StartedUtc { get; init; }

    public DateTimeOffset? EndedUtc { get; init; }

    /// <summary>The analysis software version, for Device.version.</summary>
    public string? SoftwareVersion { get; init; }

    /// <summary>The local CodeSystem URL of the derived metrics (docs/fhir.md); the dashboard's Dashboard:Fhir:MetricCodeSystem
    /// setting, so a site can use its own canonical URL.</summary>
    public string MetricCodeSystem { get; init; } = FhirCodes.DefaultMetricCodeSystem;

    public required IReadOnlyList<FhirHandResult> Hands { get; init; }
}
