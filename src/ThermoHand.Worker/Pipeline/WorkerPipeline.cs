using System.Threading.Channels;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using ThermoHand.Worker.Configuration;
using ThermoHand.Worker.Health;
using ThermoHand.Worker.Protocol;
using ThermoHand.Worker.Storage;
using ThermoHand.Worker.Streaming;

namespace ThermoHand.Worker.Pipeline;

/// <summary>
/// The whole frame pipeline as one hosted service, so start and stop happen in a safe order.
/// Start: recover interrupted sessions, start the coordinator loop, the per-sensor consumers, then the acquisition
/// threads and the free-space watch. Stop: close the running session first (aborted, "worker stopped"; recordings end
/// normally), then stop acquisition, drain the storage channels and end the loops.
/// </summary>
public sealed class WorkerPipeline : IHostedService
{
    private readonly SessionStore store;
    private readonly SessionFiles files;
    private readonly IDeviceOutbox outbox;
    private readonly PipelineClock clock;
    private readonly WorkerOptions options;
    private readonly ILogger logger;
    private readonly List<Channel<PipelineItem>> channels = [];
    private readonly List<Task> running = [];
    private CancellationTokenSource? watch;
    private int stopping;

    public WorkerPipeline(
        SensorArray sensors,
        ProtocolSession protocol,
        PipelineClock clock,
        IOptions<WorkerOptions> options,
        SessionStore store,
        SessionFiles files,
        IFreeSpaceProbe freeSpace,
        IRecordingStreamFactory streams,
        IDeviceOutbox outbox,
        IRegionTrackerFactory trackers,
        WorkerHealth health,
        EnvironmentReadings environment,
        ILogger<WorkerPipeline> logger)
    {
        this.store = store;
        this.files = files;
        this.outbox = outbox;
        this.clock = clock;
        this.options = options.Value;
        this.logger = logger;
        int capacity = this.options.Pipeline.StorageQueueCapacity;
        var lanes = new List<SensorLane>();
        foreach (ThermalSensor sensor in sensors.Sensors)
        {
            var channel = Channel.CreateBounded<PipelineItem>(new BoundedChannelOptions(capacity)
            {
                FullMode = BoundedChannelFullMode.Wait, // storage never drops: writers wait
                SingleReader = true,
            });
            channels.Add(channel);
            lanes.Add(new SensorLane(sensor, channel.Writer));
        }

        Coordinator = new SessionCoordinator(protocol, clock, this.options, store, files, freeSpace, streams, outbox, health, lanes, environment, logger);
        Hands = sensors.Sensors.Select((s, i) => new HandPipeline(
            s, channels[i].Reader, outbox, trackers, health, Coordinator.Status, Coordinator.ReportHandFailure,
            this.options.Pipeline.ProvisionalAnalysisSeconds, logger)).ToList();
        Acquisition = sensors.Sensors.Select((s, i) => new AcquisitionLoop(s, channels[i].Writer, capacity, clock, health, logger)).ToList();
    }

    public SessionCoordinator Coordinator { get; }

    public IReadOnlyList<HandPipeline> Hands { get; }

    public IReadOnlyList<AcquisitionLoop> Acquisition { get; }

    /// <summary>Sessions found interrupted at start and closed as recovered.</summary>
    public IReadOnlyList<RecoveredSession> Recovered { get; private set; } = [];

    public Task StartAsync(CancellationToken cancellationToken)
    {
        Recovered = SessionRecovery.RecoverInterrupted(store, files, outbox, clock.Clock.GetUtcNow(), logger);
        running.Add(Task.Run(Coordinator.RunAsync, CancellationToken.None));
        running.AddRange(Hands.Select(h => Task.Run(h.RunAsync, CancellationToken.None)));
        foreach (AcquisitionLoop loop in Acquisition)
        {
            loop.Start();
        }

        watch = new CancellationTokenSource();
        running.Add(WatchFreeSpaceAsync(watch.Token));
        return Task.CompletedTask;
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        // Stopping twice (a second SIGTERM, or a host stopped again before disposal) or before starting does nothing.
        if (watch is null || Interlocked.Exchange(ref stopping, 1) == 1)
        {
            return;
        }

        await watch.CancelAsync().ConfigureAwait(false);
        await Coordinator.CompleteAsync().ConfigureAwait(false);
        foreach (AcquisitionLoop loop in Acquisition)
        {
            loop.Stop();
        }

        foreach (Channel<PipelineItem> channel in channels)
        {
            channel.Writer.TryComplete();
        }

        await Task.WhenAll(running).ConfigureAwait(false);
        watch.Dispose();
    }

    private async Task WatchFreeSpaceAsync(CancellationToken token)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(options.Storage.FreeSpaceCheckSeconds), clock.Clock);
        try
        {
            while (await timer.WaitForNextTickAsync(token).ConfigureAwait(false))
            {
                Coordinator.CheckFreeSpace();
            }
        }
        catch (OperationCanceledException)
        {
            // Stopping.
        }
    }
}
