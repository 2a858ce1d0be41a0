using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using ThermoHand.Streaming;

namespace ThermoHand.Worker.Tests.Streaming;

/// <summary>
/// An in-process dashboard that implements the storage rule of docs/device-stream.md: messages stored once by sequence,
/// acknowledged_through = highest contiguous sequence held, a batch starting after a gap answered 409. Switches
/// simulate an unreachable server, a connection lost after the server stored a batch, and refused credentials.
/// </summary>
internal sealed class FakeDashboard : HttpMessageHandler
{
    private readonly Lock _lock = new();
    private readonly SortedDictionary<long, DeviceMessage> _stored = [];
    private long _acknowledged;

    public string DeviceId { get; set; } = "pi-clinic-1";

    public string Secret { get; set; } = "correct-horse";

    /// <summary>Every request fails as if nothing listened on the port.</summary>
    public volatile bool Down;

    /// <summary>This many POSTs are stored and then the connection drops before the answer reaches the device.</summary>
    public int DropAnswersAfterStoring;

    /// <summary>Keep only envelopes (no payloads), so a large backlog can be measured without the fake's own memory.</summary>
    public bool DropPayloads;

    public int Requests;

    public int Posts;

    public int Conflicts;

    public int DuplicatesIgnored;

    public int Unauthorized;

    /// <summary>When set, a request body longer than this is answered 413 with the dashboard's problem (docs/device-stream.md "Size limits").</summary>
    public volatile int MaximumBatchBytes;

    /// <summary>When set, a batch holding a message whose JSON is longer than this is answered 413 naming this limit.</summary>
    public volatile int MaximumMessageBytes;

    public int TooLarge;

    public long AcknowledgedThrough
    {
        get
        {
            lock (_lock)
            {
                return _acknowledged;
            }
        }
    }

    public IReadOnlyList<DeviceMessage> Stored
    {
        get
        {
            lock (_lock)
            {
                return [.. _stored.Values];
            }
        }
    }

    /// <summary>The server lost everything after <paramref name="sequence"/> (restored from an older backup).</summary>
    public void RollBackTo(long sequence)
    {
        lock (_lock)
        {
            foreach (long key in _stored.Keys.Where(k => k > sequence).ToList())
            {
                _stored.Remove(key);
            }

            _acknowledged = Math.Min(_acknowledged, sequence);
        }
    }

    /// <summary>The server already holds messages 1..<paramref name="sequence"/> of this device from an earlier life.</summary>
    public void AlreadyHolds(long sequence)
    {
        lock (_lock)
        {
            _acknowledged = sequence;
        }
    }

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref Requests);
        if (Down)
        {
            throw new HttpRequestException("Connection refused (dashboard.clinic:5080)");
        }

        AuthenticationHeaderValue? auth = request.Headers.Authorization;
        if (auth is null || auth.Scheme != DeviceAuthentication.Scheme || auth.Parameter != $"{DeviceId}:{Secret}")
        {
            Interlocked.Increment(ref Unauthorized);
            return new HttpResponseMessage(HttpStatusCode.Unauthorized);
        }

        string path = request.RequestUri!.AbsolutePath;
        if (request.Method == HttpMethod.Get && path == DeviceAuthentication.AckPath)
        {
            return Answer(HttpStatusCode.OK, AcknowledgedThrough);
        }

        if (request.Method != HttpMethod.Post || path != DeviceAuthentication.MessagesPath)
        {
            return new HttpResponseMessage(HttpStatusCode.NotFound);
        }

        Interlocked.Increment(ref Posts);
        string body = await request.Content!.ReadAsStringAsync(cancellationToken);
        DeviceBatch batch = JsonSerializer.Deserialize<DeviceBatch>(body, DeviceAuthentication.JsonOptions)!;
        int bodyBytes = Encoding.UTF8.GetByteCount(body);
        if (MaximumBatchBytes > 0 && bodyBytes > MaximumBatchBytes)
        {
            return TooLargeAnswer(MaximumBatchBytes, bodyBytes);
        }

        if (MaximumMessageBytes > 0 && batch.Messages.Select(m => JsonSerializer.SerializeToUtf8Bytes(m, DeviceAuthentication.JsonOptions).Length).Max() is int largest && largest > MaximumMessageBytes)
        {
            return TooLargeAnswer(MaximumMessageBytes, largest);
        }

        if (batch.DeviceId != DeviceId || batch.Messages.Count == 0 ||
            batch.Messages.Select((m, i) => m.Sequence - i).Distinct().Count() != 1)
        {
            return new HttpResponseMessage(HttpStatusCode.BadRequest) { Content = new StringContent("{\"error\":\"not consecutive\"}") };
        }

        long acknowledged;
        lock (_lock)
        {
            if (batch.Messages[0].Sequence > _acknowledged + 1)
            {
                Conflicts++;
                return Answer(HttpStatusCode.Conflict, _acknowledged);
            }

            foreach (DeviceMessage message in batch.Messages)
            {
                if (!_stored.TryAdd(message.Sequence, DropPayloads ? message with { Payload = default } : message))
                {
                    DuplicatesIgnored++;
                }
            }

            while (_stored.ContainsKey(_acknowledged + 1))
            {
                _acknowledged++;
            }

            acknowledged = _acknowledged;
            if (DropAnswersAfterStoring > 0)
            {
                DropAnswersAfterStoring--;
                throw new HttpRequestException("Connection reset by peer");
            }
        }

        return Answer(HttpStatusCode.OK, acknowledged);
    }

    private HttpResponseMessage TooLargeAnswer(int limit, int received)
    {
        Interlocked.Increment(ref TooLarge);
        return new HttpResponseMessage(HttpStatusCode.RequestEntityTooLarge)
        {
            Content = new StringContent(JsonSerializer.Serialize(new { title = "too large", limit_bytes = limit, received_bytes = received, acknowledged_through = AcknowledgedThrough }),
                Encoding.UTF8, "application/problem+json"),
        };
    }

    private static HttpResponseMessage Answer(HttpStatusCode status, long acknowledged) => new(status)
    {
        Content = new StringContent(JsonSerializer.Serialize(new DeviceAck(acknowledged), DeviceAuthentication.JsonOptions),
            Encoding.UTF8, "application/json"),
    };
}
