using System.Security.Cryptography;
using System.Text;
using ThermoHand.Dashboard.Storage;

namespace ThermoHand.Dashboard.Security;

/// <summary>
/// Registers devices and checks their credentials. A device secret is 32 random bytes (256 bits) shown once at
/// registration; the database keeps only its SHA-256. A fast hash is right here (unlike for passwords): the secret
/// is random, not chosen by a person, so it cannot be guessed from a dictionary, and a device authenticates on
/// every batch (several per second), where PBKDF2 would cost tens of milliseconds each time.
/// </summary>
public sealed class DeviceCredentials(IClinicStore store)
{
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

        var secret = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        var device = await store.CreateDeviceAsync(deviceId, string.IsNullOrWhiteSpace(displayName) ? deviceId : displayName.Trim(), HashSecret(secret), cancellationToken);
        return (device, secret);
    }

    /// <summary>The registered device if <paramref name="secret"/> is its secret; null otherwise.</summary>
    public async Task<DeviceRecord?> VerifyAsync(string deviceId, string secret, CancellationToken cancellationToken = default)
    {
        var device = await store.FindDeviceAsync(deviceId, cancellationToken);
        var presented = Encoding.ASCII.GetBytes(HashSecret(secret));
        var expected = Encoding.ASCII.GetBytes(device?.SecretHash ?? new string('0', 64));
        // Fixed-time comparison: the time taken does not reveal how much of the hash matched.
        return CryptographicOperations.FixedTimeEquals(presented, expected) && device is not null ? device : null;
    }

    public static string HashSecret(string secret) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(secret)));
}
