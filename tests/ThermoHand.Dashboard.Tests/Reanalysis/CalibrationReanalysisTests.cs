using System.Net;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using ThermoHand.Calibration;
using ThermoHand.Dashboard.Apis;
using ThermoHand.Dashboard.Storage;
using ThermoHand.Dashboard.Tests.Support;

namespace ThermoHand.Dashboard.Tests.Reanalysis;

/// <summary>A site calibration uploaded in the re-analysis form is applied to the stored frames; one for another sensor is refused.</summary>
[Collection(ReanalysisCollection.Name)]
public sealed class CalibrationReanalysisTests(ReanalysisServerFixture server)
{
    private const string SessionId = ReanalysisServerFixture.CalibratedSessionId;

    private static string CalibrationFile(string sensorId, float offset) => SiteCalibrationFile.ToText(new SiteCalibration(
        sensorId, 1, new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero), new DateTimeOffset(2027, 1, 1, 0, 0, 0, TimeSpan.Zero),
        Enumerable.Repeat(1f, 768).ToList(), Enumerable.Repeat(offset, 768).ToList(), [], new CalibrationQuality()));

    private async Task PostAsync(HttpClient client, string fileText)
    {
        var token = await DashboardFactory.FormTokenAsync(client, "/sessions/" + SessionId);
        using var form = new MultipartFormDataContent
        {
            { new StringContent(token), "__RequestVerificationToken" },
            { new ByteArrayContent(Encoding.UTF8.GetBytes(fileText)), "calibration_file", "site.thcal.json" },
        };
        var response = await client.PostAsync($"/sessions/{SessionId}/reanalyse", form);
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        await server.Factory.Services.GetRequiredService<ReanalysisJobs>().LastJob;
    }

    private static double DorsumBaseline(JsonElement result) =>
        result.GetProperty("rois").EnumerateArray().Single(r => r.GetProperty("name").GetString() == "dorsum").GetProperty("baseline_c").GetDouble();

    [Fact]
    public async Task An_uploaded_calibration_shifts_the_numbers_by_its_offset_and_one_for_another_sensor_is_refused()
    {
        using var researcher = await server.Factory.LoggedInClientAsync("res", ReanalysisServerFixture.Password);
        var versions = server.Factory.Services.GetRequiredService<IAnalysisVersionStore>();
        var device = (await server.Factory.Store.GetSessionAsync(SessionId))!.Results.Single(r => r.IsFinal && r.Hand == "right").Result;

        await PostAsync(researcher, CalibrationFile("0A1B2C3D4E5F", 1.0f));
        Assert.Empty(await versions.ListAnalysisVersionsAsync(SessionId));
        Assert.Contains("belongs to sensor 0A1B2C3D4E5F", server.Factory.Services.GetRequiredService<ReanalysisJobs>().StatusOf(SessionId)!.Message, StringComparison.Ordinal);

        await PostAsync(researcher, CalibrationFile("emulated:melexis-sample", 1.0f));
        var version = Assert.Single(await versions.ListAnalysisVersionsAsync(SessionId));
        Assert.Equal("emulated:melexis-sample/v1", version.Provenance.GetProperty("settings").GetProperty("calibration").GetProperty("id").GetString());
        Assert.Equal(1.0, DorsumBaseline(version.Result) - DorsumBaseline(device), 2);
    }
}
