using System.Globalization;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using ThermoHand.Worker.Configuration;
using ThermoHand.Worker.Pipeline;
using ThermoHand.Worker.Storage;
using ThermoHand.Worker.Streaming;

namespace ThermoHand.Worker.Health;

/// <summary>Names of the worker's health checks (keys in health.json).</summary>
public static class HealthCheckNames
{
    public const string FrameAge = "frame_age";
    public const string I2cErrorRate = "i2c_error_rate";
    public const string FreeSpace = "free_space";
    public const string Analysis = "analysis";
    public const string OutboxBacklog = "outbox_backlog";
    public const string DashboardUplink = "dashboard_uplink";
}

/// <summary>Unhealthy when a sensor has given no image for longer than Pipeline:MaximumFrameAgeSeconds.</summary>
public sealed class FrameAgeHealthCheck(WorkerHealth health, PipelineClock clock, IOptions<WorkerOptions> options) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        double limit = options.Value.Pipeline.MaximumFrameAgeSeconds;
        double now = clock.Now;
        double worst = 0;
        var problems = new List<string>();
        for (int i = 0; i < health.SensorCount; i++)
        {
            double age = health.Sensor(i).LastFrameSeconds is { } last ? now - last : now;
            worst = Math.Max(worst, age);
            if (age > limit)
            {
                problems.Add(string.Create(CultureInfo.InvariantCulture, $"Sensors:{i}: no image for {age:0.0} s (limit {limit:0.#} s)"));
            }
        }

        var data = new Dictionary<string, object> { ["frame_age_s"] = Math.Round(worst, 2) };
        return Task.FromResult(problems.Count == 0
            ? HealthCheckResult.Healthy(string.Create(CultureInfo.InvariantCulture, $"newest image at most {worst:0.0} s old"), data)
            : HealthCheckResult.Unhealthy(string.Join("; ", problems), data: data));
    }
}

/// <summary>
/// Degraded when, since the previous check, more than Pipeline:MaximumI2cErrorRate of the I2C transfers failed (the
/// driver tries a failed transfer again, so a bad bus may cost no image yet; the technician should still hear of it) or
/// of the subpage reads failed (what sources without a bus, and a sensor that does not answer at all, report).
/// <c>i2c_error_rate</c> is the larger of the two shares. A window of fewer than <see cref="MinimumTransfers"/>
/// transfers is not judged on its transfer share; it is counted with the next check.
/// </summary>
public sealed class I2cErrorRateHealthCheck(WorkerHealth health, IOptions<WorkerOptions> options) : IHealthCheck
{
    private readonly Lock gate = new();
    private long previousOk;
    private long previousFailed;
    private long previousTransfers;
    private long previousTransfersFailed;

    /// <summary>
    /// Transfers a window needs before its error share counts: 2 failures in 29 transfers (a check right after another)
    /// is 6.9 % by chance on a 1 % bus. A device polling every 2 ms makes thousands per 30-s check.
    /// </summary>
    public const long MinimumTransfers = 200;

    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        long ok = 0, failed = 0, transfers = 0, transfersFailed = 0;
        for (int i = 0; i < health.SensorCount; i++)
        {
            WorkerHealth.SensorCounters sensor = health.Sensor(i);
            ok += sensor.ReadsOk;
            failed += sensor.ReadsFailed;
            transfers += sensor.BusTransfers;
            transfersFailed += sensor.BusTransfersFailed;
        }

        long dOk, dFailed, dTransfers, dTransfersFailed;
        lock (gate)
        {
            (dOk, dFailed, dTransfers, dTransfersFailed) = (ok - previousOk, failed - previousFailed, transfers - previousTransfers, transfersFailed - previousTransfersFailed);
            (previousOk, previousFailed) = (ok, failed);
            if (dTransfers >= MinimumTransfers)
            {
                // A short window (two checks in quick succession) is not judged: it carries over into the next one.
                (previousTransfers, previousTransfersFailed) = (transfers, transfersFailed);
            }
        }

