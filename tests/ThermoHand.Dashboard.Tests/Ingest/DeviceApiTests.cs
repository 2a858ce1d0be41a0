using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using Microsoft.Extensions.DependencyInjection;
using ThermoHand.Dashboard.Live;
using ThermoHand.Dashboard.Tests.Support;
using ThermoHand.Streaming;

namespace ThermoHand.Dashboard.Tests.Ingest;

/// <summary>The device stream over HTTP exactly as docs/device-stream.md specifies it, against the real server.</summary>
public sealed class DeviceApiTests : IDisposable
{
    private readonly DashboardFactory factory = new();
    private readonly StreamMessages messages = new();

    public void Dispose() => factory.Dispose();

    private static async Task<(HttpStatusCode Status, long Ack)> PostAsync(HttpClient device, string deviceId, params DeviceMessage[] batch)
    {
        var response = await device.PostAsJsonAsync(DeviceAuthentication.MessagesPath, new DeviceBatch(deviceId, batch), DeviceAuthentication.JsonOptions);
        if (response.StatusCode is HttpStatusCode.OK or HttpStatusCode.Conflict)
        {
            var ack = await response.Content.ReadFromJsonAsync<DeviceAck>(DeviceAuthentication.JsonOptions);
            return (response.StatusCode, ack!.AcknowledgedThrough);
        }

        return (response.StatusCode, -1);
    }

    private DeviceMessage[] Session(string sessionId) =>
    [
        messages.SessionStarted(1, sessionId, "PR-0100"),
        messages.Event(2, sessionId, 60, "challenge_start"),
        messages.Event(3, sessionId, 120, "challenge_end"),
        messages.Frame(4, sessionId, 121, "left", 22.0),
        messages.Frame(5, sessionId, 121.5, "left", 22.5),
        messages.Frame(6, sessionId, 122, "left", 23.0),
        messages.Environment(7, sessionId, 122, 23.0, 15.0),
        messages.Analysis(8, sessionId, "left", true, 1.4),
        messages.Ended(9, sessionId, 1020),
    ];

    [Fact]
    public async Task Batches_in_order_are_stored_and_acknowledged()
    {
        var (device, _) = await factory.DeviceClientAsync("dev-a");
        var batch = Session("s-1");

        Assert.Equal((HttpStatusCode.OK, 5L), await PostAsync(device, "dev-a", batch[..5]));
        Assert.Equal((HttpStatusCode.OK, 9L), await PostAsync(device, "dev-a", batch[5..]));

        var session = (await factory.Store.GetSessionAsync("s-1"))!;
        Assert.Equal(("completed", 3, 2), (session.Summary.Outcome, session.FrameCount, session.Events.Count));
        var frames = await factory.Store.GetFramesAsync("s-1");
        Assert.Equal([22.0, 22.5, 23.0], frames.Select(f => (double)f.Temperatures[100]!.Value), new ToleranceComparer(0.005));
        Assert.Equal(9L, (await device.GetFromJsonAsync<DeviceAck>(DeviceAuthentication.AckPath, DeviceAuthentication.JsonOptions))!.AcknowledgedThrough);
    }

    [Fact]
    public async Task A_resent_batch_is_acknowledged_again_and_stored_once()
    {
        var (device, _) = await factory.DeviceClientAsync("dev-a");
        var batch = Session("s-1");
        await PostAsync(device, "dev-a", batch[..6]);

        // The device did not get the answer (timeout) and resends 1..6, then 4..9.
        Assert.Equal((HttpStatusCode.OK, 6L), await PostAsync(device, "dev-a", batch[..6]));
        Assert.Equal((HttpStatusCode.OK, 9L), await PostAsync(device, "dev-a", batch[3..]));

        Assert.Equal(3, (await factory.Store.GetFramesAsync("s-1")).Count);
        Assert.Equal(2, (await factory.Store.GetSessionAsync("s-1"))!.Events.Count);
    }

    [Fact]
    public async Task A_batch_after_a_gap_gets_409_with_the_acknowledgement_and_the_resend_from_there_succeeds()
    {
        var (device, _) = await factory.DeviceClientAsync("dev-a");
        var batch = Session("s-1");
        await PostAsync(device, "dev-a", batch[..3]);

        Assert.Equal((HttpStatusCode.Conflict, 3L), await PostAsync(device, "dev-a", batch[5..]));
        Assert.Empty(await factory.Store.GetFramesAsync("s-1"));

        // After an outage the device asks where the server stands and resends from there.
        var ack = (await device.GetFromJsonAsync<DeviceAck>(DeviceAuthentication.AckPath, DeviceAuthentication.JsonOptions))!.AcknowledgedThrough;
        Assert.Equal(3L, ack);
        Assert.Equal((HttpStatusCode.OK, 9L), await PostAsync(device, "dev-a", batch[(int)ack..]));
        Assert.Equal(3, (await factory.Store.GetFramesAsync("s-1")).Count);
    }

    [Fact]
    public async Task The_same_batch_sent_five_times_at_once_is_stored_once()
    {
        var (device, _) = await factory.DeviceClientAsync("dev-a");
        var batch = Session("s-1");
        var answers = await Task.WhenAll(Enumerable.Range(0, 5).Select(_ => PostAsync(device, "dev-a", batch)));
        Assert.All(answers, answer => Assert.Equal((HttpStatusCode.OK, 9L), answer));
        Assert.Equal(3, (await factory.Store.GetFramesAsync("s-1")).Count);
        Assert.Equal(2, (await factory.Store.GetSessionAsync("s-1"))!.Events.Count);
    }

