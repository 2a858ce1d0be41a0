using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Options;
using ThermoHand.Dashboard.Configuration;
using ThermoHand.Exports.Fhir;

namespace ThermoHand.Dashboard.Tests.Fhir;

/// <summary>The FHIR export's site systems: documented placeholders by default, and an unusable value stops the start naming the setting.</summary>
public sealed class FhirSettingsTests
{
    [Fact]
    public void The_defaults_are_the_documented_placeholders_and_valid()
    {
        var options = new DashboardOptions();
        Assert.Equal(FhirCodes.DefaultClinicIdentifierSystem, options.Fhir.PatientIdentifierSystem);
        Assert.Equal(FhirCodes.DefaultMetricCodeSystem, options.Fhir.MetricCodeSystem);
        Assert.False(new ValidateDashboardOptions().Validate(null, options).Failed);
        var site = new DashboardOptions { Fhir = new FhirOptions { PatientIdentifierSystem = "urn:oid:1.2.3.4.5", MetricCodeSystem = "https://hospital.example/fhir/CodeSystem/rewarming" } };
        Assert.False(new ValidateDashboardOptions().Validate(null, site).Failed);
    }

    [Theory]
    [InlineData("PatientIdentifierSystem", "hospital numbers", "not an absolute URI")]
    [InlineData("PatientIdentifierSystem", "/mrn", "not an absolute URI")]
    [InlineData("MetricCodeSystem", "", "is empty")]
    [InlineData("MetricCodeSystem", "https://hospital.example/codes|1", "may not contain '|' or '#'")]
    public void An_unusable_system_is_named_with_what_to_do(string setting, string value, string expected)
    {
        var fhir = setting == "PatientIdentifierSystem" ? new FhirOptions { PatientIdentifierSystem = value } : new FhirOptions { MetricCodeSystem = value };
        var result = new ValidateDashboardOptions().Validate(null, new DashboardOptions { Fhir = fhir });
        var message = Assert.Single(result.Failures!);
        Assert.StartsWith("Dashboard:Fhir:" + setting + " is", message, StringComparison.Ordinal);
        Assert.Contains(expected, message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_server_with_an_unusable_system_stops_at_start_naming_it()
    {
        using var factory = new Support.DashboardFactory().WithWebHostBuilder(b => b.UseSetting("Dashboard:Fhir:MetricCodeSystem", "rewarming-codes"));
        var error = Assert.Throws<OptionsValidationException>(() => factory.Server);
        Assert.Contains("Dashboard:Fhir:MetricCodeSystem is 'rewarming-codes', which is not an absolute URI", error.Message, StringComparison.Ordinal);
    }
}
