using System.Diagnostics;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using ThermoHand.Streaming;
using ThermoHand.Worker.Streaming;

namespace ThermoHand.Worker.Tests.Streaming;

/// <summary>
/// The uploader against <see cref="FakeDashboard"/>, with backoff shortened to 5–40 ms so outages take milliseconds.
/// Every scenario ends by checking the dashboard holds messages 1..N exactly once, in order, with their own content.
/// </summary>
public sealed class DashboardUploaderTests : IDisposable
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(15);

    private readonly ScratchFolder _scratch = new();
    private readonly FakeDashboard _dashboard = new();
    private readonly ListLogger<DashboardUploader> _log = new();

    public void Dispose() => _scratch.Dispose();

    private DiskDeviceOutbox OpenOutbox() => DiskDeviceOutbox.Open(OutboxTestData.Settings(_scratch.Path, segmentBytes: 8 * 1024));

    private DashboardUploader Uploader(DiskDeviceOutbox outbox, string? secret = null, int batch = 25) => new(
        outbox,
        new DashboardUplinkSettings
        {
            Url = new Uri("http://dashboard.clinic:5080/"),
            DeviceId = _dashboard.DeviceId,
            Secret = secret ?? _dashboard.Secret,
            BatchMaxMessages = batch,
            RetryInitial = TimeSpan.FromMilliseconds(5),
            RetryMax = TimeSpan.FromMilliseconds(40),
        },
        _log, TimeProvider.System, _dashboard, new Random(7));

    private static void EnqueueRange(DiskDeviceOutbox outbox, int from, int to)
    {
        for (int i = from; i <= to; i++)
        {
            Assert.Equal(i, outbox.Enqueue(DeviceMessageKinds.Frame, "session-1", OutboxTestData.Payload(i)));
        }
    }

    private static async Task WaitUntil(Func<bool> condition, string what)
    {
        var clock = Stopwatch.StartNew();
        while (!condition())
        {
            Assert.True(clock.Elapsed < Patience, $"timed out waiting until {what}");
            await Task.Delay(5);
        }
    }

    private void AssertDashboardHoldsExactly(int count)
    {
        IReadOnlyList<DeviceMessage> stored = _dashboard.Stored;
        Assert.Equal(Enumerable.Range(1, count).Select(i => (long)i), stored.Select(m => m.Sequence));
        Assert.All(stored, m => Assert.Equal(m.Sequence, OutboxTestData.Counter(m)));
        Assert.Equal(count, _dashboard.AcknowledgedThrough);
    }

    private int LinesContaining(string text) => _log.Lines.Count(l => l.Text.Contains(text, StringComparison.Ordinal));

    [Fact]
    public async Task A_batch_over_the_dashboards_size_limit_is_sent_again_in_smaller_batches_and_nothing_is_lost()
    {
        using DiskDeviceOutbox outbox = OpenOutbox();
        EnqueueRange(outbox, 1, 200);
        _dashboard.MaximumBatchBytes = 1000; // a 25-message batch is ≈ 4.5 KB: halving would need 3 refusals
        using DashboardUploader uploader = Uploader(outbox);
        await uploader.StartAsync(CancellationToken.None);

        await WaitUntil(() => _dashboard.AcknowledgedThrough == 200, "all 200 delivered below the limit");
        await uploader.StopAsync(CancellationToken.None);

        AssertDashboardHoldsExactly(200);
        Assert.Equal(1, _dashboard.TooLarge); // the limit the answer names sets the batch size at once
        Assert.Equal(0, LinesContaining("refuses message"));
    }

    [Fact]
    public async Task A_single_message_over_the_limit_is_kept_and_retried_said_once_and_never_skipped()
    {
        using DiskDeviceOutbox outbox = OpenOutbox();
        EnqueueRange(outbox, 1, 3);
        var large = JsonSerializer.SerializeToElement(new { t_s = 1.0, type = "challenge_start", hand = "left", i = 4, note = new string('x', 3000) });
        Assert.Equal(4, outbox.Enqueue(DeviceMessageKinds.Event, "session-1", large));
        EnqueueRange(outbox, 5, 6);
        _dashboard.MaximumMessageBytes = 1000;
        using DashboardUploader uploader = Uploader(outbox);
        await uploader.StartAsync(CancellationToken.None);

        await WaitUntil(() => _dashboard.TooLarge >= 6, "several refusals of message 4");
        Assert.Equal(3, _dashboard.AcknowledgedThrough); // 4 is not skipped, so 5 and 6 wait behind it
        Assert.Equal(UplinkState.Rejected, uploader.State);
        Assert.Equal(1, LinesContaining("refuses message 4 as too large"));
        Assert.Contains(_log.Lines, l => l.Text.Contains("its limit is 1000 bytes", StringComparison.Ordinal) && l.Level == LogLevel.Critical);

        _dashboard.MaximumMessageBytes = 0; // a technician raises the dashboard's limit
        await WaitUntil(() => _dashboard.AcknowledgedThrough == 6, "the rest after the limit was raised");
        await uploader.StopAsync(CancellationToken.None);
        Assert.Equal(Enumerable.Range(1, 6).Select(i => (long)i), _dashboard.Stored.Select(m => m.Sequence));
        Assert.Equal(UplinkState.Connected, uploader.State);
    }

    [Fact]
    public async Task Dashboard_down_for_a_while_then_up_gets_every_message_once_in_order()
    {
        using DiskDeviceOutbox outbox = OpenOutbox();
        EnqueueRange(outbox, 1, 120);
        _dashboard.Down = true;
        using DashboardUploader uploader = Uploader(outbox);
        await uploader.StartAsync(CancellationToken.None);

        await WaitUntil(() => _dashboard.Requests >= 5, "several failed attempts");
        EnqueueRange(outbox, 121, 150); // the session goes on while the dashboard is away
        Assert.Equal(UplinkState.Unreachable, uploader.State);
        Assert.Empty(_dashboard.Stored);
        Assert.Equal(150, outbox.PendingCount);

        _dashboard.Down = false;
        await WaitUntil(() => outbox.PendingCount == 0, "the backlog is acknowledged");
        EnqueueRange(outbox, 151, 160); // and live messages after the catch-up flow at once
        await WaitUntil(() => _dashboard.AcknowledgedThrough == 160, "live messages arrive");
        await uploader.StopAsync(CancellationToken.None);

        AssertDashboardHoldsExactly(160);
        Assert.Equal(0, _dashboard.DuplicatesIgnored);
        Assert.Equal(UplinkState.Connected, uploader.State);
        Assert.Equal(1, LinesContaining("unreachable (Connection refused"));
        Assert.Equal(1, LinesContaining("120 messages queued on disk"));
        Assert.Equal(1, LinesContaining("reachable again"));
        Assert.True(outbox.SegmentFiles.Count <= 2, "acknowledged segments are deleted");
    }

    [Fact]
    public async Task A_connection_lost_after_the_server_stored_a_batch_is_resent_and_the_duplicate_ignored()
    {
        using DiskDeviceOutbox outbox = OpenOutbox();
        EnqueueRange(outbox, 1, 100);
        _dashboard.DropAnswersAfterStoring = 2;
        using DashboardUploader uploader = Uploader(outbox, batch: 20);
        await uploader.StartAsync(CancellationToken.None);
        await WaitUntil(() => outbox.PendingCount == 0, "everything is acknowledged");
        await uploader.StopAsync(CancellationToken.None);

        AssertDashboardHoldsExactly(100);
        Assert.Equal(40, _dashboard.DuplicatesIgnored); // two batches of 20 arrived twice; stored once
    }

    [Fact]
    public async Task A_409_makes_the_device_resend_from_what_the_dashboard_holds()
    {
        using DiskDeviceOutbox outbox = OpenOutbox();
        EnqueueRange(outbox, 1, 10);
        using DashboardUploader uploader = Uploader(outbox);
        await uploader.StartAsync(CancellationToken.None);
        await WaitUntil(() => outbox.AcknowledgedThrough == 10, "the first ten are acknowledged");

        _dashboard.RollBackTo(5); // the dashboard lost 6..10 after acknowledging them (restored from a backup)
        EnqueueRange(outbox, 11, 15);
        await WaitUntil(() => _dashboard.AcknowledgedThrough == 15, "the dashboard is complete again");
        await uploader.StopAsync(CancellationToken.None);

        AssertDashboardHoldsExactly(15);
        Assert.True(_dashboard.Conflicts >= 1);
        Assert.Equal(1, LinesContaining("holds messages through 5; resending from 6"));
    }

    [Fact]
    public async Task A_device_restarted_between_enqueue_and_acknowledgement_loses_nothing_and_sends_nothing_twice()
    {
        // First life: the dashboard stores everything but no answer ever reaches the device (acknowledgements lost).
        using (DiskDeviceOutbox outbox = OpenOutbox())
        {
            EnqueueRange(outbox, 1, 40);
            _dashboard.DropAnswersAfterStoring = int.MaxValue;
            using DashboardUploader uploader = Uploader(outbox, batch: 50); // one batch holds all 40
            await uploader.StartAsync(CancellationToken.None);
            await WaitUntil(() => _dashboard.AcknowledgedThrough == 40, "the dashboard holds all 40");
            await uploader.StopAsync(CancellationToken.None);
            Assert.Equal(0, outbox.AcknowledgedThrough);
        }

        int duplicatesBefore = _dashboard.DuplicatesIgnored;
        _dashboard.DropAnswersAfterStoring = 0;

        // Second life: the queue is intact; GET ack tells the device the dashboard already has 1..40.
        using (DiskDeviceOutbox outbox = OpenOutbox())
        {
            Assert.Equal((40L, 40L), (outbox.LastSequence, outbox.PendingCount));
            using DashboardUploader uploader = Uploader(outbox);
            await uploader.StartAsync(CancellationToken.None);
            await WaitUntil(() => outbox.AcknowledgedThrough == 40, "the pointer catches up from GET ack");
            EnqueueRange(outbox, 41, 50);
            await WaitUntil(() => outbox.PendingCount == 0, "the new messages are acknowledged");
            await uploader.StopAsync(CancellationToken.None);
        }

        AssertDashboardHoldsExactly(50);
        Assert.Equal(duplicatesBefore, _dashboard.DuplicatesIgnored); // nothing resent after the restart
    }

    [Fact]
    public async Task A_device_restarted_while_the_dashboard_was_down_sends_its_whole_queue_later()
    {
        _dashboard.Down = true;
        using (DiskDeviceOutbox outbox = OpenOutbox())
        {
            EnqueueRange(outbox, 1, 30);
            using DashboardUploader uploader = Uploader(outbox);
            await uploader.StartAsync(CancellationToken.None);
            await WaitUntil(() => _dashboard.Requests >= 3, "failed attempts");
            await uploader.StopAsync(CancellationToken.None);
        }

        using (DiskDeviceOutbox outbox = OpenOutbox())
        {
            EnqueueRange(outbox, 31, 45);
            _dashboard.Down = false;
            using DashboardUploader uploader = Uploader(outbox);
            await uploader.StartAsync(CancellationToken.None);
            await WaitUntil(() => outbox.PendingCount == 0, "the queue is acknowledged");
            await uploader.StopAsync(CancellationToken.None);
        }

        AssertDashboardHoldsExactly(45);
        Assert.Equal(0, _dashboard.DuplicatesIgnored);
    }

    [Fact]
    public async Task Refused_credentials_are_reported_by_setting_name_without_the_secret_and_messages_keep_queueing()
    {
        using DiskDeviceOutbox outbox = OpenOutbox();
        EnqueueRange(outbox, 1, 20);
        _dashboard.Secret = "the-one-on-the-dashboard";
        using DashboardUploader uploader = Uploader(outbox, secret: "stale-secret-123");
        await uploader.StartAsync(CancellationToken.None);
        await WaitUntil(() => _dashboard.Unauthorized >= 4, "repeated refusals");

        Assert.Equal(UplinkState.Unauthorized, uploader.State);
        EnqueueRange(outbox, 21, 25);
        Assert.Equal(25, outbox.PendingCount);
        Assert.Empty(_dashboard.Stored);
        (LogLevel level, string text) = Assert.Single(_log.Lines, l => l.Text.Contains("refused this device's credentials", StringComparison.Ordinal));
        Assert.Equal(LogLevel.Error, level);
        Assert.Contains("HTTP 401", text);
        Assert.Contains("Dashboard:DeviceId 'pi-clinic-1'", text);
        Assert.Contains("Dashboard:SecretFile", text);
        Assert.DoesNotContain(_log.Lines, l => l.Text.Contains("stale-secret-123", StringComparison.Ordinal));

        _dashboard.Secret = "stale-secret-123"; // the administrator registers the device's secret
        await WaitUntil(() => outbox.PendingCount == 0, "the queue is sent once the credentials are accepted");
        await uploader.StopAsync(CancellationToken.None);
        AssertDashboardHoldsExactly(25);
    }

    [Fact]
    public async Task A_device_whose_storage_was_reset_continues_after_what_the_dashboard_already_holds()
    {
        _dashboard.AlreadyHolds(500);
        using DiskDeviceOutbox outbox = OpenOutbox();
        using DashboardUploader uploader = Uploader(outbox);
        await uploader.StartAsync(CancellationToken.None);
        await WaitUntil(() => outbox.AcknowledgedThrough == 500, "the device learns where the dashboard stands");
        long first = outbox.Enqueue(DeviceMessageKinds.Status, null, OutboxTestData.Payload(501));
        await WaitUntil(() => _dashboard.AcknowledgedThrough == 501, "the new message is stored, not ignored as a duplicate");
        await uploader.StopAsync(CancellationToken.None);

        Assert.Equal(501, first);
        Assert.Equal(501, Assert.Single(_dashboard.Stored).Sequence);
        Assert.Equal(1, LinesContaining("already holds messages through 500"));
    }

    [Fact]
    public void The_batch_body_is_a_device_batch_holding_the_stored_messages_verbatim()
    {
        using DiskDeviceOutbox outbox = OpenOutbox();
        EnqueueRange(outbox, 1, 3);
        OutboxBatch batch = outbox.ReadBatch(1, 10, 1 << 20);
        byte[] body = DashboardUploader.BuildBody("pi-clinic-1", batch);
        DeviceBatch parsed = JsonSerializer.Deserialize<DeviceBatch>(body, DeviceAuthentication.JsonOptions)!;
        Assert.Equal("pi-clinic-1", parsed.DeviceId);
        Assert.Equal([1L, 2L, 3L], parsed.Messages.Select(m => m.Sequence));
        Assert.Equal(0.75, parsed.Messages[2].Payload.GetProperty("t_s").GetDouble(), 9);
        using JsonDocument raw = JsonDocument.Parse(body);
        Assert.Equal(["device_id", "messages"], raw.RootElement.EnumerateObject().Select(p => p.Name));
        Assert.Equal(["seq", "kind", "session_id", "utc", "payload"], raw.RootElement.GetProperty("messages")[0].EnumerateObject().Select(p => p.Name));
    }

    [Fact]
    public void Backoff_doubles_with_jitter_in_the_upper_half_and_is_capped()
    {
        var backoff = new UplinkBackoff(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(60), new Random(3));
        double[] steps = [1, 2, 4, 8, 16, 32, 60, 60, 60];
        foreach (double step in steps)
        {
            Assert.InRange(backoff.NextDelay().TotalSeconds, step / 2, step);
        }

        Assert.Equal(steps.Length, backoff.Failures);
        backoff.Reset();
        Assert.InRange(backoff.NextDelay().TotalSeconds, 0.5, 1);

        // Jitter really spreads devices out: 200 draws at the cap cover most of 30–60 s.
        var spread = Enumerable.Range(0, 200).Select(_ =>
        {
            var b = new UplinkBackoff(TimeSpan.FromSeconds(60), TimeSpan.FromSeconds(60), Random.Shared);
            return b.NextDelay().TotalSeconds;
        }).ToList();
        Assert.True(spread.Max() - spread.Min() > 20, $"spread {spread.Min():0.0}–{spread.Max():0.0} s");
    }
}
