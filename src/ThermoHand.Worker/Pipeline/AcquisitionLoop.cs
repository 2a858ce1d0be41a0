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
/// as a skipped subpage. A failed read is counted (I2C error rate) and retried at once; only a run of failures (an
/// unplugged or dead sensor) is retried after a short pause, and its start and end are logged naming the sensor. A
/// sensor that comes back with its power-on settings (replugged) gets the configured refresh rate, resolution and
/// reading pattern again.
/// </summary>
public sealed partial class AcquisitionLoop
{
    /// <summary>Pause between reads once <see cref="ImmediateRetries"/> reads in a row have failed, so an unplugged sensor does not spin the CPU.</summary>
    public static readonly TimeSpan RetryPause = TimeSpan.FromMilliseconds(200);

    /// <summary>
    /// Failed reads in a row retried without a pause. An I2C glitch must not cost the measurements of a whole pause
    /// (200 ms is 1–3 subpages at 4–8 Hz, or 8 at ×20 simulation speed): retried at once, the driver finds the pending
    /// measurement, or the next one, straight away. On a bus failing 10 % of transfers a read fails about twice per
    /// subpage period (most transfers are status polls), so 10 in a row means the sensor is gone, not glitching; an
    /// unplugged sensor fails each read at its first transfer, so the 10 cost microseconds.
    /// </summary>
    public const int ImmediateRetries = 10;

    private const ushort SettingsMask = RegisterFields.RefreshRateMask | RegisterFields.ResolutionMask | RegisterFields.ReadingPatternMask;

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
        bool ended = thread?.Join(TimeSpan.FromSeconds(10)) ?? true;
        if (ended)
        {
            // A thread still inside a slow read keeps using the token's wait handle; it is left to the GC then.
            stop?.Dispose();
        }

        stop = null;
    }

    private void Run(CancellationToken token)
    {
        try
        {
            ReadUntilStopped(token);
        }
        finally
        {
            if (sensor.Source is Mlx90640.Mlx90640 driver)
            {
                counters.RecordBusTotals(driver.TransferCount, driver.FailedTransferCount); // the reads cut short by the stop
            }
        }
    }

    private void ReadUntilStopped(CancellationToken token)
    {
        int failuresInARow = 0;
        double failingSince = 0;
        var driver = sensor.Source as Mlx90640.Mlx90640; // the real driver counts its bus transfers; other sources have no bus
        while (!token.IsCancellationRequested)
        {
            var subpage = new RawSubpage();
            try
            {
                bool read = sensor.Source.TryReadSubpage(subpage, token);
                if (driver is not null)
                {
                    counters.RecordBusTotals(driver.TransferCount, driver.FailedTransferCount);
                }

                if (!read)
                {
                    return; // a finite source (replay) has ended
                }
            }
            catch (OperationCanceledException)
            {
                return;
            }
            catch (ObjectDisposedException)
            {
                // The sensor was closed under this read: normally the host stopping while a read still waited on a slow or
                // unplugged bus (Stop waits 10 s at most), or a host disposed without being stopped. Nothing more can be
                // read from a closed sensor; an exception escaping this thread would end the whole worker process.
                if (!token.IsCancellationRequested)
                {
                    SensorClosedWhileReading(logger, sensor.Key);
                }

                return;
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // IOException is a bus fault (the common case); anything else from a driver is a defect, but one
                // sensor's defect must not end the process that records the other hand: counted, logged and retried
                // like a failed read.
                long failures = counters.ReadFailed();
                if (driver is not null)
                {
                    counters.RecordBusTotals(driver.TransferCount, driver.FailedTransferCount);
                }

                if (failuresInARow++ == 0)
                {
                    failingSince = clock.Now;
                }

                if (failures == 1 || failures % 100 == 0)
                {
                    Log.SensorReadFailed(logger, e, sensor.Key, failures);
                }

                if (failuresInARow > ImmediateRetries)
                {
                    if (failuresInARow == ImmediateRetries + 1)
                    {
                        SensorNotAnswering(logger, sensor.Key, failuresInARow, RetryPause.TotalSeconds, e.Message);
                    }

                    token.WaitHandle.WaitOne(RetryPause);
                }

                continue;
            }

            counters.ReadSucceeded();
            if (failuresInARow > ImmediateRetries)
            {
                SensorAnsweringAgain(logger, sensor.Key, failuresInARow, clock.Now - failingSince);
            }

            failuresInARow = 0;
            subpage.TimeSeconds = clock.Now;
            ReapplySettingsAfterPowerOn(subpage);
            if (!Put(new SubpageItem(subpage), token))
            {
                return;
            }

            Interlocked.Increment(ref queued);
        }
    }

    /// <summary>
    /// A sensor that lost power (unplugged and plugged back, brown-out) restarts with the control register from its
    /// EEPROM: another refresh rate, possibly another pattern. The subpage just read is kept (its own control word says
    /// how it was measured, and the recording stores it); the configured settings are written back for the next ones.
    /// </summary>
    private void ReapplySettingsAfterPowerOn(RawSubpage subpage)
    {
        ushort configured = sensor.ControlRegister;
        ushort measured = subpage.Words[RawSubpage.ControlRegisterIndex];
        if ((measured & SettingsMask) == (configured & SettingsMask) || sensor.Source is not Mlx90640.Mlx90640 driver)
        {
            return;
        }

        try
        {
            driver.ReadingPattern = RegisterFields.GetReadingPattern(configured);
            driver.Resolution = RegisterFields.GetResolution(configured);
            driver.RefreshRate = RegisterFields.GetRefreshRate(configured);
            SensorSettingsReapplied(logger, sensor.Key, measured, configured);
        }
        catch (IOException e)
        {
            // Counted like any failed read; the next subpage's control word brings us back here.
            counters.ReadFailed();
            Log.SensorReadFailed(logger, e, sensor.Key, counters.ReadsFailed);
        }
    }

    [LoggerMessage(EventId = 118, Level = LogLevel.Error, Message = "Sensor {Sensor} was closed while the worker was still reading it; no more images from it until the worker restarts")]
    private static partial void SensorClosedWhileReading(ILogger logger, string sensor);

    [LoggerMessage(EventId = 115, Level = LogLevel.Error, Message = "Sensor {Sensor} is not answering ({Failures} reads in a row failed: {Problem}); no images until it answers again, retrying every {PauseSeconds} s. Check that it is plugged in")]
    private static partial void SensorNotAnswering(ILogger logger, string sensor, int failures, double pauseSeconds, string problem);

    [LoggerMessage(EventId = 116, Level = LogLevel.Warning, Message = "Sensor {Sensor} is answering again after {Failures} failed reads; no images for {GapSeconds:0.0} s (the recording shows the gap)")]
    private static partial void SensorAnsweringAgain(ILogger logger, string sensor, int failures, double gapSeconds);

    [LoggerMessage(EventId = 117, Level = LogLevel.Warning, Message = "Sensor {Sensor} came back with control register 0x{Measured:X4} (its power-on settings, e.g. after being replugged); the configured 0x{Configured:X4} was written again")]
    private static partial void SensorSettingsReapplied(ILogger logger, string sensor, ushort measured, ushort configured);

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
