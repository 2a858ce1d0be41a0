using System.Diagnostics;
using System.Net;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using ThermoHand.Analysis.Reanalysis;
using ThermoHand.Dashboard.Analysis;
using ThermoHand.Dashboard.Apis;
using ThermoHand.Dashboard.Storage;
using ThermoHand.Dashboard.Tests.Support;
using Xunit.Abstractions;

namespace ThermoHand.Dashboard.Tests.Reanalysis;

/// <summary>Re-analysis through the real server: form → background run → new version; roles; audit; export selection.</summary>
[Collection(ReanalysisCollection.Name)]
public sealed class ReanalysisTests(ReanalysisServerFixture server, ITestOutputHelper output)
{
    private const string SessionId = ReanalysisServerFixture.VersionedSessionId;

    private DashboardFactory Factory => server.Factory;

    private IAnalysisVersionStore Versions => Factory.Services.GetRequiredService<IAnalysisVersionStore>();

    private async Task<HttpResponseMessage> PostAsync(HttpClient client, Dictionary<string, string> fields)
    {
        var token = await DashboardFactory.FormTokenAsync(client, "/sessions/" + SessionId);
        using var form = new MultipartFormDataContent();
        form.Add(new StringContent(token), "__RequestVerificationToken");
        foreach (var (name, value) in fields)
        {
            form.Add(new StringContent(value), name);
        }

        var response = await client.PostAsync($"/sessions/{SessionId}/reanalyse", form);
        await Factory.Services.GetRequiredService<ReanalysisJobs>().LastJob;
        return response;
    }

    private static string WithoutProvenance(JsonElement result)
    {
        var copy = JsonSerializer.Deserialize<Dictionary<string, JsonElement>>(result.GetRawText())!;
        copy.Remove("provenance");
        return JsonSerializer.Serialize(copy);
    }

    private static double DorsumBaseline(JsonElement result) =>
        result.GetProperty("rois").EnumerateArray().Single(r => r.GetProperty("name").GetString() == "dorsum").GetProperty("baseline_c").GetDouble();

    [Fact]
    public async Task Versions_reproduce_the_device_change_with_the_settings_and_are_never_overwritten()
    {
        using var researcher = await Factory.LoggedInClientAsync("res", ReanalysisServerFixture.Password);
        var session = (await Factory.Store.GetSessionAsync(SessionId))!;
        var device = session.Results.Single(r => r.IsFinal && r.Hand == "right").Result;

        // 1. The recorded settings: the same numbers as the device, a provenance that differs only in its source.
        var watch = Stopwatch.StartNew();
        var response = await PostAsync(researcher, []);
        watch.Stop();
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        var frames = session.FrameCount;
        output.WriteLine($"re-analysis of {frames} stored frames took {watch.Elapsed.TotalSeconds:0.0} s ({frames / watch.Elapsed.TotalSeconds:0} frames/s)");
        var first = Assert.Single(await Versions.ListAnalysisVersionsAsync(SessionId));
        Assert.Equal("v2", first.Label);
        Assert.Equal("res", first.CreatedBy);
        Assert.Equal(WithoutProvenance(device), WithoutProvenance(first.Result));
        var recorded = RecordedSessionSettings.Read(session);
        Assert.Equal(recorded.DeviceProvenance("right").SettingsHash, first.SettingsHash);
        Assert.Equal("stored-frames", first.Provenance.GetProperty("source").GetString());

        // 2. A lower emissivity: a new version, another hash, warmer skin; v2 untouched.
        await PostAsync(researcher, new() { ["emissivity"] = "0.95" });
        // 3. The covered-pixel mean.
        await PostAsync(researcher, new() { ["region_method"] = RegionMethods.CoveredPixelMean });
        var all = await Versions.ListAnalysisVersionsAsync(SessionId);
        Assert.Equal(["v2", "v3", "v4"], all.Select(v => v.Label));
        Assert.Equal(first.Result.GetRawText(), all[0].Result.GetRawText());
        Assert.Equal(first.CreatedUtc, all[0].CreatedUtc);
        Assert.Equal(3, all.Select(v => v.SettingsHash).Distinct().Count());
        Assert.True(DorsumBaseline(all[1].Result) > DorsumBaseline(device) + 0.1,
            $"ε 0.95 dorsum baseline {DorsumBaseline(all[1].Result):0.000} vs device {DorsumBaseline(device):0.000}");
        Assert.Equal(0.95, all[1].Provenance.GetProperty("settings").GetProperty("emissivity").GetDouble());
        Assert.Equal("v3", all[2].Provenance.GetProperty("based_on").GetString());

        // Exports now use the newest version, and the report names every version.
        var selected = await Factory.Services.GetRequiredService<IAnalysisSelection>().SelectAsync(session);
        Assert.Equal("v4", Assert.Single(selected).VersionLabel);
        var page = await researcher.GetStringAsync("/sessions/" + SessionId);
        Assert.Contains("data-version=\"v4\"", page, StringComparison.Ordinal);
        Assert.Contains("emissivity 0.98 &#x2192; 0.95", page, StringComparison.Ordinal); // Razor encodes the arrow
        Assert.Contains("region method unmixed-fingertip-per-digit &#x2192; covered-pixel-mean", page, StringComparison.Ordinal);

        var audit = await Factory.Store.ListAuditAsync(200, "res");
        Assert.Equal(3, audit.Count(a => a.Action == ReanalysisApi.ReanalyseAction && a.TargetId == SessionId));
    }

