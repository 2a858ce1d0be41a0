using System.Data.Common;
using ThermoHand.Dashboard.Security;

namespace ThermoHand.Dashboard.Storage;

// Account and device credential management (migration 7). Same SQL for both databases.
public abstract partial class SqlClinicStore : IAccountStore
{
    /// <summary>
    /// Migration 7 (ClinicSchema): columns on the existing tables, so every user and device created before keeps working
    /// (enabled, not revoked, empty stamp — a cookie without a stamp claim matches the empty stamp until the first change).
    /// </summary>
    internal static readonly string[] AccountsMigration =
    [
        "ALTER TABLE users ADD COLUMN disabled_ms {INT} NULL",
        "ALTER TABLE users ADD COLUMN security_stamp TEXT NOT NULL DEFAULT ''",
        "ALTER TABLE devices ADD COLUMN revoked_ms {INT} NULL",
        "ALTER TABLE devices ADD COLUMN revoked_reason TEXT NULL",
        "ALTER TABLE devices ADD COLUMN secret_rotated_ms {INT} NULL",
    ];

    private const string StaffAccountSql = "SELECT user_name, role, disabled_ms, security_stamp, locked_until_ms, created_ms FROM users";

    private const string DeviceCredentialSql = "SELECT device_id, secret_hash, revoked_ms, revoked_reason, secret_rotated_ms FROM devices";

    public async Task<StaffAccount?> FindStaffAccountAsync(string userName, CancellationToken cancellationToken = default) =>
        (await QueryAsync(StaffAccountSql + " WHERE user_name = @n", ReadStaffAccount, cancellationToken, ("n", userName))).FirstOrDefault();

    public Task<IReadOnlyList<StaffAccount>> ListStaffAccountsAsync(CancellationToken cancellationToken = default) =>
        QueryAsync(StaffAccountSql + " ORDER BY user_name", ReadStaffAccount, cancellationToken);

    public async Task<AccountUpdateOutcome> SetPasswordHashAsync(string userName, string passwordHash, string securityStamp, CancellationToken cancellationToken = default)
    {
        await using var connection = await OpenAsync(cancellationToken);
        var changed = await ExecuteAsync(connection, null,
            "UPDATE users SET password_hash = @h, security_stamp = @st, failed_login_count = 0, locked_until_ms = NULL WHERE user_name = @n",
            cancellationToken, ("h", passwordHash), ("st", securityStamp), ("n", userName));
        return changed == 0 ? AccountUpdateOutcome.UnknownUser : AccountUpdateOutcome.Updated;
    }

    public Task<AccountUpdateOutcome> SetDisabledAsync(string userName, DateTimeOffset? disabledUtc, string securityStamp, CancellationToken cancellationToken = default) =>
        ChangeGuardedAsync(userName, removesAdministrator: disabledUtc is not null,
            "UPDATE users SET disabled_ms = @d, security_stamp = @st WHERE user_name = @n",
            cancellationToken, ("d", disabledUtc?.ToUnixTimeMilliseconds()), ("st", securityStamp), ("n", userName));

    public Task<AccountUpdateOutcome> SetRoleAsync(string userName, string role, string securityStamp, CancellationToken cancellationToken = default) =>
        ChangeGuardedAsync(userName, removesAdministrator: role != ClinicRoles.Administrator,
            "UPDATE users SET role = @r, security_stamp = @st WHERE user_name = @n",
            cancellationToken, ("r", role), ("st", securityStamp), ("n", userName));

    /// <summary>
    /// Runs <paramref name="update"/> unless it would take away the last enabled administrator. The first statement
    /// writes every administrator row (a no-op value), which takes SQLite's write lock or PostgreSQL's row locks before
    /// the count is read: two administrators disabling each other at the same moment cannot both pass the check.
    /// </summary>
    private async Task<AccountUpdateOutcome> ChangeGuardedAsync(
        string userName, bool removesAdministrator, string update, CancellationToken cancellationToken, params (string, object?)[] parameters)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await ExecuteAsync(connection, transaction, "UPDATE users SET security_stamp = security_stamp WHERE role = @admin",
            cancellationToken, ("admin", ClinicRoles.Administrator));
        var target = await ReadTargetAsync(connection, transaction, userName, cancellationToken);
        if (target is null)
        {
            await transaction.RollbackAsync(cancellationToken);
            return AccountUpdateOutcome.UnknownUser;
        }

