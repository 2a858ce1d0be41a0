using System.IO.Compression;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.RegularExpressions;
using Microsoft.Extensions.DependencyInjection;
using ThermoHand.Dashboard.Pages.Research;
using ThermoHand.Dashboard.Security;
using ThermoHand.Dashboard.Storage;
using ThermoHand.Dashboard.Tests.Support;
using ThermoHand.Streaming;

namespace ThermoHand.Dashboard.Tests.Research;

/// <summary>The research page on the real server: cohort filters, study tags, the zip download, its audit line and
/// who may use it.</summary>
public sealed class ResearchExportPageTests : IDisposable
{
    private const string PatientA = "PR-RESEARCH-A-4711", PatientB = "PR-RESEARCH-B-0815", DeviceId = "dev-research";
    private const int FramesPerSession = 12;

    private readonly DashboardFactory factory = new();

    public void Dispose() => factory.Dispose();

    /// <summary>Three finished sessions (two of patient A in March, one of B in April with another preset) and one still running.</summary>
    private async Task StreamCohortAsync()
    {
        var (device, _) = await factory.DeviceClientAsync(DeviceId);
        long seq = 0;
        async Task SendAsync(string sessionId, string patient, DateTimeOffset start, string? preset, bool finish)
        {
            var m = new StreamMessages(start);
            var messages = new List<DeviceMessage>();
            if (preset is null)
            {
                messages.Add(m.SessionStarted(++seq, sessionId, patient));
            }
            else
            {
                messages.Add(m.Raw(++seq, DeviceMessageKinds.SessionStarted, sessionId, new
                {
                    patient_ref = patient,
                    hands = new[] { "left" },
                    preset = new { name = preset, water_c = 10.0, immersion_s = 30 },
                    emissivity = 0.98,
                    reflected_temperature_rule = "room",
                    sensors = new { left = new { sensor_id = "0x1234" } },
                    started_utc = start.ToString("O"),
                }));
            }

            messages.Add(m.Event(++seq, sessionId, 150, "challenge_start"));
            messages.Add(m.Event(++seq, sessionId, 210, "challenge_end"));
            for (var i = 0; i < FramesPerSession; i++)
            {
                messages.Add(m.Frame(++seq, sessionId, 200 + i * 10, "left", 24 + i * 0.1));
            }

            messages.Add(m.Environment(++seq, sessionId, 215, 23.0, 15.0));
            if (finish)
            {
                messages.Add(m.Analysis(++seq, sessionId, "left", true, 1.1));
                messages.Add(m.Ended(++seq, sessionId, 1200));
            }

            var response = await device.PostAsJsonAsync(DeviceAuthentication.MessagesPath, new DeviceBatch(DeviceId, messages), DeviceAuthentication.JsonOptions);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        await SendAsync("s-a", PatientA, new DateTimeOffset(2026, 3, 2, 9, 0, 0, TimeSpan.Zero), null, finish: true);
        await SendAsync("s-b", PatientA, new DateTimeOffset(2026, 3, 20, 9, 0, 0, TimeSpan.Zero), null, finish: true);
        await SendAsync("s-c", PatientB, new DateTimeOffset(2026, 4, 5, 9, 0, 0, TimeSpan.Zero), "short-10C-30s", finish: true);
        await SendAsync("s-run", PatientB, new DateTimeOffset(2026, 3, 5, 9, 0, 0, TimeSpan.Zero), null, finish: false);
    }

    private async Task<HttpClient> As(string role)
    {
        var name = role + "-user";
        if (await factory.Store.FindUserAsync(name) is null)
        {
            await factory.CreateUserAsync(name, role, "password-of-" + role);
        }

        return await factory.LoggedInClientAsync(name, "password-of-" + role);
    }

    private static async Task<HttpResponseMessage> PostTagAsync(HttpClient client, string handler, string sessionId, string tag, string? token = null)
    {
        token ??= await DashboardFactory.FormTokenAsync(client, "/sessions/" + sessionId);
        return await client.PostAsync("/Research/Tags?handler=" + handler, new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["SessionId"] = sessionId,
            ["Tag"] = tag,
            ["__RequestVerificationToken"] = token,
        }));
    }

    private string StudySessionId(string sessionId) => factory.Services.GetRequiredService<StudyKeyProvider>().Pseudonymiser.StudySessionId(sessionId);

    private static IReadOnlyList<string> PreviewIds(string html) =>
        Regex.Matches(Regex.Match(html, "<ul id=\"preview-ids\"[^>]*>(.*?)</ul>", RegexOptions.Singleline).Groups[1].Value, "<li>([^<]+)</li>").Select(m => m.Groups[1].Value).ToList();

    private static string Count(string html, string id) => Regex.Match(html, $"id=\"{id}\">(\\d+)<").Groups[1].Value;

    [Fact]
    public async Task Cohort_filters_select_by_date_range_preset_and_tag_and_leave_running_sessions_out()
    {
        await StreamCohortAsync();
        var researcher = await As(ClinicRoles.Researcher);
        Assert.Equal(HttpStatusCode.Redirect, (await PostTagAsync(researcher, "Add", "s-a", "SSc")).StatusCode);
        await PostTagAsync(researcher, "Add", "s-c", "SSc");
        await PostTagAsync(researcher, "Add", "s-c", "study:ILO-2026");

        var march = await researcher.GetStringAsync("/Research?preview=1&from=2026-03-01&to=2026-03-31");
        Assert.Equal(new[] { StudySessionId("s-a"), StudySessionId("s-b") }.Order(StringComparer.Ordinal), PreviewIds(march).Order(StringComparer.Ordinal));
        Assert.Equal(("2", "2", (2 * 2 * FramesPerSession).ToString(System.Globalization.CultureInfo.InvariantCulture)), (Count(march, "preview-sessions"), Count(march, "preview-hands"), Count(march, "preview-rows")));
        Assert.Contains("1 matching sessions are still running", march, StringComparison.Ordinal);
        Assert.DoesNotContain(PatientA, march, StringComparison.Ordinal);
        Assert.DoesNotContain("s-a", PreviewIds(march));

        // "to" is inclusive: a session on 20 March is in a range ending on 20 March.
        Assert.Equal([StudySessionId("s-b")], PreviewIds(await researcher.GetStringAsync("/Research?preview=1&from=2026-03-10&to=2026-03-20")));
        Assert.Equal([StudySessionId("s-c")], PreviewIds(await researcher.GetStringAsync("/Research?preview=1&preset=short-10C-30s")));
        Assert.Equal(new[] { StudySessionId("s-a"), StudySessionId("s-c") }.Order(StringComparer.Ordinal), PreviewIds(await researcher.GetStringAsync("/Research?preview=1&tag=SSc")).Order(StringComparer.Ordinal));
        Assert.Equal([StudySessionId("s-c")], PreviewIds(await researcher.GetStringAsync("/Research?preview=1&tag=SSc&from=2026-04-01")));
        Assert.Contains("not a date", await researcher.GetStringAsync("/Research?preview=1&from=yesterday"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Tags_are_validated_stored_removed_and_audited()
    {
        await StreamCohortAsync();
        var clinician = await As(ClinicRoles.Clinician);
        var refused = await PostTagAsync(clinician, "Add", "s-a", "two words");
        Assert.Contains("tagProblem=", refused.Headers.Location!.OriginalString, StringComparison.Ordinal);
        Assert.Contains("no spaces", await clinician.GetStringAsync(refused.Headers.Location.OriginalString), StringComparison.Ordinal);
        await PostTagAsync(clinician, "Add", "s-a", new string('x', 33));
        await PostTagAsync(clinician, "Add", "s-a", "primary");
        var research = factory.Services.GetRequiredService<IResearchStore>();
        Assert.Equal(["primary"], await research.GetStudyTagsAsync("s-a"));
        Assert.Contains("primary", await clinician.GetStringAsync("/sessions/s-a"), StringComparison.Ordinal);

        await PostTagAsync(clinician, "Remove", "s-a", "primary");
        Assert.Empty(await research.GetStudyTagsAsync("s-a"));
        var audit = await factory.Store.ListAuditAsync(50);
        Assert.Contains(audit, a => a.Action == "add_study_tag" && a.TargetId == "s-a" && a.Detail == "primary" && a.UserName == "clinician-user");
        Assert.Contains(audit, a => a.Action == "remove_study_tag" && a.TargetId == "s-a" && a.Detail == "primary");
    }

    [Fact]
    public async Task Download_is_a_pseudonymised_zip_and_is_audited_without_identifiers()
    {
        await StreamCohortAsync();
        var researcher = await As(ClinicRoles.Researcher);
        await PostTagAsync(researcher, "Add", "s-a", "SSc");
        await PostTagAsync(researcher, "Add", "s-b", "SSc");

        var response = await researcher.GetAsync("/Research?handler=Download&tag=SSc&from=2026-03-01");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/zip", response.Content.Headers.ContentType?.MediaType);
        using var zip = new ZipArchive(new MemoryStream(await response.Content.ReadAsByteArrayAsync()), ZipArchiveMode.Read);
        var texts = zip.Entries.ToDictionary(e => e.FullName, e =>
        {
            using var reader = new StreamReader(e.Open(), Encoding.UTF8);
            return reader.ReadToEnd();
        });
        Assert.Contains("curves_long.parquet", texts.Keys);
        var sessionsCsv = texts["sessions.csv"].Split('\n', StringSplitOptions.RemoveEmptyEntries).Skip(1).Select(l => l.Split(',')).ToList();
        Assert.Equal(new[] { StudySessionId("s-a"), StudySessionId("s-b") }.Order(StringComparer.Ordinal), sessionsCsv.Select(r => r[1]).Order(StringComparer.Ordinal));
        Assert.Single(sessionsCsv.Select(r => r[0]).Distinct()); // one patient, one study id
        Assert.Equal(["1", "2"], sessionsCsv.OrderBy(r => r[1] == StudySessionId("s-a") ? 0 : 1).Select(r => r[2]));
        Assert.Equal(2 * 2 * FramesPerSession + 1, texts["curves_long.csv"].Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
        foreach (var (name, text) in texts)
        {
            foreach (var forbidden in new[] { PatientA, PatientB, DeviceId, "0x1234", "s-a,", "s-b,", "2026-03" })
            {
                Assert.False(text.Contains(forbidden, StringComparison.Ordinal), $"{name} contains '{forbidden}'");
            }
        }

        var line = Assert.Single(await factory.Store.ListAuditAsync(50), a => a.Action == AuditTrail.Export && a.TargetKind == "research_cohort");
        Assert.Equal("researcher-user", line.UserName);
        Assert.Contains("sessions=2", line.Detail, StringComparison.Ordinal);
        Assert.Contains($"curve_rows={2 * 2 * FramesPerSession}", line.Detail, StringComparison.Ordinal);
        Assert.Contains("group tag 'SSc'", line.Detail, StringComparison.Ordinal);
        Assert.DoesNotContain(PatientA, line.Detail, StringComparison.Ordinal);
        Assert.Contains(line.TargetId!, texts["manifest.json"], StringComparison.Ordinal);
        Assert.DoesNotContain(factory.LogLines, l => l.Contains(PatientA, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Single_session_export_from_the_report_holds_only_that_session()
    {
        await StreamCohortAsync();
        var clinician = await As(ClinicRoles.Clinician);
        var report = await clinician.GetStringAsync("/sessions/s-c");
        Assert.Contains("/Research?session=s-c", report, StringComparison.Ordinal);
        var page = await clinician.GetStringAsync("/Research?session=s-c");
        Assert.Equal([StudySessionId("s-c")], PreviewIds(page));
        var zip = new ZipArchive(new MemoryStream(await clinician.GetByteArrayAsync("/Research?handler=Download&session=s-c")), ZipArchiveMode.Read);
        using var reader = new StreamReader(zip.GetEntry("sessions.csv")!.Open());
        var rows = reader.ReadToEnd().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(2, rows.Length);
        Assert.StartsWith("S-", rows[1], StringComparison.Ordinal);
        Assert.Contains(StudySessionId("s-c"), rows[1], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Technicians_administrators_anonymous_users_and_devices_are_refused()
    {
        await StreamCohortAsync();
        var paths = new[] { "/Research", "/Research?preview=1", "/Research?handler=Download", "/Research?handler=Download&session=s-a" };
        foreach (var role in new[] { ClinicRoles.Technician, ClinicRoles.Administrator })
        {
            var client = await As(role);
            foreach (var path in paths)
            {
                var response = await client.GetAsync(path);
                Assert.True(response.StatusCode is HttpStatusCode.Redirect or HttpStatusCode.Forbidden, $"{role} GET {path}: {response.StatusCode}");
                Assert.NotEqual("application/zip", response.Content.Headers.ContentType?.MediaType);
            }

            var token = await DashboardFactory.HeaderTokenAsync(client);
            var post = await client.PostAsync("/Research/Tags?handler=Add", new FormUrlEncodedContent(new Dictionary<string, string>
            {
                ["SessionId"] = "s-a", ["Tag"] = "sneaky", ["__RequestVerificationToken"] = token,
            }));
            Assert.True(post.StatusCode is HttpStatusCode.Redirect or HttpStatusCode.Forbidden or HttpStatusCode.BadRequest, $"{role} POST tag: {post.StatusCode}");
        }

        Assert.Empty(await factory.Services.GetRequiredService<IResearchStore>().GetStudyTagsAsync("s-a"));

        var anonymous = factory.NewClient();
        var (device, _) = await factory.DeviceClientAsync("dev-other");
        foreach (var client in new[] { anonymous, device })
        {
            foreach (var path in paths)
            {
                var response = await client.GetAsync(path);
                Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
                Assert.StartsWith("/Account/Login", response.Headers.Location!.AbsolutePath, StringComparison.OrdinalIgnoreCase);
            }
        }

        Assert.DoesNotContain(await factory.Store.ListAuditAsync(100), a => a.TargetKind == "research_cohort");
    }
}