        double readRate = dOk + dFailed == 0 ? 0 : (double)dFailed / (dOk + dFailed);
        double transferRate = dTransfers < MinimumTransfers ? 0 : (double)dTransfersFailed / dTransfers;
        double rate = Math.Max(readRate, transferRate);
        double limit = options.Value.Pipeline.MaximumI2cErrorRate;
        var data = new Dictionary<string, object>
        {
            ["i2c_error_rate"] = Math.Round(rate, 4),
            ["transfer_error_rate"] = Math.Round(transferRate, 4),
            ["read_failure_rate"] = Math.Round(readRate, 4),
        };
        string carried = dTransfers is > 0 and < MinimumTransfers
            ? string.Create(CultureInfo.InvariantCulture, $"; {dTransfers} I2C transfers are too few to judge, counted with the next check")
            : string.Empty;
        string text = dTransfers < MinimumTransfers
            ? string.Create(CultureInfo.InvariantCulture, $"{readRate:P1} of subpage reads failed since the last check (limit {limit:P1}){carried}")
            : string.Create(CultureInfo.InvariantCulture, $"{transferRate:P1} of I2C transfers failed ({dTransfersFailed} of {dTransfers}, retried) and {readRate:P1} of subpage reads ({dFailed} of {dOk + dFailed}) since the last check (limit {limit:P1})");
        return Task.FromResult(rate > limit ? HealthCheckResult.Degraded(text + "; check the sensor wiring and the I2C clock", data: data) : HealthCheckResult.Healthy(text, data));
    }
}

/// <summary>Unhealthy below Storage:MinimumFreeMegabytes free, Degraded below twice that.</summary>
public sealed class FreeSpaceHealthCheck(IFreeSpaceProbe probe, SessionFiles files, WorkerHealth health, IOptions<WorkerOptions> options) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        Directory.CreateDirectory(files.Root);
        long free = probe.FreeBytes(files.Root);
        health.RecordFreeBytes(free);
        long margin = options.Value.Storage.MinimumFreeMegabytes * 1024 * 1024;
        var data = new Dictionary<string, object> { ["free_bytes"] = free };
        string text = $"{DiskSpaceBudget.Megabytes(free)} free in {files.Root} (kept free: {DiskSpaceBudget.Megabytes(margin)})";
        return Task.FromResult(
            free < margin ? HealthCheckResult.Unhealthy(text + "; sessions cannot start", data: data)
            : free < 2 * margin ? HealthCheckResult.Degraded(text + "; copy recordings off the device soon", data: data)
            : HealthCheckResult.Healthy(text, data));
    }
}

/// <summary>Degraded when the live analysis cannot run (OpenCvSharp's native library missing); recording goes on.</summary>
public sealed class AnalysisHealthCheck(WorkerHealth health) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var data = new Dictionary<string, object> { ["analysis_available"] = health.AnalysisAvailable };
        return Task.FromResult(health.AnalysisAvailable
            ? HealthCheckResult.Healthy("analysis available", data)
            : HealthCheckResult.Degraded("analysis unavailable: " + health.AnalysisUnavailableReason, data: data));
    }
}

/// <summary>Degraded when more than Pipeline:MaximumOutboxBacklog messages wait for the dashboard.</summary>
public sealed class OutboxBacklogHealthCheck(IDeviceOutbox outbox, IOptions<WorkerOptions> options) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        long pending = outbox.PendingCount;
        long limit = options.Value.Pipeline.MaximumOutboxBacklog;
        var data = new Dictionary<string, object> { ["queue_length"] = pending };
        string text = $"{pending} messages wait for the dashboard (limit {limit})";
        return Task.FromResult(pending > limit ? HealthCheckResult.Degraded(text + "; is the dashboard reachable?", data: data) : HealthCheckResult.Healthy(text, data));
    }
}
