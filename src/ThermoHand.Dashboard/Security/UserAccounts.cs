using System.Security.Claims;
using System.Security.Cryptography;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;
using ThermoHand.Dashboard.Configuration;
using ThermoHand.Dashboard.Storage;

namespace ThermoHand.Dashboard.Security;

/// <summary>
/// The outcome of a login attempt. <see cref="LockedUntilUtc"/> is set when the account is locked; <see cref="Disabled"/>
/// when the password was right but an administrator has disabled the account (told only after a right password, so the
/// message reveals nothing to someone guessing). <see cref="SecurityStamp"/> goes into the login cookie.
/// </summary>
public sealed record LoginResult(UserRecord? User, bool LockedOut, DateTimeOffset? LockedUntilUtc, bool Disabled = false, string SecurityStamp = "")
{
    public bool Succeeded => User is not null;
}

/// <summary>
/// Creates users, checks passwords and lets a user change their own: PBKDF2 hashes (ASP.NET Core Identity's
/// PasswordHasher), a lock-out after <see cref="LoginOptions.MaxFailedAttempts"/> wrong passwords in a row for
/// <see cref="LoginOptions.LockoutMinutes"/>, and a security stamp in the login cookie that is replaced whenever the
/// password, role or disabled state changes (<see cref="SignedInSessionCheck"/> then refuses the older cookies).
/// </summary>
public sealed class UserAccounts(IClinicStore store, IAccountStore accountStore, IOptions<DashboardOptions> options, TimeProvider clock)
{
    public const int MinimumPasswordLength = 12;

    /// <summary>The login cookie's claim holding the account's security stamp when the cookie was issued.</summary>
    public const string SecurityStampClaim = "thermohand:security_stamp";

    private static readonly PasswordHasher<UserRecord> Hasher = new();

    // Checked against when the user name is unknown, so a wrong name costs the same time as a wrong password
    // (the response time does not tell an attacker which user names exist).
    private static readonly string DummyHash = Hasher.HashPassword(null!, "not-a-real-password-" + Guid.NewGuid());

    /// <summary>Creates a user; a null password means "generate one", which is returned so it can be shown once.</summary>
    public async Task<(UserRecord User, string Password)> CreateAsync(string userName, string role, string? password, CancellationToken cancellationToken = default)
    {
        userName = userName?.Trim() ?? "";
        if (userName.Length is < 2 or > 64 || userName.Any(char.IsWhiteSpace))
        {
            throw new ArgumentException("a user name has 2 to 64 characters and no spaces", nameof(userName));
        }

        if (!ClinicRoles.IsKnown(role))
        {
            throw new ArgumentException($"role '{role}' is not one of {string.Join(", ", ClinicRoles.All)}", nameof(role));
        }

        if (await store.FindUserAsync(userName, cancellationToken) is not null)
        {
            throw new ArgumentException($"user '{userName}' already exists", nameof(userName));
        }

        password = string.IsNullOrEmpty(password) ? GeneratePassword() : password;
        CheckPasswordRules(password, nameof(password));
        var user = await store.CreateUserAsync(userName, Hasher.HashPassword(null!, password), role, cancellationToken);
        return (user, password);
    }

