using System.Text.RegularExpressions;

namespace ThermoHand.Exports.Fhir;

/// <summary>
/// Checks a site's FHIR system (an Identifier.system or a CodeSystem canonical URL): FHIR R4 says both are absolute
/// URIs, and a canonical URL may hold neither '|' (FHIR's version separator) nor '#' (a fragment). A relative or
/// malformed system would make the hospital's FHIR server refuse, or silently mis-file, every bundle.
/// </summary>
public static partial class FhirSystemUri
{
    /// <summary>Null when <paramref name="value"/> is usable; otherwise what is wrong and what to do, naming <paramref name="setting"/>.</summary>
    public static string? Problem(string? value, string setting)
    {
        const string Examples = "e.g. 'https://hospital.example/fhir/NamingSystem/mrn' or 'urn:oid:1.2.3.4.5'";
        if (string.IsNullOrWhiteSpace(value))
        {
            return $"{setting} is empty; give an absolute URI ({Examples}), or remove the setting to keep the documented placeholder (docs/fhir.md).";
        }

        // Uri.TryCreate alone is not enough: on Linux it reads "/path" as the absolute file URI file:///path.
        if (!Scheme().IsMatch(value) || !Uri.TryCreate(value, UriKind.Absolute, out _) || value.Any(char.IsWhiteSpace))
        {
            return $"{setting} is '{value}', which is not an absolute URI; give one with a scheme and no spaces ({Examples}).";
        }

        if (value.Contains('|', StringComparison.Ordinal) || value.Contains('#', StringComparison.Ordinal))
        {
            return $"{setting} is '{value}'; a FHIR system may not contain '|' or '#' (FHIR reads them as a version and a fragment); remove them.";
        }

        return null;
    }

    // RFC 3986 scheme: a letter, then letters, digits, '+', '-' or '.', then ':'.
    [GeneratedRegex("^[A-Za-z][A-Za-z0-9+.-]*:", RegexOptions.CultureInvariant)]
    private static partial Regex Scheme();
}
