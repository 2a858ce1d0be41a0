using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using ThermoHand.Mlx90640;
using ThermoHand.Recording.Native;
using ThermoHand.Streaming;
using ThermoHand.Worker.Calibration;
using ThermoHand.Worker.Health;
using ThermoHand.Worker.Pipeline;
using ThermoHand.Worker.Storage;
using ThermoHand.Worker.Tests.Pipeline;
using Xunit.Abstractions;

namespace ThermoHand.Worker.Tests.Calibration;

/// <summary>
/// The whole worker (simulated patient at ×20, auto-clinician, two sessions): a calibration file written while it runs
/// applies from the next session on, never in the middle of one; what each session records is what its images got.
/// The proof of "applied" is in the temperatures: the frames sent minus the recording's raw subpages re-assembled
/// without a site calibration equal the calibration's offset.
/// </summary>
[Collection(PipelineHost.Collection)]
public sealed class CalibrationReloadHostTests(ITestOutputHelper output)
{
    private const float NewOffset = 3f; // v2 adds 3 °C to every pixel: unmistakable in the frames

    private static PipelineHost TwoSessions(string directory, params (string Key, string Value)[] more) =>
        PipelineHost.Build(overrides:
        [
            ("Calibration:Directory", directory), ("Simulation:Sessions", "2"), ("Simulation:PauseBetweenSessionsSeconds", "5"), .. more,
        ]);

    private static string Save(string directory, int version, float offset) =>
        CalibrationFiles.Save(directory, CalibrationFiles.Identity(
            CalibrationFiles.EmulatedSensorId, DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(180), version, offset));

    private static async Task<IReadOnlyList<StoredSession>> RunTwoSessions(PipelineHost worker)
    {
        await worker.Host.StartAsync();
        await PipelineHost.Until(() => worker.Pipeline.Coordinator.ClosedCount >= 2, "two sessions to end", 90);
        await worker.Host.StopAsync();
        IReadOnlyList<StoredSession> rows = worker.Store.All();
        Assert.Equal(2, rows.Count);
        return rows;
    }

    private static string? StoredCalibrationId(StoredSession row) =>
        JsonDocument.Parse(row.SettingsJson).RootElement[0].GetProperty("calibration") is { ValueKind: JsonValueKind.Object } c ? c.GetProperty("id").GetString() : null;

    private static string? SentCalibrationId(PipelineHost worker, StoredSession row) =>
        worker.Outbox.Messages.Single(m => m.Kind == DeviceMessageKinds.SessionStarted && m.SessionId == row.Id).Payload
            .GetProperty("sensors")[0].GetProperty("calibration") is { ValueKind: JsonValueKind.Object } c ? c.GetProperty("id").GetString() : null;

    private static string RecordedCalibration(PipelineHost worker, StoredSession row) =>
        Assert.Single(RecordingInfo.Read(Path.Combine(worker.Folder, row.Id, "right.threc")).Annotations, a => a.Key == "site_calibration").Value;

    /// <summary>
    /// Per image of the session (optionally only frames queued after <paramref name="afterSeq"/>): frame sent minus the
    /// raw image re-assembled from the recording with the factory calibration only. Returns (images, min, max) in °C.
    /// </summary>
    private static (int Images, double Min, double Max) Correction(PipelineHost worker, StoredSession row, long afterSeq = 0)
    {
        var frames = worker.Outbox.Messages.Where(m => m.Kind == DeviceMessageKinds.Frame && m.SessionId == row.Id).ToList();
        ThermalSensor sensor = worker.Host.Services.GetRequiredService<SensorArray>().Sensors[0];
        var assembler = new FrameAssembler(new TemperatureCalculator(sensor.Calibration), (float)sensor.Options.Emissivity);
        var raw = new List<float[]>();
        using (SessionRecordingReader reader = SessionRecordingReader.Open(Path.Combine(worker.Folder, row.Id, "right.threc")))
        {
            foreach (SubpageEntry entry in reader.ReadAll().OfType<SubpageEntry>())
            {
                if (assembler.Add(entry.Subpage) == FrameAssemblyOutcome.Completed)
                {
                    raw.Add(assembler.Image.TemperaturesCelsius.ToArray());
                }
            }
        }

        Assert.Equal(raw.Count, frames.Count); // one frame per image of the session, in order
        double min = double.PositiveInfinity, max = double.NegativeInfinity;
        int images = 0;
        for (int i = 0; i < frames.Count; i++)
        {
            if (frames[i].Seq <= afterSeq)
            {
                continue;
            }

            images++;
            int p = 0;
            foreach (JsonElement t in frames[i].Payload.GetProperty("temps").EnumerateArray())
            {
                if (t.ValueKind == JsonValueKind.Number && float.IsFinite(raw[i][p]))
                {
                    double d = t.GetDouble() - raw[i][p];
                    min = Math.Min(min, d);
                    max = Math.Max(max, d);
                }

                p++;
            }
        }

        return (images, min, max);
    }

