using ThermoHand.Exports.Fhir;

namespace ThermoHand.Dashboard.Configuration;

/// <summary>
/// Settings of the HL7 FHIR export (docs/fhir.md): the two systems a site names for itself. The defaults are
/// ThermoHand's documented placeholder URNs, which work but mean nothing to a hospital's systems.
/// </summary>
public sealed class FhirOptions
{
    /// <summary>Identifier.system of the Patient: the namespace of the clinic identifiers (e.g. the hospital-number OID
    /// as "urn:oid:…", or the hospital's NamingSystem URL). Absolute URI.</summary>
    public string? PatientIdentifierSystem { get; set; } = FhirCodes.DefaultClinicIdentifierSystem;

    /// <summary>The CodeSystem canonical URL of the derived rewarming metrics (baseline, t50, recovery-300, ddd, …).
    /// Absolute URI without '|' or '#'.</summary>
    public string? MetricCodeSystem { get; set; } = FhirCodes.DefaultMetricCodeSystem;

    /// <summary>Each unusable setting, named with what to do (checked at start by <see cref="ValidateDashboardOptions"/>).</summary>
    public IEnumerable<string> Problems()
    {
        if (FhirSystemUri.Problem(PatientIdentifierSystem, "Dashboard:Fhir:PatientIdentifierSystem") is { } patient)
        {
            yield return patient;
        }

        if (FhirSystemUri.Problem(MetricCodeSystem, "Dashboard:Fhir:MetricCodeSystem") is { } metric)
        {
            yield return metric;
        }
    }
}
