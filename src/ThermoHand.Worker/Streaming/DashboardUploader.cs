using System.Buffers;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using ThermoHand.Streaming;

namespace ThermoHand.Worker.Streaming;

/// <summary>Where the uplink stands, for the health check and the status message.</summary>
public enum UplinkState
{
    /// <summary>Not yet in touch with the dashboard (asking where it stands).</summary>
    Starting,

    /// <summary>The last request succeeded.</summary>
    Connected,

    /// <summary>No answer, a timeout or a server error: messages queue on disk and are retried with backoff.</summary>
    Unreachable,

    /// <summary>The dashboard refused the device credentials (HTTP 401/403): Dashboard:DeviceId / Secret need fixing.</summary>
    Unauthorized,

    /// <summary>The dashboard refused a batch for another reason (HTTP 400, 413, …); retried with backoff.</summary>
    Rejected,
}

/// <summary>
/// Where the uplink stood at <see cref="ObservedUtc"/> (the uploader's own clock), for the <c>dashboard_uplink</c>
/// health check. <see cref="LastProblem"/> is in words and never holds a payload, a secret or a patient reference.
/// </summary>
public sealed record UplinkSnapshot(
    UplinkState State,
    DateTimeOffset ObservedUtc,
    DateTimeOffset? ProblemSinceUtc,
    string? LastProblem,
    DateTimeOffset? LastAcknowledgedUtc,
    long QueueLength,
    long NotQueued,
    string Url);

/// <summary>
/// Sends the outbox to the clinic dashboard (docs/device-stream.md): asks where the dashboard stands
/// (<c>GET /api/device/v1/ack</c>), then posts consecutive unacknowledged messages in batches, oldest first, and drops
/// from the outbox only what the dashboard acknowledges. On 409 it resends from the dashboard's acknowledged_through
/// + 1. When the dashboard is unreachable it retries with capped exponential backoff and jitter, logging once per
/// outage (with the backlog) and once on recovery. Never throws out of the host: the uplink must not stop recording.
/// </summary>
public sealed class DashboardUploader : BackgroundService
{
    private readonly DiskDeviceOutbox _outbox;
    private readonly DashboardUplinkSettings _settings;
    private readonly ILogger<DashboardUploader> _logger;
    private readonly TimeProvider _time;
    private readonly HttpClient _http;
    private readonly UplinkBackoff _backoff;
    private readonly string _url;
    private int _batchMaxMessages;
    private int _batchMaxBytes;
    private long _tooLargeReported = -1; // the message last reported as too large, so the log says it once
    private readonly Lock _statusLock = new(); // State, _problemSince, _lastProblem, LastAcknowledgedUtc change together
    private DateTimeOffset? _problemSince;
    private string? _lastProblem;
    private UplinkState _state = UplinkState.Starting;
    private long _nextToSend = 1;

    public DashboardUploader(DiskDeviceOutbox outbox, DashboardUplinkSettings settings, ILogger<DashboardUploader> logger,
                             TimeProvider? time = null, HttpMessageHandler? handler = null, Random? random = null)
    {
        _outbox = outbox;
        _settings = settings;
        _logger = logger;
        _time = time ?? TimeProvider.System;
        _http = settings.CreateHttpClient(handler);
        _backoff = new UplinkBackoff(settings.RetryInitial, settings.RetryMax, random ?? Random.Shared);
        _url = settings.Url.ToString();
        _batchMaxMessages = settings.BatchMaxMessages;
        _batchMaxBytes = settings.BatchMaxBytes;
    }

    /// <summary>Current state of the uplink (health check, status message).</summary>
    public UplinkState State
    {
        get
        {
            lock (_statusLock)
            {
                return _state;
            }
        }
    }

    /// <summary>The next sequence number to send (the dashboard's acknowledged_through + 1 as last heard).</summary>
    public long NextToSend => Interlocked.Read(ref _nextToSend);

    /// <summary>When the dashboard last acknowledged something.</summary>
    public DateTimeOffset? LastAcknowledgedUtc { get; private set; }

