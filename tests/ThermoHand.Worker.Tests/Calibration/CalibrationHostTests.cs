using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using ThermoHand.Recording.Native;
using ThermoHand.Streaming;
using ThermoHand.Worker.Calibration;
using ThermoHand.Worker.Health;
using ThermoHand.Worker.Storage;
using ThermoHand.Worker.Tests.Pipeline;

namespace ThermoHand.Worker.Tests.Calibration;

/// <summary>
/// The whole worker (as Program.cs composes it, simulated patient at ×20, auto-clinician) with a calibration directory
/// the test prepares: which calibration a session used lands in the store, the recording and the dashboard queue;
/// damaged and expired files and the reference check show in health and as session flags.
/// </summary>
[Collection(PipelineHost.Collection)]
public sealed class CalibrationHostTests
{
    private static PipelineHost Worker(string directory, params (string Key, string Value)[] more) =>
        PipelineHost.Build(overrides: [("Calibration:Directory", directory), .. more]);

    /// <summary>Starts the worker, waits until the first session has recorded <paramref name="code"/>, runs the health checks, stops.</summary>
    private static async Task<(StoredSession Row, HealthReport Health)> FirstSessionWith(PipelineHost worker, string code)
    {
        await worker.Host.StartAsync();
        await PipelineHost.Until(() => worker.Store.All().Any(s => worker.Store.DeviationCodes(s.Id).Contains(code)), $"a session flagged {code}");
        HealthReport health = await worker.Host.Services.GetRequiredService<HealthReporter>().ReportNowAsync();
        await worker.Host.StopAsync(); // a clean stop closes the session (aborted) with its recording
        return (Assert.Single(worker.Store.All()), health);
    }

    private static JsonElement SensorSettings(StoredSession row) => JsonDocument.Parse(row.SettingsJson).RootElement[0];

    private static JsonElement StartedSensor(PipelineHost worker) =>
        Assert.Single(worker.Outbox.Of(DeviceMessageKinds.SessionStarted)).GetProperty("sensors")[0];

    [Fact]
    public async Task The_calibration_a_session_used_is_in_the_store_the_recording_and_the_device_message_and_an_expired_one_flags_it()
    {
        string directory = CalibrationFiles.NewDirectory();
        DateTimeOffset now = DateTimeOffset.UtcNow;
        string file = CalibrationFiles.Save(directory, CalibrationFiles.Identity(CalibrationFiles.EmulatedSensorId, now.AddDays(-200), now.AddDays(-3)));
        string sha256 = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(File.ReadAllBytes(file)));
        await using PipelineHost worker = Worker(directory);

        (StoredSession row, HealthReport health) = await FirstSessionWith(worker, CalibrationLookup.ExpiredFlag);

        string id = $"{CalibrationFiles.EmulatedSensorId}/v1";
        JsonElement stored = SensorSettings(row).GetProperty("calibration");
        Assert.Equal(id, stored.GetProperty("id").GetString());
        Assert.Equal(sha256, stored.GetProperty("sha256").GetString());
        Assert.Equal("expired", stored.GetProperty("validity").GetString());
        Assert.Equal(CalibrationLookup.ExpiredFlag, Assert.Single(SensorSettings(row).GetProperty("calibration_flags").EnumerateArray()).GetString());

        JsonElement sent = StartedSensor(worker).GetProperty("calibration");
        Assert.Equal(id, sent.GetProperty("id").GetString());
        Assert.Equal(CalibrationFiles.EmulatedSensorId, sent.GetProperty("sensor_id").GetString());
        Assert.Equal(1, sent.GetProperty("version").GetInt32());
        Assert.Equal(sha256, sent.GetProperty("sha256").GetString());
        Assert.Equal("expired", sent.GetProperty("validity").GetString());
        Assert.True(sent.TryGetProperty("created_utc", out _) && sent.TryGetProperty("expires_utc", out _));

        RecordingInfo recording = RecordingInfo.Read(Path.Combine(worker.Folder, row.Id, "right.threc"));
        Annotation note = Assert.Single(recording.Annotations, a => a.Key == "site_calibration");
        Assert.Contains(id, note.Value);
        Assert.Contains(sha256, note.Value);
        Assert.Contains(recording.Annotations, a => a.Key == "deviation" && a.Value.StartsWith(CalibrationLookup.ExpiredFlag, StringComparison.Ordinal));

