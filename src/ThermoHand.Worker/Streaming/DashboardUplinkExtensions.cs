using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using ThermoHand.Worker.Configuration;
using ThermoHand.Worker.Streaming;

namespace ThermoHand.Worker.Extensions;

/// <summary>Registration of the dashboard outbox and uploader (docs/device-stream.md, "Device side").</summary>
public static class DashboardUplinkExtensions
{
    /// <summary>
    /// Registers <see cref="IDeviceOutbox"/> (on disk under Storage:Path/outbox, or <see cref="DisabledDeviceOutbox"/>
    /// when Dashboard:Url is empty), the <see cref="DashboardUploader"/> background service and the validation of the
    /// Dashboard:* uplink settings.
    /// </summary>
    public static IHostApplicationBuilder AddDashboardUplink(this IHostApplicationBuilder builder)
    {
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<IValidateOptions<WorkerOptions>, ValidateDashboardUplinkOptions>();
        builder.Services.AddSingleton<IValidateOptions<WorkerOptions>, ValidateDashboardCommandOptions>();
        builder.Services.AddSingleton(sp =>
        {
            WorkerOptions options = sp.GetRequiredService<IOptions<WorkerOptions>>().Value;
            // The same folder the recordings use (SessionFiles, registered by AddWorkerPipeline) when there is one.
            string storage = sp.GetService<Storage.SessionFiles>()?.Root
                             ?? Path.GetFullPath(options.Storage.Path, sp.GetRequiredService<IHostEnvironment>().ContentRootPath);
            return DiskDeviceOutbox.Open(new DiskOutboxSettings
            {
                Folder = Path.Combine(storage, "outbox"),
                MinimumFreeBytes = options.Dashboard.OutboxMinimumFreeMegabytes * 1024L * 1024,
            }, sp.GetRequiredService<TimeProvider>());
        });
        builder.Services.AddSingleton<IDeviceOutbox>(sp =>
            sp.GetRequiredService<IOptions<WorkerOptions>>().Value.Dashboard.UplinkEnabled
                ? sp.GetRequiredService<DiskDeviceOutbox>()
                : new DisabledDeviceOutbox());
        builder.Services.AddSingleton(sp =>
        {
            WorkerOptions options = sp.GetRequiredService<IOptions<WorkerOptions>>().Value;
            return options.Dashboard.UplinkEnabled ? DashboardUplinkSettings.FromOptions(options.Dashboard) : null!;
        });
        // The uploader is also resolvable on its own (State, NextToSend for health checks): GetService<DashboardUploader>()
        // is null when the uplink is off.
        builder.Services.AddSingleton(sp =>
            sp.GetRequiredService<IOptions<WorkerOptions>>().Value.Dashboard.UplinkEnabled
                ? new DashboardUploader(sp.GetRequiredService<DiskDeviceOutbox>(), sp.GetRequiredService<DashboardUplinkSettings>(),
                    sp.GetRequiredService<ILogger<DashboardUploader>>(), sp.GetRequiredService<TimeProvider>())
                : null!);
        builder.Services.AddHostedService(sp =>
            new DashboardUplinkService(sp.GetService<DashboardUploader>(), sp.GetRequiredService<ILogger<DashboardUploader>>()));
        // Clinicians' commands from the dashboard (start, abort, reference check): polled only when the uplink is on.
        builder.Services.AddHostedService<DashboardCommandService>();
        return builder;
    }

    /// <summary>
    /// Runs the uploader, or says once at start that the uplink is off so nobody waits for sessions on the dashboard.
    /// (A distinct type: the host keeps one registration per hosted-service type.)
    /// </summary>
    private sealed class DashboardUplinkService(DashboardUploader? uploader, ILogger<DashboardUploader> logger) : IHostedService
    {
        public Task StartAsync(CancellationToken cancellationToken)
        {
            if (uploader is null)
            {
                UplinkLog.Disabled(logger);
                return Task.CompletedTask;
            }

            return uploader.StartAsync(cancellationToken);
        }

        public Task StopAsync(CancellationToken cancellationToken) =>
            uploader?.StopAsync(cancellationToken) ?? Task.CompletedTask;
    }
}
