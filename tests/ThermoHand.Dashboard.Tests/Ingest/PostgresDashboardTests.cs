using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using ThermoHand.Dashboard.Security;
using ThermoHand.Dashboard.Tests.Support;
using ThermoHand.Streaming;

namespace ThermoHand.Dashboard.Tests.Ingest;

/// <summary>The whole server with Dashboard:Database:Provider = postgres, against the throwaway PostgreSQL server.</summary>
[Collection(PostgresCollection.Name)]
public sealed class PostgresDashboardTests(PostgresServer postgres)
{
    [PostgresFact]
    public async Task A_device_streams_a_session_that_a_clinician_reads_back_with_the_gap_rule_enforced()
    {
        using var factory = new DashboardFactory(postgres.CreateDatabase());
        var (device, _) = await factory.DeviceClientAsync("dev-pg");
        var messages = new StreamMessages();
        DeviceMessage[] session =
        [
            messages.SessionStarted(1, "pg-1", "PR-PG-1"),
            messages.Event(2, "pg-1", 60, "challenge_start"),
            messages.Frame(3, "pg-1", 121, "left", 21.5),
            messages.Frame(4, "pg-1", 122, "left", 22.25),
            messages.Analysis(5, "pg-1", "left", true, 0.8),
            messages.Ended(6, "pg-1", 1020),
        ];

        async Task<(HttpStatusCode, long)> Post(params DeviceMessage[] batch)
        {
            var response = await device.PostAsJsonAsync(DeviceAuthentication.MessagesPath, new DeviceBatch("dev-pg", batch), DeviceAuthentication.JsonOptions);
            return (response.StatusCode, (await response.Content.ReadFromJsonAsync<DeviceAck>(DeviceAuthentication.JsonOptions))!.AcknowledgedThrough);
        }

        Assert.Equal((HttpStatusCode.OK, 3L), await Post(session[..3]));
        Assert.Equal((HttpStatusCode.Conflict, 3L), await Post(session[4..]));
        Assert.Equal((HttpStatusCode.OK, 6L), await Post(session[1..]));

        await factory.CreateUserAsync("ana", ClinicRoles.Clinician, "password-of-ana");
        var clinician = await factory.LoggedInClientAsync("ana", "password-of-ana");
        var detail = await clinician.GetFromJsonAsync<JsonElement>("/api/sessions/pg-1");
        Assert.Equal("completed", detail.GetProperty("summary").GetProperty("outcome").GetString());
        Assert.Equal(2, detail.GetProperty("frameCount").GetInt32());
        var frames = await clinician.GetFromJsonAsync<JsonElement>("/api/sessions/pg-1/frames?hand=left&from=121.5");
        Assert.Equal(22.25, frames[0].GetProperty("temperatures")[5].GetDouble(), 0.005);
        var found = await clinician.GetFromJsonAsync<JsonElement>("/api/sessions?patient=PR-PG");
        Assert.Equal("pg-1", found[0].GetProperty("sessionId").GetString());
        Assert.Contains(await factory.Store.ListAuditAsync(userName: "ana"), a => a.Action == AuditTrail.ViewFrames);
    }
}
