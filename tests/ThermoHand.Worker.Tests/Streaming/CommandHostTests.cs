using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using ThermoHand.Streaming;
using ThermoHand.Worker.Extensions;
using ThermoHand.Worker.Pipeline;
using ThermoHand.Worker.Storage;
using ThermoHand.Worker.Tests.Faults;
using ThermoHand.Worker.Tests.Pipeline;

namespace ThermoHand.Worker.Tests.Streaming;

/// <summary>
/// The worker composed as Program.cs composes it (uplink included) against a command dashboard on real HTTP
/// (127.0.0.1): with Dashboard:Url set the command poller runs by itself, carries a start command out in the pipeline
/// and answers; its memory on disk holds no patient reference.
/// </summary>
[Collection(PipelineHost.Collection)]
public sealed class CommandHostTests
{
    [Fact]
    public async Task With_the_uplink_configured_the_worker_polls_starts_the_session_and_answers()
    {
        string folder = PipelineHost.NewFolder();
        await using var dashboard = new LoopbackDashboard<FakeCommandDashboard>(new FakeCommandDashboard()); // the uploader's requests get 404
        var logs = new CapturingLoggerProvider();
        HostApplicationBuilder builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { ContentRootPath = AppContext.BaseDirectory, DisableDefaults = true });
        builder.Configuration.AddJsonFile(Path.Combine(AppContext.BaseDirectory, "appsettings.json"));
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Storage:Path"] = folder,
            ["Simulation:TimeScale"] = "20",
            ["Simulation:AutoClinician"] = "false",
            ["Simulation:SubSamplesPerPixel"] = "2",
            ["Sensors:0:RefreshRateHz"] = "2",
            ["Dashboard:Url"] = dashboard.Url,
            ["Dashboard:DeviceId"] = dashboard.Fake.DeviceId,
            ["Dashboard:Secret"] = "s3cret",
            ["Dashboard:CommandPollSeconds"] = "0.2",
            ["Dashboard:RetryInitialMilliseconds"] = "50",
            ["Dashboard:RetryMaxSeconds"] = "0.2",
        });
        builder.Logging.AddProvider(logs);
        builder.Services.AddSingleton<IFreeSpaceProbe>(new FakeFreeSpace(10L << 30));
        builder.AddWorkerOptions();
        builder.AddClinicHardware();
        builder.AddProtocolGuide();
        builder.AddDashboardUplink();
        builder.AddWorkerPipeline();
        builder.Services.AddSingleton(PipelineHost.ShortPreset);
        using IHost host = builder.Build();
        var pipeline = host.Services.GetRequiredService<WorkerPipeline>();
        string hands = pipeline.Hands.Count == 2 ? "both" : pipeline.Hands[0].Hand.ToString().ToLowerInvariant();
        dashboard.Fake.Queue(new DeviceCommand("c-host-1", DeviceCommandKinds.StartSession, DateTimeOffset.UtcNow, "HX-2024", PipelineHost.ShortPreset.Name, hands));

        await host.StartAsync();
        try
        {
            await PipelineHost.Until(() => dashboard.Fake.AnswersSnapshot().Count == 1, "the worker's answer", 30);
            var (id, answer) = dashboard.Fake.AnswersSnapshot()[0];
            Assert.Equal(("c-host-1", DeviceCommandOutcomes.Done), (id, answer.Outcome));
            Assert.Equal("HX-2024", host.Services.GetRequiredService<SessionStore>().Find(answer.SessionId!)!.PatientReference);
        }
        finally
        {
            await host.StopAsync();
        }

        string memory = await File.ReadAllTextAsync(Path.Combine(folder, "commands", "executed.jsonl"));
        Assert.Contains("c-host-1", memory, StringComparison.Ordinal);
        Assert.DoesNotContain("HX-2024", memory, StringComparison.Ordinal);
        Assert.DoesNotContain(logs.Lines, line => line.Contains("HX-2024", StringComparison.Ordinal));
    }
}
