using System.Text.Json;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using ThermoHand.Streaming;
using ThermoHand.Worker.Configuration;
using ThermoHand.Worker.Pipeline;
using ThermoHand.Worker.Protocol;
using ThermoHand.Worker.Services;
using ThermoHand.Worker.Storage;
using ThermoHand.Worker.Streaming;

namespace ThermoHand.Worker.Health;

/// <summary>
/// Runs the health checks every Pipeline:HealthIntervalSeconds and reports them three ways, with no HTTP server on
/// the device: <c>health.json</c> in the storage folder (rewritten atomically; a technician or a systemd timer can
/// read it), a log line whenever the overall status changes, and the <c>status</c> message to the dashboard.
/// </summary>
public sealed class HealthReporter(
    HealthCheckService checks, SessionFiles files, IDeviceOutbox outbox, ProtocolSession protocol, WorkerHealth health,
    IOptions<WorkerOptions> options, TimeProvider clock, ILogger<HealthReporter> logger) : BackgroundService
{
    private HealthStatus? lastStatus;

    /// <summary>The latest report (null before the first run).</summary>
    public HealthReport? Last { get; private set; }

    /// <summary>Runs the checks once and reports; public so tests need not wait for the timer.</summary>
    public async Task<HealthReport> ReportNowAsync(CancellationToken token = default)
    {
        HealthReport report = await checks.CheckHealthAsync(token).ConfigureAwait(false);

        // The site calibration's entry is computed here from WorkerHealth (no registration needed), so health.json,
        // the log line and the status message all include it.
        report = new HealthReport(
            new Dictionary<string, HealthReportEntry>(report.Entries)
            {
                [Calibration.CalibrationHealthCheck.Name] = Calibration.CalibrationHealthCheck.Evaluate(health, options.Value.Calibration, clock.GetUtcNow()),
            },
            report.TotalDuration);
        Last = report;
        WriteFile(report);
        if (report.Status != lastStatus)
        {
            lastStatus = report.Status;
            Log.HealthChanged(logger, report.Status.ToString(), Summary(report));
        }

        try
        {
            JsonElement status = Calibration.CalibrationMessages.AddToStatus(
                DeviceMessages.Status(
                    Data<double?>(report, HealthCheckNames.FrameAge, "frame_age_s"),
                    Data<double?>(report, HealthCheckNames.I2cErrorRate, "i2c_error_rate") ?? 0,
                    Data<long?>(report, HealthCheckNames.FreeSpace, "free_bytes") ?? health.FreeBytes,
                    health.AnalysisAvailable,
                    SessionCoordinator.StateWord(protocol.State),
                    outbox.PendingCount),
                report.Entries[Calibration.CalibrationHealthCheck.Name]);
            if (report.Entries.TryGetValue(HealthCheckNames.DashboardUplink, out HealthReportEntry uplink))
            {
                status = DashboardUplinkHealthCheck.AddToStatus(status, uplink);
            }

            outbox.Enqueue(DeviceMessageKinds.Status, null, status);
        }
        catch (IOException e)
        {
            Log.OutboxFailed(logger, DeviceMessageKinds.Status, e.Message);
        }

        return report;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(options.Value.Pipeline.HealthIntervalSeconds), clock);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
            {
                try
                {
                    await ReportNowAsync(stoppingToken).ConfigureAwait(false);
                }
                catch (IOException e)
                {
                    Log.OutboxFailed(logger, "health.json", e.Message);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Normal shutdown.
        }
    }

    private static string Summary(HealthReport report) =>
        string.Join("; ", report.Entries.Select(e => $"{e.Key} {e.Value.Status}: {e.Value.Description}"));

    private static T? Data<T>(HealthReport report, string check, string key) =>
        report.Entries.TryGetValue(check, out HealthReportEntry entry) && entry.Data.TryGetValue(key, out object? value) && value is not null
            ? (T?)Convert.ChangeType(value, Nullable.GetUnderlyingType(typeof(T)) ?? typeof(T), System.Globalization.CultureInfo.InvariantCulture)
            : default;

    /// <summary>The worker's own footprint, so a long session's memory and CPU can be read from health.json.</summary>
    private static object ProcessFigures()
    {
        using var self = System.Diagnostics.Process.GetCurrentProcess();
        return new
        {
            working_set_bytes = self.WorkingSet64,
            peak_working_set_bytes = self.PeakWorkingSet64,
            gc_heap_bytes = GC.GetGCMemoryInfo().HeapSizeBytes,
            gc_total_allocated_bytes = GC.GetTotalAllocatedBytes(),
            cpu_seconds = Math.Round(self.TotalProcessorTime.TotalSeconds, 2),
            uptime_seconds = Math.Round((DateTime.Now - self.StartTime).TotalSeconds, 1),
        };
    }

    private void WriteFile(HealthReport report)
    {
        Directory.CreateDirectory(files.Root);
        var body = new
        {
            status = report.Status.ToString(),
            checked_utc = clock.GetUtcNow(),
            process = ProcessFigures(),
            checks = report.Entries.ToDictionary(e => e.Key, e => new { status = e.Value.Status.ToString(), description = e.Value.Description, data = e.Value.Data }),
        };
        string temp = files.HealthFile + ".tmp";
        File.WriteAllText(temp, JsonSerializer.Serialize(body, new JsonSerializerOptions { WriteIndented = true }));
        File.Move(temp, files.HealthFile, overwrite: true); // readers never see half a file
    }
}
