using System.Security.Cryptography;

namespace ThermoHand.Exports.Research;

/// <summary>
/// The study key on the server's disk: 32 random bytes, base64 on one line, created on first use with owner-only
/// permissions (0600) so only the dashboard's account can read it. Never part of an export, never logged.
/// Rotating the key (a new file) gives every patient and session new, unlinkable study identifiers.
/// </summary>
public static class StudyKeyFile
{
    /// <summary>Reads the key, or creates the file with a new random key when it does not exist yet.</summary>
    public static byte[] LoadOrCreate(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        if (File.Exists(path))
        {
            return Parse(File.ReadAllText(path), path);
        }

        var folder = Path.GetDirectoryName(Path.GetFullPath(path));
        if (!string.IsNullOrEmpty(folder))
        {
            Directory.CreateDirectory(folder);
        }

        var key = RandomNumberGenerator.GetBytes(StudyPseudonymiser.MinimumKeyBytes);
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, Share = FileShare.None };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        try
        {
            using var writer = new StreamWriter(path, options);
            writer.WriteLine(Convert.ToBase64String(key));
        }
        catch (IOException) when (File.Exists(path))
        {
            // Another request created it first: use theirs, so one server never has two keys.
            return Parse(File.ReadAllText(path), path);
        }

        return key;
    }

    /// <summary>Decodes a base64 key (from the file or the Dashboard:Research:StudyKey setting) and checks its length.</summary>
    public static byte[] Parse(string base64, string where)
    {
        byte[] key;
        try
        {
            key = Convert.FromBase64String(base64.Trim());
        }
        catch (FormatException)
        {
            throw new InvalidDataException($"The study key in {where} is not base64; give 32 random bytes in base64 (e.g. 'openssl rand -base64 32').");
        }

        return key.Length >= StudyPseudonymiser.MinimumKeyBytes
            ? key
            : throw new InvalidDataException($"The study key in {where} has {key.Length} bytes; it needs at least {StudyPseudonymiser.MinimumKeyBytes}.");
    }
}
