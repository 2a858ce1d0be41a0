using System.Text.Json;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using ThermoHand.Streaming;
using ThermoHand.Worker.Configuration;
using ThermoHand.Worker.Extensions;
using ThermoHand.Worker.Health;
using ThermoHand.Worker.Pipeline;
using ThermoHand.Worker.Streaming;
using ThermoHand.Worker.Tests.Pipeline;
using ThermoHand.Worker.Tests.Streaming;
using Xunit.Abstractions;

namespace ThermoHand.Worker.Tests.Health;

/// <summary>
/// The <c>dashboard_uplink</c> health entry: a technician reading health.json (or the dashboard reading the status
/// message) learns that the device cannot reach the dashboard, for how long, how much is queued and why — without
/// reading the log — and a short outage (a dashboard restart) does not raise an alarm.
/// </summary>
[Collection(PipelineHost.Collection)] // one test builds the worker host
public sealed class DashboardUplinkHealthTests(ITestOutputHelper output) : IDisposable
{
    private static readonly DateTimeOffset Nine = new(2026, 11, 27, 9, 0, 0, TimeSpan.Zero);

    private readonly ScratchFolder scratch = new();

    public void Dispose() => scratch.Dispose();

    private static UplinkSnapshot Snapshot(UplinkState state, double problemSeconds = 0, string? problem = null, long queued = 7, long notQueued = 0) =>
        new(state, Nine.AddSeconds(problemSeconds), state == UplinkState.Connected ? null : Nine, problem, Nine.AddMinutes(-5), queued, notQueued, "http://dashboard.clinic:5080/");

    [Fact]
    public void Each_uplink_state_reads_as_the_technician_needs_it()
    {
        HealthCheckResult connected = DashboardUplinkHealthCheck.Evaluate(Snapshot(UplinkState.Connected), 120);
        Assert.Equal(HealthStatus.Healthy, connected.Status);
        Assert.Equal("dashboard http://dashboard.clinic:5080/ reachable; 7 messages queued on disk to send", connected.Description);
        Assert.False(connected.Data.ContainsKey("unreachable_s"));
        Assert.Equal("connected", connected.Data["uplink_state"]);

        // A short outage (a dashboard restart) stays Healthy but already says how long and why.
        HealthCheckResult brief = DashboardUplinkHealthCheck.Evaluate(Snapshot(UplinkState.Unreachable, 45, "Connection refused (dashboard.clinic:5080)"), 120);
        Assert.Equal(HealthStatus.Healthy, brief.Status);
        Assert.Contains("unreachable for 45 s (Connection refused (dashboard.clinic:5080)); 7 messages queued on disk", brief.Description);
        Assert.Contains("Degraded after 120 s", brief.Description);

        HealthCheckResult longer = DashboardUplinkHealthCheck.Evaluate(Snapshot(UplinkState.Unreachable, 725, "no answer within 30 s", queued: 1450), 120);
        Assert.Equal(HealthStatus.Degraded, longer.Status);
        Assert.Equal("dashboard http://dashboard.clinic:5080/ unreachable for 12 min 5 s (no answer within 30 s); 1450 messages queued on disk, retried with backoff " +
                     "(Degraded after 120 s, Dashboard:UnreachableDegradedSeconds); check the network and that the dashboard runs", longer.Description);
        Assert.Equal(725.0, (double)longer.Data["unreachable_s"], 1);
        Assert.Equal(1450L, longer.Data["queue_length"]);
        Assert.Equal("no answer within 30 s", longer.Data["last_error"]);

        // Refused credentials need a person at once, whatever the limit.
        HealthCheckResult refused = DashboardUplinkHealthCheck.Evaluate(Snapshot(UplinkState.Unauthorized, 3, "HTTP 401: the dashboard refused this device's credentials; check Dashboard:DeviceId and Dashboard:Secret / Dashboard:SecretFile"), 120);
        Assert.Equal(HealthStatus.Degraded, refused.Status);
        Assert.Contains("refuses this device for 3 s (HTTP 401", refused.Description);

        // Messages the outbox could not take are counted in the entry; the free_space check owns the alarm.
        HealthCheckResult counted = DashboardUplinkHealthCheck.Evaluate(Snapshot(UplinkState.Connected, notQueued: 12), 120);
        Assert.Equal(HealthStatus.Healthy, counted.Status);
        Assert.Contains("12 messages could not be queued since the worker started (disk full", counted.Description);
        Assert.Equal(12L, counted.Data["not_queued"]);

        Assert.Equal("3 h 2 min", DashboardUplinkHealthCheck.Duration(3 * 3600 + 125));
    }

