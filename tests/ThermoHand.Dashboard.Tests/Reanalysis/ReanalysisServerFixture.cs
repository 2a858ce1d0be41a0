using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using ThermoHand.Dashboard.Security;
using ThermoHand.Dashboard.Tests.Support;
using ThermoHand.Simulation;

namespace ThermoHand.Dashboard.Tests.Reanalysis;

/// <summary>
/// One in-memory dashboard holding two simulated sessions exactly as a device streamed them (simulated hand, emulated
/// sensor, real driver and analysis): one the re-analysis tests version, one the FHIR tests export.
/// </summary>
public sealed class ReanalysisServerFixture : IAsyncLifetime
{
    public const string VersionedSessionId = "reana-versions";
    public const string ExportedSessionId = "reana-fhir";
    public const string CalibratedSessionId = "reana-calibration";
    public const string PatientReference = "P-REANA-1";
    public const string Password = "a-long-enough-password";

    public DashboardFactory Factory { get; } = new();

    public SimulatedDeviceSession Session { get; private set; } = null!;

    public TimeSpan SimulationTime { get; private set; }

    public async Task InitializeAsync()
    {
        var watch = Stopwatch.StartNew();
        Session = await Task.Run(() => SimulatedDeviceSession.Simulate(PatientGroup.Healthy, seed: 21));
        SimulationTime = watch.Elapsed;
        var (device, secret) = await Factory.DeviceClientAsync("reana-device");
        var client = new SimulatedDeviceClient(device, "reana-device", secret);
        var started = new DateTimeOffset(2026, 3, 2, 9, 0, 0, TimeSpan.Zero);
        await client.SendAsync(VersionedSessionId, Session.Messages(PatientReference, started));
        await client.SendAsync(ExportedSessionId, Session.Messages(PatientReference, started.AddDays(7)));
        await client.SendAsync(CalibratedSessionId, Session.Messages(PatientReference, started.AddDays(14)));
        foreach (var (name, role) in new[] { ("clin", ClinicRoles.Clinician), ("res", ClinicRoles.Researcher), ("tech", ClinicRoles.Technician) })
        {
            await Factory.CreateUserAsync(name, role, Password);
        }

        await Factory.Services.GetRequiredService<ClinicIdentifierProtector>().SetAsync(PatientReference, "MRN-000777");
    }

    public Task DisposeAsync()
    {
        Factory.Dispose();
        return Task.CompletedTask;
    }
}

[CollectionDefinition(Name)]
public sealed class ReanalysisCollection : ICollectionFixture<ReanalysisServerFixture>
{
    public const string Name = "reanalysis server";
}