    [Fact]
    public async Task A_bad_setting_stores_nothing_and_the_report_says_why()
    {
        using var clinician = await Factory.LoggedInClientAsync("clin", ReanalysisServerFixture.Password);
        var before = (await Versions.ListAnalysisVersionsAsync(ReanalysisServerFixture.ExportedSessionId)).Count;
        var token = await DashboardFactory.FormTokenAsync(clinician, "/sessions/" + ReanalysisServerFixture.ExportedSessionId);
        using var form = new MultipartFormDataContent { { new StringContent(token), "__RequestVerificationToken" }, { new StringContent("1.7"), "emissivity" } };
        var response = await clinician.PostAsync($"/sessions/{ReanalysisServerFixture.ExportedSessionId}/reanalyse", form);
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal(before, (await Versions.ListAnalysisVersionsAsync(ReanalysisServerFixture.ExportedSessionId)).Count);
        var page = await clinician.GetStringAsync("/sessions/" + ReanalysisServerFixture.ExportedSessionId);
        Assert.Contains("not a number above 0 and at most 1", page, StringComparison.Ordinal);
        Assert.Contains(await Factory.Store.ListAuditAsync(50, "clin"), a => a.Action == ReanalysisApi.ReanalyseFailedAction);
    }

    [Fact]
    public async Task A_technician_cannot_reanalyse_and_a_post_without_token_is_refused()
    {
        using var technician = await Factory.LoggedInClientAsync("tech", ReanalysisServerFixture.Password);
        using var empty = new MultipartFormDataContent { { new StringContent("0.9"), "emissivity" } };
        var denied = await technician.PostAsync($"/sessions/{SessionId}/reanalyse", empty);
        Assert.NotEqual(HttpStatusCode.OK, denied.StatusCode);
        Assert.True(denied.StatusCode is HttpStatusCode.Redirect or HttpStatusCode.Forbidden, $"technician got {denied.StatusCode}");
        if (denied.StatusCode == HttpStatusCode.Redirect)
        {
            Assert.StartsWith("/Account/Login", denied.Headers.Location!.AbsolutePath, StringComparison.OrdinalIgnoreCase);
        }

        using var researcher = await Factory.LoggedInClientAsync("res", ReanalysisServerFixture.Password);
        using var noToken = new MultipartFormDataContent { { new StringContent("0.9"), "emissivity" } };
        var refused = await researcher.PostAsync($"/sessions/{ReanalysisServerFixture.ExportedSessionId}/reanalyse", noToken);
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
    }
}
