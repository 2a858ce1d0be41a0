using System.Text.Json;
using Microsoft.Extensions.Time.Testing;
using ThermoHand.Dashboard.Ingest;
using ThermoHand.Dashboard.Storage;
using ThermoHand.Dashboard.Tests.Support;
using ThermoHand.Streaming;

namespace ThermoHand.Dashboard.Tests.Storage;

/// <summary>
/// What every store must do, run against SQLite and against a real PostgreSQL server (the subclasses).
/// Frames round-trip at 0.01 °C resolution, so temperature comparisons allow ±0.005 °C.
/// </summary>
public abstract class ClinicStoreContract
{
    private const double StorageTolerance = 0.005;

    protected static readonly FakeTimeProvider Clock = new(new DateTimeOffset(2026, 3, 2, 9, 30, 0, TimeSpan.Zero));

    private readonly StreamMessages messages = new();

    /// <summary>A new store over an empty database, schema created.</summary>
    protected abstract Task<IClinicStore> NewStoreAsync();

    private async Task<IClinicStore> StoreWithDeviceAsync(params string[] deviceIds)
    {
        var store = await NewStoreAsync();
        foreach (var id in deviceIds.Length == 0 ? ["dev-1"] : deviceIds)
        {
            await store.CreateDeviceAsync(id, "Room " + id, "hash-" + id);
        }

        return store;
    }

    private static Task<IngestOutcome> Store(IClinicStore store, string device, params DeviceMessage[] batch) =>
        store.StoreBatchAsync(device, batch.Select(DeviceMessageInterpreter.Interpret).ToList(), Clock.GetUtcNow());

    private DeviceMessage[] OneSession(string sessionId, string patient, long firstSeq = 1) =>
    [
        messages.SessionStarted(firstSeq, sessionId, patient, "left", "right"),
        messages.Event(firstSeq + 1, sessionId, 60, "challenge_start"),
        messages.Event(firstSeq + 2, sessionId, 120, "challenge_end"),
        messages.Frame(firstSeq + 3, sessionId, 121.0, "left", 24.0),
        messages.Frame(firstSeq + 4, sessionId, 121.0, "right", 25.0),
        messages.Frame(firstSeq + 5, sessionId, 121.5, "left", 24.5),
        messages.Environment(firstSeq + 6, sessionId, 121.5, 22.4, 15.1, "room below 22.5 C"),
        messages.Analysis(firstSeq + 7, sessionId, "left", false, 1.0),
        messages.Analysis(firstSeq + 8, sessionId, "left", false, 1.2),
        messages.Analysis(firstSeq + 9, sessionId, "left", true, 1.25),
        messages.Ended(firstSeq + 10, sessionId, 1020),
    ];

    [StoreFact]
    public async Task Initialising_twice_keeps_the_data()
    {
        var store = await StoreWithDeviceAsync();
        await store.InitializeAsync();
        Assert.NotNull(await store.FindDeviceAsync("dev-1"));
    }

    [StoreFact]
    public async Task A_session_is_stored_with_its_events_environment_results_and_outcome()
    {
        var store = await StoreWithDeviceAsync();
        var outcome = await Store(store, "dev-1", OneSession("s-1", "PR-0001"));

        Assert.True(outcome.Accepted);
        Assert.Equal(11, outcome.AcknowledgedThrough);
        Assert.Equal(Enumerable.Range(1, 11).Select(i => (long)i), outcome.NewSequences);

        var session = await store.GetSessionAsync("s-1");
        Assert.NotNull(session);
        Assert.Equal("PR-0001", session.Summary.PatientReference);
        Assert.Equal(["left", "right"], session.Summary.Hands);
        Assert.Equal("standard-15C-60s", session.Summary.PresetName);
        Assert.Equal("completed", session.Summary.Outcome);
        Assert.True(session.Summary.HasFinalResult);
        Assert.Equal(new DateTimeOffset(2026, 3, 2, 9, 0, 0, TimeSpan.Zero), session.Summary.StartedUtc);
        Assert.Equal(new DateTimeOffset(2026, 3, 2, 9, 17, 0, TimeSpan.Zero), session.Summary.EndedUtc);
        Assert.Equal(15.0, session.Preset!.Value.GetProperty("water_c").GetDouble());
        Assert.Equal(0.98, session.Settings!.Value.GetProperty("emissivity").GetDouble());
        Assert.Equal(3, session.FrameCount);
        Assert.Equal([("challenge_start", 60.0), ("challenge_end", 120.0)], session.Events.Select(e => (e.Type, e.TimeSeconds)));

        var reading = Assert.Single(session.Environment);
        Assert.Equal(22.4, reading.RoomC);
        Assert.Equal(15.1, reading.WaterC);
        Assert.Equal(["room below 22.5 C"], reading.Deviations);

        // The provisional result is replaced by the newer provisional; the final one is kept beside it.
        Assert.Equal(2, session.Results.Count);
        var provisional = Assert.Single(session.Results, r => !r.IsFinal);
        var final = Assert.Single(session.Results, r => r.IsFinal);
        Assert.Equal(1.2, provisional.Result.GetProperty("ddd_c").GetProperty("mean").GetDouble());
        Assert.Equal(1.25, final.Result.GetProperty("ddd_c").GetProperty("mean").GetDouble());
    }

