using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using ThermoHand.Worker.Configuration;

namespace ThermoHand.Worker.Services;

/// <summary>At start: logs the configuration summary and makes sure the storage folder can be created.</summary>
internal sealed class StartupReport(IOptions<WorkerOptions> options, IHostEnvironment environment, ILogger<StartupReport> logger)
    : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        foreach (string line in ConfigurationSummary.Describe(options.Value))
        {
            Log.ConfigurationLine(logger, line);
        }

        // A relative Storage:Path is taken from the program's folder, not from wherever it was started.
        string storage = Path.GetFullPath(options.Value.Storage.Path, environment.ContentRootPath);
        try
        {
            Directory.CreateDirectory(storage);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new IOException($"Storage:Path '{options.Value.Storage.Path}': cannot create the folder {storage} ({e.Message})", e);
        }

        Log.Ready(logger, storage);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
