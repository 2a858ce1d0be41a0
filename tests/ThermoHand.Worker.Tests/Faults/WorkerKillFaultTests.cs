using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.Json;
using System.Text.RegularExpressions;
using ThermoHand.Recording.Native;
using ThermoHand.Streaming;
using ThermoHand.Worker.Storage;
using ThermoHand.Worker.Streaming;
using ThermoHand.Worker.Tests.Pipeline;
using Xunit.Abstractions;

namespace ThermoHand.Worker.Tests.Faults;

/// <summary>
/// Issue 8, "the worker killed at random points of a session and restarted": the real worker program
/// (thermohand-worker.dll, as deploy.sh and scripts/run.sh start it) runs the simulated patient at ×50 with its
/// on-disk outbox and uploader delivering to a dashboard over HTTP. It is killed with SIGKILL at three seeded random
/// points of a session and started again on the same storage folder; a fourth run is stopped cleanly. Every session
/// killed must come back as "recovered" with its recording read to the last whole record, and every message that was
/// on disk at a kill must reach the dashboard exactly once.
/// </summary>
[Collection(PipelineHost.Collection)]
public sealed partial class WorkerKillFaultTests(ITestOutputHelper output)
{
    private const int Kills = 3;

    [Fact]
    public async Task The_worker_killed_at_random_points_recovers_every_session_and_delivers_every_queued_message_once()
    {
        string folder = PipelineHost.NewFolder();
        await using var dashboard = new LoopbackDashboard();
        var random = new Random(20261127);
        var killed = new List<(string SessionId, long QueuedAtKill, long SubpagesAtKill, double DelaySeconds)>();
        var logs = new List<string>();

        for (int run = 0; run <= Kills; run++)
        {
            using WorkerProcess worker = WorkerProcess.Start(folder, dashboard.Url, dashboard.Fake.DeviceId, dashboard.Fake.Secret);
            string sessionId = await worker.WaitForSessionAsync();
            if (run == Kills)
            {
                // The last run: let the uploader catch up with everything queued before the kills, then stop cleanly.
                long mustHave = killed.Max(k => k.QueuedAtKill);
                await PipelineHost.Until(() => dashboard.Fake.AcknowledgedThrough >= mustHave, "the backlog to reach the dashboard", 60);
                await PipelineHost.Until(
                    () => dashboard.Fake.Stored.Count(m => m.Kind == DeviceMessageKinds.SessionEnded) >= Kills, "every recovered session_ended to arrive", 60);
                int code = await worker.StopAsync();
                logs.Add(worker.Output);
                Assert.Equal(0, code);
                break;
            }

            double delay = 0.3 + (random.NextDouble() * 3.5); // 0.3–3.8 s of wall time = 15–190 s of session time at ×50
            await Task.Delay(TimeSpan.FromSeconds(delay));
            worker.Kill();
            logs.Add(worker.Output);

            // What was durable at the instant of the kill: the outbox's last whole record, the recording's whole records.
            long queued;
            using (DiskDeviceOutbox outbox = DiskDeviceOutbox.Open(new DiskOutboxSettings { Folder = Path.Combine(folder, "outbox"), MinimumFreeBytes = 1 }))
            {
                queued = outbox.LastSequence;
            }

            RecordingInfo atKill = RecordingInfo.Read(Path.Combine(folder, sessionId, "right.threc"));
            killed.Add((sessionId, queued, atKill.SubpageCount, delay));
            output.WriteLine($"run {run}: session {sessionId} killed after {delay:0.00} s: {queued} messages queued, {atKill.SubpageCount} subpages recorded ({atKill.Integrity.Ending})");
        }

        // Exactly once: the dashboard holds 1..N with no gap (its storage rule ignores resent duplicates).
        IReadOnlyList<DeviceMessage> stored = dashboard.Fake.Stored;
        Assert.Equal(Enumerable.Range(1, stored.Count).Select(i => (long)i), stored.Select(m => m.Sequence));
        Assert.Equal(stored.Count, dashboard.Fake.AcknowledgedThrough);
        Assert.All(killed, k => Assert.True(k.QueuedAtKill <= stored.Count, $"message {k.QueuedAtKill}, queued before a kill, never arrived"));
        output.WriteLine($"dashboard holds {stored.Count} messages (1..{stored.Count}); duplicates resent and ignored: {dashboard.Fake.DuplicatesIgnored}; posts {dashboard.Fake.Posts}");

        // Every killed session: recovered in SQLite, its recording read to the last whole record, session_ended sent once.
        using var store = new SessionStore(folder);
        foreach (var k in killed)
        {
            StoredSession row = store.Find(k.SessionId)!;
            Assert.Equal(SessionStates.Recovered, row.State);
            Assert.True(row.Recovered);
            RecordingInfo info = RecordingInfo.Read(Path.Combine(folder, k.SessionId, "right.threc"));
            Assert.Contains(info.Integrity.Ending, new[] { RecordingEnding.NotClosed, RecordingEnding.Truncated });
            Assert.Equal(k.SubpagesAtKill, info.SubpageCount); // recovery changed nothing: the file is patient data
            Assert.Equal(info.SubpageCount, row.SubpagesRecorded);
            Assert.True(info.SubpageCount > 0, $"session {k.SessionId} recorded nothing before the kill");
            DeviceMessage ended = Assert.Single(stored, m => m.Kind == DeviceMessageKinds.SessionEnded && m.SessionId == k.SessionId);
            Assert.Equal("recovered", ended.Payload.GetProperty("outcome").GetString());
            Assert.Single(stored, m => m.Kind == DeviceMessageKinds.SessionStarted && m.SessionId == k.SessionId);
        }

        // The user sees it: the restarted worker says which session was interrupted and what was kept.
        for (int i = 0; i < Kills; i++)
        {
            Assert.Contains($"Session {killed[i].SessionId} was interrupted (worker stopped without closing it); recovered {killed[i].SubpagesAtKill} subpages", logs[i + 1]);
        }
    }

