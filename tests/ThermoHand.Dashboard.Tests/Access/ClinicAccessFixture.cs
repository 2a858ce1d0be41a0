using System.Net.Http.Json;
using System.Net;
using ThermoHand.Dashboard.Security;
using ThermoHand.Dashboard.Tests.Support;
using ThermoHand.Streaming;

namespace ThermoHand.Dashboard.Tests.Access;

/// <summary>
/// One dashboard with one stored session (so routes are tried with real ids and a leak would show real data), a
/// logged-in client per role, a device client, and an anonymous client.
/// </summary>
public sealed class ClinicAccessFixture : IAsyncLifetime, IDisposable
{
    public const string DeviceId = "dev-access";
    public const string SessionId = "s-access-1";
    public const string PatientReference = "PR-ACCESS-7731";

    public DashboardFactory Factory { get; } = new();

    public Dictionary<string, HttpClient> Clients { get; } = new(StringComparer.Ordinal);

    /// <summary>The value each route parameter is tried with: real ids where the name says what it is.</summary>
    public static string RouteValue(string name)
    {
        var lower = name.ToLowerInvariant();
        return lower.Contains("patient", StringComparison.Ordinal) || lower is "ref" or "reference" ? PatientReference
            : lower.Contains("device", StringComparison.Ordinal) ? DeviceId
            : lower.Contains("session", StringComparison.Ordinal) || lower == "id" ? SessionId
            : "x";
    }

    public async Task InitializeAsync()
    {
        var (device, _) = await Factory.DeviceClientAsync(DeviceId);
        var messages = new StreamMessages();
        var batch = new DeviceBatch(DeviceId,
        [
            messages.SessionStarted(1, SessionId, PatientReference),
            messages.Event(2, SessionId, 60, "challenge_start"),
            messages.Event(3, SessionId, 120, "challenge_end"),
            messages.Frame(4, SessionId, 121, "left", 22.0),
            messages.Environment(5, SessionId, 121, 23.0, 15.0),
            messages.Analysis(6, SessionId, "left", true, 1.4),
            messages.Ended(7, SessionId, 1020),
        ]);
        var stored = await device.PostAsJsonAsync(DeviceAuthentication.MessagesPath, batch, DeviceAuthentication.JsonOptions);
        Assert.Equal(HttpStatusCode.OK, stored.StatusCode);

        Clients[Caller.Anonymous.Name] = Factory.NewClient();
        Clients[Caller.Device.Name] = device;
        Clients[ClinicRoles.Administrator] = await Factory.LoggedInClientAsync(DashboardFactory.AdminName, DashboardFactory.AdminPassword);
        foreach (var role in new[] { ClinicRoles.Clinician, ClinicRoles.Technician, ClinicRoles.Researcher })
        {
            var password = await Factory.CreateUserAsync("user-" + role, role);
            Clients[role] = await Factory.LoggedInClientAsync("user-" + role, password);
        }
    }

    public Task DisposeAsync() => Task.CompletedTask;

    public void Dispose()
    {
        foreach (var client in Clients.Values)
        {
            client.Dispose();
        }

        Factory.Dispose();
    }
}
