using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using ThermoHand.Analysis;
using ThermoHand.Dashboard.Security;
using ThermoHand.Dashboard.Storage;
using ThermoHand.Dashboard.Tests.Support;
using ThermoHand.Streaming;
using ThermoHand.Worker.Pipeline;
using ThermoHand.Worker.Protocol;
using ThermoHand.Worker.Streaming;

namespace ThermoHand.Dashboard.Tests;

/// <summary>
/// The worker's real uplink (DiskDeviceOutbox + DashboardUploader) against the real dashboard on Kestrel with a SQLite
/// database, across a dashboard outage: the dashboard is stopped while the session is being recorded and restarted on
/// the same port and database. Every message must arrive exactly once (the server's message log holds seq 1..N with no
/// gap and no duplicate, none flagged as a payload problem), every frame must reach the session, and the device's
/// outbox must end empty. This is the one place the two sides of docs/device-stream.md meet for real.
/// </summary>
public sealed class UplinkEndToEndTests : IDisposable
{
    private const string DeviceId = "bench-e2e";
    private const string SessionId = "sess-e2e-outage";

    /// <summary>Frames per phase: before the outage, during it, after the restart (3 × 95 = 285 frames).</summary>
    private const int FramesPerPhase = 95;

    private readonly string folder = Path.Combine(Path.GetTempPath(), "thermohand-e2e-" + Guid.NewGuid().ToString("N"));
    private readonly DateTimeOffset start = new(2026, 3, 2, 9, 0, 0, TimeSpan.Zero);