    /// <summary>The worker program started as the deployment starts it: `dotnet thermohand-worker.dll`, settings in the environment.</summary>
    private sealed partial class WorkerProcess : IDisposable
    {
        private readonly Process process;
        private readonly ConcurrentQueue<string> lines = new();

        private WorkerProcess(Process process)
        {
            this.process = process;
            process.OutputDataReceived += (_, e) => Add(e.Data);
            process.ErrorDataReceived += (_, e) => Add(e.Data);
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
        }

        public string Output => string.Join('\n', lines);

        public static WorkerProcess Start(string folder, string url, string deviceId, string secret)
        {
            var start = new ProcessStartInfo("dotnet", [Path.Combine(AppContext.BaseDirectory, "thermohand-worker.dll")])
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                WorkingDirectory = folder,
            };
            var settings = new Dictionary<string, string>
            {
                ["Storage__Path"] = folder,
                ["Dashboard__Url"] = url,
                ["Dashboard__DeviceId"] = deviceId,
                ["Dashboard__Secret"] = secret,
                ["Dashboard__RetryInitialMilliseconds"] = "50",
                ["Dashboard__RetryMaxSeconds"] = "1",
                ["Simulation__TimeScale"] = "50",
                ["Simulation__SubSamplesPerPixel"] = "1",
                ["Simulation__Sessions"] = "1",
                ["Sensors__0__RefreshRateHz"] = "2",
                ["Pipeline__HealthIntervalSeconds"] = "30",
                ["Logging__Console__FormatterName"] = "simple",
                ["Logging__Console__FormatterOptions__SingleLine"] = "true",
                ["DOTNET_ENVIRONMENT"] = "Production",
            };
            foreach ((string key, string value) in settings)
            {
                start.Environment[key] = value;
            }

            return new WorkerProcess(Process.Start(start)!);
        }

        public async Task<string> WaitForSessionAsync()
        {
            string? id = null;
            await PipelineHost.Until(() => (id = SessionStarted().Match(Output) is { Success: true } m ? m.Groups[1].Value : null) is not null || process.HasExited,
                "the worker to start a session", 60);
            return id ?? throw new InvalidOperationException($"the worker exited with code {process.ExitCode}:\n{Output}");
        }

        /// <summary>SIGKILL: no shutdown code runs, as in a crash or a power cut of the process.</summary>
        public void Kill()
        {
            process.Kill(entireProcessTree: false);
            process.WaitForExit();
        }

        /// <summary>SIGTERM, as systemctl stop sends it.</summary>
        public async Task<int> StopAsync()
        {
            using (Process term = Process.Start("kill", ["-TERM", process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
            {
                await term.WaitForExitAsync();
            }

            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            await process.WaitForExitAsync(timeout.Token);
            return process.ExitCode;
        }

        public void Dispose()
        {
            if (!process.HasExited)
            {
                process.Kill();
                process.WaitForExit();
            }

            process.Dispose();
        }

        [GeneratedRegex(@"Session (\S+) started")]
        private static partial Regex SessionStarted();

        private void Add(string? line)
        {
            if (line is not null)
            {
                lines.Enqueue(line);
            }
        }
    }
}
