using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using ThermoHand.Worker.Configuration;
using ThermoHand.Worker.Hardware;
using ThermoHand.Worker.Health;
using ThermoHand.Worker.Pipeline;
using ThermoHand.Worker.Protocol;
using ThermoHand.Worker.Services;
using ThermoHand.Worker.Storage;
using ThermoHand.Worker.Streaming;

namespace ThermoHand.Worker.Extensions;

/// <summary>The worker's registrations, one method per concern; Program.cs lists them.</summary>
public static class WorkerExtensions
{
    /// <summary>Binds appsettings.json to <see cref="WorkerOptions"/> and validates it at start, every error at once.</summary>
    public static IHostApplicationBuilder AddWorkerOptions(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<WorkerOptions>().Bind(builder.Configuration).ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<WorkerOptions>, ValidateWorkerOptions>();
        // A list or object where one value belongs (or the reverse): the binder ignores it, this names it.
        builder.Services.AddSingleton<IValidateOptions<WorkerOptions>>(sp => new ValidateConfigurationShape(sp.GetRequiredService<IConfiguration>()));

        // One clock for the whole worker: real time, or Simulation:TimeScale times faster for the simulated patient.
        builder.Services.TryAddSingleton<TimeProvider>(sp =>
        {
            double scale = sp.GetRequiredService<IOptions<WorkerOptions>>().Value.Simulation.TimeScale;
            return scale == 1 ? TimeProvider.System : new ScaledTimeProvider(scale);
        });
        builder.Services.AddHostedService<StartupReport>();
        return builder;
    }

    /// <summary>Button, LED, buzzer, room sensor and bath probe: real or emulated as Hardware:*:Kind says.</summary>
    public static IHostApplicationBuilder AddClinicHardware(this IHostApplicationBuilder builder)
    {
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.AddSingleton(sp => ClinicHardware.Open(
            sp.GetRequiredService<IOptions<WorkerOptions>>().Value.Hardware, sp.GetRequiredService<TimeProvider>()));
        return builder;
    }

    /// <summary>The protocol state machine, its clock tick, its cues on the hardware, and room/bath monitoring.</summary>
    public static IHostApplicationBuilder AddProtocolGuide(this IHostApplicationBuilder builder)
    {
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.AddSingleton(sp =>
        {
            ClinicHardware hardware = sp.GetRequiredService<ClinicHardware>();
            return new ProtocolSession(sp.GetRequiredService<TimeProvider>(), new ClinicianCues(hardware.Buzzer, hardware.StatusLed));
        });
        builder.Services.AddSingleton(sp =>
        {
            string name = sp.GetRequiredService<IOptions<WorkerOptions>>().Value.Protocol.Preset;
            return ProtocolPresets.TryFind(name, out ProtocolPreset preset) ? preset : ProtocolPresets.Manchester;
        });
        builder.Services.TryAddSingleton<EnvironmentReadings>();
        builder.Services.AddHostedService<ProtocolObserver>();
        builder.Services.AddHostedService<ProtocolTicker>();
        builder.Services.AddHostedService<EnvironmentMonitor>();
        return builder;
    }

    /// <summary>
    /// The frame pipeline (sensors → storage channel → temperatures → analysis → recording → dashboard queue), local
    /// storage (SQLite + recordings), crash recovery, disk-space rules, the auto-clinician of the simulated patient,
    /// health checks and systemd notification. Needs an <see cref="IDeviceOutbox"/> (AddDashboardUplink).
    /// </summary>
    public static IHostApplicationBuilder AddWorkerPipeline(this IHostApplicationBuilder builder)
    {
        IServiceCollection services = builder.Services;
        services.AddSystemd(); // Type=notify: READY=1 once started, STOPPING=1 on stop; a no-op outside systemd
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton(sp => new PipelineClock(sp.GetRequiredService<TimeProvider>()));
        services.TryAddSingleton(sp => SessionFiles.FromSetting(sp.GetRequiredService<IOptions<WorkerOptions>>().Value.Storage.Path));
        services.TryAddSingleton(sp => new SessionStore(sp.GetRequiredService<SessionFiles>().Root));
        services.TryAddSingleton<IFreeSpaceProbe, DriveFreeSpaceProbe>();
        services.TryAddSingleton<IRecordingStreamFactory, FileRecordingStreamFactory>();
        services.TryAddSingleton<IRegionTrackerFactory, OpenCvRegionTrackerFactory>();
        services.TryAddSingleton<EnvironmentReadings>();
        services.TryAddSingleton<SensorArray>();
        services.TryAddSingleton(sp => new WorkerHealth(sp.GetRequiredService<SensorArray>().Sensors.Count));
        services.TryAddSingleton<WorkerPipeline>();
        services.AddHostedService(sp => sp.GetRequiredService<WorkerPipeline>());
        services.TryAddSingleton<AutoClinician>();
        services.AddHostedService(sp => sp.GetRequiredService<AutoClinician>());
        services.AddHealthChecks()
            .AddCheck<FrameAgeHealthCheck>(HealthCheckNames.FrameAge)
            .AddCheck<I2cErrorRateHealthCheck>(HealthCheckNames.I2cErrorRate)
            .AddCheck<FreeSpaceHealthCheck>(HealthCheckNames.FreeSpace)
            .AddCheck<AnalysisHealthCheck>(HealthCheckNames.Analysis)
            .AddCheck<OutboxBacklogHealthCheck>(HealthCheckNames.OutboxBacklog)
            .AddCheck<DashboardUplinkHealthCheck>(HealthCheckNames.DashboardUplink);
        services.TryAddSingleton<I2cErrorRateHealthCheck>(); // keeps its "since the previous check" counters
        // The uploader is null when the uplink is off (AddDashboardUplink) or not part of this host.
        services.TryAddSingleton(sp => new DashboardUplinkHealthCheck(sp.GetService<DashboardUploader>(), sp.GetRequiredService<IOptions<WorkerOptions>>()));
        services.TryAddSingleton<HealthReporter>();
        services.AddHostedService(sp => sp.GetRequiredService<HealthReporter>());
        return builder;
    }

