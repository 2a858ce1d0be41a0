using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Extensions.DependencyInjection;
using ThermoHand.Analysis;
using ThermoHand.Analysis.Reanalysis;
using ThermoHand.Analysis.Results;
using ThermoHand.Analysis.Rewarming;
using ThermoHand.Dashboard.Security;
using ThermoHand.Dashboard.Storage;
using ThermoHand.Dashboard.Tests.Support;
using ThermoHand.Streaming;

namespace ThermoHand.Dashboard.Tests.Reports;

/// <summary>
/// The 8-finger headline on the real server: a two-hand session's report, report.json and PDF show
/// HandSummary.Combine's numbers of the two stored results; a one-hand session says why there is none; after a
/// re-analysis of one hand the summary combines the selected version of each hand and names versions and settings.
/// </summary>
public sealed class EightFingerReportTests : IDisposable
{
    private const string TwoHands = "s-two-hands", OneHand = "s-one-hand", DeviceId = "dev-eight", Password = "a-long-enough-password";

    private readonly DashboardFactory factory = new();

    public void Dispose() => factory.Dispose();

    /// <summary>A hand's result with values that survive the result JSON's 4 decimals unchanged (multiples of 1/16).</summary>
    private static AnalysisResult HandResult(Hand hand, double offset)
    {
        var rois = new List<RoiResult>();
        for (var digit = 1; digit <= 5; digit++)
        {
            rois.Add(new RoiResult("D" + digit, digit, null, new RewarmingMetrics
            {
                BaselineCelsius = 30 + (digit * 0.25) + offset,
                MinimumCelsius = 22 + (digit * 0.5) + offset,
                DropCelsius = 8 - (digit * 0.25),
                RecoveryPercent = new Dictionary<string, double?> { ["300"] = 40 + (3 * digit) + offset, ["600"] = 70 + digit, ["900"] = digit == 5 ? null : 90 + digit },
                TimeToRecoverySeconds = new Dictionary<string, double?> { ["25"] = 100 + digit, ["50"] = 200 + (20 * digit) + offset, ["63"] = 300 + digit, ["100"] = null },
                MaximumRateCelsiusPerMinute = 1.5 + (digit * 0.125) + offset,
                AreaAboveMinimumCelsiusMinutes = 90 + (digit * 2.5) + offset,
            }, []));
        }

        rois.Add(new RoiResult("dorsum", null, null, new RewarmingMetrics { BaselineCelsius = 31.5 + offset }, []));
        return new AnalysisResult(hand, rois, HandSummary.DistalDorsalDifference(rois, RewarmingSettings.Default), HandSummary.Averages(rois),
            new QualityReport([], 1080, 3), new ChallengeTiming(150, 210), false, 1110);
    }

    private static JsonElement Json(AnalysisResult result)
    {
        using var document = JsonDocument.Parse(AnalysisJsonWriter.ToJson(result));
        return document.RootElement.Clone();
    }

    private async Task<HttpClient> StreamAsync(AnalysisResult left, AnalysisResult right)
    {
        var (device, _) = await factory.DeviceClientAsync(DeviceId);
        var m = new StreamMessages();
        long seq = 0;
        var messages = new List<DeviceMessage>
        {
            m.SessionStarted(++seq, TwoHands, "PR-EIGHT-1", "left", "right"),
            m.Event(++seq, TwoHands, 150, "challenge_start"),
            m.Event(++seq, TwoHands, 210, "challenge_end"),
            m.Frame(++seq, TwoHands, 220, "left", 25),
            m.Frame(++seq, TwoHands, 220, "right", 25),
            m.Raw(++seq, DeviceMessageKinds.Analysis, TwoHands, new { hand = "left", final = true, result = Json(left) }),
            m.Raw(++seq, DeviceMessageKinds.Analysis, TwoHands, new { hand = "right", final = true, result = Json(right) }),
            m.Ended(++seq, TwoHands, 1200),
            m.SessionStarted(++seq, OneHand, "PR-EIGHT-1", "right"),
            m.Frame(++seq, OneHand, 220, "right", 25),
            m.Raw(++seq, DeviceMessageKinds.Analysis, OneHand, new { hand = "right", final = true, result = Json(right) }),
            m.Ended(++seq, OneHand, 1200),
        };
        var response = await device.PostAsJsonAsync(DeviceAuthentication.MessagesPath, new DeviceBatch(DeviceId, messages), DeviceAuthentication.JsonOptions);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        await factory.CreateUserAsync("clin", ClinicRoles.Clinician, Password);
        return await factory.LoggedInClientAsync("clin", Password);
    }

    private static string Cell(string html, string metric, string stat) =>
        Regex.Match(html, $"<tr data-metric=\"{Regex.Escape(metric)}\">.*?<td data-stat=\"{stat}\" data-value=\"([^\"]*)\"", RegexOptions.Singleline).Groups[1].Value;

    private static string Raw(double? value) => value?.ToString("R", CultureInfo.InvariantCulture) ?? "";

