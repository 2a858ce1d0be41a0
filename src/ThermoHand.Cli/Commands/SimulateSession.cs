using System.Diagnostics;
using System.Globalization;
using ThermoHand.Analysis;
using ThermoHand.Mlx90640;
using ThermoHand.Mlx90640.Emulation;
using ThermoHand.Mlx90640.Vectors;
using ThermoHand.Recording.Csv;
using ThermoHand.Recording.Events;
using ThermoHand.Recording.Native;
using ThermoHand.Simulation;

namespace ThermoHand.Cli.Commands;

/// <summary>
/// Runs one simulated session: scene → emulated sensor RAM words → the real driver → frames, written as a native
/// recording (raw subpages), frames.csv, events.json, truth.json and optionally strip.png. The scene never writes
/// temperatures to the outputs itself: every number in frames.csv went through the driver.
/// </summary>
internal sealed class SimulateSession(SimulateOptions options, TextWriter progress)
{
    /// <summary>Skin emissivity 0.98 (clinical.md §1, [S39][S43]): the scene is skin, and the driver is told so.</summary>
    public const float SkinEmissivity = SimulateAcquisition.SkinEmissivity;

    /// <summary>The sensor die runs about 8 °C above room air [S52]; so Ta − 8 (the vendor's reflected temperature) is the room.</summary>
    public const double DieAboveRoomCelsius = SimulateAcquisition.DieAboveRoomCelsius;

    /// <summary>The subpage refresh rates the MLX90640 offers (control register 0x800D bits 7–9).</summary>
    internal static double[] RefreshRatesHz => SimulateAcquisition.RefreshRatesHz;

    public int Run(TextWriter output)
    {
        var settings = options.Settings;
        var protocol = settings.Protocol;
        ushort[] eeprom;
        try
        {
            eeprom = LoadEeprom();
            _ = Mlx90640Calibration.Extract(eeprom);
        }
        catch (Exception ex) when (ex is IOException or SensorVectorFormatException or Mlx90640EepromException or UnauthorizedAccessException)
        {
            progress.WriteLine($"thermohand simulate: cannot use the sensor vector: {ex.Message}");
            return ex is IOException or UnauthorizedAccessException ? ExitCodes.IoError : ExitCodes.InvalidInput;
        }

        var scene = new SimulatedHandScene(settings);
        WarnAboutFraming(scene);
        var truth = new GroundTruthRecorder(scene);
        var frames = new List<ThermalFrame>();
        var names = OutputNames.In(options.OutDirectory);
        try
        {
            Directory.CreateDirectory(options.OutDirectory);
            foreach (var existing in names.All.Where(File.Exists))
            {
                throw new IOException($"'{existing}' already exists; refusing to overwrite a recording. Choose an empty --out directory.");
            }

            var header = new RecordingHeader(eeprom)
            {
                Emissivity = SkinEmissivity,
                ReflectedTemperature = SimulateAcquisition.ReflectedTemperature,
                Hand = settings.Hand,
                DeviceId = "simulated",
                SensorId = "emulated:" + (options.SensorVectorPath is null ? "melexis-sample" : Path.GetFileNameWithoutExtension(options.SensorVectorPath)),
                ProtocolPreset = string.Create(CultureInfo.InvariantCulture, $"simulated {settings.Group.ToWord()} seed {settings.Seed}: {protocol.BaselineSeconds} s baseline, {protocol.ChallengeSeconds} s at {protocol.WaterTemperatureCelsius} °C, {protocol.RewarmingSeconds} s rewarming"),
            };
            Acquire(eeprom, header, names.Recording, truth, frames);

            FrameCsv.Write(names.Frames, frames);
            SessionEventsJson.Write(names.Events, new SessionEvents(settings.Hand, protocol.Events));
            using (var file = File.Create(names.Truth))
            {
                truth.WriteJson(file);
            }

            if (options.WritePicture)
            {
                SimulateStrip.Write(names.Strip, frames, protocol);
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            progress.WriteLine($"thermohand simulate: {ex.Message}");
            return ExitCodes.IoError;
        }

        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"simulated {settings.Group.ToWord()} {(settings.Hand == Hand.Left ? "left" : "right")} hand, seed {settings.Seed}: {frames.Count} frames over {protocol.TotalSeconds:0} s → {options.OutDirectory}"));
        foreach (var path in names.All.Where(File.Exists))
        {
            output.WriteLine("  " + path);
        }

