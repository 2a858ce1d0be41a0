using System.Net;
using System.Text;
using System.Text.Json;
using ThermoHand.Dashboard.Configuration;
using ThermoHand.Dashboard.Tests.Support;
using ThermoHand.Streaming;

namespace ThermoHand.Dashboard.Tests.Hostile;

/// <summary>
/// The device endpoint's size limits (docs/device-stream.md, "Limits"), at their defaults: a batch of exactly
/// Dashboard:Ingest:MaximumBatchBytes holding a message of exactly Dashboard:Ingest:MaximumMessageBytes is stored; one
/// byte more of either is answered 413 with a problem naming the limit, and nothing of the batch is stored.
/// </summary>
public sealed class IngestSizeLimitTests : IDisposable
{
    private const string DeviceId = "dev-size";
    private const long BatchLimit = IngestOptions.DefaultMaximumBatchBytes;
    private const long MessageLimit = IngestOptions.DefaultMaximumMessageBytes;
    private readonly DashboardFactory factory = new();

    public void Dispose() => factory.Dispose();

    /// <summary>A status message whose JSON is exactly <paramref name="bytes"/> long (padded with a note).</summary>
    private static string StatusMessage(long seq, long bytes)
    {
        var empty = Message(seq, 0);
        return Message(seq, checked((int)(bytes - Encoding.UTF8.GetByteCount(empty))));

        static string Message(long seq, int padding) =>
            $"{{\"seq\":{seq},\"kind\":\"status\",\"session_id\":null,\"utc\":\"2026-03-02T09:00:00Z\",\"payload\":{{\"state\":\"idle\",\"note\":\"{new string('a', padding)}\"}}}}";
    }

    /// <summary>Two messages: the first <paramref name="firstBytes"/> long, the second filling the batch to <paramref name="batchBytes"/>.</summary>
    private static string Batch(long batchBytes, long firstBytes)
    {
        var envelope = $"{{\"device_id\":\"{DeviceId}\",\"messages\":[,]}}";
        var first = StatusMessage(1, firstBytes);
        var second = StatusMessage(2, batchBytes - Encoding.UTF8.GetByteCount(envelope) - firstBytes);
        var body = $"{{\"device_id\":\"{DeviceId}\",\"messages\":[{first},{second}]}}";
        Assert.Equal(batchBytes, Encoding.UTF8.GetByteCount(body));
        return body;
    }

    private async Task<(HttpStatusCode Status, JsonElement Body)> PostAsync(HttpContent content)
    {
        var (device, _) = await factory.DeviceClientAsync(DeviceId);
        var before = await DatabaseRows.CountAsync(factory.DatabasePath);
        var response = await device.PostAsync(DeviceAuthentication.MessagesPath, content);
        var text = await response.Content.ReadAsStringAsync();
        if (response.StatusCode != HttpStatusCode.OK)
        {
            var changed = DatabaseRows.Difference(before, await DatabaseRows.CountAsync(factory.DatabasePath));
            Assert.True(changed.Length == 0, $"refused with {(int)response.StatusCode} but stored {changed}");
            Assert.Equal(0, await factory.Store.GetAcknowledgedThroughAsync(DeviceId));
        }

        return (response.StatusCode, JsonDocument.Parse(text).RootElement.Clone());
    }

    private static StringContent Json(string body) => new(body, Encoding.UTF8, "application/json");

    [Fact]
    public async Task A_batch_and_a_message_exactly_at_their_limits_are_stored()
    {
        var (status, body) = await PostAsync(Json(Batch(BatchLimit, MessageLimit)));

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(2, body.GetProperty("acknowledged_through").GetInt64());
    }

    [Fact]
    public async Task One_byte_over_the_batch_limit_is_refused_with_413_naming_the_limit_and_nothing_is_stored()
    {
        var (status, body) = await PostAsync(Json(Batch(BatchLimit + 1, MessageLimit - 1)));

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, status);
        Assert.Equal(413, body.GetProperty("status").GetInt32());
        Assert.Equal(("Batch too large", "https://tools.ietf.org/html/rfc9110#section-15.5.14"), (body.GetProperty("title").GetString(), body.GetProperty("type").GetString()));
        Assert.Equal(JsonValueKind.Null, body.GetProperty("seq").ValueKind);
        Assert.Equal(BatchLimit, body.GetProperty("limit_bytes").GetInt64());
        Assert.Equal(BatchLimit + 1, body.GetProperty("received_bytes").GetInt64());
        Assert.Equal(0, body.GetProperty("acknowledged_through").GetInt64());
        Assert.Equal(
            "The batch is 4194305 bytes; this dashboard takes at most 4194304 bytes per batch (Dashboard:Ingest:MaximumBatchBytes). Nothing of it was stored: send fewer messages per batch (the worker's Dashboard:BatchMaxKilobytes).",
            body.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task A_batch_over_the_limit_without_a_declared_length_is_refused_the_same_way()
    {
        var (status, body) = await PostAsync(new UnknownLengthContent(Encoding.UTF8.GetBytes(Batch(BatchLimit + 1, MessageLimit - 1))));

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, status);
        Assert.Equal(BatchLimit, body.GetProperty("limit_bytes").GetInt64());
        Assert.StartsWith("The batch is more than 4194304 bytes;", body.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task One_message_one_byte_over_its_limit_refuses_the_whole_batch_naming_the_message()
    {
        var (status, body) = await PostAsync(Json(Batch(BatchLimit, MessageLimit + 1)));

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, status);
        Assert.Equal(MessageLimit, body.GetProperty("limit_bytes").GetInt64());
        Assert.Equal(MessageLimit + 1, body.GetProperty("received_bytes").GetInt64());
        Assert.Equal(1, body.GetProperty("seq").GetInt64());
        Assert.StartsWith("Message seq 1 is 2097153 bytes; this dashboard takes at most 2097152 bytes per message (Dashboard:Ingest:MaximumMessageBytes). Nothing of the batch was stored.",
            body.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Contains(factory.LogLines, l => l.StartsWith("Warning", StringComparison.Ordinal) && l.Contains("over the message limit (2097152 bytes", StringComparison.Ordinal));
    }

    [Fact]
    public void Limits_that_cannot_work_stop_the_start_naming_the_setting()
    {
        var options = new DashboardOptions { Ingest = { MaximumBatchBytes = 1024, MaximumMessageBytes = 8L << 20 } };

        var result = new ValidateDashboardOptions().Validate(null, options);

        Assert.True(result.Failed);
        Assert.Contains(result.Failures!, f => f.StartsWith("Dashboard:Ingest:MaximumBatchBytes is 1024; it must be 65536–30000000 bytes", StringComparison.Ordinal));
        Assert.Contains(result.Failures!, f => f.StartsWith("Dashboard:Ingest:MaximumMessageBytes is 8388608;", StringComparison.Ordinal));
        Assert.True(new ValidateDashboardOptions().Validate(null, new DashboardOptions()).Succeeded);
    }

    /// <summary>A body sent without Content-Length (chunked), as a client streaming an unknown amount would.</summary>
    private sealed class UnknownLengthContent : HttpContent
    {
        private readonly byte[] bytes;

        public UnknownLengthContent(byte[] bytes)
        {
            this.bytes = bytes;
            Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
        }

        protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context) => stream.WriteAsync(bytes).AsTask();

        protected override bool TryComputeLength(out long length)
        {
            length = 0;
            return false;
        }

        protected override void SerializeToStream(Stream stream, TransportContext? context, CancellationToken cancellationToken) => stream.Write(bytes);
    }
}
