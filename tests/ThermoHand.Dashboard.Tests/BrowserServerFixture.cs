using System.Net;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using ThermoHand.Dashboard.Security;
using ThermoHand.Dashboard.Storage;
using ThermoHand.Simulation;

namespace ThermoHand.Dashboard.Tests;

/// <summary>
/// The real dashboard on Kestrel (127.0.0.1, a free port, a temporary SQLite database), a clinician account, a
/// registered simulated device, two finished simulated sessions of one patient (before/after), and Debian's
/// chromium driven by Playwright. Shared by the browser tests; everything is thrown away at the end.
/// </summary>
public sealed class BrowserServerFixture : IAsyncLifetime
{
    public const string ClinicianName = "dr.browser";
    public const string ClinicianPassword = "rewarming-curves-2026";
    public const string PatientReference = "PT-0042";
    public const string BeforeSessionId = "sess-before";
    public const string AfterSessionId = "sess-after";

    /// <summary>Chromium flags: headless, no sandbox (root in CI), and nothing that phones home.</summary>
    public static readonly string[] ChromiumArguments =
        ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"];

    private readonly string folder = Path.Combine(Path.GetTempPath(), "thermohand-browser-" + Guid.NewGuid().ToString("N"));
    private WebApplicationFactory<Program>? factory;
    private IPlaywright? playwright;

    public Uri BaseAddress { get; private set; } = null!;

    public IBrowser Browser { get; private set; } = null!;

    public IServiceProvider Services => factory!.Services;

    public HttpClient DeviceHttp { get; private set; } = null!;

    public SimulatedDeviceSession Before { get; private set; } = null!;

    public SimulatedDeviceSession After { get; private set; } = null!;

    public (string Id, string Secret) ClinicDevice { get; private set; }

    public (string Id, string Secret) LiveDevice { get; private set; }

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(folder);
        factory = new WebApplicationFactory<Program>().WithWebHostBuilder(web =>
        {
            web.UseEnvironment("Production");
            web.UseSetting("Dashboard:Database:Provider", "sqlite");
            web.UseSetting("Dashboard:Database:ConnectionString", "Data Source=" + Path.Combine(folder, "dashboard.db"));
            web.UseSetting("Dashboard:DataProtection:KeysPath", Path.Combine(folder, "keys"));
        });
        factory.UseKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0));
        factory.StartServer();
        var addresses = factory.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses;
        BaseAddress = new Uri(addresses.First(a => a.StartsWith("http://127.0.0.1", StringComparison.Ordinal)));

        var accounts = factory.Services.GetRequiredService<UserAccounts>();
        await accounts.CreateAsync(ClinicianName, ClinicRoles.Clinician, ClinicianPassword);
        var devices = factory.Services.GetRequiredService<DeviceCredentials>();
        var (clinic, clinicSecret) = await devices.RegisterAsync("bench-1", "Bench 1 (clinic room)");
        var (live, liveSecret) = await devices.RegisterAsync("bench-live", "Bench 2 (live demo)");
        ClinicDevice = (clinic.DeviceId, clinicSecret);
        LiveDevice = (live.DeviceId, liveSecret);
        DeviceHttp = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(60) };

        // Two sessions of one patient: primary Raynaud's before, healthier response after (e.g. after iloprost).
        var simulations = await Task.WhenAll(
            Task.Run(() => SimulatedDeviceSession.Simulate(PatientGroup.PrimaryRaynauds, seed: 11)),
            Task.Run(() => SimulatedDeviceSession.Simulate(PatientGroup.Healthy, seed: 12)));
        (Before, After) = (simulations[0], simulations[1]);
        var client = new SimulatedDeviceClient(DeviceHttp, clinic.DeviceId, clinicSecret);
        await client.SendAsync(BeforeSessionId, Before.Messages(PatientReference, new DateTimeOffset(2026, 3, 2, 9, 0, 0, TimeSpan.Zero)));
        await client.SendAsync(AfterSessionId, After.Messages(PatientReference, new DateTimeOffset(2026, 3, 9, 9, 0, 0, TimeSpan.Zero)));

        playwright = await Playwright.CreateAsync();
        Browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = "/usr/bin/chromium",
            Headless = true,
            Args = ChromiumArguments,
        });
    }

    /// <summary>A new browser context (own cookies) with a clinician logged in through the real login form.</summary>
    public async Task<IPage> LoggedInPageAsync(int width = 1400, int height = 1000)
    {
        var context = await Browser.NewContextAsync(new BrowserNewContextOptions { BaseURL = BaseAddress.ToString(), ViewportSize = new ViewportSize { Width = width, Height = height } });
        var page = await context.NewPageAsync();
        await BrowserLogin.LogInAsync(page, ClinicianName, ClinicianPassword);
        return page;
    }

    public IClinicStore Store => factory!.Services.GetRequiredService<IClinicStore>();

    public async Task DisposeAsync()
    {
        if (Browser is not null)
        {
            await Browser.CloseAsync();
        }

        playwright?.Dispose();
        DeviceHttp?.Dispose();
        if (factory is not null)
        {
            await factory.DisposeAsync();
        }

        try
        {
            Directory.Delete(folder, recursive: true);
        }
        catch (IOException)
        {
            // SQLite may still hold the file for a moment; a leftover temp folder is harmless.
        }
    }
}

[CollectionDefinition(Name)]
public sealed class BrowserCollection : ICollectionFixture<BrowserServerFixture>
{
    public const string Name = "browser";
}