        if (removesAdministrator && target.Value.Role == ClinicRoles.Administrator && !target.Value.Disabled)
        {
            var others = Convert.ToInt64(await ScalarAsync(connection, transaction,
                "SELECT COUNT(*) FROM users WHERE role = @admin AND disabled_ms IS NULL AND user_name <> @n",
                cancellationToken, ("admin", ClinicRoles.Administrator), ("n", userName)));
            if (others == 0)
            {
                await transaction.RollbackAsync(cancellationToken);
                return AccountUpdateOutcome.LastAdministrator;
            }
        }

        await ExecuteAsync(connection, transaction, update, cancellationToken, parameters);
        await transaction.CommitAsync(cancellationToken);
        return AccountUpdateOutcome.Updated;
    }

    private static async Task<(string Role, bool Disabled)?> ReadTargetAsync(DbConnection connection, DbTransaction transaction, string userName, CancellationToken cancellationToken)
    {
        await using var command = Command(connection, transaction, "SELECT role, disabled_ms FROM users WHERE user_name = @n", [("n", userName)]);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? (reader.GetString(0), !reader.IsDBNull(1)) : null;
    }

    public async Task<DeviceCredentialState?> FindDeviceCredentialAsync(string deviceId, CancellationToken cancellationToken = default) =>
        (await QueryAsync(DeviceCredentialSql + " WHERE device_id = @d", ReadDeviceCredential, cancellationToken, ("d", deviceId))).FirstOrDefault();

    public Task<IReadOnlyList<DeviceCredentialState>> ListDeviceCredentialsAsync(CancellationToken cancellationToken = default) =>
        QueryAsync(DeviceCredentialSql + " ORDER BY device_id", ReadDeviceCredential, cancellationToken);

    public async Task<DeviceUpdateOutcome> RevokeDeviceAsync(string deviceId, DateTimeOffset revokedUtc, string reason, CancellationToken cancellationToken = default)
    {
        await using var connection = await OpenAsync(cancellationToken);
        var changed = await ExecuteAsync(connection, null,
            "UPDATE devices SET revoked_ms = @at, revoked_reason = @why WHERE device_id = @d AND revoked_ms IS NULL",
            cancellationToken, ("at", revokedUtc.ToUnixTimeMilliseconds()), ("why", reason), ("d", deviceId));
        if (changed > 0)
        {
            return DeviceUpdateOutcome.Updated;
        }

        return await ScalarAsync(connection, null, "SELECT device_id FROM devices WHERE device_id = @d", cancellationToken, ("d", deviceId)) is null
            ? DeviceUpdateOutcome.UnknownDevice
            : DeviceUpdateOutcome.AlreadyRevoked;
    }

    public async Task<DeviceUpdateOutcome> ReplaceDeviceSecretAsync(string deviceId, string secretHash, DateTimeOffset rotatedUtc, CancellationToken cancellationToken = default)
    {
        await using var connection = await OpenAsync(cancellationToken);
        var changed = await ExecuteAsync(connection, null,
            "UPDATE devices SET secret_hash = @h, secret_rotated_ms = @at, revoked_ms = NULL, revoked_reason = NULL WHERE device_id = @d",
            cancellationToken, ("h", secretHash), ("at", rotatedUtc.ToUnixTimeMilliseconds()), ("d", deviceId));
        return changed == 0 ? DeviceUpdateOutcome.UnknownDevice : DeviceUpdateOutcome.Updated;
    }

    private static StaffAccount ReadStaffAccount(DbDataReader r) =>
        new(r.GetString(0), r.GetString(1), Time(r, 2), r.GetString(3), Time(r, 4), Time(r, 5)!.Value);

    private static DeviceCredentialState ReadDeviceCredential(DbDataReader r) =>
        new(r.GetString(0), r.GetString(1), Time(r, 2), Text(r, 3), Time(r, 4));
}