    [Fact]
    public async Task A_file_added_between_two_sessions_is_applied_to_the_second_and_recorded_with_it()
    {
        string directory = CalibrationFiles.NewDirectory();
        Save(directory, 1, 0);
        await using PipelineHost worker = TwoSessions(directory);
        string? v2 = null;

        // Closed is raised on the coordinator's loop after the first session is stored: strictly between the two sessions.
        worker.Pipeline.Coordinator.Closed += _ => v2 ??= Save(directory, 2, NewOffset);
        IReadOnlyList<StoredSession> rows = await RunTwoSessions(worker);

        string v1Id = $"{CalibrationFiles.EmulatedSensorId}/v1", v2Id = $"{CalibrationFiles.EmulatedSensorId}/v2";
        Assert.Equal((v1Id, v1Id), (StoredCalibrationId(rows[0]), SentCalibrationId(worker, rows[0])));
        Assert.Equal((v2Id, v2Id), (StoredCalibrationId(rows[1]), SentCalibrationId(worker, rows[1])));
        Assert.StartsWith(v1Id, RecordedCalibration(worker, rows[0]));
        Assert.StartsWith($"{v2Id} sha256 {Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(File.ReadAllBytes(v2!)))}", RecordedCalibration(worker, rows[1]));

        (int n1, double min1, double max1) = Correction(worker, rows[0]);
        (int n2, double min2, double max2) = Correction(worker, rows[1]);
        output.WriteLine($"frame − raw: session 1 ({n1} images) {min1:+0.000;-0.000} … {max1:+0.000;-0.000} °C, session 2 ({n2} images) {min2:+0.000;-0.000} … {max2:+0.000;-0.000} °C");
        Assert.True(n1 > 10 && n2 > 10, $"{n1}, {n2} images");
        Assert.InRange(min1, -0.01, 0.01);
        Assert.InRange(max1, -0.01, 0.01);
        Assert.InRange(min2, NewOffset - 0.01, NewOffset + 0.01);
        Assert.InRange(max2, NewOffset - 0.01, NewOffset + 0.01);

        Assert.Single(worker.Logs.Lines, l => l.StartsWith("Information", StringComparison.Ordinal)
            && l.Contains($"Sensors:0: site calibration {v2Id} applied from now on (was v1)", StringComparison.Ordinal));
        Assert.Equal((2, 1), (worker.Pipeline.Coordinator.Calibrations.Looks, worker.Pipeline.Coordinator.Calibrations.FilesRead));
        HealthReport health = await worker.Host.Services.GetRequiredService<HealthReporter>().ReportNowAsync();
        JsonElement sensor = JsonSerializer.SerializeToElement(health.Entries[CalibrationHealthCheck.Name].Data["sensors"])[0];
        Assert.Equal(("v1", v2Id), (sensor.GetProperty("changed_from").GetString(), sensor.GetProperty("calibration").GetProperty("id").GetString()));
    }

    [Fact]
    public async Task A_file_added_mid_session_is_not_applied_until_the_next_session()
    {
        string directory = CalibrationFiles.NewDirectory();
        Save(directory, 1, 0);
        await using PipelineHost worker = TwoSessions(directory);
        await worker.Host.StartAsync();
        await PipelineHost.Until(
            () => worker.Pipeline.Coordinator.OpenSessionId is { } id && worker.Outbox.Messages.Count(m => m.Kind == DeviceMessageKinds.Frame && m.SessionId == id) >= 5,
            "the first session's frames");
        string firstId = worker.Pipeline.Coordinator.OpenSessionId!;
        long writtenAfter = worker.Outbox.Messages.Max(m => m.Seq);
        Save(directory, 2, NewOffset);
        await PipelineHost.Until(() => worker.Pipeline.Coordinator.ClosedCount >= 2, "two sessions to end", 90);
        await worker.Host.StopAsync();
        IReadOnlyList<StoredSession> rows = worker.Store.All();

        Assert.Equal(firstId, rows[0].Id);
        Assert.Equal($"{CalibrationFiles.EmulatedSensorId}/v1", StoredCalibrationId(rows[0]));
        (int after, double min, double max) = Correction(worker, rows[0], writtenAfter);
        output.WriteLine($"session 1 after the file was written: {after} images, frame − raw {min:+0.000;-0.000} … {max:+0.000;-0.000} °C");
        Assert.True(after > 10, $"{after} images of the first session after the file was written");
        Assert.InRange(min, -0.01, 0.01);
        Assert.InRange(max, -0.01, 0.01);

        Assert.Equal($"{CalibrationFiles.EmulatedSensorId}/v2", StoredCalibrationId(rows[1]));
        (_, double min2, double max2) = Correction(worker, rows[1]);
        Assert.InRange(min2, NewOffset - 0.01, NewOffset + 0.01);
        Assert.InRange(max2, NewOffset - 0.01, NewOffset + 0.01);

        // Logged after the first session ended, not when the file appeared.
        var lines = worker.Logs.Lines.ToList();
        int ended = lines.FindIndex(l => l.Contains($"{firstId}", StringComparison.Ordinal) && l.Contains("ended", StringComparison.OrdinalIgnoreCase));
        int applied = lines.FindIndex(l => l.Contains("applied from now on (was v1)", StringComparison.Ordinal));
        Assert.True(ended >= 0 && applied > ended, $"session end at line {ended}, change at line {applied}");
    }

