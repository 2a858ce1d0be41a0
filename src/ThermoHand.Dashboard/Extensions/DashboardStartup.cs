using Microsoft.Extensions.Options;
using ThermoHand.Dashboard.Configuration;
using ThermoHand.Dashboard.Security;
using ThermoHand.Dashboard.Storage;

namespace ThermoHand.Dashboard.Extensions;

/// <summary>
/// Runs before the server accepts requests: creates or migrates the schema and, when no user exists yet and
/// Dashboard:InitialAdmin:UserName is set, creates the first administrator (a generated password is printed once).
/// </summary>
public sealed partial class DashboardStartup(IClinicStore store, UserAccounts accounts, IOptions<DashboardOptions> options, ILogger<DashboardStartup> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await store.InitializeAsync(cancellationToken);
        var admin = options.Value.InitialAdmin;
        if (!string.IsNullOrWhiteSpace(admin.UserName) && await store.CountUsersAsync(cancellationToken) == 0)
        {
            var (user, password) = await accounts.CreateAsync(admin.UserName, ClinicRoles.Administrator, admin.Password, cancellationToken);
            LogAdminCreated(user.UserName);
            if (string.IsNullOrEmpty(admin.Password))
            {
                // On the console only (not the log): shown once, never stored in clear.
                Console.WriteLine($"First administrator '{user.UserName}' created. Password (shown once, change it): {password}");
            }
        }
        else if (await store.CountUsersAsync(cancellationToken) == 0)
        {
            LogNoUsers();
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(Level = LogLevel.Information, Message = "Created the first administrator '{UserName}' from Dashboard:InitialAdmin")]
    private partial void LogAdminCreated(string userName);

    [LoggerMessage(Level = LogLevel.Warning, Message = "No user exists yet: run with --create-admin NAME or set Dashboard:InitialAdmin:UserName")]
    private partial void LogNoUsers();
}
