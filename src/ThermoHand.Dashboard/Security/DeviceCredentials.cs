using System.Globalization;
using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using ThermoHand.Dashboard.Storage;

namespace ThermoHand.Dashboard.Security;

/// <summary>
/// The outcome of checking a device credential: the device when it may upload, otherwise the reason it may not.
/// </summary>
public sealed record DeviceVerification(DeviceRecord? Device, string? Problem)
{
    public bool Succeeded => Device is not null;
}

/// <summary>
/// Registers devices, checks their credentials, and withdraws (revokes) or replaces (rotates) them. A device secret is
/// 32 random bytes (256 bits) shown once at registration or rotation; the database keeps only its SHA-256. A fast hash
/// is right here (unlike for passwords): the secret is random, not chosen by a person, so it cannot be guessed from a
/// dictionary, and a device authenticates on every batch (several per second), where PBKDF2 would cost tens of
/// milliseconds each time.
/// </summary>
public sealed class DeviceCredentials(IClinicStore store, IAccountStore accounts, AuditTrail audit, TimeProvider clock)
{
    /// <summary>Audit actions of device credential management (identifiers without "secret": see the repository's secret scan).</summary>
    public const string RevokeDevice = "revoke_device", RotateDevice = "rotate_device_secret";

    /// <summary>Longest revocation reason kept (it is shown to whoever presents the revoked credential, and in the audit trail).</summary>
    public const int MaximumReasonLength = 200;

    /// <summary>The answer for an unknown device or a wrong secret, including a secret replaced by a rotation.</summary>
    public const string WrongCredential = "unknown device or wrong secret (if the device's secret was rotated, put the new one in its settings)";

    /// <summary>Registers a device and returns its secret, which is never shown again.</summary>
    public async Task<(DeviceRecord Device, string Secret)> RegisterAsync(string deviceId, string displayName, CancellationToken cancellationToken = default)
    {
        deviceId = deviceId?.Trim() ?? "";
        if (deviceId.Length is < 2 or > 64 || !deviceId.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.'))
        {
            throw new ArgumentException("a device id has 2 to 64 characters: letters, digits, '-', '_' or '.' (no ':' — it separates id and secret)", nameof(deviceId));
        }

        if (await store.FindDeviceAsync(deviceId, cancellationToken) is not null)
        {
            throw new ArgumentException($"device '{deviceId}' is already registered", nameof(deviceId));
        }

        var secret = NewSecret();
        var device = await store.CreateDeviceAsync(deviceId, string.IsNullOrWhiteSpace(displayName) ? deviceId : displayName.Trim(), HashSecret(secret), cancellationToken);
        return (device, secret);
    }

    /// <summary>
    /// Checks <paramref name="secret"/> against the device's. A revoked device is refused with its reason — but only when
    /// the secret is right, so a guesser learns nothing about which devices exist or were revoked.
    /// </summary>
    public async Task<DeviceVerification> VerifyAsync(string deviceId, string secret, CancellationToken cancellationToken = default)
    {
        var credential = await accounts.FindDeviceCredentialAsync(deviceId, cancellationToken);
        var presented = Encoding.ASCII.GetBytes(HashSecret(secret));
        var expected = Encoding.ASCII.GetBytes(credential?.SecretHash ?? new string('0', 64));
        // Fixed-time comparison: the time taken does not reveal how much of the hash matched.
        if (!CryptographicOperations.FixedTimeEquals(presented, expected) || credential is null)
        {
            return new DeviceVerification(null, WrongCredential);
        }

        if (credential.IsRevoked)
        {
            return new DeviceVerification(null,
                $"the credential of device '{credential.DeviceId}' was revoked at {credential.RevokedUtc!.Value.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture)} UTC " +
                $"(reason: {credential.RevokedReason}); its stored data is kept. A technician or administrator can rotate its secret to let it upload again");
        }

        var device = await store.FindDeviceAsync(deviceId, cancellationToken);
        return device is null ? new DeviceVerification(null, WrongCredential) : new DeviceVerification(device, null);
    }

    /// <summary>Withdraws a lost or stolen device's credential: its uploads are refused from now on; its data stays.</summary>
    public async Task RevokeAsync(ClaimsPrincipal actor, string deviceId, string reason, CancellationToken cancellationToken = default)
    {
        reason = reason?.Trim() ?? "";
        if (reason.Length == 0 || reason.Length > MaximumReasonLength || reason.Any(char.IsControl))
        {
            throw new ArgumentException($"give a reason of 1 to {MaximumReasonLength} characters on one line (e.g. 'stolen from room 2'); the device is told it", nameof(reason));
        }

        switch (await accounts.RevokeDeviceAsync(deviceId?.Trim() ?? "", clock.GetUtcNow(), reason, cancellationToken))
        {
            case DeviceUpdateOutcome.UnknownDevice:
                throw new AccountChangeRefusedException(StatusCodes.Status404NotFound, $"no device '{deviceId}' is registered");
            case DeviceUpdateOutcome.AlreadyRevoked:
                throw new AccountChangeRefusedException(StatusCodes.Status409Conflict, $"device '{deviceId}' is already revoked; rotate its secret to let it upload again");
        }

        await audit.RecordAsync(actor, RevokeDevice, "device", deviceId!.Trim(), "reason=" + reason, cancellationToken);
    }

    /// <summary>
    /// Gives the device a new secret (returned once, to be put in the device's settings); the old one is refused from
    /// now on. Also lifts a revocation: a recovered device uploads again with its new secret.
    /// </summary>
    public async Task<string> RotateAsync(ClaimsPrincipal actor, string deviceId, CancellationToken cancellationToken = default)
    {
        deviceId = deviceId?.Trim() ?? "";
        var before = await accounts.FindDeviceCredentialAsync(deviceId, cancellationToken);
        var secret = NewSecret();
        if (before is null || await accounts.ReplaceDeviceSecretAsync(deviceId, HashSecret(secret), clock.GetUtcNow(), cancellationToken) != DeviceUpdateOutcome.Updated)
        {
            throw new AccountChangeRefusedException(StatusCodes.Status404NotFound, $"no device '{deviceId}' is registered");
        }

        await audit.RecordAsync(actor, RotateDevice, "device", deviceId, before.IsRevoked ? "revocation lifted" : null, cancellationToken);
        return secret;
    }

    public static string HashSecret(string secret) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(secret)));

    private static string NewSecret() => Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
