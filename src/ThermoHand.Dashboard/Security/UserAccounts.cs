using System.Security.Cryptography;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;
using ThermoHand.Dashboard.Configuration;
using ThermoHand.Dashboard.Storage;

namespace ThermoHand.Dashboard.Security;

/// <summary>The outcome of a login attempt. <see cref="LockedUntilUtc"/> is set when the account is locked.</summary>
public sealed record LoginResult(UserRecord? User, bool LockedOut, DateTimeOffset? LockedUntilUtc)
{
    public bool Succeeded => User is not null;
}

/// <summary>
/// Creates users and checks passwords: PBKDF2 hashes (ASP.NET Core Identity's PasswordHasher), and a lock-out after
/// <see cref="LoginOptions.MaxFailedAttempts"/> wrong passwords in a row for <see cref="LoginOptions.LockoutMinutes"/>.
/// </summary>
public sealed class UserAccounts(IClinicStore store, IOptions<DashboardOptions> options, TimeProvider clock)
{
    public const int MinimumPasswordLength = 12;

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
        if (password.Length < MinimumPasswordLength)
        {
            throw new ArgumentException($"a password has at least {MinimumPasswordLength} characters", nameof(password));
        }

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

        return new LoginResult(user, false, null);
    }

    /// <summary>18 random characters from an alphabet without look-alikes (no 0/O, 1/l/I): about 105 bits.</summary>
    public static string GeneratePassword()
    {
        const string Alphabet = "abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
        return RandomNumberGenerator.GetString(Alphabet, 18);
    }
}
