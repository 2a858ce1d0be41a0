namespace ThermoHand.Dashboard.Storage;

/// <summary>
/// Clinician commands to devices (start a test, abort it, run the reference check) and the devices' answers.
/// A command goes pending → delivered (handed to its device) → done / refused (the device's answer), or expired when
/// its device has not answered within the expiry window; a late answer still replaces "expired", because the device
/// did act. Implemented by <see cref="SqlClinicStore"/> (SqlClinicStore.Commands.cs) for SQLite and PostgreSQL.
/// </summary>
public interface IDeviceCommandStore
{
    /// <summary>Stores a new pending command.</summary>
    Task<StoredDeviceCommand> IssueCommandAsync(NewDeviceCommand command, CancellationToken cancellationToken = default);

    /// <summary>
    /// The device's commands still waiting for its answer, oldest first, marked delivered. Commands issued before
    /// <paramref name="expireIssuedBefore"/> are marked expired first and never handed out. Only this device's commands.
    /// </summary>
    Task<IReadOnlyList<StoredDeviceCommand>> TakeCommandsAsync(string deviceId, DateTimeOffset expireIssuedBefore, CancellationToken cancellationToken = default);

    /// <summary>The device's newest commands first (after expiring the stale ones), at most <paramref name="limit"/>.</summary>
    Task<IReadOnlyList<StoredDeviceCommand>> ListCommandsAsync(string deviceId, DateTimeOffset expireIssuedBefore, int limit = 10, CancellationToken cancellationToken = default);

    /// <summary>
    /// Records the device's answer to one of its own commands. The first answer stays: answering again changes nothing.
    /// A command of another device is <see cref="CommandAnswerOutcome.Unknown"/>, exactly like one that does not exist.
    /// </summary>
    Task<(CommandAnswerOutcome Outcome, StoredDeviceCommand? Command)> AnswerCommandAsync(
        string deviceId, string commandId, bool done, string message, string? sessionId, CancellationToken cancellationToken = default);
}

/// <summary>The states of a command, as stored and shown.</summary>
public static class DeviceCommandStates
{
    public const string Pending = "pending", Delivered = "delivered", Done = "done", Refused = "refused", Expired = "expired";

    public static bool IsWaiting(string state) => state is Pending or Delivered;
}

/// <summary>A command a clinician issues. Parameters a kind does not use are null.</summary>
public sealed record NewDeviceCommand(
    string CommandId, string DeviceId, string Kind, string? PatientReference, string? Preset, string? Hands, string IssuedBy, DateTimeOffset IssuedUtc);

/// <summary>A stored command with where it stands.</summary>
public sealed record StoredDeviceCommand(
    string CommandId,
    string DeviceId,
    string Kind,
    string? PatientReference,
    string? Preset,
    string? Hands,
    string IssuedBy,
    DateTimeOffset IssuedUtc,
    string State,
    DateTimeOffset? DeliveredUtc,
    DateTimeOffset? AnsweredUtc,
    string? ResultMessage,
    string? SessionId);

/// <summary>What happened to a device's answer.</summary>
public enum CommandAnswerOutcome
{
    Recorded,

    /// <summary>The command had been answered before; the first answer stays.</summary>
    AlreadyAnswered,

    /// <summary>No such command for this device.</summary>
    Unknown,
}