    [StoreFact]
    public async Task Frames_round_trip_temperatures_invalid_pixels_and_regions_in_time_order()
    {
        var store = await StoreWithDeviceAsync();
        await Store(store, "dev-1", OneSession("s-1", "PR-0001"));

        var left = await store.GetFramesAsync("s-1", "left");
        Assert.Equal([121.0, 121.5], left.Select(f => f.TimeSeconds));
        var frame = left[0];
        Assert.Null(frame.Temperatures[0]);
        Assert.Equal(25.23, frame.Temperatures[1]!.Value, StorageTolerance);
        Assert.All(frame.Temperatures.Skip(2), t => Assert.Equal(24.0, t!.Value, StorageTolerance));
        Assert.Equal(["D2", "dorsum"], frame.Regions.Select(r => r.Name));
        Assert.Equal(23.5, frame.Regions[0].TemperatureC!.Value, 1e-9);
        Assert.Equal(2, frame.Regions[0].Digit);
        Assert.True(frame.Regions[0].Trusted);
        Assert.Equal("rewarming", frame.ProtocolState);
        Assert.Equal(779.0, frame.StateRemainingSeconds);

        Assert.Equal(3, (await store.GetFramesAsync("s-1")).Count);
        var range = await store.GetFramesAsync("s-1", fromSeconds: 121.2, toSeconds: 200);
        Assert.Equal([("left", 121.5)], range.Select(f => (f.Hand, f.TimeSeconds)));
    }

    [StoreFact]
    public async Task Region_curves_follow_every_frame_of_each_hand()
    {
        var store = await StoreWithDeviceAsync();
        await Store(store, "dev-1", OneSession("s-1", "PR-0001"));

        var curves = await store.GetRegionCurvesAsync("s-1");
        Assert.Equal([("left", "D2"), ("left", "dorsum"), ("right", "D2"), ("right", "dorsum")], curves.Select(c => (c.Hand, c.Region)));
        var leftFinger = curves[0];
        Assert.Equal(2, leftFinger.Digit);
        Assert.Equal([new CurvePoint(121.0, 23.5), new CurvePoint(121.5, 24.0)], leftFinger.Points);
        Assert.Single(await store.GetRegionCurvesAsync("s-1", "right"), c => c.Region == "D2");
    }

    [StoreFact]
    public async Task Duplicates_are_skipped_and_a_gap_is_refused_without_storing_anything()
    {
        var store = await StoreWithDeviceAsync();
        var batch = OneSession("s-1", "PR-0001");
        await Store(store, "dev-1", batch[..4]);

        // Resend 2..6 (2..4 already held): only 5 and 6 are new.
        var overlap = await Store(store, "dev-1", batch[1..6]);
        Assert.True(overlap.Accepted);
        Assert.Equal(6, overlap.AcknowledgedThrough);
        Assert.Equal([5L, 6L], overlap.NewSequences);
        Assert.Equal(3, (await store.GetFramesAsync("s-1")).Count);
        Assert.Equal(2, (await store.GetSessionAsync("s-1"))!.Events.Count);

        // 9..11 after 6: a gap. Refused, acknowledgement unchanged, nothing stored.
        var gap = await Store(store, "dev-1", batch[8..]);
        Assert.False(gap.Accepted);
        Assert.Equal(6, gap.AcknowledgedThrough);
        Assert.Null((await store.GetSessionAsync("s-1"))!.Summary.Outcome);
        Assert.Equal(6, await store.GetAcknowledgedThroughAsync("dev-1"));

        // The device resends from 7: accepted.
        var resend = await Store(store, "dev-1", batch[6..]);
        Assert.Equal(11, resend.AcknowledgedThrough);
        Assert.Equal("completed", (await store.GetSessionAsync("s-1"))!.Summary.Outcome);
    }

