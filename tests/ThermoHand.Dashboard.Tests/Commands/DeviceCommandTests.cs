using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using ThermoHand.Dashboard.Security;
using ThermoHand.Dashboard.Storage;
using ThermoHand.Dashboard.Tests.Support;
using ThermoHand.Streaming;
using ThermoHand.Worker.Streaming;

namespace ThermoHand.Dashboard.Tests.Commands;

/// <summary>
/// Clinician commands end to end over HTTP with the real dashboard: the live page's form (clinicians only, antiforgery
/// checked), the device endpoints (each device sees and answers only its own commands) and the worker's real
/// <see cref="DashboardCommandPoller"/> fetching and answering through the dashboard's own HTTP pipeline. The device's
/// pipeline is stood in for by a recording executor here (the worker tests run the real one).
/// </summary>
public sealed class DeviceCommandTests : IAsyncLifetime, IDisposable
{
    private const string DeviceA = "pi-room-a";
    private const string DeviceB = "pi-room-b";
    private const string Patient = "RP-3307";

    private readonly DashboardFactory factory = new();
    private HttpClient clinician = null!;
    private HttpClient technician = null!;
    private HttpClient deviceA = null!;
    private HttpClient deviceB = null!;
    private string secretA = "";

    public async Task InitializeAsync()
    {
        (deviceA, secretA) = await factory.DeviceClientAsync(DeviceA);
        (deviceB, _) = await factory.DeviceClientAsync(DeviceB);
        clinician = await factory.LoggedInClientAsync("dr.c", await factory.CreateUserAsync("dr.c", ClinicRoles.Clinician));
        technician = await factory.LoggedInClientAsync("tech.t", await factory.CreateUserAsync("tech.t", ClinicRoles.Technician));
    }

    public Task DisposeAsync() => Task.CompletedTask;

    public void Dispose() => factory.Dispose();

    private static async Task<HttpResponseMessage> PostFormAsync(HttpClient client, string handler, Dictionary<string, string> form, string? token)
    {
        if (token is not null)
        {
            form["__RequestVerificationToken"] = token;
        }

        return await client.PostAsync($"/live/{DeviceA}/commands?handler={handler}", new FormUrlEncodedContent(form));
    }

    private Task<IReadOnlyList<StoredDeviceCommand>> CommandsOfAAsync() =>
        factory.Services.GetRequiredService<IDeviceCommandStore>().ListCommandsAsync(DeviceA, DateTimeOffset.MinValue, 100);

    private Task<string> LivePageTokenAsync() => DashboardFactory.FormTokenAsync(clinician, $"/live/{DeviceA}");

