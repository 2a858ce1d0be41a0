using ThermoHand.Analysis;
using ThermoHand.Mlx90640;
using ThermoHand.Mlx90640.Emulation;
using ThermoHand.Recording.Export;
using ThermoHand.Recording.Native;
using ThermoHand.Simulation;
using Sensor = ThermoHand.Mlx90640.Mlx90640;

namespace ThermoHand.Benchmarks;

/// <summary>
/// The simulated session the analysis benchmarks run on: a healthy left hand (seed 5), 20 minutes (4 min baseline,
/// 1 min in the water, 15 min rewarming) read the way the device reads it — scene → emulated MLX90640 at 4 Hz
/// (4 subpages/s = 2 images/s) → the real driver → <see cref="FrameAssembler"/>. The raw subpages
/// and the protocol events go to a native recording (.threc), the assembled images to <see cref="Frames"/>.
/// </summary>
internal sealed class BenchmarkSession
{
    /// <summary>Subpages per second: the 4 Hz refresh rate gives 2 complete images per second.</summary>
    public const RefreshRate Rate = RefreshRate.FourHertz;

    public const float SkinEmissivity = 0.98f;

    /// <summary>The sensor die runs about 8 °C above the room, so Ta − 8 (the vendor default) is the room.</summary>
    public const double DieAboveRoomCelsius = 8;

    private BenchmarkSession(SimulationSettings settings, List<ThermalFrame> frames, string? recordingPath)
    {
        Settings = settings;
        Frames = frames;
        RecordingPath = recordingPath;
    }

    public static SimulationSettings DefaultSettings { get; } = new()
    {
        Hand = Hand.Left,
        Seed = 5,
        Protocol = new ProtocolTimeline { BaselineSeconds = 240, ChallengeSeconds = 60, RewarmingSeconds = 900 },
    };

    public SimulationSettings Settings { get; }

    /// <summary>Every assembled image of the session, in time order (2400 for 20 minutes).</summary>
    public IReadOnlyList<ThermalFrame> Frames { get; }

    /// <summary>The native recording written alongside, or null when none was asked for.</summary>
    public string? RecordingPath { get; }

    public SessionEvents Events => new(Settings.Hand, Settings.Protocol.Events);

    /// <summary>
    /// The default session, recorded once per build of the benchmarks and shared by the benchmark processes
    /// BenchmarkDotNet starts (generating it costs minutes on a busy 2-core machine): the cached .threc is reused while
    /// it is newer than this assembly, and its images are recomputed from it (the replay path, 0.2 s).
    /// </summary>
    public static BenchmarkSession LoadOrRecordDefault()
    {
        var settings = DefaultSettings;
        var path = Path.Combine(Path.GetTempPath(), $"thermohand-bench-seed{settings.Seed}-{settings.Protocol.TotalSeconds:0}s{RecordingFormat.FileExtension}");
        var built = File.GetLastWriteTimeUtc(typeof(BenchmarkSession).Assembly.Location);
        if (!File.Exists(path) || File.GetLastWriteTimeUtc(path) < built)
        {
            var partial = path + ".partial";
            Acquire(settings, partial);
            File.Move(partial, path, overwrite: true);
        }

        using var reader = SessionRecordingReader.Open(path);
        return new BenchmarkSession(settings, [.. RecordedFrames.Compute(reader)], path);
    }

    /// <summary>Runs the whole session through the emulated sensor and driver; optionally records it to <paramref name="recordingPath"/>.</summary>
    public static BenchmarkSession Acquire(SimulationSettings settings, string? recordingPath)
    {
        var protocol = settings.Protocol;
        using var pipeline = new DevicePipeline(new SimulatedHandScene(settings), protocol.RoomTemperatureCelsius);
        using var recording = recordingPath is null
            ? null
            : SessionRecordingWriter.Create(recordingPath, new RecordingHeader(EmulatedMlx90640.DefaultEepromWords.ToArray())
            {
                Emissivity = SkinEmissivity,
                Hand = settings.Hand,
                ControlRegister = pipeline.ControlRegister,
                DeviceId = "benchmark",
                SensorId = "emulated:melexis-sample",
            });
        var pendingEvents = new Queue<SessionEvent>(protocol.Events);
        var frames = new List<ThermalFrame>();
        while (true)
        {
            var subpage = pipeline.NextSubpage();
            if (subpage.TimeSeconds > protocol.TotalSeconds)
            {
                break;
            }

            while (pendingEvents.Count > 0 && pendingEvents.Peek().TimeSeconds <= subpage.TimeSeconds)
            {
                recording?.WriteEvent(pendingEvents.Dequeue());
            }

            recording?.WriteSubpage(subpage);
            if (pipeline.Assemble(subpage) is { } frame)
            {
                frames.Add(frame);
            }
        }

        return new BenchmarkSession(settings, frames, recordingPath);
    }
}

/// <summary>
/// The device side from sensor to image: an emulated MLX90640 on a simulated clock, read by the real driver over the
/// emulated I2C bus, subpages merged by <see cref="FrameAssembler"/>. Unthrottled: the clock jumps one subpage period
/// per read, so nothing waits.
/// </summary>
internal sealed class DevicePipeline : IDisposable
{
    private readonly SimulatedClock clock = new();
    private readonly Sensor sensor;
    private readonly FrameAssembler assembler;
    private readonly RawSubpage subpage = new();
    private readonly TimeSpan period;

    public DevicePipeline(IThermalScene scene, double roomCelsius)
    {
        var options = new EmulatedMlx90640Options
        {
            DieTemperatureCelsius = (float)(roomCelsius + BenchmarkSession.DieAboveRoomCelsius),
            Emissivity = BenchmarkSession.SkinEmissivity,
        };
        sensor = new Sensor(new EmulatedMlx90640(scene, options, clock), clock) { StatusPollInterval = TimeSpan.Zero };
        sensor.ReadingPattern = ReadingPattern.Chess;
        sensor.RefreshRate = BenchmarkSession.Rate;
        ControlRegister = sensor.ReadControlRegister();
        assembler = new FrameAssembler(new TemperatureCalculator(sensor.ReadEeprom()), BenchmarkSession.SkinEmissivity);
        period = BenchmarkSession.Rate.SubpagePeriod();
    }

    public ushort ControlRegister { get; }

    /// <summary>Advances the clock one subpage period and reads the subpage the sensor completed meanwhile.</summary>
    public RawSubpage NextSubpage()
    {
        clock.Advance(period);
        if (!sensor.TryReadSubpage(subpage, TimeSpan.Zero))
        {
            throw new InvalidOperationException($"The emulated sensor had no new subpage at {clock.Elapsed.TotalSeconds:0.###} s.");
        }

        return subpage;
    }

    /// <summary>Adds a subpage; returns the new image (a copy the analysis may keep) when it completes one.</summary>
    public ThermalFrame? Assemble(RawSubpage half)
        => assembler.Add(half) == FrameAssemblyOutcome.Completed
            ? new ThermalFrame(assembler.Image.TimeSeconds, (float[])assembler.Image.TemperaturesCelsius.Clone())
            : null;

    /// <summary>Reads subpages until the next image is complete.</summary>
    public ThermalFrame NextImage()
    {
        while (true)
        {
            if (Assemble(NextSubpage()) is { } frame)
            {
                return frame;
            }
        }
    }

    public void Dispose() => sensor.Dispose();
}
