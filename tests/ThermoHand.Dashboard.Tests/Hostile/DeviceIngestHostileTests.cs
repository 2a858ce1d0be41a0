using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using ThermoHand.Dashboard.Tests.Support;
using ThermoHand.Streaming;

namespace ThermoHand.Dashboard.Tests.Hostile;

/// <summary>
/// The device ingest (docs/device-stream.md) against malformed and hostile batches: broken JSON, wrong types, huge
/// batches, bad sequence numbers, unknown kinds, one bad message among good ones. A refused batch (400/409) leaves
/// every table exactly as it was; an accepted one logs every acknowledged message (nothing silently dropped); the
/// server never answers 5xx.
/// </summary>
public sealed class DeviceIngestHostileTests : IDisposable
{
    private const string DeviceId = "dev-hostile";
    private readonly DashboardFactory factory = new();
    private readonly StreamMessages messages = new();

    public void Dispose() => factory.Dispose();

    private static StringContent Json(string text) => new(text, Encoding.UTF8, "application/json");

    private string ValidBatchJson(long firstSeq, string sessionId) => JsonSerializer.Serialize(new DeviceBatch(DeviceId,
    [
        messages.SessionStarted(firstSeq, sessionId, "PR-HOSTILE"),
        messages.Event(firstSeq + 1, sessionId, 60, "challenge_start"),
        messages.Frame(firstSeq + 2, sessionId, 61, "left", 30.0),
        messages.Environment(firstSeq + 3, sessionId, 61, 23.0, 15.0),
    ]), DeviceAuthentication.JsonOptions);

    /// <summary>Posts a body and checks the invariants every answer must keep; returns the status.</summary>
    private async Task<HttpStatusCode> PostAndCheckAsync(HttpClient device, HttpContent body, string what)
    {
        var before = await DatabaseRows.CountAsync(factory.DatabasePath);
        var ackBefore = await factory.Store.GetAcknowledgedThroughAsync(DeviceId);
        var response = await device.PostAsync(DeviceAuthentication.MessagesPath, body);
        var text = await response.Content.ReadAsStringAsync();
        var after = await DatabaseRows.CountAsync(factory.DatabasePath);
        var ackAfter = await factory.Store.GetAcknowledgedThroughAsync(DeviceId);

        Assert.True((int)response.StatusCode < 500, $"{what}: server error {(int)response.StatusCode} {text}");
        if (response.StatusCode == HttpStatusCode.OK)
        {
            // Every newly acknowledged message is in the delivery log, readable or not: nothing dropped.
            Assert.Equal(ackAfter - ackBefore, after["device_messages"] - before["device_messages"]);
        }
        else
        {
            Assert.True(response.StatusCode is HttpStatusCode.BadRequest or HttpStatusCode.Conflict or HttpStatusCode.UnsupportedMediaType or HttpStatusCode.RequestEntityTooLarge,
                $"{what}: unexpected {(int)response.StatusCode}");
            var changed = DatabaseRows.Difference(before, after);
            Assert.True(changed.Length == 0, $"{what}: refused with {(int)response.StatusCode} but stored {changed}");
            Assert.Equal(ackBefore, ackAfter);
        }

        return response.StatusCode;
    }

    [Fact]
    public async Task Mutated_batches_are_stored_whole_or_not_at_all()
    {
        var (device, _) = await factory.DeviceClientAsync(DeviceId);
        var random = new Random(8801);
        var statuses = new Dictionary<HttpStatusCode, int>();
        const string meaningful = "{}[]\",:0123456789-.eEtrufalsn \\";
        for (var trial = 0; trial < 120; trial++)
        {
            var next = await factory.Store.GetAcknowledgedThroughAsync(DeviceId) + 1;
            var text = new StringBuilder(ValidBatchJson(next, $"s-mut-{trial}"));
            for (var edit = random.Next(1, 4); edit > 0 && text.Length > 0; edit--)
            {
                var at = random.Next(text.Length);
                switch (random.Next(3))
                {
                    case 0: text[at] = meaningful[random.Next(meaningful.Length)]; break;
                    case 1: text.Remove(at, 1); break;
                    default: text.Length = at; break;
                }
            }

            var status = await PostAndCheckAsync(device, Json(text.ToString()), $"trial {trial}");
            statuses[status] = statuses.GetValueOrDefault(status) + 1;
        }

        // Both outcomes occurred: the mutations were neither all harmless nor all fatal.
        Assert.True(statuses.ContainsKey(HttpStatusCode.OK) && statuses.ContainsKey(HttpStatusCode.BadRequest),
            string.Join(", ", statuses.Select(s => $"{s.Key}={s.Value}")));
    }