        HealthReportEntry calibration = health.Entries[CalibrationHealthCheck.Name];
        Assert.Equal(HealthStatus.Degraded, calibration.Status);
        Assert.Contains("EXPIRED", calibration.Description);
        JsonElement status = worker.Outbox.Of(DeviceMessageKinds.Status).Last();
        Assert.Equal("Degraded", status.GetProperty("calibration_status").GetString());
        Assert.Contains(worker.Logs.Lines, l => l.StartsWith("Warning", StringComparison.Ordinal) && l.Contains("EXPIRED", StringComparison.Ordinal));
        Assert.True(File.ReadAllText(Path.Combine(worker.Folder, "health.json")).Contains("\"calibration\"", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_damaged_file_is_refused_shown_in_health_and_the_log_and_the_session_runs_flagged_on_the_factory_calibration()
    {
        string directory = CalibrationFiles.NewDirectory();
        string file = CalibrationFiles.Save(directory, CalibrationFiles.Identity(CalibrationFiles.EmulatedSensorId, DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(180)));
        CalibrationFiles.Damage(file);
        await using PipelineHost worker = Worker(directory);

        (StoredSession row, HealthReport health) = await FirstSessionWith(worker, CalibrationLookup.RefusedFlag);

        Assert.Equal(JsonValueKind.Null, SensorSettings(row).GetProperty("calibration").ValueKind);
        Assert.Equal(JsonValueKind.Null, StartedSensor(worker).GetProperty("calibration").ValueKind);
        Assert.Equal(CalibrationLookup.RefusedFlag, StartedSensor(worker).GetProperty("calibration_flags")[0].GetString());
        HealthReportEntry calibration = health.Entries[CalibrationHealthCheck.Name];
        Assert.Equal(HealthStatus.Degraded, calibration.Status);
        Assert.Contains(file, calibration.Description);
        Assert.Contains("checksum mismatch", calibration.Description);
        Assert.Contains(worker.Logs.Lines, l => l.StartsWith("Error", StringComparison.Ordinal) && l.Contains(file, StringComparison.Ordinal) && l.Contains("not applied", StringComparison.Ordinal));
        JsonElement sensor = worker.Outbox.Of(DeviceMessageKinds.Status).Last().GetProperty("calibration")[0];
        Assert.Equal("refused", sensor.GetProperty("status").GetString());
        Assert.Contains(file, sensor.GetProperty("message").GetString());
    }

    [Fact]
    public async Task With_Calibration_Required_a_damaged_file_refuses_sessions_and_health_is_unhealthy()
    {
        string directory = CalibrationFiles.NewDirectory();
        string file = CalibrationFiles.Save(directory, CalibrationFiles.Identity(CalibrationFiles.EmulatedSensorId, DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(180)));
        CalibrationFiles.Damage(file);
        await using PipelineHost worker = Worker(directory, ("Calibration:Required", "true"));

        await worker.Host.StartAsync();
        await PipelineHost.Until(() => worker.Logs.Lines.Any(l => l.Contains("Session not started", StringComparison.Ordinal)), "the auto-clinician's start to be refused");
        HealthReport health = await worker.Host.Services.GetRequiredService<HealthReporter>().ReportNowAsync();
        await worker.Host.StopAsync();

        Assert.Empty(worker.Store.All());
        Assert.Empty(worker.Outbox.Of(DeviceMessageKinds.SessionStarted));
        string refusal = worker.Logs.Lines.First(l => l.Contains("Session not started", StringComparison.Ordinal));
        Assert.Contains("Calibration:Required is true", refusal);
        Assert.Contains(file, refusal);
        Assert.Equal(HealthStatus.Unhealthy, health.Entries[CalibrationHealthCheck.Name].Status);
    }

    [Fact]
    public async Task A_reference_check_before_the_session_is_recorded_with_it_and_a_failed_one_is_a_deviation()
    {
        // No calibration for the emulated sensor: it reads its planted errors (and its warm-up), so the check fails.
        await using PipelineHost worker = Worker(CalibrationFiles.NewDirectory(), ("Calibration:ReferenceCheck:BeforeEachSimulatedSession", "true"));

        (StoredSession row, HealthReport health) = await FirstSessionWith(worker, ReferenceCheckResult.FailedCode);

        var check = Assert.Single(worker.Store.ReferenceChecks(row.Id));
        Assert.Equal(("factory", 35.0, false), (check.CalibrationId, check.ReferenceCelsius, check.Passed));
        Assert.True(Math.Abs(check.ErrorCelsius!.Value) > 0.5, $"error {check.ErrorCelsius} °C");
        Assert.Equal(check.MeasuredCelsius!.Value - 35.0, check.ErrorCelsius.Value, 6);
        Assert.Contains(ReferenceCheckResult.EventType, worker.Store.Events(row.Id).Select(e => e.Type));
        Assert.Equal("acclimatisation_start", worker.Store.Events(row.Id)[0].Type); // the session's first event stays first
        Assert.Contains(CalibrationLookup.MissingFlag, worker.Store.DeviationCodes(row.Id));

        JsonElement started = Assert.Single(worker.Outbox.Of(DeviceMessageKinds.SessionStarted));
        Assert.False(Assert.Single(started.GetProperty("reference_checks").EnumerateArray()).GetProperty("pass").GetBoolean());
        JsonElement e = Assert.Single(worker.Outbox.Of(DeviceMessageKinds.Event), m => m.GetProperty("type").GetString() == ReferenceCheckResult.EventType);
        JsonElement numbers = e.GetProperty("reference_check");
        Assert.Equal(35.0, numbers.GetProperty("reference_c").GetDouble());
        Assert.Equal(check.MeasuredCelsius.Value, numbers.GetProperty("measured_c").GetDouble(), 3);
        Assert.Equal(check.ErrorCelsius.Value, numbers.GetProperty("error_c").GetDouble(), 3);
        Assert.False(numbers.GetProperty("pass").GetBoolean());
        Assert.Contains("FAILED", e.GetProperty("detail").GetString());
        Assert.Contains("warm-up (Calibration:ReferenceCheck:WarmUpMinutes)", e.GetProperty("detail").GetString()); // checked seconds after power-on

        RecordingInfo recording = RecordingInfo.Read(Path.Combine(worker.Folder, row.Id, "right.threc"));
        Assert.Contains(recording.Events, ev => ev.Type == ReferenceCheckResult.EventType);
        Assert.Contains(recording.Annotations, a => a.Key == "deviation" && a.Value.StartsWith(ReferenceCheckResult.FailedCode, StringComparison.Ordinal));

        HealthReportEntry calibration = health.Entries[CalibrationHealthCheck.Name];
        Assert.Equal(HealthStatus.Degraded, calibration.Status);
        Assert.Contains("reference check FAILED", calibration.Description);
        Assert.Contains(worker.Logs.Lines, l => l.StartsWith("Warning", StringComparison.Ordinal) && l.Contains("reference check FAILED", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_passing_reference_check_is_recorded_with_the_session_without_a_deviation()
    {
        // A perfect emulated sensor (no planted errors) reads the target as it is: the check passes.
        await using PipelineHost worker = Worker(CalibrationFiles.NewDirectory(),
            ("Simulation:PixelErrors", "false"), ("Calibration:ReferenceCheck:BeforeEachSimulatedSession", "true"));

        (StoredSession row, _) = await FirstSessionWith(worker, CalibrationLookup.MissingFlag);
        await PipelineHost.Until(() => worker.Store.ReferenceChecks(row.Id).Count == 1, "the check to be stored");

        var check = Assert.Single(worker.Store.ReferenceChecks(row.Id));
        Assert.True(check.Passed, $"error {check.ErrorCelsius} °C");
        Assert.InRange(check.ErrorCelsius!.Value, -0.5, 0.5);
        Assert.DoesNotContain(ReferenceCheckResult.FailedCode, worker.Store.DeviationCodes(row.Id));
        JsonElement e = Assert.Single(worker.Outbox.Of(DeviceMessageKinds.Event), m => m.GetProperty("type").GetString() == ReferenceCheckResult.EventType);
        Assert.True(e.GetProperty("reference_check").GetProperty("pass").GetBoolean());
        Assert.Contains("passed", e.GetProperty("detail").GetString());
    }
}

/// <summary>On a device the button is the only control: between sessions a press offers the reference check.</summary>
[Collection(PipelineHost.Collection)]
public sealed class ReferenceCheckButtonTests
{
    [Fact]
    public async Task A_button_press_between_sessions_runs_the_reference_check_and_it_waits_for_the_next_session()
    {
        // No auto-clinician: the protocol stays in SetUp, as on a device before the clinician starts a test.
        await using PipelineHost worker = PipelineHost.Build(overrides:
        [
            ("Calibration:Directory", CalibrationFiles.NewDirectory()), ("Simulation:AutoClinician", "false"), ("Simulation:PixelErrors", "false"),
        ]);
        await worker.Host.StartAsync();
        var button = Assert.IsType<ThermoHand.Worker.Hardware.EmulatedPushButton>(
            worker.Host.Services.GetRequiredService<ThermoHand.Worker.Hardware.ClinicHardware>().Button);

        button.CloseContact();
        await Task.Delay(200); // longer than the 30 ms debounce on the worker's clock
        button.ReleaseContact();
        await PipelineHost.Until(() => worker.Logs.Lines.Any(l => l.Contains("reference check passed", StringComparison.Ordinal)), "the check to pass");
        HealthReport health = await worker.Host.Services.GetRequiredService<HealthReporter>().ReportNowAsync();
        await worker.Host.StopAsync();

        Assert.Contains("reference check passed", health.Entries[CalibrationHealthCheck.Name].Description);
        Assert.Contains(worker.Logs.Lines, l => l.Contains("reference-check", StringComparison.Ordinal));
        Assert.Empty(worker.Store.All()); // no session was started by the press
    }
}
