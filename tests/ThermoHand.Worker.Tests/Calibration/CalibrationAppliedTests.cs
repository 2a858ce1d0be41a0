using System.Text.Json;
using ThermoHand.Calibration;
using ThermoHand.Mlx90640;
using ThermoHand.Recording.Native;
using ThermoHand.Streaming;
using ThermoHand.Worker.Calibration;
using ThermoHand.Worker.Pipeline;
using Xunit.Abstractions;

namespace ThermoHand.Worker.Tests.Calibration;

/// <summary>
/// The worker's emulated sensor with its planted pixel errors, a calibration fitted to it, and the worker's own
/// pipeline applying it: the error against the true target temperature must drop, and the reference check must see it.
/// </summary>
public sealed class CalibrationAppliedTests(ITestOutputHelper output)
{
    [Fact]
    public async Task A_matching_calibration_is_found_applied_and_brings_the_error_against_the_truth_down()
    {
        using var bench = new EmulatedSensorBench();
        DateTimeOffset now = bench.Clock.GetUtcNow();
        SiteCalibration fitted = await bench.FitCalibration(25, 40, 16, now, now.AddDays(180));
        string directory = Directory.CreateTempSubdirectory("thermohand-cal-").FullName;
        string file = new CalibrationLibrary(directory).Save(fitted);

        // Verification target, not used in the fit: factory calibration only, then with the site calibration.
        IReadOnlyList<float[]> before = await bench.ImagesOfTarget(33, 12);
        CalibrationLookup lookup = CalibrationLookup.Find(directory, bench.Sensor.SensorId);
        Assert.Equal(CalibrationStatus.Calibrated, lookup.Status);
        Assert.Equal(file, lookup.FilePath);
        Assert.Equal(Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(File.ReadAllBytes(file))), lookup.FileSha256);
        bench.Sensor.Site.Use(lookup);
        IReadOnlyList<float[]> after = await bench.ImagesOfTarget(33, 12);

        double errorBefore = EmulatedSensorBench.MeanAbsoluteError(before, 33);
        double errorAfter = EmulatedSensorBench.MeanAbsoluteError(after, 33);
        output.WriteLine($"verification target 33 °C: mean |error| {errorBefore:0.000} °C factory only, {errorAfter:0.000} °C with {fitted.Id} ({fitted.BadPixels.Count} bad pixels)");
        Assert.True(errorBefore > 0.5, $"the planted errors should show without a site calibration: {errorBefore:0.000} °C");
        Assert.True(errorAfter < 0.25 && errorAfter < errorBefore / 3, $"mean |error| {errorBefore:0.000} °C before, {errorAfter:0.000} °C after");

