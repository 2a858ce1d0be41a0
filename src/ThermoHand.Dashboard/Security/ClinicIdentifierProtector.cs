using Microsoft.AspNetCore.DataProtection;
using ThermoHand.Dashboard.Storage;

namespace ThermoHand.Dashboard.Security;

/// <summary>
/// The clinic identifier behind a pseudonymous patient reference (e.g. a hospital number) is optional and, where
/// stored, encrypted at rest with ASP.NET Core Data Protection (AES-256-CBC + HMAC, keys in
/// Dashboard:DataProtection:KeysPath). The database alone — a copied file, a backup — never reveals it.
/// </summary>
public sealed class ClinicIdentifierProtector(IDataProtectionProvider provider, IClinicStore store)
{
    // The purpose string isolates these ciphertexts from the login cookies that share the key ring.
    private readonly IDataProtector protector = provider.CreateProtector("ThermoHand.Dashboard.ClinicIdentifier.v1");

    public Task SetAsync(string patientReference, string? clinicIdentifier, CancellationToken cancellationToken = default) =>
        store.SetProtectedClinicIdentifierAsync(
            patientReference,
            string.IsNullOrWhiteSpace(clinicIdentifier) ? null : protector.Protect(clinicIdentifier.Trim()),
            cancellationToken);

    public async Task<string?> GetAsync(string patientReference, CancellationToken cancellationToken = default)
    {
        var stored = await store.GetProtectedClinicIdentifierAsync(patientReference, cancellationToken);
        return stored is null ? null : protector.Unprotect(stored);
    }
}
