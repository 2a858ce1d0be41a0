using System.Data.Common;

namespace ThermoHand.Dashboard.Storage;

/// <summary>
/// Clinician commands to devices (schema version 5, table <c>device_commands</c>). Every query names the device, so a
/// device can never read or answer another device's command.
/// </summary>
public abstract partial class SqlClinicStore : IDeviceCommandStore
{
    /// <summary>Schema version 6: one row per command; the id is random, so a rebuilt database never reuses one a device remembers.</summary>
    internal static readonly string[] DeviceCommandsMigration =
    [
        """
        CREATE TABLE device_commands (
          command_id TEXT PRIMARY KEY,
          device_id TEXT NOT NULL,
          kind TEXT NOT NULL,
          patient_ref TEXT NULL,
          preset TEXT NULL,
          hands TEXT NULL,
          issued_by TEXT NOT NULL,
          issued_ms {INT} NOT NULL,
          state TEXT NOT NULL,
          delivered_ms {INT} NULL,
          answered_ms {INT} NULL,
          result_message TEXT NULL,
          session_id TEXT NULL)
        """,
        "CREATE INDEX ix_device_commands_device ON device_commands (device_id, state, issued_ms)",
    ];

    private const string CommandColumns =
        "SELECT command_id, device_id, kind, patient_ref, preset, hands, issued_by, issued_ms, state, delivered_ms, answered_ms, result_message, session_id FROM device_commands";

    public async Task<StoredDeviceCommand> IssueCommandAsync(NewDeviceCommand command, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(command);
        await using var connection = await OpenAsync(cancellationToken);
        await ExecuteAsync(connection, null,
            "INSERT INTO device_commands (command_id, device_id, kind, patient_ref, preset, hands, issued_by, issued_ms, state) " +
            "VALUES (@id, @d, @k, @p, @preset, @h, @by, @at, @s)",
            cancellationToken, ("id", command.CommandId), ("d", command.DeviceId), ("k", command.Kind), ("p", command.PatientReference),
            ("preset", command.Preset), ("h", command.Hands), ("by", command.IssuedBy), ("at", command.IssuedUtc.ToUnixTimeMilliseconds()),
            ("s", DeviceCommandStates.Pending));
        return (await QueryAsync(CommandColumns + " WHERE command_id = @id", ReadCommand, cancellationToken, ("id", command.CommandId)))[0];
    }

    public async Task<IReadOnlyList<StoredDeviceCommand>> TakeCommandsAsync(string deviceId, DateTimeOffset expireIssuedBefore, CancellationToken cancellationToken = default)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await ExpireAsync(connection, transaction, deviceId, expireIssuedBefore, cancellationToken);
        // Delivered commands are handed out again until answered: an answer lost on the way must not lose the command
        // (the device remembers what it has carried out and answers again instead of repeating it).
        await ExecuteAsync(connection, transaction,
            "UPDATE device_commands SET state = @delivered, delivered_ms = @now WHERE device_id = @d AND state = @pending",
            cancellationToken, ("delivered", DeviceCommandStates.Delivered), ("now", NowMs()), ("d", deviceId), ("pending", DeviceCommandStates.Pending));
        var list = new List<StoredDeviceCommand>();
        await using (var command = Command(connection, transaction, CommandColumns + " WHERE device_id = @d AND state = @delivered ORDER BY issued_ms, command_id",
                         [("d", deviceId), ("delivered", DeviceCommandStates.Delivered)]))
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                list.Add(ReadCommand(reader));
            }
        }

        await transaction.CommitAsync(cancellationToken);
        return list;
    }

    public async Task<IReadOnlyList<StoredDeviceCommand>> ListCommandsAsync(string deviceId, DateTimeOffset expireIssuedBefore, int limit = 10, CancellationToken cancellationToken = default)
    {
        await using (var connection = await OpenAsync(cancellationToken))
        {
            await ExpireAsync(connection, null, deviceId, expireIssuedBefore, cancellationToken);
        }

        return await QueryAsync(CommandColumns + " WHERE device_id = @d ORDER BY issued_ms DESC, command_id LIMIT @n", ReadCommand, cancellationToken,
            ("d", deviceId), ("n", (long)Math.Clamp(limit, 1, 1000)));
    }

    public async Task<(CommandAnswerOutcome Outcome, StoredDeviceCommand? Command)> AnswerCommandAsync(
        string deviceId, string commandId, bool done, string message, string? sessionId, CancellationToken cancellationToken = default)
    {
        await using var connection = await OpenAsync(cancellationToken);
        // Only a command still waiting (or expired: the device did act, only late) takes an answer; the first answer stays.
        var changed = await ExecuteAsync(connection, null,
            "UPDATE device_commands SET state = @state, answered_ms = @now, result_message = @m, session_id = @sid " +
            "WHERE device_id = @d AND command_id = @id AND state IN (@pending, @delivered, @expired)",
            cancellationToken, ("state", done ? DeviceCommandStates.Done : DeviceCommandStates.Refused), ("now", NowMs()), ("m", message),
            ("sid", sessionId), ("d", deviceId), ("id", commandId), ("pending", DeviceCommandStates.Pending),
            ("delivered", DeviceCommandStates.Delivered), ("expired", DeviceCommandStates.Expired));
        var stored = (await QueryAsync(CommandColumns + " WHERE device_id = @d AND command_id = @id", ReadCommand, cancellationToken,
            ("d", deviceId), ("id", commandId))).FirstOrDefault();
        return stored is null ? (CommandAnswerOutcome.Unknown, null)
            : (changed == 1 ? CommandAnswerOutcome.Recorded : CommandAnswerOutcome.AlreadyAnswered, stored);
    }

    private static Task<int> ExpireAsync(DbConnection connection, DbTransaction? transaction, string deviceId, DateTimeOffset issuedBefore, CancellationToken cancellationToken) =>
        ExecuteAsync(connection, transaction,
            "UPDATE device_commands SET state = @expired WHERE device_id = @d AND state IN (@pending, @delivered) AND issued_ms < @cutoff",
            cancellationToken, ("expired", DeviceCommandStates.Expired), ("d", deviceId), ("pending", DeviceCommandStates.Pending),
            ("delivered", DeviceCommandStates.Delivered), ("cutoff", issuedBefore.ToUnixTimeMilliseconds()));

    private static StoredDeviceCommand ReadCommand(DbDataReader r) => new(
        r.GetString(0), r.GetString(1), r.GetString(2), Text(r, 3), Text(r, 4), Text(r, 5), r.GetString(6), Time(r, 7)!.Value,
        r.GetString(8), Time(r, 9), Time(r, 10), Text(r, 11), Text(r, 12));
}