    [Fact]
    public async Task A_two_hand_report_shows_the_8_finger_headline_with_Combine_s_numbers_and_a_one_hand_report_says_why_not()
    {
        var left = HandResult(Hand.Left, 0);
        var right = HandResult(Hand.Right, 1.5);
        var expected = HandSummary.Combine(left, right);
        var clinician = await StreamAsync(left, right);

        var page = WebUtility.HtmlDecode(await clinician.GetStringAsync("/sessions/" + TwoHands));
        Assert.Contains("<section id=\"eight-finger\" class=\"eight-finger\" data-computed=\"true\">", page, StringComparison.Ordinal);
        // Above the per-hand tables: the headline comes first.
        Assert.True(page.IndexOf("id=\"eight-finger\"", StringComparison.Ordinal) < page.IndexOf("class=\"hand-report\"", StringComparison.Ordinal));
        foreach (var (field, name) in new[] { ("baseline_c", "baseline_c"), ("t50_s", "t50_s"), ("recovery_pct.900", "recovery_900_pct"), ("max_rate_c_per_min", "max_rate_c_per_min") })
        {
            var spread = expected.EightFingerAverages.Single(s => s.Name == name);
            Assert.Equal((Raw(spread.Mean), Raw(spread.StandardDeviation), spread.Count.ToString(CultureInfo.InvariantCulture)),
                (Cell(page, field, "mean"), Cell(page, field, "sd"), Cell(page, field, "n")));
        }

        Assert.Equal("6", Cell(page, "recovery_pct.900", "n"));   // D5 of each hand has none: n says so
        Assert.Equal(Raw(expected.EightFingerDddMeanCelsius), Regex.Match(page, "<tr data-metric=\"ddd_mean\">.*?data-value=\"([^\"]*)\"", RegexOptions.Singleline).Groups[1].Value);
        Assert.Contains("device for both hands", page, StringComparison.Ordinal);
        Assert.Contains("°C/min", Regex.Match(page, "<tr data-metric=\"max_rate_c_per_min\">.*?</tr>", RegexOptions.Singleline).Value, StringComparison.Ordinal);
        Assert.Contains("Steepest least-squares slope over any 60 s window", page, StringComparison.Ordinal);

        using var report = JsonDocument.Parse(await clinician.GetStringAsync($"/sessions/{TwoHands}/export/report.json"));
        var block = report.RootElement.GetProperty("eight_finger");
        Assert.True(block.GetProperty("computed").GetBoolean());
        Assert.Equal(expected.EightFingerAverages.Single(s => s.Name == "t50_s").Mean, block.GetProperty("averages").GetProperty("t50_s").GetProperty("mean").GetDouble());
        Assert.Equal(expected.EightFingerDddMeanCelsius, block.GetProperty("ddd_mean_c").GetDouble());
        Assert.Equal("device", block.GetProperty("versions").GetProperty("right").GetString());

        var pdf = await clinician.GetByteArrayAsync($"/sessions/{TwoHands}/report.pdf");
        Assert.Equal("%PDF", System.Text.Encoding.ASCII.GetString(pdf, 0, 4));

        var single = WebUtility.HtmlDecode(await clinician.GetStringAsync("/sessions/" + OneHand));
        Assert.Contains("data-computed=\"false\"", single, StringComparison.Ordinal);
        Assert.Contains("Not computed: the left hand has no final analysis result.", single, StringComparison.Ordinal);
        Assert.DoesNotContain("eight-finger-metrics", single, StringComparison.Ordinal);
        using var singleReport = JsonDocument.Parse(await clinician.GetStringAsync($"/sessions/{OneHand}/export/report.json"));
        Assert.False(singleReport.RootElement.GetProperty("eight_finger").GetProperty("computed").GetBoolean());
    }

    [Fact]
    public async Task After_a_re_analysis_of_one_hand_the_summary_combines_the_selected_versions_and_names_the_settings()
    {
        var left = HandResult(Hand.Left, 0);
        var right = HandResult(Hand.Right, 1.5);
        var clinician = await StreamAsync(left, right);

        // A re-analysis of the right hand only, with another emissivity (docs/reanalysis.md): v2 for the right hand.
        var session = (await factory.Store.GetSessionAsync(TwoHands))!;
        var recorded = ThermoHand.Dashboard.Apis.RecordedSessionSettings.Read(session);
        var provenance = recorded.DeviceProvenance("right") with { Source = AnalysisSource.StoredFrames, Software = "test", Emissivity = 0.95 };
        var reanalysed = HandResult(Hand.Right, 2.0) with { Provenance = provenance };
        await factory.Services.GetRequiredService<IAnalysisVersionStore>().AddAnalysisVersionAsync(TwoHands,
            [new NewAnalysisVersion("right", provenance.ToCanonicalJson(), provenance.SettingsHash, AnalysisJsonWriter.ToJson(reanalysed))], "res");
        var expected = HandSummary.Combine(left, reanalysed);

        var page = WebUtility.HtmlDecode(await clinician.GetStringAsync("/sessions/" + TwoHands));
        Assert.Contains("left device, right v2", page, StringComparison.Ordinal);
        Assert.Equal(Raw(expected.EightFingerAverages.Single(s => s.Name == "baseline_c").Mean), Cell(page, "baseline_c", "mean"));
        Assert.Contains("The two hands were analysed with different settings", page, StringComparison.Ordinal);
        Assert.Contains("emissivity 0.98 → 0.95", page, StringComparison.Ordinal);

        using var report = JsonDocument.Parse(await clinician.GetStringAsync($"/sessions/{TwoHands}/export/report.json"));
        var block = report.RootElement.GetProperty("eight_finger");
        Assert.Equal(("device", "v2"), (block.GetProperty("versions").GetProperty("left").GetString(), block.GetProperty("versions").GetProperty("right").GetString()));
        Assert.Equal(recorded.DeviceProvenance("left").SettingsHash, block.GetProperty("settings_hashes").GetProperty("left").GetString());
        Assert.Equal(provenance.SettingsHash, block.GetProperty("settings_hashes").GetProperty("right").GetString());
        Assert.True(block.GetProperty("settings_differ").GetBoolean());
    }
}