        // The reference check through the same pipeline: fails on the factory calibration, passes with the site one.
        var options = new ReferenceCheckOptions();
        var runner = new ReferenceCheckRunner(options, bench.Clock);
        ReferenceCheckResult calibrated = Assert.Single(await bench.PumpUntil(runner.RunAsync([bench.Sensor], 35)));
        output.WriteLine(calibrated.Message);
        Assert.True(calibrated.Passed, calibrated.Message);
        Assert.Equal(fitted.Id, calibrated.CalibrationId);
        Assert.InRange(calibrated.ErrorCelsius, -0.2, 0.2);
        Assert.Equal(options.Images, calibrated.Images);
    }

    [Fact]
    public async Task Without_a_site_calibration_the_reference_check_fails_and_says_what_to_do()
    {
        using var bench = new EmulatedSensorBench();
        bench.Sensor.Site.Use(CalibrationLookup.Find(Directory.CreateTempSubdirectory("thermohand-cal-").FullName, bench.Sensor.SensorId));
        var runner = new ReferenceCheckRunner(new ReferenceCheckOptions(), bench.Clock);

        ReferenceCheckResult factory = Assert.Single(await bench.PumpUntil(runner.RunAsync([bench.Sensor], 35)));

        output.WriteLine(factory.Message);
        Assert.False(factory.Passed, factory.Message);
        Assert.Equal("factory", factory.CalibrationId);
        Assert.True(Math.Abs(factory.ErrorCelsius) > 0.5, $"error {factory.ErrorCelsius:0.000} °C");
        Assert.Contains("FAILED", factory.Message);
        Assert.Contains("recalibrate", factory.Message);
        Assert.False(bench.Sensor.Site.ReferenceImages.IsOpen);
    }

    [Fact]
    public async Task During_a_session_frames_to_the_dashboard_are_corrected_and_the_recording_keeps_the_raw_subpages()
    {
        using var bench = new EmulatedSensorBench();
        DateTimeOffset now = bench.Clock.GetUtcNow();
        string directory = CalibrationFiles.NewDirectory();
        CalibrationFiles.Save(directory, await bench.FitCalibration(25, 40, 16, now, now.AddDays(180)));
        bench.Sensor.Site.Use(CalibrationLookup.Find(directory, bench.Sensor.SensorId));
        string folder = CalibrationFiles.NewDirectory();
        string recordingPath = Path.Combine(folder, "right.threc");
        var writer = new SessionRecordingWriter(File.Create(recordingPath),
            new RecordingHeader(bench.Sensor.EepromWords) { ControlRegister = bench.Sensor.ControlRegister, Emissivity = 0.98f }, timeProvider: bench.Clock);
        bench.Pipeline.Process(new OpenSessionItem(new HandSessionRecording("test", 0, writer, null, Path.Combine(folder, "right.analysis.json"))));

        bench.Sensor.Patient!.ShowReferenceTarget(33);
        for (int i = 0; i < 30; i++)
        {
            bench.Pump();
        }

        var closed = new TaskCompletionSource<HandSessionResult>();
        bench.Pipeline.Process(new CloseSessionItem(closed));
        HandSessionResult result = await closed.Task;

        // The dashboard's frames (skipping the first images, which may straddle the switch to the target): corrected.
        float[][] frames = bench.Outbox.Of(DeviceMessageKinds.Frame).Skip(ReferenceCheckRunner.SettlingImages)
            .Select(f => f.GetProperty("temps").EnumerateArray().Select(t => t.ValueKind == JsonValueKind.Null ? float.NaN : t.GetSingle()).ToArray())
            .ToArray();
        Assert.True(frames.Length >= 10, $"{frames.Length} frames");
        double framesError = EmulatedSensorBench.MeanAbsoluteError(frames, 33);

        // The recording: raw subpages, which give the factory-calibrated temperatures when assembled again.
        using SessionRecordingReader reader = SessionRecordingReader.Open(recordingPath);
        var assembler = new FrameAssembler(new TemperatureCalculator(bench.Sensor.Calibration), 0.98f);
        var raw = new List<float[]>();
        foreach (SubpageEntry entry in reader.ReadAll().OfType<SubpageEntry>())
        {
            if (assembler.Add(entry.Subpage) == FrameAssemblyOutcome.Completed)
            {
                raw.Add(assembler.Image.TemperaturesCelsius.ToArray());
            }
        }

        double rawError = EmulatedSensorBench.MeanAbsoluteError(raw.Skip(ReferenceCheckRunner.SettlingImages).ToList(), 33);
        output.WriteLine($"session at a 33 °C target: frames sent {framesError:0.000} °C mean |error|, recording re-assembled without calibration {rawError:0.000} °C; {result.SubpagesRecorded} subpages");
        Assert.Equal(30, result.SubpagesRecorded);
        Assert.True(framesError < 0.25, $"frames sent: {framesError:0.000} °C");
        Assert.True(rawError > 0.5, $"the recording must hold the uncorrected measurement: {rawError:0.000} °C");
    }

    [Fact]
    public async Task The_repositorys_calibration_of_the_emulated_sensor_is_found_beside_the_worker_and_corrects_it()
    {
        // The worker's build copies calibration/ beside the program (Calibration:Directory "calibration"): what the
        // demo and a plain `dotnet run` use for the emulated default sensor.
        using var bench = new EmulatedSensorBench();
        string besideTheProgram = SiteCalibrationLoader.ResolveDirectory(new CalibrationOptions().Directory);
        CalibrationLookup lookup = CalibrationLookup.Find(besideTheProgram, bench.Sensor.SensorId);
        Assert.True(lookup.Status == CalibrationStatus.Calibrated, lookup.Problem);
        Assert.Equal(CalibrationValidity.Valid, lookup.ValidityAt(bench.Clock.GetUtcNow(), TimeSpan.FromDays(30)));

        IReadOnlyList<float[]> before = await bench.ImagesOfTarget(31, 12);
        bench.Sensor.Site.Use(lookup);
        IReadOnlyList<float[]> after = await bench.ImagesOfTarget(31, 12);

        double errorBefore = EmulatedSensorBench.MeanAbsoluteError(before, 31);
        double errorAfter = EmulatedSensorBench.MeanAbsoluteError(after, 31);
        output.WriteLine($"{lookup.CalibrationId} at a 31 °C target: mean |error| {errorBefore:0.000} °C factory only, {errorAfter:0.000} °C calibrated");
        Assert.True(errorAfter < 0.25 && errorAfter < errorBefore / 3, $"{errorBefore:0.000} °C before, {errorAfter:0.000} °C after");
    }
}