    /// <summary>
    /// Runs the host until Ctrl+C. Configuration and hardware problems are printed as plain messages naming the
    /// setting (not as stack traces) and give a non-zero exit code: 2 = configuration, 3 = hardware.
    /// </summary>
    public static async Task<int> RunWorkerAsync(this IHost host)
    {
        try
        {
            // Validate and open the hardware before the host starts, so a mistake reads as one plain list of
            // settings to fix instead of a dependency-injection stack trace logged by the host.
            // The list binder silently drops a Sensors:N entry holding a value of the wrong type (the start would then
            // complain that no sensor is configured); binding each entry alone names the key instead.
            foreach (IConfigurationSection sensor in host.Services.GetRequiredService<IConfiguration>().GetSection("Sensors").GetChildren())
            {
                _ = sensor.Get<ThermalSensorOptions>();
            }

            _ = host.Services.GetRequiredService<IOptions<WorkerOptions>>().Value;
            _ = host.Services.GetRequiredService<ClinicHardware>();
            if (host.Services.GetService<SensorArray>() is not null && host.Services.GetRequiredService<TimeProvider>() is ScaledTimeProvider scaled)
            {
                Log.SimulatedClock(host.Services.GetRequiredService<Microsoft.Extensions.Logging.ILogger<SensorArray>>(), scaled.Scale);
            }
            await host.RunAsync().ConfigureAwait(false);
            return 0;
        }
        catch (OptionsValidationException e)
        {
            await Console.Error.WriteLineAsync("ThermoHand worker: configuration errors (appsettings.json):").ConfigureAwait(false);
            foreach (string failure in e.Failures)
            {
                await Console.Error.WriteLineAsync("  - " + failure).ConfigureAwait(false);
            }

            return 2;
        }
        catch (InvalidOperationException e) when (e.Message.StartsWith("Failed to convert configuration value", StringComparison.Ordinal))
        {
            // A value of the wrong type, e.g. Storage:MinimumFreeMegabytes "lots": the binder's message names the key.
            await Console.Error.WriteLineAsync("ThermoHand worker: configuration errors (appsettings.json):").ConfigureAwait(false);
            await Console.Error.WriteLineAsync("  - " + e.Message + " Fix the value; nothing was started.").ConfigureAwait(false);
            return 2;
        }
        catch (HardwareUnavailableException e)
        {
            await Console.Error.WriteLineAsync("ThermoHand worker: " + e.Message).ConfigureAwait(false);
            return 3;
        }
    }

    /// <summary>
    /// The message for a configuration file that cannot be parsed (the host throws <see cref="InvalidDataException"/>
    /// while building): the file, and the line and column (counted from 1) where the JSON goes wrong.
    /// </summary>
    public static string DescribeConfigurationFileError(InvalidDataException e)
    {
        ArgumentNullException.ThrowIfNull(e);
        Exception? inner = e.InnerException;
        while (inner is not null and not System.Text.Json.JsonException)
        {
            inner = inner.InnerException;
        }

        string where = inner is System.Text.Json.JsonException { LineNumber: { } line } json
            ? $" at line {line + 1}, column {(json.BytePositionInLine ?? 0) + 1}: {json.Message.Split(" LineNumber:")[0]}"
            : inner is null ? "" : ": " + inner.Message;
        return $"ThermoHand worker: {e.Message.TrimEnd('.')}{where} Fix the file; nothing was started.";
    }
}