    [StoreFact]
    public async Task Sequences_are_counted_per_device()
    {
        var store = await StoreWithDeviceAsync("dev-1", "dev-2");
        await Store(store, "dev-1", OneSession("s-1", "PR-0001"));
        var second = await Store(store, "dev-2", OneSession("s-2", "PR-0002"));
        Assert.True(second.Accepted);
        Assert.Equal(11, await store.GetAcknowledgedThroughAsync("dev-2"));
        Assert.Equal(0, await store.GetAcknowledgedThroughAsync("unknown"));
    }

    [StoreFact]
    public async Task A_message_that_breaks_the_contract_is_acknowledged_and_kept_but_changes_nothing()
    {
        var store = await StoreWithDeviceAsync();
        var bad = messages.Raw(2, DeviceMessageKinds.Frame, "s-1", new { t_s = 1.0, hand = "left", temps = new double[700] });
        var outcome = await Store(store, "dev-1", messages.SessionStarted(1, "s-1", "PR-0001"), bad, messages.Frame(3, "s-1", 2, "left", 30));
        Assert.True(outcome.Accepted);
        Assert.Equal(3, outcome.AcknowledgedThrough);
        Assert.Equal([2.0], (await store.GetFramesAsync("s-1")).Select(f => f.TimeSeconds));
    }

    [StoreFact]
    public async Task A_device_cannot_write_into_another_devices_session()
    {
        var store = await StoreWithDeviceAsync("dev-1", "dev-2");
        await Store(store, "dev-1", messages.SessionStarted(1, "s-1", "PR-0001"));
        var intrusion = await Store(store, "dev-2", messages.Frame(1, "s-1", 5, "left", 30), messages.Ended(2, "s-1", 6, "aborted"));
        Assert.True(intrusion.Accepted);
        Assert.Empty(await store.GetFramesAsync("s-1"));
        var session = (await store.GetSessionAsync("s-1"))!;
        Assert.Equal("dev-1", session.Summary.DeviceId);
        Assert.Null(session.Summary.Outcome);
    }

    [StoreFact]
    public async Task Sessions_are_searched_by_patient_prefix_device_outcome_and_date()
    {
        var store = await StoreWithDeviceAsync("dev-1", "dev-2");
        var early = new StreamMessages(new DateTimeOffset(2026, 1, 10, 8, 0, 0, TimeSpan.Zero));
        var late = new StreamMessages(new DateTimeOffset(2026, 3, 10, 8, 0, 0, TimeSpan.Zero));
        await Store(store, "dev-1", early.SessionStarted(1, "a", "PR-0001"), early.Ended(2, "a", 900));
        await Store(store, "dev-1", late.SessionStarted(3, "b", "PR-0001"), late.Ended(4, "b", 300, "aborted"));
        var latest = new StreamMessages(new DateTimeOffset(2026, 3, 11, 8, 0, 0, TimeSpan.Zero));
        await Store(store, "dev-2", latest.SessionStarted(1, "c", "XY-9"));

        Assert.Equal(["b", "a"], Ids(await store.SearchSessionsAsync(new SessionQuery(PatientReference: "PR-"))));
        Assert.Equal(["c"], Ids(await store.SearchSessionsAsync(new SessionQuery(DeviceId: "dev-2"))));
        Assert.Equal(["b"], Ids(await store.SearchSessionsAsync(new SessionQuery(Outcome: "aborted"))));
        Assert.Equal(["c"], Ids(await store.SearchSessionsAsync(new SessionQuery(Outcome: "in_progress"))));
        Assert.Equal(["a"], Ids(await store.SearchSessionsAsync(new SessionQuery(StartedBeforeUtc: new DateTimeOffset(2026, 2, 1, 0, 0, 0, TimeSpan.Zero)))));
        Assert.Equal(["c", "b"], Ids(await store.SearchSessionsAsync(new SessionQuery(StartedFromUtc: new DateTimeOffset(2026, 2, 1, 0, 0, 0, TimeSpan.Zero)))));
        Assert.Equal(["b"], Ids(await store.SearchSessionsAsync(new SessionQuery(Limit: 1, Offset: 1))));
        Assert.Empty(await store.SearchSessionsAsync(new SessionQuery(PatientReference: "PR-0001-and-more")));

        // The same patient's sessions, oldest first, for the before/after comparison.
        Assert.Equal(["a", "b"], Ids(await store.GetSessionsOfPatientAsync("PR-0001")));
        Assert.Null(await store.GetSessionAsync("missing"));

        static string[] Ids(IReadOnlyList<SessionSummary> sessions) => sessions.Select(s => s.SessionId).ToArray();
    }