    /// <summary>
    /// The uplink as the health check sees it: state, since when the current problem lasts (null while connected), the
    /// last problem in words, the backlog and the messages the outbox could not take (disk full).
    /// </summary>
    public UplinkSnapshot Snapshot()
    {
        lock (_statusLock)
        {
            return new UplinkSnapshot(_state, _time.GetUtcNow(), _problemSince, _lastProblem, LastAcknowledgedUtc,
                _outbox.PendingCount, _outbox.NotQueuedCount, _url);
        }
    }

    public override void Dispose()
    {
        _http.Dispose();
        base.Dispose();
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        UplinkLog.Started(_logger, _url, _settings.DeviceId, _outbox.Folder, _outbox.PendingCount, _outbox.LastSequence);
        try
        {
            await SynchroniseAsync(stoppingToken).ConfigureAwait(false);
            while (!stoppingToken.IsCancellationRequested)
            {
                bool progressed;
                try
                {
                    await _outbox.WaitForMessageAsync(NextToSend, stoppingToken).ConfigureAwait(false);
                    progressed = await SendNextBatchAsync(stoppingToken).ConfigureAwait(false);
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    // Whatever goes wrong here must not stop the host (and with it the recording): log, wait, retry.
                    UplinkLog.Unexpected(_logger, e);
                    progressed = false;
                }

                if (!progressed)
                {
                    await Task.Delay(_backoff.NextDelay(), _time, stoppingToken).ConfigureAwait(false);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutting down: everything unacknowledged stays on disk for the next start.
        }
    }

    /// <summary>Asks the dashboard where it stands until it answers; nothing is sent before that.</summary>
    private async Task SynchroniseAsync(CancellationToken stoppingToken)
    {
        while (true)
        {
            Response response = await RequestAsync(() => new HttpRequestMessage(HttpMethod.Get, _settings.Endpoint(DeviceAuthentication.AckPath)),
                first: 0, last: 0, stoppingToken).ConfigureAwait(false);
            if (response.Ack is { } ack && response.Status == HttpStatusCode.OK)
            {
                Succeeded();
                ApplyAcknowledgement(ack);
                return;
            }

            await Task.Delay(_backoff.NextDelay(), _time, stoppingToken).ConfigureAwait(false);
        }
    }

    /// <summary>Reads and posts one batch. False when the caller should back off before the next attempt.</summary>
    private async Task<bool> SendNextBatchAsync(CancellationToken stoppingToken)
    {
        long from = NextToSend;
        OutboxBatch batch;
        try
        {
            batch = _outbox.ReadBatch(from, _batchMaxMessages, _batchMaxBytes);
        }
        catch (Exception e) when (e is IOException or InvalidDataException or UnauthorizedAccessException)
        {
            UplinkLog.OutboxUnreadable(_logger, e);
            return false;
        }

        if (batch.IsEmpty)
        {
            return false; // the segment holding `from` was deleted meanwhile (SkipPast); read again after a pause
        }

        if (batch.FirstSequence > from)
        {
            UplinkLog.MissingOnDevice(_logger, from, batch.FirstSequence - 1);
        }

        byte[] body = BuildBody(_settings.DeviceId, batch);
        Response response = await RequestAsync(() => new HttpRequestMessage(HttpMethod.Post, _settings.Endpoint(DeviceAuthentication.MessagesPath))
        {
            Content = new ByteArrayContent(body) { Headers = { ContentType = new MediaTypeHeaderValue("application/json") } },
        }, batch.FirstSequence, batch.LastSequence, stoppingToken).ConfigureAwait(false);

        switch (response.Status)
        {
            case HttpStatusCode.OK when response.Ack is { } ack:
                Succeeded();
                ApplyAcknowledgement(ack);
                lock (_statusLock)
                {
                    LastAcknowledgedUtc = _time.GetUtcNow();
                }

                UplinkLog.Sent(_logger, ack, batch.Records.Count, body.Length);
                return ack >= from; // an acknowledgement that does not move is a server fault: back off
            case HttpStatusCode.Conflict when response.Ack is { } ack:
                // The dashboard lacks messages before this batch: resend from what it holds. If it asks again for
                // exactly what we just sent (messages no longer on this device), back off instead of spinning.
                Succeeded();
                ApplyAcknowledgement(ack);
                UplinkLog.Resending(_logger, ack, NextToSend);
                return NextToSend != from;
            case HttpStatusCode.RequestEntityTooLarge when batch.Records.Count > 1:
                // Halve, or go straight below the limit the dashboard names (docs/device-stream.md "Size limits").
                _batchMaxMessages = Math.Max(1, batch.Records.Count / 2);
                long halved = batch.JsonBytes / 2;
                long named = response.LimitBytes is { } limit ? limit * 3 / 4 : halved; // room for the envelope
                _batchMaxBytes = Math.Max(1, (int)Math.Min(int.MaxValue, Math.Min(halved, named)));
                return false;
            case HttpStatusCode.RequestEntityTooLarge:
                // One message larger than the dashboard takes: it cannot be split or skipped (the dashboard refuses
                // gaps), so it is kept and retried with backoff while a technician raises the limit. Said once per message.
                if (_tooLargeReported != batch.FirstSequence)
                {
                    _tooLargeReported = batch.FirstSequence;
                    UplinkLog.MessageTooLarge(_logger, _url, batch.FirstSequence, body.Length,
                        response.LimitBytes?.ToString(CultureInfo.InvariantCulture) ?? "not stated", _outbox.PendingCount);
                }

                return false;
            default:
                return false;
        }
    }

    /// <summary>Moves the outbox's pointer to what the dashboard holds and sets the next message to send.</summary>
    private void ApplyAcknowledgement(long serverAcknowledged)
    {
        long last = _outbox.LastSequence;
        if (serverAcknowledged > last)
        {
            if (_outbox.SkipPast(serverAcknowledged))
            {
                UplinkLog.ServerAhead(_logger, serverAcknowledged, last, serverAcknowledged + 1);
            }
        }
        else
        {
            _outbox.Acknowledge(serverAcknowledged);
        }

        Interlocked.Exchange(ref _nextToSend, serverAcknowledged + 1);
    }

    /// <summary>An answer: its status, the acknowledgement it carries, and for 413 the limit the dashboard names.</summary>
    private readonly record struct Response(HttpStatusCode? Status, long? Ack, long? LimitBytes = null);

    /// <summary>The limit a 413 problem names (<c>limit_bytes</c>, docs/device-stream.md), or null.</summary>
    private static long? ReadLimitBytes(string text)
    {
        try
        {
            using JsonDocument problem = JsonDocument.Parse(text);
            return problem.RootElement.ValueKind == JsonValueKind.Object
                && problem.RootElement.TryGetProperty("limit_bytes", out JsonElement limit)
                && limit.TryGetInt64(out long bytes) && bytes > 0 ? bytes : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>One request; classifies failures, logs them once per problem, never throws except on shutdown.</summary>
    private async Task<Response> RequestAsync(Func<HttpRequestMessage> create, long first, long last, CancellationToken stoppingToken)
    {
        using HttpRequestMessage request = create();
        HttpResponseMessage response;
        try
        {
            response = await _http.SendAsync(request, stoppingToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException or IOException && !stoppingToken.IsCancellationRequested)
        {
            Failed(UplinkState.Unreachable, e is TaskCanceledException ? $"no answer within {_settings.RequestTimeout.TotalSeconds:0} s" : e.Message);
            return new Response(null, null);
        }

        using (response)
        {
            string text;
            try
            {
                text = await response.Content.ReadAsStringAsync(stoppingToken).ConfigureAwait(false);
            }
            catch (Exception e) when (e is HttpRequestException or IOException or TaskCanceledException && !stoppingToken.IsCancellationRequested)
            {
                Failed(UplinkState.Unreachable, "connection lost while reading the answer: " + e.Message);
                return new Response(null, null);
            }

            int status = (int)response.StatusCode;
            if (response.StatusCode is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden)
            {
                Failed(UplinkState.Unauthorized, string.Empty, status);
                return new Response(response.StatusCode, null);
            }

            if (status >= 500 || response.StatusCode is HttpStatusCode.RequestTimeout or HttpStatusCode.TooManyRequests)
            {
                Failed(UplinkState.Unreachable, $"HTTP {status}");
                return new Response(response.StatusCode, null);
            }

            if (response.StatusCode is HttpStatusCode.OK or HttpStatusCode.Conflict && TryReadAck(text, out long ack))
            {
                return new Response(response.StatusCode, ack);
            }

            Failed(UplinkState.Rejected, text.Length > 300 ? text[..300] : text, status, first, last);
            return new Response(response.StatusCode, null, response.StatusCode == HttpStatusCode.RequestEntityTooLarge ? ReadLimitBytes(text) : null);
        }
    }

    private static bool TryReadAck(string text, out long ack)
    {
        ack = 0;
        try
        {
            DeviceAck? parsed = JsonSerializer.Deserialize<DeviceAck>(text, DeviceAuthentication.JsonOptions);
            if (parsed is null || parsed.AcknowledgedThrough < 0)
            {
                return false;
            }

            ack = parsed.AcknowledgedThrough;
            return true;
        }
        catch (JsonException)
        {
            return false;
        }
    }

    private void Failed(UplinkState state, string reason, int status = 0, long first = 0, long last = 0)
    {
        // Log when the kind of problem changes, not at every retry: one line per outage.
        if (State != state)
        {
            switch (state)
            {
                case UplinkState.Unreachable:
                    UplinkLog.Unreachable(_logger, _url, reason, _outbox.PendingCount, _settings.RetryMax.TotalSeconds);
                    break;
                case UplinkState.Unauthorized:
                    UplinkLog.Unauthorized(_logger, _url, status, _settings.DeviceId, _outbox.PendingCount);
                    break;
                default:
                    UplinkLog.Rejected(_logger, _url, first, last, status, reason);
                    break;
            }
        }

        lock (_statusLock)
        {
            _problemSince ??= _time.GetUtcNow();
            _lastProblem = ProblemInWords(state, reason, status, first, last);
            _state = state;
        }
    }

    /// <summary>
    /// The problem as health.json shows it. A rejected batch's answer is left out (it is in the log): the dashboard's
    /// text could quote a message, and health.json and the status message must hold no patient data.
    /// </summary>
    private static string ProblemInWords(UplinkState state, string reason, int status, long first, long last) => state switch
    {
        UplinkState.Unauthorized => string.Create(CultureInfo.InvariantCulture,
            $"HTTP {status}: the dashboard refused this device's credentials; check Dashboard:DeviceId and Dashboard:Secret / Dashboard:SecretFile"),
        UplinkState.Rejected => string.Create(CultureInfo.InvariantCulture,
            $"HTTP {status}: the dashboard rejected messages {first}–{last} (its answer is in the log)"),
        _ => reason,
    };

    private void Succeeded()
    {
        if (_problemSince is { } since)
        {
            UplinkLog.Recovered(_logger, _url, (_time.GetUtcNow() - since).TotalSeconds, _outbox.PendingCount);
        }

        lock (_statusLock)
        {
            _problemSince = null;
            _state = UplinkState.Connected;
        }

        _backoff.Reset();
    }

    /// <summary>The DeviceBatch JSON, with each stored message copied in verbatim (no re-serialisation).</summary>
    internal static byte[] BuildBody(string deviceId, OutboxBatch batch)
    {
        var buffer = new ArrayBufferWriter<byte>((int)Math.Min(int.MaxValue, batch.JsonBytes + 256 + batch.Records.Count));
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("device_id", deviceId);
            writer.WriteStartArray("messages");
            foreach (OutboxRecord record in batch.Records)
            {
                writer.WriteRawValue(record.Json.Span, skipInputValidation: true);
            }

            writer.WriteEndArray();
            writer.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }
}
