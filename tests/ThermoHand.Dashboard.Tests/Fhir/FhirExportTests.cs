using System.Net;
using Hl7.Fhir.Model;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using ThermoHand.Dashboard.Tests.Support;
using Task = System.Threading.Tasks.Task;
using ThermoHand.Dashboard.Apis;
using ThermoHand.Dashboard.Tests.Reanalysis;
using ThermoHand.Exports.Fhir;

namespace ThermoHand.Dashboard.Tests.Fhir;

/// <summary>The FHIR export endpoint: clinicians only, identified, audited, and a Bundle the Firely parser reads back.</summary>
[Collection(ReanalysisCollection.Name)]
public sealed class FhirExportTests(ReanalysisServerFixture server)
{
    private const string Path = "/sessions/" + ReanalysisServerFixture.ExportedSessionId + "/export/fhir.json";

    [Fact]
    public async Task A_clinician_gets_a_bundle_with_the_clinic_identifier_and_the_download_is_audited()
    {
        using var clinician = await server.Factory.LoggedInClientAsync("clin", ReanalysisServerFixture.Password);
        var response = await clinician.GetAsync(Path);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/fhir+json", response.Content.Headers.ContentType!.MediaType);
        var bundle = FhirSessionBundle.Parse(await response.Content.ReadAsStringAsync());
        var patient = Assert.Single(bundle.Entry.Select(e => e.Resource).OfType<Patient>());
        Assert.Equal("MRN-000777", patient.Identifier.Single().Value);
        var observations = bundle.Entry.Select(e => e.Resource).OfType<Observation>().ToList();
        Assert.Equal(7, observations.Count); // D1–D5, dorsum and the DDD mean of the one hand
        Assert.All(observations, o => Assert.Equal(ObservationStatus.Final, o.Status));
        // The grid spans the dorsum curve of the device's result, one point per period.
        using var device = System.Text.Json.JsonDocument.Parse(server.Session.FinalAnalysisJson);
        var points = device.RootElement.GetProperty("rois").EnumerateArray().Single(r => r.GetProperty("name").GetString() == "dorsum")
            .GetProperty("curve").EnumerateArray().Select(p => p[0].GetDouble()).ToList();
        var curve = (int)Math.Round(points[^1] - points[0]) + 1;
        var dorsum = observations.Single(o => o.BodySite?.Text == "right dorsum of hand");
        var sampled = Assert.IsType<SampledData>(dorsum.Value);
        Assert.Equal(1000m, sampled.Period); // one frame per second
        Assert.Equal(curve, sampled.Data!.Split(' ').Length);
        var audit = await server.Factory.Store.ListAuditAsync(50, "clin");
        Assert.Contains(audit, a => a.Action == FhirApi.ExportFhirAction && a.TargetId == ReanalysisServerFixture.ExportedSessionId && a.Detail!.Contains("right:", StringComparison.Ordinal));
    }

    [Fact]
    public async Task The_site_s_configured_systems_are_in_the_bundle()
    {
        const string Mrn = "urn:oid:1.2.826.0.1.3680043.9.7777", Metrics = "https://hospital.example/fhir/CodeSystem/thermohand-rewarming";
        // A second host over the fixture's database and key ring, with the site's Dashboard:Fhir settings.
        using var site = server.Factory.WithWebHostBuilder(b =>
        {
            b.UseSetting("Dashboard:Fhir:PatientIdentifierSystem", Mrn);
            b.UseSetting("Dashboard:Fhir:MetricCodeSystem", Metrics);
        });
        using var clinician = site.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = true });
        Assert.Equal(HttpStatusCode.Redirect, (await DashboardFactory.LogInAsync(clinician, "clin", ReanalysisServerFixture.Password)).StatusCode);
        var response = await clinician.GetAsync(Path);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var json = await response.Content.ReadAsStringAsync();
        var bundle = FhirSessionBundle.Parse(json);
        var identifier = bundle.Entry.Select(e => e.Resource).OfType<Patient>().Single().Identifier.Single();
        Assert.Equal((Mrn, "MRN-000777"), (identifier.System, identifier.Value));
        var observations = bundle.Entry.Select(e => e.Resource).OfType<Observation>().ToList();
        var metricCodings = observations.SelectMany(o => o.Component.SelectMany(c => c.Code.Coding))
            .Concat(observations.SelectMany(o => o.Code.Coding).Where(c => c.System != FhirCodes.Loinc)).ToList();
        Assert.NotEmpty(metricCodings);
        Assert.All(metricCodings, c => Assert.Equal(Metrics, c.System));
        Assert.Contains(observations, o => o.Code.Coding.Any(c => c.System == Metrics && c.Code == "ddd-mean"));
        Assert.DoesNotContain(FhirCodes.DefaultMetricCodeSystem, json, StringComparison.Ordinal);
        Assert.DoesNotContain(FhirCodes.DefaultClinicIdentifierSystem, json, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Without_site_settings_the_documented_placeholders_are_used()
    {
        using var clinician = await server.Factory.LoggedInClientAsync("clin", ReanalysisServerFixture.Password);
        var bundle = FhirSessionBundle.Parse(await clinician.GetStringAsync(Path));
        Assert.Equal(FhirCodes.DefaultClinicIdentifierSystem, bundle.Entry.Select(e => e.Resource).OfType<Patient>().Single().Identifier.Single().System);
        var components = bundle.Entry.Select(e => e.Resource).OfType<Observation>().SelectMany(o => o.Component).ToList();
        Assert.NotEmpty(components);
        Assert.All(components, c => Assert.Equal(FhirCodes.DefaultMetricCodeSystem, c.Code.Coding.Single().System));
    }

    [Theory]
    [InlineData("res")]
    [InlineData("tech")]
    public async Task Other_roles_do_not_get_the_identified_export(string user)
    {
        using var client = await server.Factory.LoggedInClientAsync(user, ReanalysisServerFixture.Password);
        var response = await client.GetAsync(Path);
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.StartsWith("/Account/Login", response.Headers.Location!.AbsolutePath, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain(await server.Factory.Store.ListAuditAsync(50, user), a => a.Action == FhirApi.ExportFhirAction);
    }
}
