using Microsoft.Extensions.Time.Testing;
using ThermoHand.Dashboard.Ingest;
using ThermoHand.Dashboard.Storage;
using ThermoHand.Dashboard.Tests.Support;

namespace ThermoHand.Dashboard.Tests.Calibration;

/// <summary>What the calibration store must do, on SQLite and on a real PostgreSQL server (the subclasses).</summary>
public abstract class CalibrationStoreContract
{
    private static readonly FakeTimeProvider Clock = new(new DateTimeOffset(2026, 3, 2, 9, 30, 0, TimeSpan.Zero));

    protected abstract Task<SqlClinicStore> NewStoreAsync();

    [StoreFact]
    public async Task A_calibration_round_trips_byte_for_byte_with_its_facts()
    {
        var store = await NewStoreAsync();
        var calibration = CalibrationFiles.Make(version: 3, passed: false);
        var added = CalibrationFiles.ForStore(calibration);

        var result = await store.AddCalibrationAsync(added);
        Assert.Equal(CalibrationAddOutcome.Added, result.Outcome);

        var stored = await store.GetCalibrationAsync(CalibrationFiles.SensorId, 3);
        Assert.NotNull(stored);
        Assert.Equal(added.FileBytes, stored.FileBytes);
        var s = stored.Summary;
        Assert.Equal((CalibrationFiles.SensorId, 3, "0A1B2C3D4E5F/v3"), (s.SensorId, s.Version, s.Id));
        Assert.Equal((added.BodySha256, added.FileSha256, added.FileName), (s.BodySha256, s.FileSha256, s.FileName));
        Assert.Equal((calibration.CreatedUtc, calibration.ExpiresUtc), (s.CreatedUtc, s.ExpiresUtc));
        Assert.Equal((false, 2, "tech", added.UploadedUtc), (s.Passed, s.BadPixelCount, s.UploadedBy, s.UploadedUtc));
        Assert.Null(await store.GetCalibrationAsync(CalibrationFiles.SensorId, 4));
        Assert.Null(await store.GetCalibrationAsync("FFFFFFFFFFFF", 3));
    }

    [StoreFact]
    public async Task The_newest_version_per_sensor_is_listed_and_the_history_is_newest_first()
    {
        var store = await NewStoreAsync();
        foreach (var (sensor, version) in new[] { ("0A1B2C3D4E5F", 1), ("0A1B2C3D4E5F", 3), ("0A1B2C3D4E5F", 2), ("000000000001", 1) })
        {
            Assert.Equal(CalibrationAddOutcome.Added, (await store.AddCalibrationAsync(CalibrationFiles.ForStore(CalibrationFiles.Make(sensor, version)))).Outcome);
        }

        var newest = await store.ListNewestCalibrationsAsync();
        Assert.Equal(["000000000001/v1", "0A1B2C3D4E5F/v3"], newest.Select(c => c.Id));
        Assert.Equal([3, 2, 1], (await store.ListCalibrationVersionsAsync("0A1B2C3D4E5F")).Select(c => c.Version));
    }

    [StoreFact]
    public async Task A_taken_version_is_never_overwritten_and_the_same_file_twice_changes_nothing()
    {
        var store = await NewStoreAsync();
        var original = CalibrationFiles.ForStore(CalibrationFiles.Make(version: 2), uploadedBy: "first");
        await store.AddCalibrationAsync(original);

        var again = await store.AddCalibrationAsync(CalibrationFiles.ForStore(CalibrationFiles.Make(version: 2), uploadedBy: "second"));
        Assert.Equal(CalibrationAddOutcome.AlreadyStored, again.Outcome);
        Assert.Equal("first", again.Stored.UploadedBy);

        var different = await store.AddCalibrationAsync(CalibrationFiles.ForStore(CalibrationFiles.Make(version: 2, gainTilt: 0.05), uploadedBy: "third"));
        Assert.Equal(CalibrationAddOutcome.VersionTaken, different.Outcome);
        Assert.Equal(original.BodySha256, different.Stored.BodySha256);
        Assert.Equal(original.FileBytes, (await store.GetCalibrationAsync(CalibrationFiles.SensorId, 2))!.FileBytes);
        Assert.Single(await store.ListCalibrationVersionsAsync(CalibrationFiles.SensorId));
    }

    [StoreFact]
    public async Task Session_settings_are_listed_without_patients_and_filtered_by_what_they_mention()
    {
        var store = await NewStoreAsync();
        await store.CreateDeviceAsync("dev-1", "Room 1", "hash");
        var used = CalibrationFiles.Make();
        var start = new DateTimeOffset(2026, 3, 2, 9, 0, 0, TimeSpan.Zero);
        var batch = new[]
        {
            CalibrationFiles.SessionStarted(1, "s-a", start, ("left", CalibrationFiles.SensorId, CalibrationFiles.Used(used))),
            CalibrationFiles.SessionStarted(2, "s-b", start.AddDays(1), ("left", "0a1b2c3d4e5f", null)),
            CalibrationFiles.SessionStarted(3, "s-c", start.AddDays(2), ("right", "00000000BEEF", null)),
        };
        Assert.True((await store.StoreBatchAsync("dev-1", batch.Select(DeviceMessageInterpreter.Interpret).ToList(), Clock.GetUtcNow())).Accepted);

        var all = await store.ListSessionSettingsAsync();
        Assert.Equal(["s-c", "s-b", "s-a"], all.Select(s => s.SessionId));
        Assert.All(all, s => Assert.DoesNotContain("PR-CAL", s.SettingsJson!, StringComparison.Ordinal));
        Assert.Equal(start, all[^1].StartedUtc);
        Assert.Equal("dev-1", all[0].DeviceId);

        // Case does not matter (the device may spell the id in lower case); LIKE's wildcards in the text are literal.
        Assert.Equal(["s-b", "s-a"], (await store.ListSessionSettingsAsync(CalibrationFiles.SensorId)).Select(s => s.SessionId));
        Assert.Empty(await store.ListSessionSettingsAsync("0A1B%"));
    }
}

public sealed class SqliteCalibrationStoreTests : CalibrationStoreContract, IDisposable
{
    private readonly SqliteStoreFolder sqlite = new("thermohand-calstore-");

    protected override Task<SqlClinicStore> NewStoreAsync() => sqlite.NewStoreAsync(TimeProvider.System);

    public void Dispose() => sqlite.Dispose();
}

[Collection(PostgresCollection.Name)]
public sealed class PostgresCalibrationStoreTests(PostgresServer server) : CalibrationStoreContract, INeedsPostgres
{
    protected override Task<SqlClinicStore> NewStoreAsync() => server.NewStoreAsync(TimeProvider.System);
}