    [Fact]
    public async Task Bad_credentials_get_401_and_store_nothing()
    {
        var (good, secret) = await factory.DeviceClientAsync("dev-a");
        var batch = new DeviceBatch("dev-a", Session("s-1"));

        foreach (var header in new[] { $"dev-a:{secret}x", $"dev-b:{secret}", "dev-a", "dev-a:", ":" + secret })
        {
            using var client = factory.NewClient();
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue(DeviceAuthentication.Scheme, header);
            Assert.Equal(HttpStatusCode.Unauthorized, (await client.PostAsJsonAsync(DeviceAuthentication.MessagesPath, batch, DeviceAuthentication.JsonOptions)).StatusCode);
            Assert.Equal(HttpStatusCode.Unauthorized, (await client.GetAsync(DeviceAuthentication.AckPath)).StatusCode);
        }

        using var anonymous = factory.NewClient();
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.PostAsJsonAsync(DeviceAuthentication.MessagesPath, batch, DeviceAuthentication.JsonOptions)).StatusCode);
        Assert.Null(await factory.Store.GetSessionAsync("s-1"));
        Assert.Equal(0, await factory.Store.GetAcknowledgedThroughAsync("dev-a"));
    }

    [Fact]
    public async Task A_logged_in_user_cannot_post_as_a_device()
    {
        await factory.DeviceClientAsync("dev-a");
        var clinician = await factory.LoggedInClientAsync(DashboardFactory.AdminName, DashboardFactory.AdminPassword);
        var response = await clinician.PostAsJsonAsync(DeviceAuthentication.MessagesPath, new DeviceBatch("dev-a", Session("s-1")), DeviceAuthentication.JsonOptions);
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task A_malformed_batch_is_refused_with_a_message_naming_the_problem()
    {
        var (device, _) = await factory.DeviceClientAsync("dev-a");
        await factory.DeviceClientAsync("dev-b");
        var batch = Session("s-1");

        var otherDevice = await device.PostAsJsonAsync(DeviceAuthentication.MessagesPath, new DeviceBatch("dev-b", batch), DeviceAuthentication.JsonOptions);
        Assert.Equal(HttpStatusCode.BadRequest, otherDevice.StatusCode);
        Assert.Contains("not the authenticated device", await otherDevice.Content.ReadAsStringAsync());

        var notConsecutive = await device.PostAsJsonAsync(DeviceAuthentication.MessagesPath, new DeviceBatch("dev-a", [batch[0], batch[2]]), DeviceAuthentication.JsonOptions);
        Assert.Equal(HttpStatusCode.BadRequest, notConsecutive.StatusCode);
        Assert.Contains("seq 3 does not follow 1", await notConsecutive.Content.ReadAsStringAsync());

        var notJson = await device.PostAsync(DeviceAuthentication.MessagesPath, new StringContent("{not json", System.Text.Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.BadRequest, notJson.StatusCode);
        Assert.Null(await factory.Store.GetSessionAsync("s-1"));
    }

    [Fact]
    public async Task A_payload_that_breaks_the_contract_is_acknowledged_logged_by_field_and_not_published()
    {
        var (device, _) = await factory.DeviceClientAsync("dev-a");
        var hub = factory.Services.GetRequiredService<LiveHub>();
        using var viewer = hub.Subscribe("dev-a");
        var bad = messages.Raw(2, DeviceMessageKinds.Frame, "s-1", new { t_s = 1.0, hand = "left", temps = new double[700] });

        Assert.Equal((HttpStatusCode.OK, 3L), await PostAsync(device, "dev-a", messages.SessionStarted(1, "s-1", "PR-SECRET-77"), bad, messages.Frame(3, "s-1", 2, "left", 30)));

        Assert.Single(await factory.Store.GetFramesAsync("s-1"));
        Assert.Contains(factory.LogLines, line => line.Contains("seq 2 (frame): 'temps' has 700 entries, expected 768"));
        var published = new List<string>();
        while (viewer.Updates.TryRead(out var update))
        {
            published.Add(update.Kind);
        }

        Assert.Equal([DeviceMessageKinds.SessionStarted, DeviceMessageKinds.Frame], published);
    }

    [Fact]
    public async Task Live_viewers_get_each_new_message_once_after_it_is_stored()
    {
        var (device, _) = await factory.DeviceClientAsync("dev-a");
        var hub = factory.Services.GetRequiredService<LiveHub>();
        using var viewer = hub.Subscribe("dev-a");
        var batch = Session("s-1");

        await PostAsync(device, "dev-a", batch[..4]);
        await PostAsync(device, "dev-a", batch[..6]); // 1..4 again: only 5 and 6 are new

        var kinds = new List<string>();
        while (viewer.Updates.TryRead(out var update))
        {
            kinds.Add(update.Kind);
        }

        Assert.Equal(["session_started", "event", "event", "frame", "frame", "frame"], kinds);
        Assert.Equal(3, (await factory.Store.GetFramesAsync("s-1")).Count);
    }

    private sealed class ToleranceComparer(double tolerance) : IEqualityComparer<double>
    {
        public bool Equals(double x, double y) => Math.Abs(x - y) <= tolerance;

        public int GetHashCode(double obj) => 0;
    }
}
