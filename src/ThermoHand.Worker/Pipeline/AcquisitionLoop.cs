using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using ThermoHand.Mlx90640;
using ThermoHand.Worker.Health;
using ThermoHand.Worker.Services;

namespace ThermoHand.Worker.Pipeline;

/// <summary>
/// Reads one sensor on its own thread (I2C reads block, and must not wait behind anything else) and puts every
/// subpage into the storage channel. The channel is bounded and never drops: when storage falls behind, this loop
/// waits — counted and logged — and the sensor itself overwrites its RAM meanwhile, which the frame assembler sees
/// as a skipped subpage. A failed read is counted (I2C error rate) and retried after a short pause.
/// </summary>
public sealed class AcquisitionLoop
{
    /// <summary>Pause after a failed read, so an unplugged sensor does not spin the CPU.</summary>
    public static readonly TimeSpan RetryPause = TimeSpan.FromMilliseconds(200);

    private readonly ThermalSensor sensor;
    private readonly ChannelWriter<PipelineItem> storage;
    private readonly int capacity;
    private readonly PipelineClock clock;
    private readonly WorkerHealth.SensorCounters counters;
    private readonly ILogger logger;
    private Thread? thread;
    private CancellationTokenSource? stop;

    public AcquisitionLoop(ThermalSensor sensor, ChannelWriter<PipelineItem> storage, int capacity, PipelineClock clock, WorkerHealth health, ILogger logger)
    {
        this.sensor = sensor;
        this.storage = storage;
        this.capacity = capacity;
        this.clock = clock;
        counters = health.Sensor(sensor.Index);
        this.logger = logger;
    }

    /// <summary>Subpages put into the storage channel (the count a recording must match).</summary>
    public long SubpagesQueued => Interlocked.Read(ref queued);

    private long queued;

    public void Start()
    {
        stop = new CancellationTokenSource();
        thread = new Thread(() => Run(stop.Token)) { IsBackground = true, Name = $"acquisition {sensor.Key}" };
        thread.Start();
    }

    /// <summary>Stops reading and waits for the thread (at most one read plus the storage wait).</summary>
    public void Stop()
    {
        stop?.Cancel();
        thread?.Join(TimeSpan.FromSeconds(10));
        stop?.Dispose();
        stop = null;
    }

    private void Run(CancellationToken token)
    {
        while (!token.IsCancellationRequested)
        {
            var subpage = new RawSubpage();
            try
            {
                if (!sensor.Source.TryReadSubpage(subpage, token))
                {
                    return; // a finite source (replay) has ended
                }
            }
            catch (OperationCanceledException)
            {
                return;
            }
            catch (IOException e)
            {
                long failures = counters.ReadFailed();
                if (failures == 1 || failures % 100 == 0)
                {
                    Log.SensorReadFailed(logger, e, sensor.Key, failures);
                }

                token.WaitHandle.WaitOne(RetryPause);
                continue;
            }

            counters.ReadSucceeded();
            subpage.TimeSeconds = clock.Now;
            if (!Put(new SubpageItem(subpage), token))
            {
                return;
            }

            Interlocked.Increment(ref queued);
        }
    }

    private bool Put(PipelineItem item, CancellationToken token)
    {
        if (storage.TryWrite(item))
        {
            return true;
        }

        long waits = counters.StorageWaited();
        if (waits == 1 || waits % 100 == 0)
        {
            Log.StorageBackPressure(logger, sensor.Key, capacity, waits);
        }

        try
        {
            // Block this dedicated thread until storage has room: back-pressure, never a drop.
            storage.WriteAsync(item, token).AsTask().GetAwaiter().GetResult();
            return true;
        }
        catch (Exception e) when (e is OperationCanceledException or ChannelClosedException)
        {
            return false;
        }
    }
}
