using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Xunit.Abstractions;

namespace ThermoHand.Dashboard.Tests.Access;

/// <summary>
/// No secret in the repository: every file git tracks (binaries skipped) is scanned for private keys, cloud and
/// GitHub tokens, bearer tokens, JWTs, connection strings with a password and password-like assignments; key-store
/// files (.pfx, .p12, .pem, .key, …) must not be tracked at all; the shipped dashboard, worker and device settings
/// must hold no password, secret or token. The few test-fixture values that look like passwords are listed in
/// <see cref="AllowedFixtures"/>, each with the reason it is harmless (docs/hostile-input.md, "Secret scan").
/// </summary>
public sealed partial class RepositorySecretsTests(ITestOutputHelper output)
{
    /// <summary>Test fixtures allowed to hold password-like literals: (file, why it is not a secret).</summary>
    public static readonly IReadOnlyDictionary<string, string> AllowedFixtures = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["tests/"] = "test code logs in to throwaway in-memory servers and temporary databases with made-up passwords (e.g. first-admin-password-42); nothing real accepts them",
    };

    private static readonly string[] KeyStoreExtensions = [".pfx", ".p12", ".pem", ".key", ".jks", ".keystore", ".kdbx", ".ppk", ".asc", ".gpg"];
    private static readonly string[] KeyStoreNames = ["id_rsa", "id_dsa", "id_ecdsa", "id_ed25519", ".env", ".netrc", ".pgpass", "credentials"];

    private static readonly (string Rule, Regex Pattern, bool FixturesMayMatch)[] Rules =
    [
        ("private key", PrivateKey(), false),
        ("AWS access key id", AwsKeyId(), false),
        ("AWS secret key assignment", AwsSecret(), false),
        ("GitHub token", GitHubToken(), false),
        ("Slack token", SlackToken(), false),
        ("Google API key", GoogleKey(), false),
        ("JSON Web Token", Jwt(), false),
        ("bearer token", BearerToken(), false),
        ("connection string with a password", ConnectionStringPassword(), true),
        ("password-like assignment", PasswordAssignment(), true),
    ];

    [Fact]
    public void No_tracked_file_holds_a_secret()
    {
        var root = RepositoryRoot();
        var files = TrackedFiles(root);
        var findings = new List<string>();
        var scanned = 0;
        foreach (var file in files)
        {
            var name = Path.GetFileName(file);
            if (KeyStoreExtensions.Contains(Path.GetExtension(file), StringComparer.OrdinalIgnoreCase) || KeyStoreNames.Contains(name, StringComparer.OrdinalIgnoreCase))
            {
                findings.Add($"{file}: a key or credential file is tracked");
                continue;
            }

            var path = Path.Combine(root, file);
            if (!File.Exists(path) || new FileInfo(path).Length > 4 << 20 || IsBinary(path))
            {
                continue;
            }

            scanned++;
            var lines = File.ReadAllLines(path, Encoding.UTF8);
            for (var i = 0; i < lines.Length; i++)
            {
                foreach (var (rule, pattern, fixturesMayMatch) in Rules)
                {
                    foreach (Match match in pattern.Matches(lines[i]))
                    {
                        if (IsPlaceholder(match.Groups["value"].Success ? match.Groups["value"].Value : match.Value)
                            || (fixturesMayMatch && AllowedFixtures.Keys.Any(prefix => file.StartsWith(prefix, StringComparison.Ordinal))))
                        {
                            continue;
                        }

                        findings.Add($"{file}:{i + 1}: {rule}: {Redact(match.Value)}");
                    }
                }
            }
        }

        output.WriteLine($"{files.Count} tracked files, {scanned} text files scanned, {Rules.Length} rules");
        Assert.True(scanned > 100, $"only {scanned} files scanned; is git ls-files working?");
        Assert.Empty(findings);
    }

    [Fact]
    public void The_shipped_settings_hold_no_password_secret_or_token()
    {
        var root = RepositoryRoot();
        var settings = TrackedFiles(root).Where(f => Path.GetFileName(f).StartsWith("appsettings", StringComparison.OrdinalIgnoreCase) && f.EndsWith(".json", StringComparison.OrdinalIgnoreCase)).ToList();
        Assert.Contains("src/ThermoHand.Dashboard/appsettings.json", settings);
        Assert.Contains("src/ThermoHand.Worker/appsettings.json", settings);
        var findings = new List<string>();
        foreach (var file in settings)
        {
            using var document = JsonDocument.Parse(File.ReadAllText(Path.Combine(root, file)), new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
            Walk(document.RootElement, "", (key, value) =>
            {
                var leaf = key[(key.LastIndexOf(':') + 1)..].ToLowerInvariant();
                var secretName = leaf.Contains("password", StringComparison.Ordinal) || leaf.Contains("token", StringComparison.Ordinal)
                    || leaf.Contains("apikey", StringComparison.Ordinal) || leaf is "secret" or "clientsecret";
                if (secretName && value.Length > 0)
                {
                    findings.Add($"{file}: {key} holds a value; leave it empty and set it on the machine (environment or a protected file)");
                }

                if (ConnectionStringPassword().Match(value) is { Success: true } m && !IsPlaceholder(m.Groups["value"].Value))
                {
                    findings.Add($"{file}: {key} is a connection string with a password");
                }
            });
        }

        output.WriteLine("Settings checked: " + string.Join(", ", settings));
        Assert.Empty(findings);
    }

    [Fact]
    public void The_rules_find_what_they_are_for()
    {
        // Each rule fires on a made-up example of what it looks for (built from pieces, so this file stays clean).
        string[] samples =
        [
            "-----BEGIN " + "RSA PRIVATE KEY-----",
            "AKIA" + "ABCDEFGHIJKLMNOP",
            "aws_secret_access_key = " + new string('a', 40),
            "ghp_" + new string('a', 36),
            "xoxb-" + "123456789012-abcdefghijkl",
            "AIza" + new string('b', 35),
            "eyJhbGciOiJIUzI1NiJ9" + ".eyJzdWIiOiIxMjM0NTY3ODkwIn0" + ".abcdefghijklmnopqrstuv",
            "Authorization: Bearer " + "abcdefghijklmnopqrstuvwxyz012345",
            "Host=db;Username=th;Password=" + "Sup3rSecret",
            "password = \"" + "hunter2hunter2\"",
        ];
        for (var i = 0; i < Rules.Length; i++)
        {
            Assert.Matches(Rules[i].Pattern, samples[i]);
        }

        // …and not on the documented placeholders.
        Assert.True(IsPlaceholder("…"));
        Assert.True(IsPlaceholder("<password>"));
        Assert.True(IsPlaceholder("$PGPASSWORD"));
        Assert.False(IsPlaceholder("Sup3rSecret"));
    }

    private static bool IsPlaceholder(string value)
    {
        var v = value.Trim().Trim('"', '\'', ';', ',');
        return v.Length == 0 || v.Contains('…') || v.Contains("...", StringComparison.Ordinal) || v.StartsWith('<') || v.StartsWith('$')
            || v.StartsWith('{') || v.StartsWith('%') || v.All(c => c is '*' or 'x' or 'X')
            || v.Contains("PASSWORD", StringComparison.Ordinal) || v.Contains("SECRET", StringComparison.Ordinal)
            || v.Equals("null", StringComparison.OrdinalIgnoreCase) || v.StartsWith("@", StringComparison.Ordinal);
    }

    private static string Redact(string text) => text.Length <= 12 ? text : text[..12] + "…(redacted)";

    private static void Walk(JsonElement element, string key, Action<string, string> visit)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                foreach (var property in element.EnumerateObject())
                {
                    Walk(property.Value, key.Length == 0 ? property.Name : key + ":" + property.Name, visit);
                }

                break;
            case JsonValueKind.Array:
                var i = 0;
                foreach (var item in element.EnumerateArray())
                {
                    Walk(item, $"{key}:{i++}", visit);
                }

                break;
            case JsonValueKind.String:
                visit(key, element.GetString()!);
                break;
        }
    }

    private static bool IsBinary(string path)
    {
        Span<byte> head = stackalloc byte[8000];
        using var stream = File.OpenRead(path);
        var read = stream.Read(head);
        return head[..read].Contains((byte)0);
    }

    private static List<string> TrackedFiles(string root)
    {
        var start = new ProcessStartInfo("git", "ls-files -z") { WorkingDirectory = root, RedirectStandardOutput = true, RedirectStandardError = true };
        using var git = Process.Start(start) ?? throw new InvalidOperationException("git could not be started");
        var listing = git.StandardOutput.ReadToEnd();
        git.WaitForExit();
        Assert.True(git.ExitCode == 0, $"git ls-files failed in {root}: {git.StandardError.ReadToEnd()}");
        return [.. listing.Split('\0', StringSplitOptions.RemoveEmptyEntries)];
    }

    private static string RepositoryRoot([CallerFilePath] string thisFile = "")
    {
        for (var dir = new DirectoryInfo(Path.GetDirectoryName(thisFile)!); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "ThermoHand.sln")))
            {
                return dir.FullName;
            }
        }

        throw new DirectoryNotFoundException("the repository (ThermoHand.sln) was not found above " + thisFile);
    }

    [GeneratedRegex(@"-----BEGIN ((RSA|EC|DSA|OPENSSH|ENCRYPTED|PGP) )?PRIVATE KEY( BLOCK)?-----")]
    private static partial Regex PrivateKey();

    [GeneratedRegex(@"\b(AKIA|ASIA)[0-9A-Z]{16}\b")]
    private static partial Regex AwsKeyId();

    [GeneratedRegex(@"(?i)aws_?secret_?access_?key\s*[=:]\s*[""']?(?<value>[A-Za-z0-9/+=]{40})")]
    private static partial Regex AwsSecret();

    [GeneratedRegex(@"\b(gh[pousr]_[A-Za-z0-9]{36,}|github_pat_[A-Za-z0-9_]{22,})")]
    private static partial Regex GitHubToken();

    [GeneratedRegex(@"\bxox[abprs]-[A-Za-z0-9-]{10,}")]
    private static partial Regex SlackToken();

    [GeneratedRegex(@"\bAIza[0-9A-Za-z_\-]{35}")]
    private static partial Regex GoogleKey();

    [GeneratedRegex(@"\beyJ[A-Za-z0-9_-]{10,}\.eyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,}")]
    private static partial Regex Jwt();

    [GeneratedRegex(@"(?i)\bbearer\s+(?<value>[A-Za-z0-9\-._~+/]{20,}=*)")]
    private static partial Regex BearerToken();

    // Connection-string syntax: Key=Value with no spaces around '=' (so C# "password = …" statements are not taken for one).
    [GeneratedRegex(@"(?i)(^|[;""'\s])(password|pwd)=(?<value>[^;""'\s]+)")]
    private static partial Regex ConnectionStringPassword();

    [GeneratedRegex(@"(?i)\b[\w.]*(password|passwd|secret|api_?key|access_?token)\w*\s*[:=]\s*[""'](?<value>[^""']{8,})[""']")]
    private static partial Regex PasswordAssignment();
}
