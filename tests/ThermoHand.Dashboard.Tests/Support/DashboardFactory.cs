using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using ThermoHand.Dashboard.Security;
using ThermoHand.Dashboard.Storage;
using ThermoHand.Streaming;

namespace ThermoHand.Dashboard.Tests.Support;

/// <summary>
/// Boots the real dashboard in memory over a fresh SQLite file (or a PostgreSQL database) and key folder, with a
/// clock the tests move, and collects every application log line so tests can prove what is never logged.
/// </summary>
public sealed class DashboardFactory : WebApplicationFactory<Program>
{
    public const string AdminName = "admin";
    public const string AdminPassword = "first-admin-password-42";

    private readonly string folder = Directory.CreateTempSubdirectory("thermohand-dashboard-").FullName;
    private readonly Dictionary<string, string?> settings;

    public DashboardFactory(string? postgresConnectionString = null, int loginRequestsPerMinute = 1000)
    {
        settings = new Dictionary<string, string?>
        {
            ["Dashboard:Database:Provider"] = postgresConnectionString is null ? "sqlite" : "postgres",
            ["Dashboard:Database:ConnectionString"] = postgresConnectionString ?? $"Data Source={DatabasePath}",
            ["Dashboard:DataProtection:KeysPath"] = Path.Combine(folder, "keys"),
            ["Dashboard:InitialAdmin:UserName"] = AdminName,
            ["Dashboard:InitialAdmin:Password"] = AdminPassword,
            ["Dashboard:Login:RequestsPerMinute"] = loginRequestsPerMinute.ToString(System.Globalization.CultureInfo.InvariantCulture),
        };
    }

    public string DatabasePath => Path.Combine(folder, "dashboard.db");

    public FakeTimeProvider Clock { get; } = new(DateTimeOffset.UtcNow);

    public ConcurrentQueue<string> LogLines { get; } = new();

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        foreach (var (key, value) in settings)
        {
            builder.UseSetting(key, value);
        }

        builder.UseEnvironment("Production");
        builder.ConfigureLogging(logging => logging.AddProvider(new CollectingLoggerProvider(LogLines)));
        builder.ConfigureTestServices(services => services.AddSingleton<TimeProvider>(Clock));
    }

    public IClinicStore Store => Services.GetRequiredService<IClinicStore>();

    /// <summary>A client that keeps cookies and does not follow redirects (tests look at the 302 itself).</summary>
    public HttpClient NewClient() => CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = true });

    public async Task<string> CreateUserAsync(string userName, string role, string password = "a-long-enough-password")
    {
        _ = Server; // boots the host (and so the schema) first
        await Services.GetRequiredService<UserAccounts>().CreateAsync(userName, role, password);
        return password;
    }

    /// <summary>Registers a device and returns a client carrying its credential.</summary>
    public async Task<(HttpClient Client, string Secret)> DeviceClientAsync(string deviceId)
    {
        _ = Server;
        var (_, secret) = await Services.GetRequiredService<DeviceCredentials>().RegisterAsync(deviceId, "Room " + deviceId);
        var client = NewClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue(DeviceAuthentication.Scheme, $"{deviceId}:{secret}");
        return (client, secret);
    }

    /// <summary>Logs in through the real form (antiforgery token included) and returns the client with its cookie.</summary>
    public async Task<HttpClient> LoggedInClientAsync(string userName, string password)
    {
        var client = NewClient();
        var response = await LogInAsync(client, userName, password);
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        return client;
    }

    public static async Task<HttpResponseMessage> LogInAsync(HttpClient client, string userName, string password, bool withToken = true)
    {
        var form = new Dictionary<string, string> { ["UserName"] = userName, ["Password"] = password };
        if (withToken)
        {
            form["__RequestVerificationToken"] = await FormTokenAsync(client, "/Account/Login");
        }

        return await client.PostAsync("/Account/Login", new FormUrlEncodedContent(form));
    }

    public static async Task<string> FormTokenAsync(HttpClient client, string page)
    {
        var html = await client.GetStringAsync(page);
        var match = Regex.Match(html, "name=\"__RequestVerificationToken\" type=\"hidden\" value=\"([^\"]+)\"");
        Assert.True(match.Success, $"no antiforgery token on {page}");
        return match.Groups[1].Value;
    }

    /// <summary>The token a logged-in page's scripts send in the RequestVerificationToken header.</summary>
    public static async Task<string> HeaderTokenAsync(HttpClient client)
    {
        var html = await client.GetStringAsync("/Account/Logout");
        var match = Regex.Match(html, "<meta name=\"csrf-token\" content=\"([^\"]+)\"");
        Assert.True(match.Success, "no csrf-token meta tag in the layout");
        return match.Groups[1].Value;
    }

    public static async Task<HttpResponseMessage> PostJsonWithTokenAsync(HttpClient client, string path, object body)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = JsonContent.Create(body) };
        request.Headers.Add("RequestVerificationToken", await HeaderTokenAsync(client));
        return await client.SendAsync(request);
    }

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        if (disposing)
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            try
            {
                Directory.Delete(folder, recursive: true);
            }
            catch (IOException)
            {
                // A file still open by a pool: the OS temp cleaner takes it.
            }
        }
    }

    private sealed class CollectingLoggerProvider(ConcurrentQueue<string> lines) : ILoggerProvider
    {
        public ILogger CreateLogger(string categoryName) => new CollectingLogger(categoryName, lines);

        public void Dispose()
        {
        }
    }

    private sealed class CollectingLogger(string category, ConcurrentQueue<string> lines) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            lines.Enqueue($"{logLevel} {category}: {formatter(state, exception)} {exception}");
    }
}
