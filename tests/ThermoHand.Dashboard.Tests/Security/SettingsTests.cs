using Microsoft.Extensions.Options;
using ThermoHand.Dashboard.Configuration;

namespace ThermoHand.Dashboard.Tests.Security;

public sealed class SettingsTests
{
    [Fact]
    public void Every_bad_setting_is_reported_at_once_by_its_name()
    {
        var options = new DashboardOptions
        {
            Database = new DatabaseOptions { Provider = "oracle", ConnectionString = "" },
            DataProtection = new DataProtectionOptions { KeysPath = " " },
            InitialAdmin = new InitialAdminOptions { UserName = "admin", Password = "short" },
            Login = new LoginOptions { MaxFailedAttempts = 0 },
        };

        var result = new ValidateDashboardOptions().Validate(null, options);
        Assert.True(result.Failed);
        var failures = result.Failures!.ToArray();
        Assert.Contains(failures, f => f.StartsWith("Dashboard:Database:Provider is 'oracle'"));
        Assert.Contains(failures, f => f.StartsWith("Dashboard:Database:ConnectionString is empty"));
        Assert.Contains(failures, f => f.StartsWith("Dashboard:DataProtection:KeysPath is empty"));
        Assert.Contains(failures, f => f.StartsWith("Dashboard:InitialAdmin:Password is shorter"));
        Assert.Contains(failures, f => f.StartsWith("Dashboard:Login:MaxFailedAttempts"));
        Assert.Equal(5, failures.Length);
    }

    [Fact]
    public void The_defaults_are_valid_and_a_postgres_string_needs_a_host()
    {
        Assert.True(new ValidateDashboardOptions().Validate(null, new DashboardOptions()).Succeeded);
        var postgres = new DashboardOptions { Database = new DatabaseOptions { Provider = "postgres", ConnectionString = "Data Source=x.db" } };
        Assert.Contains("Host=", new ValidateDashboardOptions().Validate(null, postgres).FailureMessage);
    }

    [Fact]
    public void A_server_with_a_bad_setting_stops_at_start_naming_it()
    {
        using var factory = new Support.DashboardFactory().WithWebHostBuilder(b => b.UseSetting("Dashboard:Database:Provider", "mysql"));
        var error = Assert.Throws<OptionsValidationException>(() => factory.Server);
        Assert.Contains("Dashboard:Database:Provider is 'mysql'", error.Message);
    }
}
