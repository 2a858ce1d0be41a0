using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using ThermoHand.Dashboard.Tests.Support;
using ThermoHand.Streaming;
using Xunit.Abstractions;

namespace ThermoHand.Dashboard.Tests.Ingest;

/// <summary>
/// The server must keep up with devices: one device sends 2 frames/s per hand (4 frames/s with both hands). This
/// stores 400 frames over HTTP in batches of 50 (what a device sends after a short outage) and requires at least
/// ten times that rate, even on a loaded test machine. The measured rate is printed (docs/dashboard.md quotes it).
/// </summary>
public sealed class IngestRateTests(ITestOutputHelper output) : IDisposable
{
    private const int Frames = 400;
    private const double RequiredFramesPerSecond = 40;

    private readonly DashboardFactory factory = new();

    public void Dispose() => factory.Dispose();

    [Fact]
    public async Task Stores_frames_at_least_ten_times_faster_than_a_two_hand_device_sends_them()
    {
        var (device, _) = await factory.DeviceClientAsync("dev-rate");
        var messages = new StreamMessages();
        var all = new List<DeviceMessage> { messages.SessionStarted(1, "rate", "PR-RATE", "left", "right") };
        for (var i = 0; i < Frames; i++)
        {
            all.Add(messages.Frame(i + 2, "rate", i * 0.25, i % 2 == 0 ? "left" : "right", 20 + i * 0.01));
        }

        await device.PostAsJsonAsync(DeviceAuthentication.MessagesPath, new DeviceBatch("dev-rate", all[..1]), DeviceAuthentication.JsonOptions);
        var watch = Stopwatch.StartNew();
        for (var start = 1; start < all.Count; start += 50)
        {
            var batch = all.GetRange(start, Math.Min(50, all.Count - start));
            var response = await device.PostAsJsonAsync(DeviceAuthentication.MessagesPath, new DeviceBatch("dev-rate", batch), DeviceAuthentication.JsonOptions);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        watch.Stop();
        var rate = Frames / watch.Elapsed.TotalSeconds;
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        var bytes = new FileInfo(factory.DatabasePath).Length + (File.Exists(factory.DatabasePath + "-wal") ? new FileInfo(factory.DatabasePath + "-wal").Length : 0);
        output.WriteLine($"stored {Frames} frames in {watch.Elapsed.TotalMilliseconds:F0} ms: {rate:F0} frames/s; database + WAL {bytes / 1024.0:F0} KiB ({bytes / (double)Frames:F0} bytes/frame incl. WAL)");
        Assert.Equal(Frames, (await factory.Store.GetFramesAsync("rate")).Count);
        Assert.True(rate >= RequiredFramesPerSecond, $"{rate:F0} frames/s is below {RequiredFramesPerSecond}");
    }
}
