using System.Security.Cryptography;
using System.Text;

namespace ThermoHand.Exports.Research;

/// <summary>
/// Study identifiers for research exports: a keyed hash (HMAC-SHA256) of the clinic's pseudonymous patient reference
/// ("S-" + 10 base32 characters) and of the session id ("T-" + 10, one cold-challenge test). The same key always gives
/// the same identifiers, so repeated exports of one study link up; without the key (kept only on the server, GDPR
/// Art. 4(5) "additional information kept separately") they cannot be traced back, and two keys give unlinkable ids.
/// </summary>
public sealed class StudyPseudonymiser
{
    /// <summary>Shortest accepted key: 256 bits, the HMAC-SHA256 block strength.</summary>
    public const int MinimumKeyBytes = 32;

    /// <summary>Characters of base32 after the prefix: 50 bits, so 10,000 patients collide with odds of about 1 in 20 million.</summary>
    public const int IdentifierCharacters = 10;

    private const string Base32Alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"; // RFC 4648, no padding

    private readonly byte[] key;

    public StudyPseudonymiser(ReadOnlySpan<byte> key)
    {
        if (key.Length < MinimumKeyBytes)
        {
            throw new ArgumentException($"The study key has {key.Length} bytes; it needs at least {MinimumKeyBytes} (256 bits).", nameof(key));
        }

        this.key = key.ToArray();
    }

    /// <summary>The study identifier of a patient ("S-…"), or "" when the session has no patient reference.</summary>
    public string StudyId(string? patientReference) =>
        string.IsNullOrEmpty(patientReference) ? "" : "S-" + Hash("patient\n" + patientReference);

    /// <summary>The study session identifier of one cold-challenge test ("T-…").</summary>
    public string StudySessionId(string sessionId)
    {
        ArgumentException.ThrowIfNullOrEmpty(sessionId);
        return "T-" + Hash("session\n" + sessionId);
    }

    // The purpose prefix keeps a patient reference and a session id that happen to be equal from getting one id.
    private string Hash(string text)
    {
        Span<byte> digest = stackalloc byte[32];
        HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(text), digest);
        return Base32(digest, IdentifierCharacters);
    }

    /// <summary>The first <paramref name="characters"/> base32 characters (5 bits each) of <paramref name="bytes"/>.</summary>
    internal static string Base32(ReadOnlySpan<byte> bytes, int characters)
    {
        var text = new StringBuilder(characters);
        int buffer = 0, bits = 0, index = 0;
        while (text.Length < characters)
        {
            if (bits < 5)
            {
                buffer = (buffer << 8) | bytes[index++];
                bits += 8;
            }

            text.Append(Base32Alphabet[(buffer >> (bits - 5)) & 31]);
            bits -= 5;
        }

        return text.ToString();
    }
}