    public UplinkEndToEndTests() => Directory.CreateDirectory(folder);

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(folder, recursive: true);
        }
        catch (IOException)
        {
            // SQLite may still hold the file for a moment; a leftover temp folder is harmless.
        }
    }

    [Fact]
    public async Task Uplink_delivers_every_message_exactly_once_across_a_dashboard_restart()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var dashboard = StartDashboard(port: 0);
        int port = dashboard.Port;
        var (_, secret) = await dashboard.Services.GetRequiredService<DeviceCredentials>().RegisterAsync(DeviceId, "Bench E2E");

        // Small segments so the run also crosses segment boundaries and deletes acknowledged segments (a frame is ~5.6 KB).
        using var outbox = DiskDeviceOutbox.Open(new DiskOutboxSettings
        {
            Folder = Path.Combine(folder, "outbox"),
            SegmentBytes = 128 * 1024,
            MinimumFreeBytes = 1024 * 1024,
        });
        var settings = new DashboardUplinkSettings
        {
            Url = new Uri($"http://127.0.0.1:{port}/"),
            DeviceId = DeviceId,
            Secret = secret,
            BatchMaxMessages = 20,
            RequestTimeout = TimeSpan.FromSeconds(5),
            RetryInitial = TimeSpan.FromMilliseconds(50),
            RetryMax = TimeSpan.FromMilliseconds(400),
        };
        // The real socket handler, except that the answer to the 3rd batch is lost after the dashboard has stored it
        // (a network drop at the worst moment): the uploader must resend that batch and the dashboard must not store it twice.
        using var network = new LostAnswerHandler(lostPost: 3);
        using var uploader = new DashboardUploader(outbox, settings, NullLogger<DashboardUploader>.Instance, handler: network);
        await uploader.StartAsync(timeout.Token);

        var producer = new SessionProducer(outbox, SessionId, start);
        try
        {
            // Phase 1: dashboard up. The session starts, the challenge runs, rewarming frames flow.
            producer.Started();
            producer.Event(60, SessionEventTypes.ChallengeStart);
            producer.Event(120, SessionEventTypes.ChallengeEnd);
            producer.Frames(FramesPerPhase);
            await WaitUntil(() => outbox.AcknowledgedThrough >= 50, "the uplink to acknowledge 50 messages before the outage", timeout.Token);

            // Phase 2: the dashboard goes away (possibly mid-request: a stored batch whose answer is lost must not be
            // stored twice when resent). Recording goes on; messages queue on the device.
            await dashboard.DisposeAsync();
            producer.Frames(FramesPerPhase);
            producer.Environment();
            await WaitUntil(() => uploader.State == UplinkState.Unreachable, "the uploader to notice the outage", timeout.Token);
            long acknowledgedDuringOutage = outbox.AcknowledgedThrough;
            Assert.True(outbox.PendingCount >= FramesPerPhase, $"only {outbox.PendingCount} messages pending during the outage");

            // Phase 3: the dashboard comes back on the same port and database; the rest of the session follows.
            dashboard = StartDashboard(port);
            producer.Frames(FramesPerPhase);
            producer.Analysis();
            producer.Ended();
            long last = outbox.LastSequence;
            Assert.Equal(producer.Count, last);
            Assert.True(last >= 290, $"the run should be ~300 messages, was {last}");
            await WaitUntil(() => outbox.PendingCount == 0 && outbox.AcknowledgedThrough == last, $"the backlog to drain to {last}", timeout.Token);
            Assert.Equal(UplinkState.Connected, uploader.State);
            Assert.True(outbox.AcknowledgedThrough > acknowledgedDuringOutage);

            // The server's own view: acknowledged_through, the message log (one row per seq, none with a payload problem).
            var store = dashboard.Services.GetRequiredService<IClinicStore>();
            Assert.Equal(last, await store.GetAcknowledgedThroughAsync(DeviceId));
            var log = await MessageLogAsync();
            Assert.Equal((last, last, 1L, last, 0L), log);

            // The lost answer really made the uploader post a stored batch a second time (so deduplication was exercised).
            Assert.True(network.LostBatchFirstSequence > 0, "the 3rd batch's answer was never dropped");
            Assert.True(network.PostedFirstSequences.Count(s => s == network.LostBatchFirstSequence) >= 2,
                $"batch starting at seq {network.LostBatchFirstSequence} was not resent: posted {string.Join(",", network.PostedFirstSequences)}");

            // The session: every frame, both events, the environment reading, the final analysis, completed.
            var session = await store.GetSessionAsync(SessionId);
            Assert.NotNull(session);
            Assert.Equal(3 * FramesPerPhase, producer.FrameCount);
            Assert.Equal(producer.FrameCount, session.FrameCount);
            Assert.Equal(2, session.Events.Count);
            Assert.Equal("completed", session.Summary.Outcome);

            // Frame contents survive the round trip (rounded to 0.01 °C on the device): spot-check first and last.
            var frames = await store.GetFramesAsync(SessionId);
            Assert.Equal(producer.FrameCount, frames.Count);
            Assert.Equal(frames.Select(f => f.TimeSeconds).Order(), frames.Select(f => f.TimeSeconds));
            Assert.Equal(SessionProducer.PixelCelsius(0, 300), (double)frames[0].Temperatures[300]!.Value, 0.005);
            Assert.Equal(SessionProducer.PixelCelsius(producer.FrameCount - 1, 767), (double)frames[^1].Temperatures[767]!.Value, 0.005);
        }
        finally
        {
            await uploader.StopAsync(CancellationToken.None);
            await dashboard.DisposeAsync();
        }
    }

    /// <summary>(rows, distinct seq, min seq, max seq, rows with a payload problem) of the device's message log.</summary>
    private async Task<(long, long, long, long, long)> MessageLogAsync()
    {
        await using var connection = new SqliteConnection("Data Source=" + DatabasePath + ";Mode=ReadOnly;Pooling=False");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT COUNT(*), COUNT(DISTINCT seq), MIN(seq), MAX(seq), SUM(problem IS NOT NULL) FROM device_messages WHERE device_id = $d";
        command.Parameters.AddWithValue("$d", DeviceId);
        await using var reader = await command.ExecuteReaderAsync();
        Assert.True(await reader.ReadAsync());
        return (reader.GetInt64(0), reader.GetInt64(1), reader.GetInt64(2), reader.GetInt64(3), reader.GetInt64(4));
    }

    private string DatabasePath => Path.Combine(folder, "dashboard.db");

    private static async Task WaitUntil(Func<bool> condition, string what, CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        while (!condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                Assert.Fail($"Timed out after 20 s waiting for {what}");
            }

            await Task.Delay(20, cancellationToken);
        }
    }

    /// <summary>The real dashboard on Kestrel at 127.0.0.1:<paramref name="port"/> (0 = any free port), on this test's database.</summary>
    private RunningDashboard StartDashboard(int port)
    {
        var factory = new WebApplicationFactory<Program>().WithWebHostBuilder(web =>
        {
            web.UseEnvironment("Production");
            web.UseSetting("Dashboard:Database:Provider", "sqlite");
            web.UseSetting("Dashboard:Database:ConnectionString", "Data Source=" + DatabasePath);
            web.UseSetting("Dashboard:DataProtection:KeysPath", Path.Combine(folder, "keys"));
        });
        factory.UseKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, port));
        factory.StartServer();
        var address = factory.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses
            .First(a => a.StartsWith("http://127.0.0.1", StringComparison.Ordinal));
        return new RunningDashboard(factory, new Uri(address).Port);
    }

    /// <summary>Real sockets; drops the answer of the <c>lostPost</c>-th POST after the dashboard has answered 200.</summary>
    private sealed class LostAnswerHandler(int lostPost) : DelegatingHandler(new SocketsHttpHandler())
    {
        private readonly List<long> posted = [];
        private int posts;

        /// <summary>First sequence number of every batch posted, in order (resends included).</summary>
        public IReadOnlyList<long> PostedFirstSequences
        {
            get
            {
                lock (posted)
                {
                    return [.. posted];
                }
            }
        }

        public long LostBatchFirstSequence { get; private set; }

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            if (request.Method != HttpMethod.Post || request.Content is null)
            {
                return await base.SendAsync(request, cancellationToken);
            }

            using (var body = JsonDocument.Parse(await request.Content.ReadAsByteArrayAsync(cancellationToken)))
            {
                lock (posted)
                {
                    posted.Add(body.RootElement.GetProperty("messages")[0].GetProperty("seq").GetInt64());
                }
            }

            var response = await base.SendAsync(request, cancellationToken);
            if (Interlocked.Increment(ref posts) == lostPost && response.StatusCode == HttpStatusCode.OK)
            {
                response.Dispose();
                lock (posted)
                {
                    LostBatchFirstSequence = posted[^1];
                }

                throw new HttpRequestException("simulated: the connection dropped after the dashboard stored the batch");
            }

            return response;
        }
    }

    private sealed class RunningDashboard(WebApplicationFactory<Program> factory, int port) : IAsyncDisposable
    {
        private bool disposed;

        public int Port => port;

        public IServiceProvider Services => factory.Services;

        public async ValueTask DisposeAsync()
        {
            if (!disposed)
            {
                disposed = true;
                await factory.DisposeAsync();
            }
        }
    }

    /// <summary>
    /// Queues one left-hand session the way the worker does: payloads from the worker's own DeviceMessages builders
    /// (768 temperatures per frame), except the analysis result, whose shape comes from the dashboard tests' builder
    /// (building a full AnalysisResult here would test the analysis, not the uplink).
    /// </summary>
    private sealed class SessionProducer(DiskDeviceOutbox outbox, string sessionId, DateTimeOffset start)
    {
        private const double FirstFrameSeconds = 121;
        private const double FramePeriodSeconds = 0.5;

        public long Count { get; private set; }

        public int FrameCount { get; private set; }

        /// <summary>A rewarming-like pixel temperature: rises with time, varies across the image.</summary>
        public static double PixelCelsius(int frame, int pixel) => Math.Round(20.0 + 0.02 * frame + 0.01 * (pixel % 32), 2);

        public void Started() => Enqueue(DeviceMessageKinds.SessionStarted, DeviceMessages.SessionStarted(
            new SessionSetup("PT-E2E-7", HandSelection.Left, ProtocolPresets.Manchester), 0.98, "room", [(Hand.Left, "0x33aa", 4.0)], start));

        public void Event(double t, string type) => Enqueue(DeviceMessageKinds.Event, DeviceMessages.Event(new SessionEvent(t, type), Hand.Left));

        public void Frames(int count)
        {
            for (int i = 0; i < count; i++)
            {
                int n = FrameCount;
                var temperatures = new float[ThermalFrame.PixelCount];
                for (int p = 0; p < temperatures.Length; p++)
                {
                    temperatures[p] = (float)PixelCelsius(n, p);
                }

                double t = FirstFrameSeconds + n * FramePeriodSeconds;
                var payload = DeviceMessages.Frame(new ThermalFrame(t, temperatures), Hand.Left, regions: null, new ProtocolStatus("rewarming", t - 120, 1020 - t));
                Enqueue(DeviceMessageKinds.Frame, payload);
                FrameCount++;
            }
        }

        public void Environment() =>
            Enqueue(DeviceMessageKinds.Environment, DeviceMessages.Environment(FirstFrameSeconds + FrameCount * FramePeriodSeconds, 22.5, 41.0, 15.1, []));

        public void Analysis() =>
            Enqueue(DeviceMessageKinds.Analysis, new StreamMessages(start).Analysis(0, sessionId, "left", final: true, dddMean: 1.4).Payload);

        public void Ended() => Enqueue(DeviceMessageKinds.SessionEnded, DeviceMessages.SessionEnded(1020, "completed", reason: null));

        private void Enqueue(string kind, JsonElement payload)
        {
            long seq = outbox.Enqueue(kind, sessionId, payload);
            Count++;
            Assert.Equal(Count, seq);
        }
    }
}
