using System.Runtime.CompilerServices;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Playwright;
using ThermoHand.Dashboard.Security;
using ThermoHand.Streaming;
using ThermoHand.Worker.Streaming;

namespace ThermoHand.Dashboard.Tests.Commands;

/// <summary>
/// A clinician starts a test from a device's live page in a real browser (chromium via Playwright, the shared browser
/// fixture): the form is sent, the page lists the command as waiting, the worker's real command poller picks it up over
/// HTTP and answers, and the page — without a reload — shows the device's answer.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class BrowserCommandTests(BrowserServerFixture server)
{
    private const string Patient = "PT-0777";

    [Fact]
    public async Task A_clinician_starts_a_test_on_the_live_page_and_sees_the_device_accept_it()
    {
        // A device of its own, so no other browser test's device state matters.
        var (device, secret) = await server.Services.GetRequiredService<DeviceCredentials>().RegisterAsync("bench-commands", "Bench 3 (commands)");
        var page = await server.LoggedInPageAsync();
        await page.GotoAsync($"/live/{device.DeviceId}");
        await page.FillAsync("#patient-reference", Patient);
        await page.SelectOptionAsync("#preset-choice", "bath-ring");
        await page.SelectOptionAsync("#hands-choice", "left");
        await page.ClickAsync("#start-test button[type=submit]");
        await page.WaitForURLAsync(url => url.Contains("sent=", StringComparison.Ordinal), new PageWaitForURLOptions { Timeout = 15_000 });
        string waiting = (await page.TextContentAsync("#command-list"))!;
        Assert.Contains($"Start test: {Patient}, bath-ring, left hand", waiting, StringComparison.Ordinal);
        Assert.Contains("Waiting for the device to pick it up", waiting, StringComparison.Ordinal);

        // The device: the worker's real poller over real HTTP with the device's credential.
        var executor = new AcceptingExecutor();
        string folder = Directory.CreateTempSubdirectory("thermohand-cmd-browser-").FullName;
        try
        {
            var settings = new DashboardUplinkSettings { Url = server.BaseAddress, DeviceId = device.DeviceId, Secret = secret };
            using var poller = new DashboardCommandPoller(executor, ExecutedCommandLog.Open(folder), settings, NullLogger.Instance);
            Assert.True(await poller.CycleAsync(CancellationToken.None));
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }

        var received = Assert.Single(executor.Received);
        Assert.Equal((Patient, "bath-ring", "left"), (received.PatientReference, received.Preset, received.Hands));

        // live-commands.js polls while a command waits: the answer appears without a reload.
        await page.WaitForFunctionAsync("() => document.querySelector('#command-list')?.textContent.includes('Started session s-browser-1')",
            null, new() { Timeout = 15_000 });
        Assert.Equal("done", await page.GetAttributeAsync("#command-list li", "data-state"));
        await (await page.QuerySelectorAsync("#commands"))!.ScreenshotAsync(new ElementHandleScreenshotOptions { Path = Screenshot("dashboard-live-commands.png") });
    }

    /// <summary>docs/images/NAME with THERMOHAND_SCREENSHOTS=1 (as the other browser tests), else a temporary folder.</summary>
    private static string Screenshot(string name, [CallerFilePath] string sourceFile = "")
    {
        var folder = Environment.GetEnvironmentVariable("THERMOHAND_SCREENSHOTS") == "1"
            ? Path.GetFullPath(Path.Combine(Path.GetDirectoryName(sourceFile)!, "..", "..", "..", "docs", "images"))
            : Path.Combine(Path.GetTempPath(), "thermohand-screenshots");
        Directory.CreateDirectory(folder);
        return Path.Combine(folder, name);
    }

    private sealed class AcceptingExecutor : IDeviceCommandExecutor
    {
        public List<DeviceCommand> Received { get; } = [];

        public Task<DeviceCommandResult> ExecuteAsync(DeviceCommand command, CancellationToken cancellationToken)
        {
            Received.Add(command);
            return Task.FromResult(new DeviceCommandResult(DeviceCommandOutcomes.Done, "started session s-browser-1: bath-ring, left hand; acclimatisation is running", "s-browser-1"));
        }
    }
}
