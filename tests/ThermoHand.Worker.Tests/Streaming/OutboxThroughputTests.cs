using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using ThermoHand.Streaming;
using ThermoHand.Worker.Streaming;
using Xunit.Abstractions;

namespace ThermoHand.Worker.Tests.Streaming;

/// <summary>
/// Measures what docs/device-stream.md reports: durable enqueue rate (fsync per group) and bytes per frame message.
/// The bar is what the worker needs at most: two hands at 8 frames/s plus events and status, i.e. 20 messages/s.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class MeasurementCollection
{
    /// <summary>Rates and heap sizes are only meaningful with no other test running at the same time.</summary>
    public const string Name = "uplink measurements (run alone)";
}

[Collection(MeasurementCollection.Name)]
public sealed class OutboxThroughputTests(ITestOutputHelper output)
{
    private const double NeededMessagesPerSecond = 20;

    /// <summary>A frame payload as the pipeline sends it: 768 temperatures at 0.01 °C, ten fingertip/dorsum regions.</summary>
    internal static JsonElement FramePayload(int i)
    {
        var random = new Random(i);
        var json = new StringBuilder(6000);
        json.Append(CultureInfo.InvariantCulture, $$"""{"t_s":{{i * 0.125:0.000}},"hand":"left","temps":[""");
        for (int p = 0; p < 768; p++)
        {
            json.Append(p == 0 ? "" : ",").Append((22 + random.NextDouble() * 12).ToString("0.00", CultureInfo.InvariantCulture));
        }

        json.Append("],\"regions\":[");
        for (int r = 0; r < 10; r++)
        {
            json.Append(r == 0 ? "" : ",").Append(CultureInfo.InvariantCulture,
                $$"""{"name":"D{{r % 5 + 1}}","digit":{{r % 5 + 1}},"t_c":{{30 + r * 0.1:0.00}},"x":{{3 + r}},"y":{{4 + r}},"trusted":true,"flag":null}""");
        }

        json.Append("],\"state\":\"rewarming\",\"state_elapsed_s\":12.5,\"state_remaining_s\":587.5}");
        return JsonDocument.Parse(json.ToString()).RootElement.Clone();
    }

    [Fact]
    public void Durable_enqueue_keeps_up_with_two_hands_at_8_frames_per_second()
    {
        using var scratch = new ScratchFolder();
        JsonElement[] frames = Enumerable.Range(0, 64).Select(FramePayload).ToArray();
        using DiskDeviceOutbox outbox = DiskDeviceOutbox.Open(new DiskOutboxSettings { Folder = scratch.Path });

        const int single = 200;
        var clock = Stopwatch.StartNew();
        for (int i = 0; i < single; i++)
        {
            outbox.Enqueue(DeviceMessageKinds.Frame, "s", frames[i % frames.Length]);
        }

        double singleRate = single / clock.Elapsed.TotalSeconds;

        const int perProducer = 100;
        clock.Restart();
        Parallel.For(0, 4, new ParallelOptions { MaxDegreeOfParallelism = 4 }, producer =>
        {
            for (int i = 0; i < perProducer; i++)
            {
                outbox.Enqueue(DeviceMessageKinds.Frame, "s", frames[(producer + i) % frames.Length]);
            }
        });
        double groupRate = 4 * perProducer / clock.Elapsed.TotalSeconds;

        OutboxBatch batch = outbox.ReadBatch(1, 64, int.MaxValue);
        double bytesPerFrame = batch.Records.Average(r => r.Json.Length) + OutboxRecordFormat.HeaderLength;
        output.WriteLine($"one producer: {singleRate:0} frame messages/s durable; four producers (group commit): {groupRate:0}/s; " +
                         $"{bytesPerFrame:0} bytes per frame message on disk ({bytesPerFrame * 16 * 3600 / 1e6:0} MB per hour at 2 hands x 8 Hz)");

        Assert.True(singleRate >= NeededMessagesPerSecond, $"single producer {singleRate:0.0}/s");
        Assert.True(groupRate >= NeededMessagesPerSecond, $"four producers {groupRate:0.0}/s");
        Assert.InRange(bytesPerFrame, 4000, 8000); // 768 × "dd.dd," ≈ 4.6 KB + regions and envelope
        Assert.Equal(600, outbox.LastSequence);
    }
}

/// <summary>Catching up a backlog streams it from disk: the worker's memory does not grow with the backlog.</summary>
[Collection(MeasurementCollection.Name)]
public sealed class UplinkCatchUpTests(ITestOutputHelper output)
{
    [Fact]
    public async Task A_backlog_of_frames_is_sent_in_bounded_memory()
    {
        using var scratch = new ScratchFolder();
        var dashboard = new FakeDashboard { DropPayloads = true };
        using DiskDeviceOutbox outbox = DiskDeviceOutbox.Open(new DiskOutboxSettings { Folder = scratch.Path, SegmentBytes = 1024 * 1024 });
        JsonElement[] frames = Enumerable.Range(0, 16).Select(OutboxThroughputTests.FramePayload).ToArray();
        const int backlog = 2400;
        Parallel.For(0, 4, new ParallelOptions { MaxDegreeOfParallelism = 4 }, producer =>
        {
            for (int i = 0; i < backlog / 4; i++)
            {
                outbox.Enqueue(DeviceMessageKinds.Frame, "s", frames[(producer + i) % frames.Length]);
            }
        });
        long backlogBytes = Directory.GetFiles(scratch.Path, "*.outbox").Sum(f => new FileInfo(f).Length);

        long baseline = GC.GetTotalMemory(forceFullCollection: true);
        long peak = baseline;
        using var uploader = new DashboardUploader(outbox, new DashboardUplinkSettings
        {
            Url = new Uri("http://dashboard.clinic:5080/"), DeviceId = dashboard.DeviceId, Secret = dashboard.Secret,
            BatchMaxMessages = 200, RetryInitial = TimeSpan.FromMilliseconds(5), RetryMax = TimeSpan.FromMilliseconds(40),
        }, new ListLogger<DashboardUploader>(), TimeProvider.System, dashboard);
        var clock = Stopwatch.StartNew();
        await uploader.StartAsync(CancellationToken.None);
        while (outbox.PendingCount > 0)
        {
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(30), "catch-up took too long");
            peak = Math.Max(peak, GC.GetTotalMemory(forceFullCollection: false));
            await Task.Delay(2);
        }

        double seconds = clock.Elapsed.TotalSeconds;
        await uploader.StopAsync(CancellationToken.None);
        long retained = GC.GetTotalMemory(forceFullCollection: true) - baseline;
        output.WriteLine($"backlog {backlog} frames = {backlogBytes / 1e6:0.0} MB on disk; sent in {seconds:0.00} s " +
                         $"({backlog / seconds:0} messages/s to an in-process dashboard); managed heap peak +{(peak - baseline) / 1e6:0.0} MB " +
                         $"(includes uncollected garbage), retained afterwards {retained / 1e6:0.00} MB; {outbox.SegmentFiles.Count} segment(s) left");

        Assert.Equal(backlog, dashboard.AcknowledgedThrough);
        Assert.Single(outbox.SegmentFiles);
        // Holding the backlog (its JSON alone is backlogBytes) would retain more than this; what remains is pools
        // and caches of the runtime (measured 4.7–6.5 MB for backlogs of 6.7 and 13.4 MB: it does not grow with them).
        Assert.True(retained < backlogBytes * 3 / 4, $"retained {retained} bytes for a {backlogBytes}-byte backlog");
    }
}
