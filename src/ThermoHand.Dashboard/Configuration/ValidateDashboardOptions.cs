using Microsoft.Extensions.Options;

namespace ThermoHand.Dashboard.Configuration;

/// <summary>
/// Checks the settings at start and reports every problem at once, each naming the setting to change
/// (Aspire dashboard pattern), so a misconfigured server stops with a clear message instead of failing later.
/// </summary>
public sealed class ValidateDashboardOptions : IValidateOptions<DashboardOptions>
{
    public ValidateOptionsResult Validate(string? name, DashboardOptions options)
    {
        var errors = new List<string>();
        var provider = options.Database.Provider?.Trim().ToLowerInvariant();
        if (provider is not ("sqlite" or "postgres"))
        {
            errors.Add($"Dashboard:Database:Provider is '{options.Database.Provider}'; it must be 'sqlite' or 'postgres'.");
        }

        if (string.IsNullOrWhiteSpace(options.Database.ConnectionString))
        {
            errors.Add("Dashboard:Database:ConnectionString is empty; give 'Data Source=PATH' (sqlite) or an Npgsql connection string (postgres).");
        }
        else if (provider == "sqlite" && !options.Database.ConnectionString.Contains("Data Source", StringComparison.OrdinalIgnoreCase)
                 && !options.Database.ConnectionString.Contains("DataSource", StringComparison.OrdinalIgnoreCase))
        {
            errors.Add("Dashboard:Database:ConnectionString has no 'Data Source=PATH' for the sqlite provider.");
        }
        else if (provider == "postgres" && !options.Database.ConnectionString.Contains("Host", StringComparison.OrdinalIgnoreCase))
        {
            errors.Add("Dashboard:Database:ConnectionString has no 'Host=…' for the postgres provider.");
        }

        if (string.IsNullOrWhiteSpace(options.DataProtection.KeysPath))
        {
            errors.Add("Dashboard:DataProtection:KeysPath is empty; give a folder for the encryption key ring.");
        }

        if (options.InitialAdmin.Password is { Length: > 0 and < 12 })
        {
            errors.Add("Dashboard:InitialAdmin:Password is shorter than 12 characters; leave it empty to have one generated.");
        }

        if (options.Login.MaxFailedAttempts < 1)
        {
            errors.Add("Dashboard:Login:MaxFailedAttempts must be at least 1.");
        }

        if (options.Login.LockoutMinutes < 1)
        {
            errors.Add("Dashboard:Login:LockoutMinutes must be at least 1.");
        }

        if (options.Login.RequestsPerMinute < 1)
        {
            errors.Add("Dashboard:Login:RequestsPerMinute must be at least 1.");
        }

        if (options.Login.SessionMinutes < 1)
        {
            errors.Add("Dashboard:Login:SessionMinutes must be at least 1.");
        }

        if (!string.IsNullOrWhiteSpace(options.Research.StudyKey))
        {
            try
            {
                ThermoHand.Exports.Research.StudyKeyFile.Parse(options.Research.StudyKey, "Dashboard:Research:StudyKey");
            }
            catch (InvalidDataException problem)
            {
                errors.Add(problem.Message);
            }
        }

        errors.AddRange(options.Fhir.Problems());

        errors.AddRange(options.Ingest.Problems());

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