    public static TheoryData<string, string> MalformedBodies() => new()
    {
        { "empty body", "" },
        { "not JSON", "hello" },
        { "null", "null" },
        { "a list", "[]" },
        { "messages not a list", "{\"device_id\":\"dev-hostile\",\"messages\":{}}" },
        { "seq a word", "{\"device_id\":\"dev-hostile\",\"messages\":[{\"seq\":\"one\",\"kind\":\"status\",\"session_id\":null,\"utc\":\"2026-03-02T09:00:00Z\",\"payload\":{}}]}" },
        { "seq fractional", "{\"device_id\":\"dev-hostile\",\"messages\":[{\"seq\":1.5,\"kind\":\"status\",\"session_id\":null,\"utc\":\"2026-03-02T09:00:00Z\",\"payload\":{}}]}" },
        { "seq beyond long", "{\"device_id\":\"dev-hostile\",\"messages\":[{\"seq\":99999999999999999999999,\"kind\":\"status\",\"session_id\":null,\"utc\":\"2026-03-02T09:00:00Z\",\"payload\":{}}]}" },
        { "seq zero", "{\"device_id\":\"dev-hostile\",\"messages\":[{\"seq\":0,\"kind\":\"status\",\"session_id\":null,\"utc\":\"2026-03-02T09:00:00Z\",\"payload\":{}}]}" },
        { "seq negative", "{\"device_id\":\"dev-hostile\",\"messages\":[{\"seq\":-5,\"kind\":\"status\",\"session_id\":null,\"utc\":\"2026-03-02T09:00:00Z\",\"payload\":{}}]}" },
        { "utc not a date", "{\"device_id\":\"dev-hostile\",\"messages\":[{\"seq\":1,\"kind\":\"status\",\"session_id\":null,\"utc\":\"yesterday\",\"payload\":{}}]}" },
        { "null message", "{\"device_id\":\"dev-hostile\",\"messages\":[null]}" },
        { "another device's id", "{\"device_id\":\"dev-other\",\"messages\":[]}" },
        { "nested ten thousand deep", "{\"device_id\":\"dev-hostile\",\"messages\":[{\"seq\":1,\"kind\":\"status\",\"session_id\":null,\"utc\":\"2026-03-02T09:00:00Z\",\"payload\":" + new string('[', 10_000) + new string(']', 10_000) + "}]}" },
    };

    [Theory]
    [MemberData(nameof(MalformedBodies))]
    public async Task Malformed_bodies_are_refused_and_store_nothing(string what, string body)
    {
        var (device, _) = await factory.DeviceClientAsync(DeviceId);
        Assert.Equal(HttpStatusCode.BadRequest, await PostAndCheckAsync(device, Json(body), what));
    }

    [Fact]
    public async Task A_batch_whose_last_message_breaks_the_sequence_stores_none_of_its_good_messages()
    {
        var (device, _) = await factory.DeviceClientAsync(DeviceId);
        DeviceMessage[] batch =
        [
            messages.SessionStarted(1, "s-1", "PR-HOSTILE"),
            messages.Event(2, "s-1", 60, "challenge_start"),
            messages.Frame(3, "s-1", 61, "left", 30),
            messages.Frame(5, "s-1", 62, "left", 30), // 4 is missing
        ];
        var status = await PostAndCheckAsync(device, JsonContent.Create(new DeviceBatch(DeviceId, batch), options: DeviceAuthentication.JsonOptions), "gap inside the batch");
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Null(await factory.Store.GetSessionAsync("s-1"));
    }

