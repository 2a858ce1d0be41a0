using System.IO.Compression;
using System.Net;
using System.Net.Http.Json;
using Microsoft.Extensions.DependencyInjection;
using ThermoHand.Dashboard.Security;
using ThermoHand.Dashboard.Storage;
using ThermoHand.Dashboard.Tests.Support;
using ThermoHand.Streaming;

namespace ThermoHand.Dashboard.Tests.Research;

/// <summary>The research queries (tags, cohort filters, curve-row count) and the download on PostgreSQL.</summary>
[Collection(PostgresCollection.Name)]
public sealed class ResearchPostgresTests(PostgresServer postgres)
{
    [PostgresFact]
    public async Task Tags_cohorts_row_counts_and_the_download_work_on_postgres()
    {
        using var factory = new DashboardFactory(postgres.CreateDatabase());
        var (device, _) = await factory.DeviceClientAsync("dev-pg-r");
        long seq = 0;
        foreach (var (id, day) in new[] { ("pg-a", 2), ("pg-b", 20) })
        {
            var m = new StreamMessages(new DateTimeOffset(2026, 3, day, 9, 0, 0, TimeSpan.Zero));
            DeviceMessage[] batch =
            [
                m.SessionStarted(++seq, id, "PR-PG-R"), m.Event(++seq, id, 150, "challenge_start"), m.Event(++seq, id, 210, "challenge_end"),
                m.Frame(++seq, id, 200, "left", 22), m.Frame(++seq, id, 211, "left", 23), m.Frame(++seq, id, 212, "left", 24),
                m.Analysis(++seq, id, "left", true, 0.8), m.Ended(++seq, id, 1200),
            ];
            Assert.Equal(HttpStatusCode.OK, (await device.PostAsJsonAsync(DeviceAuthentication.MessagesPath, new DeviceBatch("dev-pg-r", batch), DeviceAuthentication.JsonOptions)).StatusCode);
        }

        var research = factory.Services.GetRequiredService<IResearchStore>();
        Assert.True(await research.AddStudyTagAsync("pg-a", "SSc", "ana"));
        Assert.False(await research.AddStudyTagAsync("pg-a", "SSc", "ana"));
        Assert.Equal(["SSc"], await research.ListStudyTagsAsync());
        Assert.Equal(["standard-15C-60s"], await research.ListPresetNamesAsync());

        Assert.Equal(["pg-a"], (await research.FindCohortAsync(new ResearchCohortFilter(Tag: "SSc"))).Sessions.Select(s => s.SessionId));
        Assert.Equal(["pg-b"], (await research.FindCohortAsync(new ResearchCohortFilter(StartedFromUtc: new DateTimeOffset(2026, 3, 10, 0, 0, 0, TimeSpan.Zero)))).Sessions.Select(s => s.SessionId));
        Assert.Equal(2, (await research.FindCohortAsync(new ResearchCohortFilter(PresetName: "standard-15C-60s"))).Sessions.Count);
        Assert.Equal((await research.GetRegionReadingsAsync("pg-a")).Count + (await research.GetRegionReadingsAsync("pg-b")).Count,
            await research.CountRegionReadingsAsync(["pg-a", "pg-b"]));
        Assert.Equal(12, await research.CountRegionReadingsAsync(["pg-a", "pg-b"]));

        await factory.CreateUserAsync("rita", ClinicRoles.Researcher, "password-of-rita");
        var client = await factory.LoggedInClientAsync("rita", "password-of-rita");
        var response = await client.GetAsync("/Research?handler=Download&tag=SSc");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var zip = new ZipArchive(new MemoryStream(await response.Content.ReadAsByteArrayAsync()), ZipArchiveMode.Read);
        using var reader = new StreamReader(zip.GetEntry("curves_long.csv")!.Open());
        Assert.Equal(7, reader.ReadToEnd().Split('\n', StringSplitOptions.RemoveEmptyEntries).Length); // header + 3 frames × 2 regions
        Assert.True(await research.RemoveStudyTagAsync("pg-a", "SSc"));
    }
}