    public async Task<LoginResult> VerifyAsync(string userName, string password, CancellationToken cancellationToken = default)
    {
        var settings = options.Value.Login;
        var now = clock.GetUtcNow();
        var user = await store.FindUserAsync(userName?.Trim() ?? "", cancellationToken);
        if (user is null)
        {
            Hasher.VerifyHashedPassword(null!, DummyHash, password ?? "");
            return new LoginResult(null, false, null);
        }

        if (user.LockedUntilUtc is { } lockedUntil && lockedUntil > now)
        {
            // A locked account is not even checked: guessing on stays useless until the lock ends.
            return new LoginResult(null, true, lockedUntil);
        }

        var verdict = Hasher.VerifyHashedPassword(user, user.PasswordHash, password ?? "");
        if (verdict == PasswordVerificationResult.Failed)
        {
            // After a lock expired the count starts again from zero.
            var failures = (user.LockedUntilUtc is not null ? 0 : user.FailedLoginCount) + 1;
            DateTimeOffset? lockUntil = failures >= settings.MaxFailedAttempts ? now.AddMinutes(settings.LockoutMinutes) : null;
            await store.SetLoginStateAsync(user.UserName, lockUntil is null ? failures : 0, lockUntil, cancellationToken);
            return new LoginResult(null, lockUntil is not null, lockUntil);
        }

        if (user.FailedLoginCount != 0 || user.LockedUntilUtc is not null)
        {
            await store.SetLoginStateAsync(user.UserName, 0, null, cancellationToken);
        }

        var account = await accountStore.FindStaffAccountAsync(user.UserName, cancellationToken);
        if (account is null || account.IsDisabled)
        {
            return new LoginResult(null, false, null, Disabled: true);
        }

        return new LoginResult(user, false, null, SecurityStamp: account.SecurityStamp);
    }

    /// <summary>
    /// Changes the signed-in user's own password after checking the current one (same rules as at creation; the new one
    /// must differ). Returns the account with its new security stamp: every other cookie of this user stops working, and
    /// the caller signs the current browser in again with the new stamp. Throws <see cref="ArgumentException"/> (with the
    /// field's name) when refused; nothing is stored then.
    /// </summary>
    public async Task<StaffAccount> ChangeOwnPasswordAsync(string userName, string currentPassword, string newPassword, CancellationToken cancellationToken = default)
    {
        var user = await store.FindUserAsync(userName, cancellationToken)
            ?? throw new ArgumentException($"user '{userName}' does not exist", nameof(userName));
        if (Hasher.VerifyHashedPassword(user, user.PasswordHash, currentPassword ?? "") == PasswordVerificationResult.Failed)
        {
            throw new ArgumentException("the current password is wrong; the password was not changed", nameof(currentPassword));
        }

        CheckPasswordRules(newPassword, nameof(newPassword));
        if (newPassword == currentPassword)
        {
            throw new ArgumentException("the new password must differ from the current one", nameof(newPassword));
        }

        await SetPasswordAsync(userName, newPassword, cancellationToken);
        return (await accountStore.FindStaffAccountAsync(userName, cancellationToken))!;
    }

    /// <summary>Stores a new password (hashed) with a new security stamp; false when the user does not exist.</summary>
    internal async Task<bool> SetPasswordAsync(string userName, string password, CancellationToken cancellationToken)
    {
        CheckPasswordRules(password, nameof(password));
        return await accountStore.SetPasswordHashAsync(userName, Hasher.HashPassword(null!, password), NewSecurityStamp(), cancellationToken)
            == AccountUpdateOutcome.Updated;
    }

    /// <summary>The rules every password meets, at creation, change and reset alike.</summary>
    public static void CheckPasswordRules(string? password, string parameterName)
    {
        if (string.IsNullOrEmpty(password) || password.Length < MinimumPasswordLength)
        {
            throw new ArgumentException($"a password has at least {MinimumPasswordLength} characters", parameterName);
        }
    }

    /// <summary>The login cookie's identity: name, role and the account's current security stamp.</summary>
    public static ClaimsPrincipal SignInPrincipal(string userName, string role, string securityStamp) =>
        new(new ClaimsIdentity(
            [new Claim(ClaimTypes.Name, userName), new Claim(ClaimTypes.Role, role), new Claim(SecurityStampClaim, securityStamp)],
            CookieAuthenticationDefaults.AuthenticationScheme));

    /// <summary>128 random bits: a new stamp cannot equal any earlier one.</summary>
    public static string NewSecurityStamp() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));

    /// <summary>18 random characters from an alphabet without look-alikes (no 0/O, 1/l/I): about 105 bits.</summary>
    public static string GeneratePassword()
    {
        const string Alphabet = "abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
        return RandomNumberGenerator.GetString(Alphabet, 18);
    }
}
