using Microsoft.Extensions.Time.Testing;
using ThermoHand.Dashboard.Security;
using ThermoHand.Dashboard.Storage;
using ThermoHand.Dashboard.Tests.Support;

namespace ThermoHand.Dashboard.Tests.Storage;

/// <summary>
/// Account and device credential state (migration 7) on SQLite and on a real PostgreSQL server: disable / enable,
/// roles, password hashes with their security stamps, the last-administrator guard, revoking and rotating devices.
/// </summary>
public abstract class AccountStoreContract
{
    protected static readonly FakeTimeProvider Clock = new(new DateTimeOffset(2026, 3, 2, 9, 30, 0, TimeSpan.Zero));

    protected abstract Task<SqlClinicStore> NewStoreAsync();

    private async Task<SqlClinicStore> StoreWithStaffAsync()
    {
        var store = await NewStoreAsync();
        await store.CreateUserAsync("boss", "hash-boss", ClinicRoles.Administrator);
        await store.CreateUserAsync("ana", "hash-ana", ClinicRoles.Clinician);
        return store;
    }

    [StoreFact]
    public async Task Existing_users_start_enabled_with_an_empty_stamp_and_a_disable_round_trips()
    {
        var store = await StoreWithStaffAsync();
        var ana = await store.FindStaffAccountAsync("ana");
        Assert.NotNull(ana);
        Assert.Equal((ClinicRoles.Clinician, false, ""), (ana.Role, ana.IsDisabled, ana.SecurityStamp));
        Assert.Null(await store.FindStaffAccountAsync("nobody"));

        var at = Clock.GetUtcNow();
        Assert.Equal(AccountUpdateOutcome.Updated, await store.SetDisabledAsync("ana", at, "stamp-1"));
        ana = (await store.FindStaffAccountAsync("ana"))!;
        Assert.Equal((at, "stamp-1"), (ana.DisabledUtc, ana.SecurityStamp));
        Assert.Equal(["ana", "boss"], (await store.ListStaffAccountsAsync()).Select(a => a.UserName));

        Assert.Equal(AccountUpdateOutcome.Updated, await store.SetDisabledAsync("ana", null, "stamp-2"));
        ana = (await store.FindStaffAccountAsync("ana"))!;
        Assert.Equal((false, "stamp-2"), (ana.IsDisabled, ana.SecurityStamp));
        Assert.Equal(AccountUpdateOutcome.UnknownUser, await store.SetDisabledAsync("nobody", at, "stamp-3"));
    }

    [StoreFact]
    public async Task The_last_enabled_administrator_can_be_neither_disabled_nor_demoted()
    {
        var store = await StoreWithStaffAsync();
        Assert.Equal(AccountUpdateOutcome.LastAdministrator, await store.SetDisabledAsync("boss", Clock.GetUtcNow(), "s1"));
        Assert.Equal(AccountUpdateOutcome.LastAdministrator, await store.SetRoleAsync("boss", ClinicRoles.Clinician, "s2"));
        var boss = (await store.FindStaffAccountAsync("boss"))!;
        Assert.Equal((ClinicRoles.Administrator, false, ""), (boss.Role, boss.IsDisabled, boss.SecurityStamp)); // nothing changed

        // A second administrator, but disabled, does not count; enabled, it does.
        await store.CreateUserAsync("deputy", "hash-deputy", ClinicRoles.Administrator);
        Assert.Equal(AccountUpdateOutcome.Updated, await store.SetDisabledAsync("deputy", Clock.GetUtcNow(), "s3"));
        Assert.Equal(AccountUpdateOutcome.LastAdministrator, await store.SetRoleAsync("boss", ClinicRoles.Technician, "s4"));
        Assert.Equal(AccountUpdateOutcome.Updated, await store.SetDisabledAsync("deputy", null, "s5"));
        Assert.Equal(AccountUpdateOutcome.Updated, await store.SetRoleAsync("boss", ClinicRoles.Technician, "s6"));
        Assert.Equal((ClinicRoles.Technician, "s6"), ((await store.FindStaffAccountAsync("boss"))!.Role, (await store.FindStaffAccountAsync("boss"))!.SecurityStamp));

        // Other roles change freely, and the guard only concerns removing an administrator.
        Assert.Equal(AccountUpdateOutcome.Updated, await store.SetRoleAsync("ana", ClinicRoles.Researcher, "s7"));
        Assert.Equal(AccountUpdateOutcome.Updated, await store.SetRoleAsync("ana", ClinicRoles.Administrator, "s8"));
        Assert.Equal(AccountUpdateOutcome.UnknownUser, await store.SetRoleAsync("nobody", ClinicRoles.Researcher, "s9"));
    }

