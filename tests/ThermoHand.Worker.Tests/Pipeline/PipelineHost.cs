using System.Collections.Concurrent;
using System.Text.Json;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using ThermoHand.Worker.Extensions;
using ThermoHand.Worker.Pipeline;
using ThermoHand.Worker.Protocol;
using ThermoHand.Worker.Storage;
using ThermoHand.Worker.Streaming;

namespace ThermoHand.Worker.Tests.Pipeline;

/// <summary>The dashboard queue as a list in memory (the real one is the uplink's).</summary>
public sealed class MemoryOutbox : IDeviceOutbox
{
    private readonly ConcurrentQueue<(long Seq, string Kind, string? SessionId, JsonElement Payload)> messages = new();
    private long sequence;

    public long PendingCount => messages.Count;

    public IReadOnlyList<(long Seq, string Kind, string? SessionId, JsonElement Payload)> Messages => messages.ToArray();

    public IEnumerable<JsonElement> Of(string kind) => Messages.Where(m => m.Kind == kind).Select(m => m.Payload);

    public long Enqueue(string kind, string? sessionId, JsonElement payload)
    {
        long seq = Interlocked.Increment(ref sequence);
        messages.Enqueue((seq, kind, sessionId, payload.Clone()));
        return seq;
    }
}

/// <summary>Free space the test decides.</summary>
public sealed class FakeFreeSpace(long bytes) : IFreeSpaceProbe
{
    public long Bytes { get; set; } = bytes;

    public long FreeBytes(string folder) => Bytes;
}

/// <summary>Keeps every log line, to prove what the logs never contain.</summary>
public sealed class CapturingLoggerProvider : ILoggerProvider
{
    public ConcurrentQueue<string> Lines { get; } = new();

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    public void Dispose()
    {
    }

    private sealed class Logger(CapturingLoggerProvider owner, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            owner.Lines.Enqueue($"{logLevel} {category}: {formatter(state, exception)} {exception}");
            if (state is IEnumerable<KeyValuePair<string, object?>> values)
            {
                foreach (var pair in values)
                {
                    owner.Lines.Enqueue($"  {pair.Key}={pair.Value}");
                }
            }
        }
    }
}

[CollectionDefinition(PipelineHost.Collection, DisableParallelization = true)]
public sealed class WorkerHostCollection
{
}

/// <summary>
/// The worker exactly as Program.cs composes it (options, hardware, protocol, pipeline), with an in-memory dashboard
/// queue, a temporary storage folder, a short protocol preset and the simulated patient on a fast clock.
/// </summary>
public sealed class PipelineHost : IAsyncDisposable
{
    /// <summary>Tests that run whole workers share this collection, so they run one at a time (each keeps a core busy).</summary>
    public const string Collection = "worker hosts";

    /// <summary>A protocol short enough for a test: 20 s acclimatisation, 10 s baseline, 5 s immersion, 40 s rewarming.</summary>
    public static readonly ProtocolPreset ShortPreset = new(
        "test-short", "test protocol", TimeSpan.FromSeconds(20), TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(5),
        TimeSpan.FromSeconds(40), 15, 1, 23, 1, "test");

    private PipelineHost(IHost host, string folder, MemoryOutbox outbox, CapturingLoggerProvider logs)
    {
        Host = host;
        Folder = folder;
        Outbox = outbox;
        Logs = logs;
    }

    public IHost Host { get; }

    public string Folder { get; }

    public MemoryOutbox Outbox { get; }

    public CapturingLoggerProvider Logs { get; }

    public WorkerPipeline Pipeline => Host.Services.GetRequiredService<WorkerPipeline>();

    public SessionStore Store => Host.Services.GetRequiredService<SessionStore>();

    public static string NewFolder() => Directory.CreateTempSubdirectory("thermohand-pipeline-").FullName;

    public static PipelineHost Build(
        string? folder = null, ProtocolPreset? preset = null, Action<IServiceCollection>? services = null, params (string Key, string Value)[] overrides)
    {
        folder ??= NewFolder();
        var outbox = new MemoryOutbox();
        var logs = new CapturingLoggerProvider();
        HostApplicationBuilder builder = Microsoft.Extensions.Hosting.Host.CreateApplicationBuilder(new HostApplicationBuilderSettings
        {
            ContentRootPath = AppContext.BaseDirectory,
            DisableDefaults = true,
        });
        builder.Configuration.AddJsonFile(Path.Combine(AppContext.BaseDirectory, "appsettings.json"));
        var settings = new Dictionary<string, string?>
        {
            ["Storage:Path"] = folder,
            ["Simulation:TimeScale"] = "20",
            ["Simulation:AutoClinician"] = "true",
            ["Simulation:Sessions"] = "1",
            ["Simulation:SubSamplesPerPixel"] = "2",
            ["Simulation:PatientReference"] = "ZQ-9137",
            ["Sensors:0:RefreshRateHz"] = "2",
            ["Pipeline:ProvisionalAnalysisSeconds"] = "10",
            ["Hardware:RoomSensor:ReadIntervalSeconds"] = "5",
        };
        foreach ((string key, string value) in overrides)
        {
            settings[key] = value;
        }

        builder.Configuration.AddInMemoryCollection(settings);
        builder.Logging.AddProvider(logs);
        builder.Logging.SetMinimumLevel(LogLevel.Debug);
        builder.Services.AddSingleton<IDeviceOutbox>(outbox);
        builder.Services.AddSingleton<IFreeSpaceProbe>(new FakeFreeSpace(10L << 30));
        services?.Invoke(builder.Services);
        builder.AddWorkerOptions();
        builder.AddClinicHardware();
        builder.AddProtocolGuide();
        builder.AddWorkerPipeline();
        builder.Services.AddSingleton(preset ?? ShortPreset); // the last registration of the preset wins
        return new PipelineHost(builder.Build(), folder, outbox, logs);
    }

    /// <summary>Waits (wall time) until <paramref name="condition"/> holds; fails with <paramref name="what"/> after the timeout.</summary>
    public static async Task Until(Func<bool> condition, string what, double seconds = 60)
    {
        DateTime end = DateTime.UtcNow.AddSeconds(seconds);
        while (!condition())
        {
            if (DateTime.UtcNow > end)
            {
                throw new TimeoutException($"waited {seconds} s for {what}");
            }

            await Task.Delay(20);
        }
    }

    /// <summary>
    /// Stops the host before disposing it, as the real host does on SIGTERM: a test that failed part-way must not leave
    /// acquisition threads reading sensors that disposal closes (StopAsync of a host never started, or already stopped,
    /// returns at once).
    /// </summary>
    public async ValueTask DisposeAsync()
    {
        try
        {
            using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            await Host.StopAsync(limit.Token);
        }
        catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException)
        {
            // Already stopped and disposed by the test, or the stop overran: disposal below still closes everything.
        }

        Host.Dispose();
    }
}
