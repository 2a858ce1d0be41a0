using ThermoHand.Dashboard.Ingest;
using ThermoHand.Dashboard.Storage;
using ThermoHand.Dashboard.Tests.Support;
using ThermoHand.Streaming;
using static ThermoHand.Dashboard.Tests.Ingest.ReferenceCheckMessages;

namespace ThermoHand.Dashboard.Tests.Ingest;

/// <summary>What the store must do with reference checks (migration 5), on SQLite and on a real PostgreSQL server.</summary>
public abstract class ReferenceCheckStoreContract
{
    private static readonly DateTimeOffset Received = new(2026, 11, 27, 8, 0, 0, TimeSpan.Zero);

    protected abstract Task<SqlClinicStore> NewStoreAsync();

    private static Task<IngestOutcome> Store(SqlClinicStore store, string device, params DeviceMessage[] batch) =>
        store.StoreBatchAsync(device, batch.Select(DeviceMessageInterpreter.Interpret).ToList(), Received);

    [StoreFact]
    public async Task A_real_workers_check_sent_twice_is_kept_once_with_its_numbers()
    {
        var store = await NewStoreAsync();
        await store.CreateDeviceAsync("pi-1", "Room 1", "hash");

        var outcome = await Store(store, "pi-1",
            Message(1, DeviceMessageKinds.SessionStarted, "s-real", RealSessionStarted),
            Message(2, DeviceMessageKinds.Event, "s-real", RealFailedCheckEvent));

        Assert.True(outcome.Accepted);
        var check = Assert.Single(await store.GetReferenceChecksAsync("s-real"));
        Assert.Equal(("s-real", SensorId, "right", CalibrationId), (check.SessionId, check.SensorId, check.Hand, check.CalibrationId));
        Assert.Equal(CheckedUtc.ToUnixTimeMilliseconds(), check.CheckedUtc.ToUnixTimeMilliseconds());
        Assert.Equal((35.0, 36.398, 1.398, 0.5), (check.TargetC, check.MeasuredC, check.ErrorC, check.LimitC));
        Assert.Equal((8, 48, 0.108, false), (check.Images, check.RegionPixels, check.RegionSpreadC, check.Passed));
        Assert.StartsWith("reference check FAILED for sensor 1710A2240185", check.Message, StringComparison.Ordinal);

        // The event itself is still a protocol event with its words.
        var session = await store.GetSessionAsync("s-real");
        Assert.Contains(session!.Events, e => e.Type == "reference_check" && e.Detail!.StartsWith("reference check FAILED", StringComparison.Ordinal));
    }

    [StoreFact]
    public async Task Checks_are_listed_per_calibration_newest_first_with_device_and_start_but_no_patient()
    {
        var store = await NewStoreAsync();
        await store.CreateDeviceAsync("pi-1", "Room 1", "hash");
        await store.CreateDeviceAsync("pi-2", "Room 2", "hash");
        var day = new DateTimeOffset(2026, 11, 20, 9, 0, 0, TimeSpan.Zero);
        var sensor = Sensor("right", SensorId, CalibrationId, "valid");
        Assert.True((await Store(store, "pi-1",
            SessionStarted(1, "s-a", day, [sensor], Check(SensorId, "right", CalibrationId, day.AddMinutes(-2), 35, 35.02, pass: true)),
            SessionStarted(2, "s-b", day.AddDays(1), [Sensor("right", SensorId, null, "valid", "calibration_missing")],
                Check(SensorId, "right", "factory", day.AddDays(1).AddMinutes(-2), 35, null, pass: false)))).Accepted);
        Assert.True((await Store(store, "pi-2",
            SessionStarted(1, "s-c", day.AddDays(2), [sensor], Check(SensorId, "right", CalibrationId, day.AddDays(2).AddMinutes(-2), 35, 35.71, pass: false)))).Accepted);

        var uses = await store.ListReferenceChecksOfCalibrationAsync(CalibrationId.ToLowerInvariant());
        Assert.Equal(["s-c", "s-a"], uses.Select(u => u.Check.SessionId));
        Assert.Equal(("pi-2", day.AddDays(2)), (uses[0].DeviceId, uses[0].SessionStartedUtc));
        Assert.Equal((0.71, false), (uses[0].Check.ErrorC!.Value, uses[0].Check.Passed));

        // A check with no image keeps its nulls: "no image", never a zero error.
        var factory = Assert.Single(await store.ListReferenceChecksOfCalibrationAsync("factory"));
        Assert.Equal(("s-b", (double?)null, (double?)null, 0, false), (factory.Check.SessionId, factory.Check.MeasuredC, factory.Check.ErrorC, factory.Check.Images, factory.Check.Passed));
        Assert.Empty(await store.ListReferenceChecksOfCalibrationAsync("FFFFFFFFFFFF/v1"));
    }

    [StoreFact]
    public async Task A_contradictory_check_is_kept_in_the_log_only_and_its_batch_still_goes_through()
    {
        var store = await NewStoreAsync();
        await store.CreateDeviceAsync("pi-1", "Room 1", "hash");
        var day = new DateTimeOffset(2026, 11, 20, 9, 0, 0, TimeSpan.Zero);
        var claimsPass = Check(SensorId, "right", CalibrationId, day, 35, 36.2, pass: true); // error +1.2 °C against ±0.5 °C

        var outcome = await Store(store, "pi-1",
            SessionStarted(1, "s-x", day, [Sensor("right", SensorId, CalibrationId, "valid")]),
            CheckEvent(2, "s-x", 1.5, "right", claimsPass));

        Assert.Equal(2, outcome.AcknowledgedThrough);
        Assert.Empty(await store.GetReferenceChecksAsync("s-x"));
        Assert.DoesNotContain((await store.GetSessionAsync("s-x"))!.Events, e => e.Type == "reference_check");
    }
}

public sealed class SqliteReferenceCheckStoreTests : ReferenceCheckStoreContract, IDisposable
{
    private readonly SqliteStoreFolder sqlite = new("thermohand-refcheck-");

    protected override Task<SqlClinicStore> NewStoreAsync() => sqlite.NewStoreAsync(TimeProvider.System);

    public void Dispose() => sqlite.Dispose();
}

[Collection(PostgresCollection.Name)]
public sealed class PostgresReferenceCheckStoreTests(PostgresServer server) : ReferenceCheckStoreContract, INeedsPostgres
{
    protected override Task<SqlClinicStore> NewStoreAsync() => server.NewStoreAsync(TimeProvider.System);
}
