using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using ThermoHand.Streaming;
using ThermoHand.Worker.Configuration;
using ThermoHand.Worker.Health;
using ThermoHand.Worker.Streaming;
using ThermoHand.Worker.Tests.Streaming;
using Xunit.Abstractions;

namespace ThermoHand.Worker.Tests.Faults;

/// <summary>
/// Issue 8, "the dashboard down for ten minutes": the real on-disk outbox and uploader with the shipped backoff
/// (1 s doubling to 60 s) on a fake clock moved by hand, a message queued every 5 s as a session would, the dashboard
/// unreachable for 600 s. Nothing may be lost, the retries must stay bounded, everything must arrive exactly once
/// afterwards, and the log and health check must say the dashboard is unreachable and how much is queued.
/// (DashboardUploaderTests proves the same rule for a short outage in real time; this is the long one.)
/// </summary>
public sealed class DashboardOutageFaultTests(ITestOutputHelper output) : IDisposable
{
    private const int OutageSeconds = 600;

    private readonly ScratchFolder scratch = new();

    public void Dispose() => scratch.Dispose();

    [Fact]
    public async Task Dashboard_down_for_ten_minutes_loses_nothing_retries_boundedly_and_delivers_everything_once()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 11, 27, 9, 0, 0, TimeSpan.Zero));
        var dashboard = new FakeDashboard();
        var log = new ListLogger<DashboardUploader>();
        using DiskDeviceOutbox outbox = DiskDeviceOutbox.Open(OutboxTestData.Settings(scratch.Path), clock);
        using var uploader = new DashboardUploader(
            outbox,
            new DashboardUplinkSettings { Url = new Uri("http://dashboard.clinic:5080/"), DeviceId = dashboard.DeviceId, Secret = dashboard.Secret },
            log, clock, dashboard, new Random(8));
        int queued = 0;
        void Queue() => Assert.Equal(++queued, outbox.Enqueue(DeviceMessageKinds.Frame, "session-1", OutboxTestData.Payload(queued)));

        await uploader.StartAsync(CancellationToken.None);
        Queue();
        await Until(() => dashboard.AcknowledgedThrough == 1, clock, "the first message before the outage");

        // Ten minutes away; the session goes on queueing. Note the clock second of every attempt.
        dashboard.Down = true;
        var attempts = new List<int>();
        int requests = dashboard.Requests;
        long pendingMidOutage = 0;
        for (int second = 1; second <= OutageSeconds; second++)
        {
            if (second % 5 == 0)
            {
                Queue();
            }

            clock.Advance(TimeSpan.FromSeconds(1));
            await Task.Delay(1); // let the uploader's continuation run
            if (dashboard.Requests != requests)
            {
                requests = dashboard.Requests;
                attempts.Add(second);
            }

            if (second == OutageSeconds / 2)
            {
                pendingMidOutage = outbox.PendingCount;
                Assert.Equal(UplinkState.Unreachable, uploader.State);
            }
        }

        long pendingAtEnd = outbox.PendingCount;
        HealthCheckResult backlog = await new OutboxBacklogHealthCheck(outbox, Options.Create(new WorkerOptions()))
            .CheckHealthAsync(new HealthCheckContext());
        int longestWait = attempts.Zip(attempts.Skip(1), (a, b) => b - a).DefaultIfEmpty(0).Max();
        output.WriteLine($"outage {OutageSeconds} s: {attempts.Count} attempts at s {string.Join(",", attempts)}; longest wait {longestWait} s; " +
            $"queued {pendingMidOutage} at 300 s, {pendingAtEnd} at 600 s; health: {backlog.Description}");
        Assert.DoesNotContain(dashboard.Stored, m => m.Sequence > 1);
        Assert.Equal(queued - 1, pendingAtEnd);
        Assert.InRange(attempts.Count, 10, 30); // backoff: 1, 2, 4 … 60 s with jitter in [step/2, step]
        Assert.InRange(longestWait, 20, 61);
        Assert.Contains($"{pendingAtEnd} messages wait for the dashboard", backlog.Description);

        // Back: the backlog is sent within one backoff step, in order, once.
        dashboard.Down = false;
        for (int second = 0; outbox.PendingCount > 0 && second < 120; second++)
        {
            clock.Advance(TimeSpan.FromSeconds(1));
            await Task.Delay(2);
        }

        await Until(() => outbox.PendingCount == 0, clock, "the backlog to be acknowledged");
        await uploader.StopAsync(CancellationToken.None);
        IReadOnlyList<DeviceMessage> stored = dashboard.Stored;
        Assert.Equal(Enumerable.Range(1, queued).Select(i => (long)i), stored.Select(m => m.Sequence));
        Assert.All(stored, m => Assert.Equal(m.Sequence, OutboxTestData.Counter(m)));
        Assert.Equal(0, dashboard.DuplicatesIgnored);
        Assert.Equal(UplinkState.Connected, uploader.State);

        // One warning per outage naming the backlog, one line on recovery with the outage length and what is queued.
        string unreachable = Assert.Single(log.Lines, l => l.Text.Contains("unreachable", StringComparison.Ordinal)).Text;
        string back = Assert.Single(log.Lines, l => l.Text.Contains("reachable again", StringComparison.Ordinal)).Text;
        output.WriteLine(unreachable);
        output.WriteLine(back);
        Assert.Contains("messages queued on disk, retrying with backoff up to 60 s", unreachable);
        Assert.Matches(@"reachable again after 6\d\d s; \d+ queued messages to send", back);
    }

    private static async Task Until(Func<bool> condition, FakeTimeProvider clock, string what)
    {
        DateTime end = DateTime.UtcNow.AddSeconds(15);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < end, $"timed out waiting for {what}");
            clock.Advance(TimeSpan.FromMilliseconds(100));
            await Task.Delay(5);
        }
    }
}
