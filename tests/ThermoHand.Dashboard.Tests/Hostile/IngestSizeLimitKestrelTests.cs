using System.Net;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using ThermoHand.Dashboard.Configuration;
using ThermoHand.Dashboard.Security;
using ThermoHand.Dashboard.Storage;
using ThermoHand.Streaming;
using ThermoHand.Worker.Streaming;

namespace ThermoHand.Dashboard.Tests.Hostile;

/// <summary>
/// The size limits over real sockets (Kestrel on 127.0.0.1): a device still sending an oversized body gets a clean 413
/// with the problem (not a reset connection it would take for an outage), and the worker's own uploader, set to its
/// largest batches, gets under the dashboard's limit by halving and delivers everything once.
/// </summary>
public sealed class IngestSizeLimitKestrelTests : IDisposable
{
    private const string DeviceId = "dev-kestrel-size";
    private readonly string folder = Path.Combine(Path.GetTempPath(), "thermohand-size-" + Guid.NewGuid().ToString("N"));

    public IngestSizeLimitKestrelTests() => Directory.CreateDirectory(folder);

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(folder, recursive: true);
        }
        catch (IOException)
        {
            // SQLite may still hold the file for a moment; a leftover temp folder is harmless.
        }
    }

    private (WebApplicationFactory<Program> Factory, Uri Address) StartDashboard()
    {
        var factory = new WebApplicationFactory<Program>().WithWebHostBuilder(web =>
        {
            web.UseEnvironment("Production");
            web.UseSetting("Dashboard:Database:Provider", "sqlite");
            web.UseSetting("Dashboard:Database:ConnectionString", "Data Source=" + Path.Combine(folder, "dashboard.db"));
            web.UseSetting("Dashboard:DataProtection:KeysPath", Path.Combine(folder, "keys"));
        });
        factory.UseKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0));
        factory.StartServer();
        var address = factory.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses
            .First(a => a.StartsWith("http://127.0.0.1", StringComparison.Ordinal));
        return (factory, new Uri(address));
    }

    [Fact]
    public async Task A_device_sending_an_oversized_body_gets_a_clean_413_and_can_go_on()
    {
        var (factory, address) = StartDashboard();
        await using var _ = factory;
        var (_, secret) = await factory.Services.GetRequiredService<DeviceCredentials>().RegisterAsync(DeviceId, "Size");
        using var http = new HttpClient { BaseAddress = address };
        http.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue(DeviceAuthentication.Scheme, $"{DeviceId}:{secret}");
        var padding = new string('a', 6 << 20); // 6 MiB, over the 4 MiB default, under Kestrel's own 30 MB
        var oversized = $"{{\"device_id\":\"{DeviceId}\",\"messages\":[{{\"seq\":1,\"kind\":\"status\",\"session_id\":null,\"utc\":\"2026-03-02T09:00:00Z\",\"payload\":{{\"note\":\"{padding}\"}}}}]}}";

        using var refused = await http.PostAsync(DeviceAuthentication.MessagesPath, new StringContent(oversized, Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, refused.StatusCode);
        using var problem = JsonDocument.Parse(await refused.Content.ReadAsStringAsync());
        Assert.Equal(IngestOptions.DefaultMaximumBatchBytes, problem.RootElement.GetProperty("limit_bytes").GetInt64());
        Assert.Equal(0, await factory.Services.GetRequiredService<IClinicStore>().GetAcknowledgedThroughAsync(DeviceId));

        var normal = $"{{\"device_id\":\"{DeviceId}\",\"messages\":[{{\"seq\":1,\"kind\":\"status\",\"session_id\":null,\"utc\":\"2026-03-02T09:00:00Z\",\"payload\":{{\"state\":\"idle\"}}}}]}}";
        using var accepted = await http.PostAsync(DeviceAuthentication.MessagesPath, new StringContent(normal, Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.OK, accepted.StatusCode);
    }

    [Fact]
    public async Task The_workers_uploader_at_its_largest_batches_halves_under_the_limit_and_delivers_everything_once()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var (factory, address) = StartDashboard();
        await using var _ = factory;
        var (_, secret) = await factory.Services.GetRequiredService<DeviceCredentials>().RegisterAsync(DeviceId, "Size");
        using var outbox = DiskDeviceOutbox.Open(new DiskOutboxSettings { Folder = Path.Combine(folder, "outbox"), MinimumFreeBytes = 1024 * 1024 });
        // 900 messages of ≈ 6 KB (a frame's size): ≈ 5.4 MB, more than the dashboard's 4 MiB per batch.
        var payload = JsonSerializer.SerializeToElement(new { state = "idle", note = new string('f', 6000) });
        for (var i = 0; i < 900; i++)
        {
            outbox.Enqueue(DeviceMessageKinds.Status, null, payload);
        }

        var settings = new DashboardUplinkSettings
        {
            Url = address,
            DeviceId = DeviceId,
            Secret = secret,
            BatchMaxMessages = 1000,
            BatchMaxBytes = 16 * 1024 * 1024, // the largest the worker allows (Dashboard:BatchMaxKilobytes 16384)
            RequestTimeout = TimeSpan.FromSeconds(20),
            RetryInitial = TimeSpan.FromMilliseconds(20),
            RetryMax = TimeSpan.FromMilliseconds(200),
        };
        using var uploader = new DashboardUploader(outbox, settings, NullLogger<DashboardUploader>.Instance);
        await uploader.StartAsync(timeout.Token);
        try
        {
            while (outbox.AcknowledgedThrough < 900)
            {
                await Task.Delay(50, timeout.Token);
            }
        }
        finally
        {
            await uploader.StopAsync(CancellationToken.None);
        }

        var store = factory.Services.GetRequiredService<IClinicStore>();
        Assert.Equal(900, await store.GetAcknowledgedThroughAsync(DeviceId));
        Assert.Equal(0, outbox.PendingCount);
    }
}
