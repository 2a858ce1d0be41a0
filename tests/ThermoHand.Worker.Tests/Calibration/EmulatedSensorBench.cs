using System.Threading.Channels;
using Microsoft.Extensions.Logging.Abstractions;
using ThermoHand.Calibration;
using ThermoHand.Mlx90640;
using ThermoHand.Worker.Calibration;
using ThermoHand.Worker.Configuration;
using ThermoHand.Worker.Health;
using ThermoHand.Worker.Pipeline;
using ThermoHand.Worker.Tests.Pipeline;

namespace ThermoHand.Worker.Tests.Calibration;

/// <summary>
/// A clock that moves a little every time it is read: the emulated sensor measures, and the driver's status polls see
/// new data, without waiting in wall time; <see cref="Jump"/> skips the sensor's warm-up in one step.
/// </summary>
public sealed class SteppingClock(TimeSpan step) : TimeProvider
{
    private long ticks = TimeSpan.FromHours(1).Ticks;

    public override long TimestampFrequency => TimeSpan.TicksPerSecond;

    public override long GetTimestamp() => Interlocked.Add(ref ticks, step.Ticks);

    public override DateTimeOffset GetUtcNow() => new DateTimeOffset(2026, 11, 27, 8, 0, 0, TimeSpan.Zero).AddTicks(Interlocked.Read(ref ticks));

    public void Jump(TimeSpan by) => Interlocked.Add(ref ticks, by.Ticks);
}

/// <summary>
/// The worker's own emulated sensor (ThermalSensor.Open with Simulation:PixelErrors on: the default planted gain/offset
/// errors, dead and noisy pixels) feeding its own HandPipeline, outside a session, driven synchronously: every image the
/// pipeline assembles goes through the site calibration and the reference-check tap exactly as in the running worker.
/// </summary>
public sealed class EmulatedSensorBench : IDisposable
{
    private readonly Channel<PipelineItem> unused = Channel.CreateUnbounded<PipelineItem>();
    private readonly RawSubpage buffer = new();

    public EmulatedSensorBench(bool pixelErrors = true)
    {
        Clock = new SteppingClock(TimeSpan.FromTicks(500)); // 0.05 ms per clock read
        var pipelineClock = new PipelineClock(Clock);
        Sensor = ThermalSensor.Open(
            0,
            new ThermalSensorOptions { Kind = DeviceKind.Emulated, RefreshRateHz = 16 },
            new SimulationOptions { SubSamplesPerPixel = 1, PixelErrors = pixelErrors, Seed = 7 },
            pipelineClock);
        ((Mlx90640.Mlx90640)Sensor.Source).StatusPollInterval = TimeSpan.Zero; // the stepping clock needs no wall-time wait
        Clock.Jump(TimeSpan.FromMinutes(30)); // past the warm-up (time constant 3 min): a calibration is made and checked warm
        Health = new WorkerHealth(1);
        Pipeline = new HandPipeline(Sensor, unused.Reader, Outbox, new OpenCvRegionTrackerFactory(), Health,
            () => new ProtocolStatus("set_up", null, null), (_, _) => { }, 30, NullLogger.Instance);
    }

    public SteppingClock Clock { get; }

    /// <summary>What the pipeline queued for the dashboard (frames of a session).</summary>
    public MemoryOutbox Outbox { get; } = new();

    public ThermalSensor Sensor { get; }

    public WorkerHealth Health { get; }

    public HandPipeline Pipeline { get; }

    /// <summary>Reads one subpage from the sensor and hands it to the pipeline.</summary>
    public void Pump()
    {
        if (Sensor.Source.TryReadSubpage(buffer, CancellationToken.None))
        {
            Pipeline.Process(new SubpageItem(buffer.Clone()));
        }
    }

    /// <summary>Pumps subpages until <paramref name="task"/> completes (at most 2000 subpages).</summary>
    public async Task<T> PumpUntil<T>(Task<T> task)
    {
        for (int i = 0; i < 2000 && !task.IsCompleted; i++)
        {
            Pump();
            await Task.Yield();
        }

        Assert.True(task.IsCompleted, "the pipeline did not deliver the images");
        return await task;
    }

    /// <summary>The pipeline's images (after the site calibration, if any) while the sensor looks at a uniform target.</summary>
    public async Task<IReadOnlyList<float[]>> ImagesOfTarget(double celsius, int count)
    {
        Sensor.Patient!.ShowReferenceTarget(celsius);
        try
        {
            return await PumpUntil(Sensor.Site.ReferenceImages.Collect(count, ReferenceCheckRunner.SettlingImages, CancellationToken.None));
        }
        finally
        {
            Sensor.Patient.HideReferenceTarget();
        }
    }

    /// <summary>
    /// A two-target site calibration fitted to this sensor (what `thermohand calibrate` does, in its simplest form):
    /// per pixel gain and offset through the means at <paramref name="low"/> and <paramref name="high"/> °C; pixels that
    /// barely respond (dead) or whose readings scatter (noisy) are marked bad.
    /// </summary>
    public async Task<SiteCalibration> FitCalibration(double low, double high, int images, DateTimeOffset created, DateTimeOffset expires)
    {
        (float[] lowMean, float[] lowSd) = MeanAndSd(await ImagesOfTarget(low, images));
        (float[] highMean, float[] highSd) = MeanAndSd(await ImagesOfTarget(high, images));
        var gain = new float[SiteCalibration.PixelCount];
        var offset = new float[SiteCalibration.PixelCount];
        var bad = new List<int>();
        for (int i = 0; i < gain.Length; i++)
        {
            double span = highMean[i] - lowMean[i];
            double g = span > 0.5 * (high - low) ? (high - low) / span : double.NaN;
            if (!double.IsFinite(g) || Math.Max(lowSd[i], highSd[i]) > 0.4)
            {
                bad.Add(i);
                gain[i] = 1;
                offset[i] = 0;
                continue;
            }

            gain[i] = (float)g;
            offset[i] = (float)(low - (g * lowMean[i]));
        }

        return new SiteCalibration(Sensor.SensorId, 1, created, expires, gain, offset, bad, new CalibrationQuality { FitTargetsCelsius = [low, high], Passed = true });
    }

    /// <summary>Mean |reading − truth| over the pixels of the images (NaN pixels left out), °C.</summary>
    public static double MeanAbsoluteError(IReadOnlyList<float[]> images, double truth) =>
        images.SelectMany(image => image).Where(float.IsFinite).Average(t => Math.Abs(t - truth));

    public static (float[] Mean, float[] Sd) MeanAndSd(IReadOnlyList<float[]> images)
    {
        var mean = new float[SiteCalibration.PixelCount];
        var sd = new float[SiteCalibration.PixelCount];
        for (int i = 0; i < mean.Length; i++)
        {
            double[] values = images.Select(im => (double)im[i]).Where(double.IsFinite).ToArray();
            double m = values.Length == 0 ? double.NaN : values.Average();
            mean[i] = (float)m;
            sd[i] = values.Length < 2 ? float.NaN : (float)Math.Sqrt(values.Sum(v => (v - m) * (v - m)) / (values.Length - 1));
        }

        return (mean, sd);
    }

    public void Dispose() => Sensor.Dispose();
}