    [Fact]
    public async Task Duplicate_and_gapped_batches_are_acknowledged_or_refused_without_double_storage()
    {
        var (device, _) = await factory.DeviceClientAsync(DeviceId);
        var first = JsonSerializer.Serialize(new DeviceBatch(DeviceId, [messages.SessionStarted(1, "s-1", "PR-HOSTILE"), messages.Frame(2, "s-1", 1, "left", 30)]), DeviceAuthentication.JsonOptions);
        Assert.Equal(HttpStatusCode.OK, await PostAndCheckAsync(device, Json(first), "first"));
        var rows = await DatabaseRows.CountAsync(factory.DatabasePath);

        Assert.Equal(HttpStatusCode.OK, await PostAndCheckAsync(device, Json(first), "the same batch again"));
        Assert.Equal(rows, await DatabaseRows.CountAsync(factory.DatabasePath));

        var gapped = JsonSerializer.Serialize(new DeviceBatch(DeviceId, [messages.Frame(9, "s-1", 2, "left", 30)]), DeviceAuthentication.JsonOptions);
        Assert.Equal(HttpStatusCode.Conflict, await PostAndCheckAsync(device, Json(gapped), "a gap after the acknowledgement"));
        Assert.Equal(1, (await factory.Store.GetSessionAsync("s-1"))!.FrameCount);
    }

    [Fact]
    public async Task Too_many_messages_in_one_batch_are_refused_whole()
    {
        var (device, _) = await factory.DeviceClientAsync(DeviceId);
        var batch = Enumerable.Range(1, 1001).Select(seq => messages.Status(seq)).ToArray();
        Assert.Equal(HttpStatusCode.BadRequest,
            await PostAndCheckAsync(device, JsonContent.Create(new DeviceBatch(DeviceId, batch), options: DeviceAuthentication.JsonOptions), "1,001 messages"));
    }

    [Fact]
    public async Task Unknown_kinds_wrong_payload_types_and_huge_fields_are_logged_as_unreadable_and_change_nothing_else()
    {
        var (device, _) = await factory.DeviceClientAsync(DeviceId);
        Assert.Equal(HttpStatusCode.OK, await PostAndCheckAsync(device,
            JsonContent.Create(new DeviceBatch(DeviceId, [messages.SessionStarted(1, "s-1", "PR-HOSTILE")]), options: DeviceAuthentication.JsonOptions), "start"));
        var before = await DatabaseRows.CountAsync(factory.DatabasePath);
        DeviceMessage[] hostile =
        [
            messages.Raw(2, "format_disk", "s-1", new { now = true }),
            messages.Raw(3, DeviceMessageKinds.Frame, "s-1", new { t_s = "soon", hand = "left", temps = new[] { 1, 2, 3 } }),
            messages.Raw(4, DeviceMessageKinds.Frame, "s-1", new { t_s = 5.0, hand = "left", temps = Enumerable.Repeat(1e9, 768).ToArray() }),
            messages.Raw(5, DeviceMessageKinds.Event, "s-1", new { t_s = double.MaxValue, type = new string('x', 200_000) }),
            messages.Raw(6, DeviceMessageKinds.Environment, "s-1", new { t_s = 1.0, room_c = "warm" }),
            messages.Raw(7, DeviceMessageKinds.Frame, "s-1", new { t_s = 6.0, hand = "both", temps = Enumerable.Repeat(30.0, 768).ToArray() }),
            messages.Frame(8, "s-1", 7, "left", 30),
        ];
        Assert.Equal(HttpStatusCode.OK, await PostAndCheckAsync(device,
            JsonContent.Create(new DeviceBatch(DeviceId, hostile), options: DeviceAuthentication.JsonOptions), "hostile messages"));
        var after = await DatabaseRows.CountAsync(factory.DatabasePath);

        Assert.Equal(8, await factory.Store.GetAcknowledgedThroughAsync(DeviceId));
        Assert.Equal(before["device_messages"] + 7, after["device_messages"]);
        // Only the one good frame was applied; whatever else the hostile messages did, they did not add frames.
        Assert.Equal(1, (await factory.Store.GetSessionAsync("s-1"))!.FrameCount);
        Assert.Equal(before["frames"] + 1, after["frames"]);
    }

    [Fact]
    public async Task A_body_of_many_megabytes_is_answered_without_a_server_error()
    {
        var (device, _) = await factory.DeviceClientAsync(DeviceId);
        var huge = "{\"device_id\":\"dev-hostile\",\"messages\":[{\"seq\":1,\"kind\":\"status\",\"session_id\":null,\"utc\":\"2026-03-02T09:00:00Z\",\"payload\":{\"note\":\""
            + new string('a', 8 << 20) + "\"}}]}";
        var status = await PostAndCheckAsync(device, Json(huge), "8 MB body");
        Assert.True(status is HttpStatusCode.OK or HttpStatusCode.BadRequest or HttpStatusCode.RequestEntityTooLarge);
    }
}
