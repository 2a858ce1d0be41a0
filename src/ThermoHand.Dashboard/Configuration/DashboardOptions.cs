namespace ThermoHand.Dashboard.Configuration;

/// <summary>Settings under "Dashboard" (appsettings.json, environment variables Dashboard__X__Y, or command line).</summary>
public sealed class DashboardOptions
{
    public const string Section = "Dashboard";

    public DatabaseOptions Database { get; set; } = new();

    public DataProtectionOptions DataProtection { get; set; } = new();

    /// <summary>The first administrator, created at start when no user exists yet.</summary>
    public InitialAdminOptions InitialAdmin { get; set; } = new();

    public LoginOptions Login { get; set; } = new();

    /// <summary>The pseudonymised research export (docs/research-export.md).</summary>
    public ResearchOptions Research { get; set; } = new();

    /// <summary>Size limits of the device ingest (docs/device-stream.md, "Limits").</summary>
    public IngestOptions Ingest { get; set; } = new();

    /// <summary>The HL7 FHIR export's site systems (docs/fhir.md).</summary>
    public FhirOptions Fhir { get; set; } = new();
}

/// <summary>Settings of the pseudonymised research export (docs/research-export.md).</summary>
public sealed class ResearchOptions
{
    /// <summary>Study key (base64, at least 32 bytes) for the keyed-hash study ids. Empty: generated on first use into
    /// <see cref="StudyKeyPath"/>. Never exported or logged; a new key gives every patient new, unlinkable ids.</summary>
    public string? StudyKey { get; set; }

    /// <summary>Where the generated study key is kept (owner-only file). Empty: research-study.key in the
    /// Dashboard:DataProtection:KeysPath folder, which already holds the server's secrets. Back it up: it is what links
    /// repeated exports of one study.</summary>
    public string? StudyKeyPath { get; set; }
}

public sealed class DatabaseOptions
{
    /// <summary>"sqlite" (default, one file) or "postgres" (a clinic with several devices and users).</summary>
    public string Provider { get; set; } = "sqlite";

    /// <summary>SQLite: "Data Source=PATH"; PostgreSQL: an Npgsql connection string ("Host=…;Database=…;Username=…").</summary>
    public string ConnectionString { get; set; } = "Data Source=data/thermohand-dashboard.db";
}

public sealed class DataProtectionOptions
{
    /// <summary>Folder of the key ring that encrypts clinic identifiers and login cookies. Back it up with the database:
    /// without the keys the stored clinic identifiers cannot be read.</summary>
    public string KeysPath { get; set; } = "data/keys";
}

public sealed class InitialAdminOptions
{
    public string? UserName { get; set; }

    /// <summary>If empty, a password is generated and printed once on the console.</summary>
    public string? Password { get; set; }
}

public sealed class LoginOptions
{
    /// <summary>Failed passwords in a row before an account is locked.</summary>
    public int MaxFailedAttempts { get; set; } = 5;

    public int LockoutMinutes { get; set; } = 15;

    /// <summary>Login requests allowed per client address per minute (rate limiter), against password guessing.</summary>
    public int RequestsPerMinute { get; set; } = 20;

    /// <summary>Idle time after which a login cookie expires.</summary>
    public int SessionMinutes { get; set; } = 60;
}