    [Fact]
    public async Task A_clinician_starts_a_test_the_device_answers_through_the_real_poller_and_the_live_page_says_so()
    {
        var start = new Dictionary<string, string> { ["PatientReference"] = Patient, ["Preset"] = "manchester", ["Hands"] = "both" };
        var sent = await PostFormAsync(clinician, "Start", start, await LivePageTokenAsync());
        Assert.Equal(HttpStatusCode.Redirect, sent.StatusCode);
        Assert.Contains($"/live/{DeviceA}?sent=", sent.Headers.Location!.OriginalString, StringComparison.Ordinal);
        var command = Assert.Single(await CommandsOfAAsync());
        Assert.Equal((DeviceCommandKinds.StartSession, Patient, "manchester", "both", "dr.c", DeviceCommandStates.Pending),
            (command.Kind, command.PatientReference, command.Preset, command.Hands, command.IssuedBy, command.State));
        Assert.Contains("Waiting for the device to pick it up", await clinician.GetStringAsync($"/live/{DeviceA}"), StringComparison.Ordinal);

        // Device B sees nothing of A's and cannot answer it; the answer is "no such command", exactly as for a made-up id.
        var listB = await deviceB.GetFromJsonAsync<DeviceCommandList>(DeviceCommandPaths.Commands, DeviceAuthentication.JsonOptions);
        Assert.Empty(listB!.Commands);
        var hijack = await deviceB.PostAsJsonAsync(DeviceCommandPaths.Result(command.CommandId),
            new DeviceCommandResult(DeviceCommandOutcomes.Refused, "not mine", null), DeviceAuthentication.JsonOptions);
        Assert.Equal(HttpStatusCode.NotFound, hijack.StatusCode);
        Assert.DoesNotContain(Patient, await hijack.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        // The worker's real poller, through the dashboard's own HTTP pipeline, with device A's credential.
        var executor = new RecordingExecutor();
        string folder = Directory.CreateTempSubdirectory("thermohand-cmd-e2e-").FullName;
        var settings = new DashboardUplinkSettings { Url = factory.Server.BaseAddress, DeviceId = DeviceA, Secret = secretA, CommandPoll = TimeSpan.FromMilliseconds(50) };
        using (var poller = new DashboardCommandPoller(executor, ExecutedCommandLog.Open(folder), settings, NullLogger.Instance, handler: factory.Server.CreateHandler()))
        {
            Assert.True(await poller.CycleAsync(CancellationToken.None));
            Assert.True(await poller.CycleAsync(CancellationToken.None)); // nothing new: not carried out twice
        }

        Directory.Delete(folder, recursive: true);
        var received = Assert.Single(executor.Received);
        Assert.Equal((command.CommandId, Patient, "manchester", "both"), (received.CommandId, received.PatientReference, received.Preset, received.Hands));

        var answered = Assert.Single(await CommandsOfAAsync());
        Assert.Equal((DeviceCommandStates.Done, "s-0077"), (answered.State, answered.SessionId));
        string page = await clinician.GetStringAsync($"/live/{DeviceA}");
        Assert.Contains("Started session s-0077", page, StringComparison.Ordinal);
        Assert.Contains($"Start test: {Patient}, manchester, both hands", page, StringComparison.Ordinal);

        // A technician watches the device and sees what happened, without the patient and without the controls.
        string techPage = await technician.GetStringAsync($"/live/{DeviceA}");
        Assert.Contains("Started session s-0077", techPage, StringComparison.Ordinal);
        Assert.DoesNotContain(Patient, techPage, StringComparison.Ordinal);
        Assert.DoesNotContain("id=\"start-test\"", techPage, StringComparison.Ordinal);

        var json = JsonDocument.Parse(await clinician.GetStringAsync($"/api/devices/{DeviceA}/commands")).RootElement;
        Assert.Equal("done", json[0].GetProperty("state").GetString());
        Assert.Equal(HttpStatusCode.Forbidden, (await technician.GetAsync($"/api/devices/{DeviceA}/commands")).StatusCode);

        var audit = await factory.Store.ListAuditAsync(50);
        Assert.Contains(audit, a => a.Action == "issue_device_command" && a.UserName == "dr.c" && a.TargetId == DeviceA && a.Detail!.Contains(command.CommandId, StringComparison.Ordinal));
        Assert.Contains(audit, a => a.Action == "answer_device_command" && a.UserName == "device:" + DeviceA);
        Assert.DoesNotContain(factory.LogLines, line => line.Contains(Patient, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Only_clinicians_with_the_antiforgery_token_and_a_valid_reference_can_issue_and_nothing_is_stored_otherwise()
    {
        var start = new Dictionary<string, string> { ["PatientReference"] = Patient, ["Preset"] = "manchester", ["Hands"] = "left" };

        var noToken = await PostFormAsync(clinician, "Start", new(start), token: null);
        Assert.Equal(HttpStatusCode.BadRequest, noToken.StatusCode);

        var techToken = await DashboardFactory.FormTokenAsync(technician, "/Account/Logout");
        var asTechnician = await PostFormAsync(technician, "Start", new(start), techToken);
        Assert.True(asTechnician.StatusCode is HttpStatusCode.Forbidden
                    || (asTechnician.StatusCode == HttpStatusCode.Redirect && asTechnician.Headers.Location!.OriginalString.Contains("/Account/Login", StringComparison.Ordinal)),
            $"a technician's start answered {asTechnician.StatusCode}");
        Assert.Equal(HttpStatusCode.Unauthorized, (await deviceA.GetAsync($"/api/devices/{DeviceA}/commands")).StatusCode);

        var name = await PostFormAsync(clinician, "Start", new(start) { ["PatientReference"] = "Jane Doe" }, await LivePageTokenAsync());
        Assert.Equal(HttpStatusCode.Redirect, name.StatusCode);
        string problemPage = await clinician.GetStringAsync(name.Headers.Location!.OriginalString);
        Assert.Contains("Not sent: patient reference may only hold letters, digits", problemPage, StringComparison.Ordinal);

        var badPreset = await PostFormAsync(clinician, "Start", new(start) { ["Preset"] = "whatever" }, await LivePageTokenAsync());
        Assert.Contains("Not sent: choose a protocol", await clinician.GetStringAsync(badPreset.Headers.Location!.OriginalString), StringComparison.Ordinal);
        Assert.Empty(await CommandsOfAAsync());

        // Abort and the reference check need no parameters.
        Assert.Equal(HttpStatusCode.Redirect, (await PostFormAsync(clinician, "Abort", [], await LivePageTokenAsync())).StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, (await PostFormAsync(clinician, "ReferenceCheck", [], await LivePageTokenAsync())).StatusCode);
        Assert.Equal([DeviceCommandKinds.ReferenceCheck, DeviceCommandKinds.AbortSession], (await CommandsOfAAsync()).Select(c => c.Kind).Order().Reverse());
    }

    [Fact]
    public async Task A_command_its_device_never_picks_up_expires_and_is_never_handed_out()
    {
        var start = new Dictionary<string, string> { ["PatientReference"] = Patient, ["Preset"] = "iso-14835-1", ["Hands"] = "right" };
        Assert.Equal(HttpStatusCode.Redirect, (await PostFormAsync(clinician, "Start", start, await LivePageTokenAsync())).StatusCode);
        factory.Clock.Advance(TimeSpan.FromMinutes(4));
        var list = await deviceA.GetFromJsonAsync<DeviceCommandList>(DeviceCommandPaths.Commands, DeviceAuthentication.JsonOptions);
        Assert.Empty(list!.Commands);
        Assert.Contains("Expired: the device did not pick it up within 3 min", await clinician.GetStringAsync($"/live/{DeviceA}"), StringComparison.Ordinal);
    }

    /// <summary>Stands in for the device's pipeline: remembers what it was asked and answers "started session s-0077".</summary>
    private sealed class RecordingExecutor : IDeviceCommandExecutor
    {
        public List<DeviceCommand> Received { get; } = [];

        public Task<DeviceCommandResult> ExecuteAsync(DeviceCommand command, CancellationToken cancellationToken)
        {
            Received.Add(command);
            return Task.FromResult(new DeviceCommandResult(DeviceCommandOutcomes.Done, "started session s-0077: manchester, both hands", "s-0077"));
        }
    }
}