    [Fact]
    public async Task The_real_uploader_turns_the_entry_degraded_after_the_limit_and_healthy_when_the_dashboard_answers_again()
    {
        var clock = new FakeTimeProvider(Nine);
        var dashboard = new FakeDashboard { Down = true };
        using DiskDeviceOutbox outbox = DiskDeviceOutbox.Open(OutboxTestData.Settings(scratch.Path), clock);
        using var uploader = new DashboardUploader(
            outbox,
            new DashboardUplinkSettings { Url = new Uri("http://dashboard.clinic:5080/"), DeviceId = dashboard.DeviceId, Secret = dashboard.Secret },
            new ListLogger<DashboardUploader>(), clock, dashboard, new Random(3));
        var check = new DashboardUplinkHealthCheck(uploader, Options.Create(new WorkerOptions()));
        for (int i = 1; i <= 5; i++)
        {
            outbox.Enqueue(DeviceMessageKinds.Frame, "session-1", OutboxTestData.Payload(i));
        }

        await uploader.StartAsync(CancellationToken.None);
        await Until(() => uploader.State == UplinkState.Unreachable, clock, TimeSpan.Zero, "the first failed attempt");
        clock.Advance(TimeSpan.FromSeconds(60));
        HealthCheckResult minute = await check.CheckHealthAsync(new HealthCheckContext());
        clock.Advance(TimeSpan.FromSeconds(65));
        HealthCheckResult twoMinutes = await check.CheckHealthAsync(new HealthCheckContext());
        output.WriteLine(minute.Description);
        output.WriteLine(twoMinutes.Description);

        Assert.Equal(HealthStatus.Healthy, minute.Status);
        Assert.Contains("unreachable for 1 min 0 s (Connection refused (dashboard.clinic:5080))", minute.Description);
        Assert.Equal(HealthStatus.Degraded, twoMinutes.Status);
        Assert.Contains("unreachable for 2 min 5 s (Connection refused (dashboard.clinic:5080)); 5 messages queued on disk", twoMinutes.Description);
        Assert.Equal("unreachable", twoMinutes.Data["uplink_state"]);

        dashboard.Down = false;
        await Until(() => outbox.PendingCount == 0, clock, TimeSpan.FromSeconds(1), "the backlog to be acknowledged");
        HealthCheckResult back = await check.CheckHealthAsync(new HealthCheckContext());
        await uploader.StopAsync(CancellationToken.None);
        Assert.Equal(HealthStatus.Healthy, back.Status);
        Assert.Contains("reachable; 0 messages queued on disk to send", back.Description);
        Assert.False(back.Data.ContainsKey("last_error"));
        Assert.Equal(5, dashboard.AcknowledgedThrough);
    }

    [Fact]
    public async Task The_status_message_keeps_its_fields_and_adds_the_uplink()
    {
        JsonElement before = DeviceMessages.Status(0.4, 0.01, 5_000_000, true, "acclimatisation", 12);
        HealthCheckResult result = DashboardUplinkHealthCheck.Evaluate(Snapshot(UplinkState.Unreachable, 300, "Connection refused (dashboard.clinic:5080)"), 120);
        var entry = new HealthReportEntry(result.Status, result.Description, TimeSpan.Zero, null, result.Data);
        JsonElement after = DashboardUplinkHealthCheck.AddToStatus(before, entry);

        foreach (JsonProperty field in before.EnumerateObject())
        {
            Assert.Equal(field.Value.GetRawText(), after.GetProperty(field.Name).GetRawText());
        }

        Assert.Equal("Degraded", after.GetProperty("uplink_status").GetString());
        Assert.Equal(300.0, after.GetProperty("uplink").GetProperty("unreachable_s").GetDouble());
        Assert.Equal("unreachable", after.GetProperty("uplink").GetProperty("uplink_state").GetString());

        // In the worker as composed (uplink off in the shipped settings): health.json and the status message carry the entry.
        await using PipelineHost worker = PipelineHost.Build();
        HealthReport report = await worker.Host.Services.GetRequiredService<HealthReporter>().ReportNowAsync();
        Assert.Equal(HealthStatus.Healthy, report.Entries[HealthCheckNames.DashboardUplink].Status);
        Assert.StartsWith("not configured (Dashboard:Url is empty)", report.Entries[HealthCheckNames.DashboardUplink].Description);
        using JsonDocument file = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(worker.Folder, "health.json")));
        Assert.Equal("Healthy", file.RootElement.GetProperty("checks").GetProperty(HealthCheckNames.DashboardUplink).GetProperty("status").GetString());
        JsonElement status = Assert.Single(worker.Outbox.Of(DeviceMessageKinds.Status));
        Assert.Equal("Healthy", status.GetProperty("uplink_status").GetString());
        Assert.Equal("not_configured", status.GetProperty("uplink").GetProperty("uplink_state").GetString());
        foreach (string field in new[] { "frame_age_s", "i2c_error_rate", "free_bytes", "analysis_available", "state", "queue_length", "calibration_status", "calibration" })
        {
            Assert.True(status.TryGetProperty(field, out _), $"status lost {field}");
        }
    }

    [Fact]
    public async Task With_a_dashboard_configured_the_registered_check_follows_the_uploader_and_the_limit_setting()
    {
        HostApplicationBuilder builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { ContentRootPath = AppContext.BaseDirectory, DisableDefaults = true });
        builder.Configuration.AddJsonFile(Path.Combine(AppContext.BaseDirectory, "appsettings.json"));
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Storage:Path"] = scratch.Path,
            ["Dashboard:Url"] = "http://127.0.0.1:9",
            ["Dashboard:DeviceId"] = "pi-1",
            ["Dashboard:Secret"] = "s",
            ["Dashboard:UnreachableDegradedSeconds"] = "30",
        });
        builder.AddWorkerOptions();
        builder.AddDashboardUplink();
        builder.AddWorkerPipeline();
        using IHost host = builder.Build();
        HealthCheckResult result = await host.Services.GetRequiredService<DashboardUplinkHealthCheck>().CheckHealthAsync(new HealthCheckContext());
        Assert.Equal(HealthStatus.Healthy, result.Status);
        Assert.StartsWith("connecting to the dashboard http://127.0.0.1:9/", result.Description);
        Assert.Equal(30.0, result.Data["degraded_after_s"]);
    }

    /// <summary>Moves the fake clock by <paramref name="step"/> until the condition holds (15 s of wall time at most).</summary>
    private static async Task Until(Func<bool> condition, FakeTimeProvider clock, TimeSpan step, string what)
    {
        DateTime end = DateTime.UtcNow.AddSeconds(15);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < end, $"timed out waiting for {what}");
            clock.Advance(step);
            await Task.Delay(5);
        }
    }
}
