using System.Diagnostics;
using System.Globalization;
using System.Net;
using ThermoHand.Dashboard.Live;
using ThermoHand.Dashboard.Security;
using Microsoft.Extensions.DependencyInjection;
using Xunit.Abstractions;

namespace ThermoHand.Dashboard.Tests;

/// <summary>
/// How many browsers can watch one device live: N Server-Sent Events viewers (loopback, logged in with a clinician's
/// cookie) on one device that posts 4 frames/s through the real device API. Measures, per viewer and frame, the lag
/// from the device's POST to the frame arriving at the viewer, how many frames each viewer missed, and the process
/// memory. By default a quick run (10 and 50 viewers, 5 s each) that must keep up; set THERMOHAND_LOAD_LEVELS
/// (e.g. "10,50,100,200,400") and THERMOHAND_LOAD_SECONDS for the figure in docs/dashboard.md. Stops by itself.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class LiveLoadTests(BrowserServerFixture server, ITestOutputHelper output)
{
    private const double FramesPerSecond = 4;

    [Fact]
    public async Task Viewers_receive_every_frame_within_a_second_at_4_frames_per_second()
    {
        var levels = (Environment.GetEnvironmentVariable("THERMOHAND_LOAD_LEVELS") ?? "10,50")
            .Split(',', StringSplitOptions.RemoveEmptyEntries).Select(v => int.Parse(v, CultureInfo.InvariantCulture)).ToList();
        var seconds = double.Parse(Environment.GetEnvironmentVariable("THERMOHAND_LOAD_SECONDS") ?? "5", CultureInfo.InvariantCulture);
        var cookie = await ClinicianCookieAsync();
        var devices = server.Services.GetRequiredService<DeviceCredentials>();
        var hub = server.Services.GetRequiredService<LiveHub>();

        output.WriteLine("viewers | frames sent | median lag ms | p95 lag ms | max lag ms | frames missed | working set MB (before → peak) | managed heap MB");

        // scripts/bench.sh names a file here to collect the rows for benchmarks/RESULTS.md (tab-separated, one per level).
        var resultsFile = Environment.GetEnvironmentVariable("THERMOHAND_LOAD_RESULTS");
        if (!string.IsNullOrEmpty(resultsFile))
        {
            File.WriteAllText(resultsFile, string.Join('\t', "viewers", "seconds", "frames_sent", "median_lag_ms", "p95_lag_ms", "max_lag_ms", "frames_missed", "working_set_before_mb", "working_set_peak_mb", "managed_heap_mb") + "\n");
        }

        var results = new List<LoadResult>();
        foreach (var viewers in levels)
        {
            var (device, secret) = await devices.RegisterAsync($"load-{viewers}-{Guid.NewGuid():N}"[..20], "load test");
            var result = await RunAsync(device.DeviceId, secret, viewers, seconds, cookie, hub);
            results.Add(result);
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{viewers,7} | {result.FramesSent,11} | {result.MedianLagMs,13:0} | {result.P95LagMs,10:0} | {result.MaxLagMs,10:0} | {result.FramesMissed,13} | {result.WorkingSetBeforeMb,6:0} → {result.WorkingSetMb,6:0} | {result.ManagedHeapMb,15:0}"));
            if (!string.IsNullOrEmpty(resultsFile))
            {
                File.AppendAllText(resultsFile, string.Create(CultureInfo.InvariantCulture,
                    $"{viewers}\t{seconds}\t{result.FramesSent}\t{result.MedianLagMs:0.0}\t{result.P95LagMs:0.0}\t{result.MaxLagMs:0.0}\t{result.FramesMissed}\t{result.WorkingSetBeforeMb:0.0}\t{result.WorkingSetMb:0.0}\t{result.ManagedHeapMb:0.0}\n"));
            }
        }

        // The quick run must keep up: every viewer got every frame, 95 % within a second.
        foreach (var result in results.Where(r => r.Viewers <= 50))
        {
            Assert.Equal(0, result.FramesMissed);
            Assert.True(result.P95LagMs < 1000, $"{result.Viewers} viewers: p95 lag {result.P95LagMs:0} ms");
        }
    }

    private sealed record LoadResult(int Viewers, int FramesSent, double MedianLagMs, double P95LagMs, double MaxLagMs, long FramesMissed, double WorkingSetBeforeMb, double WorkingSetMb, double ManagedHeapMb);

    private async Task<LoadResult> RunAsync(string deviceId, string secret, int viewerCount, double seconds, string cookie, LiveHub hub)
    {
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(seconds + 60));   // bounded whatever happens
        using var handler = new SocketsHttpHandler { UseCookies = false, MaxConnectionsPerServer = int.MaxValue, PooledConnectionLifetime = TimeSpan.FromMinutes(5) };
        using var http = new HttpClient(handler) { BaseAddress = server.BaseAddress, Timeout = Timeout.InfiniteTimeSpan };
        var sentAt = new System.Collections.Concurrent.ConcurrentDictionary<long, long>();
        var viewers = Enumerable.Range(0, viewerCount).Select(_ => new Viewer()).ToList();
        var device = new SimulatedDeviceClient(server.DeviceHttp, deviceId, secret);
        var session = server.Before;
        var started = session.Messages("PT-LOAD", DateTimeOffset.UtcNow).Take(1);
        await device.SendAsync("load-session", started);

        // Viewers of other tests (a browser page of the live test) may still be connected; they are not ours.
        var otherViewers = hub.ViewerCount;
        double baseWorkingSet;
        using (var process = Process.GetCurrentProcess())
        {
            baseWorkingSet = process.WorkingSet64 / 1048576.0;
        }

        var tasks = viewers.Select(v => v.WatchAsync(http, deviceId, cookie, sentAt, stop.Token)).ToList();
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (hub.ViewerCount < viewerCount + otherViewers && DateTime.UtcNow < deadline)
        {
            await Task.Delay(50);
        }

        var frames = session.Messages("PT-LOAD", DateTimeOffset.UtcNow).Where(m => m.Kind == "frame").ToList();
        var count = (int)(seconds * FramesPerSecond);
        var clock = Stopwatch.StartNew();
        long sequence = 1;   // session_started was 1
        double peakWorkingSet = 0, peakHeap = 0;
        for (var i = 0; i < count; i++)
        {
            var due = TimeSpan.FromSeconds(i / FramesPerSecond) - clock.Elapsed;
            if (due > TimeSpan.Zero)
            {
                await Task.Delay(due);
            }

            sentAt[++sequence] = Stopwatch.GetTimestamp();
            await device.SendAsync("load-session", [frames[i % frames.Count]], batchSize: 1);
            if (i % 4 == 0)
            {
                using var process = Process.GetCurrentProcess();
                peakWorkingSet = Math.Max(peakWorkingSet, process.WorkingSet64 / 1048576.0);
                peakHeap = Math.Max(peakHeap, GC.GetTotalMemory(false) / 1048576.0);
            }
        }

        // Give the last frame a moment to arrive, then close every viewer.
        var lastSeq = sequence;
        var wait = Stopwatch.StartNew();
        while (viewers.Any(v => v.LastSequence < lastSeq) && wait.Elapsed < TimeSpan.FromSeconds(5))
        {
            await Task.Delay(50);
        }

        await stop.CancelAsync();
        await Task.WhenAll(tasks);
        var lags = viewers.SelectMany(v => v.LagsMs).Order().ToList();
        var missed = viewers.Sum(v => count - v.LagsMs.Count);
        return new LoadResult(viewerCount, count, Percentile(lags, 0.5), Percentile(lags, 0.95), lags.Count > 0 ? lags[^1] : double.NaN, missed, baseWorkingSet, peakWorkingSet, peakHeap);
    }

    private static double Percentile(List<double> sorted, double p) => sorted.Count == 0 ? double.NaN : sorted[(int)Math.Min(sorted.Count - 1, Math.Floor(p * sorted.Count))];

    private async Task<string> ClinicianCookieAsync()
    {
        var page = await server.LoggedInPageAsync();
        var cookies = await page.Context.CookiesAsync();
        await page.Context.CloseAsync();
        return string.Join("; ", cookies.Select(c => c.Name + "=" + c.Value));
    }

    /// <summary>One browser's worth of SSE reading, without the browser: records the lag of every frame it gets.</summary>
    private sealed class Viewer
    {
        public List<double> LagsMs { get; } = [];

        public long LastSequence { get; private set; }

        public async Task WatchAsync(HttpClient http, string deviceId, string cookie, System.Collections.Concurrent.ConcurrentDictionary<long, long> sentAt, CancellationToken stop)
        {
            try
            {
                using var request = new HttpRequestMessage(HttpMethod.Get, LiveEventsEndpoint.PathFor(deviceId));
                request.Headers.Add("Cookie", cookie);
                using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, stop);
                if (response.StatusCode != HttpStatusCode.OK)
                {
                    throw new InvalidOperationException($"live stream answered {(int)response.StatusCode}");
                }

                using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(stop));
                var inFrame = false;
                while (await reader.ReadLineAsync(stop) is { } line)
                {
                    if (line.StartsWith("event: ", StringComparison.Ordinal))
                    {
                        inFrame = line == "event: frame";
                        continue;
                    }

                    if (!inFrame || !line.StartsWith("data: {\"seq\":", StringComparison.Ordinal))
                    {
                        continue;
                    }

                    // The sequence number is the first field of the message: no need to parse 5 KB of JSON per frame.
                    var start = "data: {\"seq\":".Length;
                    var end = line.IndexOf(',', start);
                    var seq = long.Parse(line.AsSpan(start, end - start), CultureInfo.InvariantCulture);
                    if (sentAt.TryGetValue(seq, out var sent))
                    {
                        LagsMs.Add(Stopwatch.GetElapsedTime(sent).TotalMilliseconds);
                    }

                    LastSequence = Math.Max(LastSequence, seq);
                }
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                // The run is over.
            }
            catch (IOException) when (stop.IsCancellationRequested)
            {
            }
        }
    }
}
