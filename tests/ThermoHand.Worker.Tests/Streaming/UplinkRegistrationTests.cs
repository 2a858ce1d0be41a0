using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using ThermoHand.Streaming;
using ThermoHand.Worker.Configuration;
using ThermoHand.Worker.Extensions;
using ThermoHand.Worker.Streaming;

namespace ThermoHand.Worker.Tests.Streaming;

/// <summary>AddDashboardUplink as Program.cs uses it: which outbox the pipeline gets, and start-up validation.</summary>
public sealed class UplinkRegistrationTests : IDisposable
{
    private readonly ScratchFolder _scratch = new();

    public void Dispose() => _scratch.Dispose();

    private IHost Build(params (string Key, string Value)[] overrides)
    {
        HostApplicationBuilder builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings
        {
            ContentRootPath = AppContext.BaseDirectory,
            DisableDefaults = true,
        });
        builder.Configuration.AddJsonFile(Path.Combine(AppContext.BaseDirectory, "appsettings.json"));
        builder.Configuration.AddInMemoryCollection(overrides.Select(o => new KeyValuePair<string, string?>(o.Key, o.Value))
            .Append(new("Storage:Path", _scratch.Path)));
        builder.AddWorkerOptions();
        builder.AddDashboardUplink();
        return builder.Build();
    }

    [Fact]
    public void The_shipped_settings_switch_the_uplink_off_and_queue_nothing()
    {
        using IHost host = Build();
        IDeviceOutbox outbox = host.Services.GetRequiredService<IDeviceOutbox>();
        Assert.IsType<DisabledDeviceOutbox>(outbox);
        Assert.Null(host.Services.GetService<DashboardUploader>());
        Assert.False(Directory.Exists(Path.Combine(_scratch.Path, "outbox")));
    }

    [Fact]
    public void With_a_dashboard_the_outbox_lives_under_the_storage_folder_and_the_uploader_is_resolvable()
    {
        using IHost host = Build(("Dashboard:Url", "http://dashboard.clinic:5080"), ("Dashboard:DeviceId", "pi-1"), ("Dashboard:Secret", "s"));
        var outbox = Assert.IsType<DiskDeviceOutbox>(host.Services.GetRequiredService<IDeviceOutbox>());
        Assert.Equal(Path.Combine(_scratch.Path, "outbox"), outbox.Folder);
        Assert.Equal(1, outbox.Enqueue(DeviceMessageKinds.Status, null, OutboxTestData.Payload(1)));
        DashboardUploader uploader = Assert.IsType<DashboardUploader>(host.Services.GetService<DashboardUploader>());
        Assert.Equal(UplinkState.Starting, uploader.State);
    }

    [Fact]
    public async Task The_host_starts_and_stops_the_uploader_which_keeps_queueing_while_the_dashboard_is_unreachable()
    {
        // Port 9 (discard) on the loopback: nothing listens, so the uploader meets "connection refused".
        using IHost host = Build(("Dashboard:Url", "http://127.0.0.1:9"), ("Dashboard:DeviceId", "pi-1"), ("Dashboard:Secret", "s"),
            ("Dashboard:RetryInitialMilliseconds", "10"), ("Dashboard:RetryMaxSeconds", "0.05"));
        await host.StartAsync();
        DashboardUploader uploader = host.Services.GetRequiredService<DashboardUploader>();
        IDeviceOutbox outbox = host.Services.GetRequiredService<IDeviceOutbox>();
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (uploader.State != UplinkState.Unreachable)
        {
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), "the uploader never reported the dashboard unreachable");
            await Task.Delay(10);
        }

        Assert.Equal(1, outbox.Enqueue(DeviceMessageKinds.Status, null, OutboxTestData.Payload(1)));
        Assert.Equal(1, outbox.PendingCount);
        await host.StopAsync();
    }

    [Fact]
    public async Task With_the_uplink_off_the_host_starts_and_stops()
    {
        using IHost host = Build();
        await host.StartAsync();
        Assert.Equal(0, host.Services.GetRequiredService<IDeviceOutbox>().Enqueue(DeviceMessageKinds.Status, null, OutboxTestData.Payload(1)));
        await host.StopAsync();
    }

    [Fact]
    public void A_dashboard_url_without_credentials_stops_the_start_naming_the_settings()
    {
        using IHost host = Build(("Dashboard:Url", "http://dashboard.clinic:5080"));
        OptionsValidationException error = Assert.Throws<OptionsValidationException>(() => host.Services.GetRequiredService<IOptions<WorkerOptions>>().Value);
        Assert.Contains(error.Failures, f => f.StartsWith("Dashboard:DeviceId is empty", StringComparison.Ordinal));
        Assert.Contains(error.Failures, f => f.StartsWith("Dashboard:SecretFile is not set", StringComparison.Ordinal));
    }
}
