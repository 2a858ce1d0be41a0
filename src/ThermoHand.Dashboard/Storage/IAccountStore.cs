namespace ThermoHand.Dashboard.Storage;

/// <summary>
/// Changing and withdrawing staff accounts and device credentials (docs/dashboard.md, "Account and device credential
/// management"): disable / re-enable a user, change a role, set a new password hash, the security stamp that signs out
/// a user's existing cookies, and revoking or rotating a device's secret. Implemented by <see cref="SqlClinicStore"/>
/// (SqlClinicStore.Accounts.cs, migration 7) for SQLite and PostgreSQL alike. Every change that could leave the clinic
/// without an enabled administrator is refused inside the same transaction that would make it.
/// </summary>
public interface IAccountStore
{
    /// <summary>A user's account state (role, disabled, security stamp); null for an unknown user name.</summary>
    Task<StaffAccount?> FindStaffAccountAsync(string userName, CancellationToken cancellationToken = default);

    /// <summary>Every user's account state, by user name.</summary>
    Task<IReadOnlyList<StaffAccount>> ListStaffAccountsAsync(CancellationToken cancellationToken = default);

    /// <summary>Stores a new password hash and security stamp and clears a lock-out (a new password ends the guessing).</summary>
    Task<AccountUpdateOutcome> SetPasswordHashAsync(string userName, string passwordHash, string securityStamp, CancellationToken cancellationToken = default);

    /// <summary>
    /// Disables the account (<paramref name="disabledUtc"/> set) or re-enables it (null) and stores the new security
    /// stamp. Disabling the last enabled administrator is refused (<see cref="AccountUpdateOutcome.LastAdministrator"/>).
    /// </summary>
    Task<AccountUpdateOutcome> SetDisabledAsync(string userName, DateTimeOffset? disabledUtc, string securityStamp, CancellationToken cancellationToken = default);

    /// <summary>Changes the role and the security stamp. Demoting the last enabled administrator is refused.</summary>
    Task<AccountUpdateOutcome> SetRoleAsync(string userName, string role, string securityStamp, CancellationToken cancellationToken = default);

    /// <summary>A device's credential state (secret hash, revocation); null for an unregistered device.</summary>
    Task<DeviceCredentialState?> FindDeviceCredentialAsync(string deviceId, CancellationToken cancellationToken = default);

    /// <summary>Every device's credential state, by device id.</summary>
    Task<IReadOnlyList<DeviceCredentialState>> ListDeviceCredentialsAsync(CancellationToken cancellationToken = default);

    /// <summary>Withdraws the device's credential; its stored data stays. A device already revoked keeps its first revocation.</summary>
    Task<DeviceUpdateOutcome> RevokeDeviceAsync(string deviceId, DateTimeOffset revokedUtc, string reason, CancellationToken cancellationToken = default);

    /// <summary>Replaces the device's secret hash (the old secret stops working at once) and lifts any revocation.</summary>
    Task<DeviceUpdateOutcome> ReplaceDeviceSecretAsync(string deviceId, string secretHash, DateTimeOffset rotatedUtc, CancellationToken cancellationToken = default);
}

/// <summary>What happened to an account change.</summary>
public enum AccountUpdateOutcome
{
    Updated,

    /// <summary>No user has that name; nothing changed.</summary>
    UnknownUser,

    /// <summary>The change would leave no enabled administrator; nothing changed.</summary>
    LastAdministrator,
}

/// <summary>What happened to a device credential change.</summary>
public enum DeviceUpdateOutcome
{
    Updated,

    /// <summary>No device has that id; nothing changed.</summary>
    UnknownDevice,

    /// <summary>The device was revoked before; the first revocation (time and reason) stays.</summary>
    AlreadyRevoked,
}

/// <summary>
/// A user's account state. <see cref="SecurityStamp"/> changes whenever the password, the role or the disabled state
/// changes; a login cookie carries the stamp it was issued with and is refused once they differ.
/// </summary>
public sealed record StaffAccount(
    string UserName, string Role, DateTimeOffset? DisabledUtc, string SecurityStamp, DateTimeOffset? LockedUntilUtc, DateTimeOffset CreatedUtc)
{
    public bool IsDisabled => DisabledUtc is not null;
}

/// <summary>A device's credential: the SHA-256 of its secret, and whether and why it was revoked.</summary>
public sealed record DeviceCredentialState(
    string DeviceId, string SecretHash, DateTimeOffset? RevokedUtc, string? RevokedReason, DateTimeOffset? SecretRotatedUtc)
{
    public bool IsRevoked => RevokedUtc is not null;
}