    [Fact]
    public async Task A_damaged_file_added_between_sessions_is_refused_with_the_message_and_the_second_session_is_flagged()
    {
        string directory = CalibrationFiles.NewDirectory();
        Save(directory, 1, 0);
        await using PipelineHost worker = TwoSessions(directory);
        string? damaged = null;
        worker.Pipeline.Coordinator.Closed += _ =>
        {
            if (damaged is null)
            {
                damaged = Save(directory, 2, NewOffset);
                CalibrationFiles.Damage(damaged);
            }
        };
        IReadOnlyList<StoredSession> rows = await RunTwoSessions(worker);

        Assert.Equal($"{CalibrationFiles.EmulatedSensorId}/v1", StoredCalibrationId(rows[0]));
        Assert.Null(StoredCalibrationId(rows[1])); // v2 refused, and v1 not silently kept in its place
        Assert.Null(SentCalibrationId(worker, rows[1]));
        Assert.Contains(CalibrationLookup.RefusedFlag, worker.Store.DeviationCodes(rows[1].Id));
        Assert.DoesNotContain(CalibrationLookup.RefusedFlag, worker.Store.DeviationCodes(rows[0].Id));
        Assert.StartsWith("factory: site calibration refused, not applied", RecordedCalibration(worker, rows[1]));
        (_, double min, double max) = Correction(worker, rows[1]);
        Assert.InRange(min, -0.01, 0.01); // factory calibration only
        Assert.InRange(max, -0.01, 0.01);

        string line = Assert.Single(worker.Logs.Lines, l => l.StartsWith("Error", StringComparison.Ordinal) && l.Contains(damaged!, StringComparison.Ordinal));
        Assert.Contains("Sensors:0: the newest calibration file changed (was v1)", line);
        Assert.Contains("checksum mismatch", line);
        HealthReport health = await worker.Host.Services.GetRequiredService<HealthReporter>().ReportNowAsync();
        Assert.Equal(HealthStatus.Degraded, health.Entries[CalibrationHealthCheck.Name].Status);
        Assert.Contains(damaged!, health.Entries[CalibrationHealthCheck.Name].Description);
    }

    [Fact]
    public async Task With_Calibration_Required_a_damaged_file_added_between_sessions_refuses_the_next_session()
    {
        string directory = CalibrationFiles.NewDirectory();
        Save(directory, 1, 0);
        await using PipelineHost worker = TwoSessions(directory, ("Calibration:Required", "true"));
        string? damaged = null;
        worker.Pipeline.Coordinator.Closed += _ =>
        {
            if (damaged is null)
            {
                damaged = Save(directory, 2, NewOffset);
                CalibrationFiles.Damage(damaged);
            }
        };
        await worker.Host.StartAsync();
        await PipelineHost.Until(() => worker.Logs.Lines.Any(l => l.Contains("Session not started", StringComparison.Ordinal)), "the second start to be refused", 90);
        await worker.Host.StopAsync();

        Assert.Single(worker.Store.All());
        string refusal = worker.Logs.Lines.First(l => l.Contains("Session not started", StringComparison.Ordinal));
        Assert.Contains("Calibration:Required is true", refusal);
        Assert.Contains(damaged!, refusal);
    }

    [Fact]
    public async Task Nothing_changed_means_no_file_is_read_again_before_sessions_and_reference_checks()
    {
        string directory = CalibrationFiles.NewDirectory();
        Save(directory, 1, 0);
        await using PipelineHost worker = TwoSessions(directory, ("Calibration:ReferenceCheck:BeforeEachSimulatedSession", "true"));

        IReadOnlyList<StoredSession> rows = await RunTwoSessions(worker);

        SiteCalibrationReload reload = worker.Pipeline.Coordinator.Calibrations;
        Assert.Equal((4, 0, 0), (reload.Looks, reload.FilesRead, reload.Changes)); // a reference check and a start per session
        Assert.All(rows, r => Assert.Equal($"{CalibrationFiles.EmulatedSensorId}/v1", StoredCalibrationId(r)));
        Assert.All(rows, r => Assert.Equal($"{CalibrationFiles.EmulatedSensorId}/v1", Assert.Single(worker.Store.ReferenceChecks(r.Id)).CalibrationId));
        Assert.DoesNotContain(worker.Logs.Lines, l => l.Contains("from now on", StringComparison.Ordinal));
    }
}