        return ExitCodes.Ok;
    }

    private void Acquire(ushort[] eeprom, RecordingHeader headerTemplate, string recordingPath, GroundTruthRecorder truth, List<ThermalFrame> frames)
    {
        var protocol = options.Settings.Protocol;
        SessionRecordingWriter? recording = null;
        try
        {
            var pendingEvents = new Queue<SessionEvent>(protocol.Events);
            var total = protocol.TotalSeconds;
            var wall = Stopwatch.StartNew();
            var nextProgress = 0.0;
            var acquisition = new SimulateAcquisition(options.Settings, eeprom, options.RefreshRateHz)
            {
                Configured = control => recording = SessionRecordingWriter.Create(recordingPath, headerTemplate with { ControlRegister = control }),
                SubpageRead = subpage =>
                {
                    var time = subpage.TimeSeconds;
                    Pace(time, wall);
                    while (pendingEvents.Count > 0 && pendingEvents.Peek().TimeSeconds <= time)
                    {
                        recording!.WriteEvent(pendingEvents.Dequeue());
                    }

                    recording!.WriteSubpage(subpage);
                    if (time >= nextProgress)
                    {
                        progress.WriteLine(string.Create(CultureInfo.InvariantCulture, $"simulate: {100 * time / total,3:0} %  scene {time,6:0} s of {total:0} s  {Phase(time)}"));
                        nextProgress += total / 10;
                    }
                },
                FrameReady = (frame, _) => frames.Add(frame),
            };
            acquisition.Run(truth);

            while (pendingEvents.Count > 0)
            {
                recording!.WriteEvent(pendingEvents.Dequeue());
            }
        }
        finally
        {
            recording?.Dispose();
        }
    }

    // With --time-scale the session plays in (scaled) real time, for watching it live; without, as fast as it computes.
    private void Pace(double sceneSeconds, Stopwatch wall)
    {
        if (options.TimeScale is not { } scale)
        {
            return;
        }

        var due = TimeSpan.FromSeconds(sceneSeconds / scale) - wall.Elapsed;
        if (due > TimeSpan.Zero)
        {
            Thread.Sleep(due);
        }
    }

    private string Phase(double time)
    {
        var p = options.Settings.Protocol;
        return time < p.ChallengeStartSeconds ? "baseline" : time < p.ChallengeEndSeconds ? "cold challenge (hands out of view)" : "rewarming";
    }

    private void WarnAboutFraming(SimulatedHandScene scene)
    {
        var truth = scene.TruthAt(TimeSpan.Zero);
        var missing = truth.FingertipCentres.Select((p, i) => (p, i)).Where(x => !x.p.InView).Select(x => "D" + (x.i + 1).ToString(CultureInfo.InvariantCulture)).ToList();
        if (missing.Count > 0)
        {
            progress.WriteLine($"simulate: warning: fingertips {string.Join(", ", missing)} are outside the view at this distance and field of view.");
        }

        if (!truth.DorsumCentre.InView)
        {
            progress.WriteLine("simulate: warning: the dorsum is outside the view at this distance and field of view (no DDD reference).");
        }
    }

    /// <summary>The emulated sensor's EEPROM: a sensor vector's, or the Melexis sample embedded in the driver.</summary>
    private ushort[] LoadEeprom()
        => options.SensorVectorPath is { } path ? SensorVector.Load(path).EepromWords : EmulatedMlx90640.DefaultEepromWords.ToArray();

    /// <summary>The files a session writes into its --out directory.</summary>
    internal sealed record OutputNames(string Recording, string Frames, string Events, string Truth, string Strip)
    {
        public IEnumerable<string> All => [Recording, Frames, Events, Truth, Strip];

        public static OutputNames In(string directory) => new(
            Path.Combine(directory, "session" + RecordingFormat.FileExtension),
            Path.Combine(directory, "frames.csv"),
            Path.Combine(directory, "events.json"),
            Path.Combine(directory, "truth.json"),
            Path.Combine(directory, "strip.png"));
    }
}