    [StoreFact]
    public async Task Live_state_holds_the_latest_frame_per_hand_environment_and_status()
    {
        var store = await StoreWithDeviceAsync();
        await Store(store, "dev-1", [.. OneSession("s-1", "PR-0001")[..7], messages.Status(8)]);

        var live = await store.GetLiveStateAsync("dev-1");
        Assert.NotNull(live);
        Assert.Equal("Room dev-1", live.DisplayName);
        Assert.Equal("s-1", live.CurrentSession!.SessionId);
        Assert.Equal([("left", 121.5), ("right", 121.0)], live.LatestFrames.Select(f => (f.Hand, f.TimeSeconds)));
        Assert.Equal(22.4, live.LatestEnvironment!.RoomC);
        Assert.Equal(0.3, live.LastStatus!.Value.GetProperty("frame_age_s").GetDouble());
        Assert.Equal(Clock.GetUtcNow(), live.LastSeenUtc);
        Assert.Null(await store.GetLiveStateAsync("unknown"));
    }

    [StoreFact]
    public async Task Users_keep_their_login_state_and_the_audit_trail_lists_newest_first()
    {
        var store = await NewStoreAsync();
        await store.CreateUserAsync("ana", "HASH", "clinician");
        var lockedUntil = new DateTimeOffset(2026, 3, 2, 10, 0, 0, TimeSpan.Zero);
        await store.SetLoginStateAsync("ana", 0, lockedUntil);
        var user = (await store.FindUserAsync("ana"))!;
        Assert.Equal(("clinician", "HASH", lockedUntil), (user.Role, user.PasswordHash, user.LockedUntilUtc));
        Assert.Equal(1, await store.CountUsersAsync());
        Assert.Null(await store.FindUserAsync("ANA-missing"));

        await store.AppendAuditAsync(new AuditEntry(Clock.GetUtcNow(), "ana", "view_session", "session", "s-1", null));
        await store.AppendAuditAsync(new AuditEntry(Clock.GetUtcNow().AddSeconds(1), "bo", "export", "session", "s-1", "pdf"));
        Assert.Equal(["export", "view_session"], (await store.ListAuditAsync()).Select(a => a.Action));
        Assert.Equal(["view_session"], (await store.ListAuditAsync(userName: "ana")).Select(a => a.Action));
    }

    [StoreFact]
    public async Task The_clinic_identifier_column_is_stored_and_cleared()
    {
        var store = await NewStoreAsync();
        await store.SetProtectedClinicIdentifierAsync("PR-0001", "CIPHERTEXT");
        Assert.Equal("CIPHERTEXT", await store.GetProtectedClinicIdentifierAsync("PR-0001"));
        await store.SetProtectedClinicIdentifierAsync("PR-0001", null);
        Assert.Null(await store.GetProtectedClinicIdentifierAsync("PR-0001"));
    }
}

public sealed class SqliteClinicStoreTests : ClinicStoreContract, IDisposable
{
    private readonly string folder = Directory.CreateTempSubdirectory("thermohand-sqlite-").FullName;

    protected override async Task<IClinicStore> NewStoreAsync()
    {
        var store = new SqliteClinicStore($"Data Source={Path.Combine(folder, Guid.NewGuid() + ".db")}", Clock);
        await store.InitializeAsync();
        return store;
    }

    [StoreFact]
    public async Task The_database_runs_in_write_ahead_log_mode()
    {
        var path = Path.Combine(folder, "wal.db");
        await new SqliteClinicStore($"Data Source={path}", Clock).InitializeAsync();
        await using var connection = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={path}");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA journal_mode";
        Assert.Equal("wal", (string?)await command.ExecuteScalarAsync());
    }

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(folder, recursive: true);
    }
}

[Collection(PostgresCollection.Name)]
public sealed class PostgresClinicStoreTests(PostgresServer server) : ClinicStoreContract, INeedsPostgres
{
    protected override async Task<IClinicStore> NewStoreAsync()
    {
        var store = new PostgresClinicStore(Npgsql.NpgsqlDataSource.Create(server.CreateDatabase()), Clock);
        await store.InitializeAsync();
        return store;
    }
}