    [StoreFact]
    public async Task Two_administrators_disabling_each_other_at_once_leave_one_enabled()
    {
        var store = await StoreWithStaffAsync();
        await store.CreateUserAsync("deputy", "hash-deputy", ClinicRoles.Administrator);
        var outcomes = await Task.WhenAll(
            Task.Run(() => store.SetDisabledAsync("boss", Clock.GetUtcNow(), "a")),
            Task.Run(() => store.SetDisabledAsync("deputy", Clock.GetUtcNow(), "b")));
        Assert.Equal([AccountUpdateOutcome.Updated, AccountUpdateOutcome.LastAdministrator], outcomes.Order());
        Assert.Single(await store.ListStaffAccountsAsync(), a => a.Role == ClinicRoles.Administrator && !a.IsDisabled);
    }

    [StoreFact]
    public async Task A_new_password_hash_replaces_the_stamp_and_ends_a_lock_out()
    {
        var store = await StoreWithStaffAsync();
        await store.SetLoginStateAsync("ana", 0, Clock.GetUtcNow().AddMinutes(15));
        Assert.Equal(AccountUpdateOutcome.Updated, await store.SetPasswordHashAsync("ana", "hash-new", "stamp-new"));
        var user = (await store.FindUserAsync("ana"))!;
        Assert.Equal(("hash-new", 0, (DateTimeOffset?)null), (user.PasswordHash, user.FailedLoginCount, user.LockedUntilUtc));
        Assert.Equal("stamp-new", (await store.FindStaffAccountAsync("ana"))!.SecurityStamp);
        Assert.Equal(AccountUpdateOutcome.UnknownUser, await store.SetPasswordHashAsync("nobody", "h", "s"));
    }

    [StoreFact]
    public async Task A_revoked_device_keeps_its_first_revocation_and_a_rotation_replaces_the_hash_and_lifts_it()
    {
        var store = await NewStoreAsync();
        await store.CreateDeviceAsync("dev-1", "Room 1", "hash-old");
        var credential = (await store.FindDeviceCredentialAsync("dev-1"))!;
        Assert.Equal(("hash-old", false, (DateTimeOffset?)null), (credential.SecretHash, credential.IsRevoked, credential.SecretRotatedUtc));

        var revokedAt = Clock.GetUtcNow();
        Assert.Equal(DeviceUpdateOutcome.Updated, await store.RevokeDeviceAsync("dev-1", revokedAt, "stolen"));
        Assert.Equal(DeviceUpdateOutcome.AlreadyRevoked, await store.RevokeDeviceAsync("dev-1", revokedAt.AddHours(1), "lost"));
        Assert.Equal(DeviceUpdateOutcome.UnknownDevice, await store.RevokeDeviceAsync("dev-2", revokedAt, "lost"));
        credential = (await store.FindDeviceCredentialAsync("dev-1"))!;
        Assert.Equal((revokedAt, "stolen"), (credential.RevokedUtc, credential.RevokedReason));
        Assert.NotNull(await store.FindDeviceAsync("dev-1")); // the device and its data stay

        var rotatedAt = revokedAt.AddDays(1);
        Assert.Equal(DeviceUpdateOutcome.Updated, await store.ReplaceDeviceSecretAsync("dev-1", "hash-new", rotatedAt));
        Assert.Equal(DeviceUpdateOutcome.UnknownDevice, await store.ReplaceDeviceSecretAsync("dev-2", "hash-new", rotatedAt));
        credential = Assert.Single(await store.ListDeviceCredentialsAsync());
        Assert.Equal(("hash-new", false, (string?)null, (DateTimeOffset?)rotatedAt), (credential.SecretHash, credential.IsRevoked, credential.RevokedReason, credential.SecretRotatedUtc));
        Assert.Equal("hash-new", (await store.FindDeviceAsync("dev-1"))!.SecretHash);
    }
}

public sealed class SqliteAccountStoreTests : AccountStoreContract, IDisposable
{
    private readonly SqliteStoreFolder sqlite = new("thermohand-accounts-");

    protected override Task<SqlClinicStore> NewStoreAsync() => sqlite.NewStoreAsync(Clock);

    public void Dispose() => sqlite.Dispose();
}

[Collection(PostgresCollection.Name)]
public sealed class PostgresAccountStoreTests(PostgresServer server) : AccountStoreContract, INeedsPostgres
{
    protected override Task<SqlClinicStore> NewStoreAsync() => server.NewStoreAsync(Clock);
}
