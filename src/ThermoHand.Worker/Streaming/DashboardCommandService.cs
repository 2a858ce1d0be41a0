using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using ThermoHand.Worker.Configuration;
using ThermoHand.Worker.Pipeline;
using ThermoHand.Worker.Protocol;
using ThermoHand.Worker.Storage;

namespace ThermoHand.Worker.Streaming;

/// <summary>
/// Runs the <see cref="DashboardCommandPoller"/> when the uplink is on (Dashboard:Url set), Dashboard:CommandPollSeconds
/// is above 0 and the host has a pipeline; otherwise says once that commands are off. Polling begins only when the host
/// has started, so the first command never reaches a pipeline that is still opening its sensors.
/// </summary>
public sealed class DashboardCommandService(IServiceProvider services, ILogger<DashboardCommandPoller> logger) : IHostedService, IDisposable
{
    private DashboardCommandPoller? poller;
    private CancellationTokenRegistration started;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        WorkerOptions options = services.GetRequiredService<IOptions<WorkerOptions>>().Value;
        if (!options.Dashboard.UplinkEnabled)
        {
            return Task.CompletedTask; // the uplink says it is off
        }

        if (options.Dashboard.CommandPollSeconds <= 0 || services.GetService<WorkerPipeline>() is not { } pipeline)
        {
            CommandLog.Off(logger);
            return Task.CompletedTask;
        }

        string root = services.GetService<SessionFiles>()?.Root
                      ?? Path.GetFullPath(options.Storage.Path, services.GetRequiredService<IHostEnvironment>().ContentRootPath);
        var executor = new DeviceCommandExecutor(pipeline.Coordinator, services.GetRequiredService<ProtocolSession>(), services.GetRequiredService<ProtocolPreset>());
        poller = new DashboardCommandPoller(executor, ExecutedCommandLog.Open(Path.Combine(root, "commands")),
            services.GetRequiredService<DashboardUplinkSettings>(), logger, services.GetService<TimeProvider>());
        if (services.GetService<IHostApplicationLifetime>() is { } lifetime && !lifetime.ApplicationStarted.IsCancellationRequested)
        {
            started = lifetime.ApplicationStarted.Register(() => _ = poller.StartAsync(CancellationToken.None));
            return Task.CompletedTask;
        }

        return poller.StartAsync(cancellationToken);
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await started.DisposeAsync().ConfigureAwait(false);
        if (poller is not null)
        {
            await poller.StopAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    public void Dispose()
    {
        started.Dispose();
        poller?.Dispose();
    }
}
