using ThermoHand.Dashboard.Storage;
using ThermoHand.Dashboard.Tests.Support;
using ThermoHand.Streaming;

namespace ThermoHand.Dashboard.Tests.Storage;

/// <summary>What the device command store must do, on SQLite and on a real PostgreSQL server (the subclasses).</summary>
public abstract class DeviceCommandStoreContract
{
    private static readonly DateTimeOffset Now = new(2026, 3, 2, 9, 30, 0, TimeSpan.Zero);

    protected abstract Task<SqlClinicStore> NewStoreAsync();

    private static NewDeviceCommand Start(string id, string device, DateTimeOffset issued, string patient = "RP-0042") =>
        new(id, device, DeviceCommandKinds.StartSession, patient, "manchester", "both", "dr.who", issued);

    [StoreFact]
    public async Task A_command_is_handed_out_until_answered_and_the_first_answer_stays()
    {
        var store = await NewStoreAsync();
        var issued = await store.IssueCommandAsync(Start("c1", "dev-a", Now));
        Assert.Equal((DeviceCommandStates.Pending, "RP-0042", "manchester", "both", "dr.who", Now), (issued.State, issued.PatientReference, issued.Preset, issued.Hands, issued.IssuedBy, issued.IssuedUtc));

        var first = Assert.Single(await store.TakeCommandsAsync("dev-a", Now.AddMinutes(-3)));
        Assert.Equal(("c1", DeviceCommandStates.Delivered), (first.CommandId, first.State));
        Assert.NotNull(first.DeliveredUtc);
        Assert.Single(await store.TakeCommandsAsync("dev-a", Now.AddMinutes(-3))); // still waiting for its answer: handed out again

        var (outcome, answered) = await store.AnswerCommandAsync("dev-a", "c1", done: true, "started session s-1", "s-1");
        Assert.Equal(CommandAnswerOutcome.Recorded, outcome);
        Assert.Equal((DeviceCommandStates.Done, "started session s-1", "s-1"), (answered!.State, answered.ResultMessage, answered.SessionId));
        Assert.Empty(await store.TakeCommandsAsync("dev-a", Now.AddMinutes(-3)));

        var (again, kept) = await store.AnswerCommandAsync("dev-a", "c1", done: false, "refused later", null);
        Assert.Equal(CommandAnswerOutcome.AlreadyAnswered, again);
        Assert.Equal((DeviceCommandStates.Done, "started session s-1"), (kept!.State, kept.ResultMessage));
    }

    [StoreFact]
    public async Task A_device_never_sees_nor_answers_another_devices_command()
    {
        var store = await NewStoreAsync();
        await store.IssueCommandAsync(Start("c-b", "dev-b", Now));
        Assert.Empty(await store.TakeCommandsAsync("dev-a", Now.AddMinutes(-3)));
        Assert.Equal(CommandAnswerOutcome.Unknown, (await store.AnswerCommandAsync("dev-a", "c-b", true, "hijacked", null)).Outcome);
        Assert.Empty(await store.ListCommandsAsync("dev-a", Now.AddMinutes(-3)));
        var theirs = Assert.Single(await store.ListCommandsAsync("dev-b", Now.AddMinutes(-3)));
        Assert.Equal(DeviceCommandStates.Pending, theirs.State); // untouched by dev-a's attempts
    }

    [StoreFact]
    public async Task A_command_not_answered_in_time_expires_is_never_handed_out_but_a_late_answer_is_kept()
    {
        var store = await NewStoreAsync();
        await store.IssueCommandAsync(Start("old", "dev-a", Now.AddMinutes(-10)));
        await store.IssueCommandAsync(new NewDeviceCommand("new", "dev-a", DeviceCommandKinds.ReferenceCheck, null, null, null, "dr.who", Now));

        var handed = Assert.Single(await store.TakeCommandsAsync("dev-a", Now.AddMinutes(-3)));
        Assert.Equal("new", handed.CommandId);
        var listed = await store.ListCommandsAsync("dev-a", Now.AddMinutes(-3));
        Assert.Equal(["new", "old"], listed.Select(c => c.CommandId)); // newest first
        Assert.Equal(DeviceCommandStates.Expired, listed[1].State);
        Assert.Null(listed[1].DeliveredUtc);

        // The device did act (the answer was held up by an outage): its answer replaces "expired".
        var (outcome, late) = await store.AnswerCommandAsync("dev-a", "old", done: false, "a session is already running", null);
        Assert.Equal((CommandAnswerOutcome.Recorded, DeviceCommandStates.Refused), (outcome, late!.State));
    }
}

public sealed class SqliteDeviceCommandStoreTests : DeviceCommandStoreContract, IDisposable
{
    private readonly SqliteStoreFolder sqlite = new("thermohand-cmdstore-");

    protected override Task<SqlClinicStore> NewStoreAsync() => sqlite.NewStoreAsync(TimeProvider.System);

    public void Dispose() => sqlite.Dispose();
}

[Collection(PostgresCollection.Name)]
public sealed class PostgresDeviceCommandStoreTests(PostgresServer server) : DeviceCommandStoreContract, INeedsPostgres
{
    protected override Task<SqlClinicStore> NewStoreAsync() => server.NewStoreAsync(TimeProvider.System);
}
