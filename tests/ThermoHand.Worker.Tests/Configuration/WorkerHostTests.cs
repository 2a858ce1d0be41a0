using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using ThermoHand.Worker.Configuration;
using ThermoHand.Worker.Extensions;
using ThermoHand.Worker.Hardware;
using ThermoHand.Worker.Protocol;
using ThermoHand.Worker.Services;

namespace ThermoHand.Worker.Tests.Configuration;

/// <summary>Boots the worker's real composition (Program.cs' three calls) with configuration overrides.</summary>
public sealed class WorkerHostTests
{
    private static IHost Build(FakeTimeProvider? clock, params (string Key, string Value)[] overrides)
    {
        HostApplicationBuilder builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings
        {
            ContentRootPath = AppContext.BaseDirectory,
            DisableDefaults = true,
        });
        builder.Configuration.AddJsonFile(Path.Combine(AppContext.BaseDirectory, "appsettings.json"));
        builder.Configuration.AddInMemoryCollection(
            overrides.Select(o => new KeyValuePair<string, string?>(o.Key, o.Value))
                .Append(new("Storage:Path", Path.Combine(Path.GetTempPath(), "thermohand-worker-tests"))));
        if (clock is not null)
        {
            builder.Services.AddSingleton<TimeProvider>(clock);
        }

        builder.AddWorkerOptions();
        builder.AddClinicHardware();
        builder.AddProtocolGuide();
        return builder.Build();
    }

    [Fact]
    public async Task The_worker_starts_with_emulated_hardware_and_the_button_drives_the_challenge()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 1, 5, 9, 0, 0, TimeSpan.Zero));
        using IHost host = Build(clock, ("Protocol:Preset", "bath-ring"));
        await host.StartAsync();

        ProtocolSession session = host.Services.GetRequiredService<ProtocolSession>();
        ProtocolPreset preset = host.Services.GetRequiredService<ProtocolPreset>();
        var button = (EmulatedPushButton)host.Services.GetRequiredService<ClinicHardware>().Button;
        var buzzer = (EmulatedBuzzer)host.Services.GetRequiredService<ClinicHardware>().Buzzer;
        Assert.Equal("bath-ring", preset.Name);

        Assert.True(session.Start(new SessionSetup("RP-7", HandSelection.Right, preset)).Accepted);
        clock.Advance(TimeSpan.FromMinutes(22));
        session.Tick();
        Assert.Equal(ProtocolState.ReadyForChallenge, session.State);

        void Press()
        {
            button.CloseContact();
            clock.Advance(TimeSpan.FromMilliseconds(100));
            button.ReleaseContact();
            clock.Advance(TimeSpan.FromMilliseconds(100));
        }

        Press();
        Assert.Equal(ProtocolState.Immersion, session.State);
        clock.Advance(TimeSpan.FromSeconds(60));
        Press();
        Assert.Equal(ProtocolState.Rewarming, session.State);
        Assert.Contains(buzzer.Played, p => p.Pattern.Name == "one long");

        await host.StopAsync();
    }

    [Fact]
    public async Task Room_readings_reach_the_session_and_a_warm_room_is_flagged()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 1, 5, 9, 0, 0, TimeSpan.Zero));
        using IHost host = Build(clock, ("Hardware:RoomSensor:EmulatedTemperatureCelsius", "25.5"), ("Hardware:RoomSensor:EmulatedDriftCelsiusPerHour", "0"));
        await host.StartAsync();
        ProtocolSession session = host.Services.GetRequiredService<ProtocolSession>();
        session.Start(new SessionSetup("RP-8", HandSelection.Left, ProtocolPresets.Manchester));

        clock.Advance(TimeSpan.FromSeconds(10)); // one room-sensor interval
        Assert.True(SpinWait.SpinUntil(() => session.Deviations.Count > 0, TimeSpan.FromSeconds(5)));
        ProtocolDeviation d = session.Deviations[0];
        Assert.Equal(DeviationKind.RoomTemperatureOutOfBand, d.Kind);
        Assert.Equal(25.5, d.Measured, 1e-9);
        await host.StopAsync();
    }

    [Fact]
    public void Bad_configuration_fails_at_start_with_every_error()
    {
        using IHost host = Build(null, ("Protocol:Preset", "x"), ("Dashboard:Url", "nope"));
        var error = Assert.Throws<OptionsValidationException>(() => host.Services.GetRequiredService<IOptions<WorkerOptions>>().Value);
        Assert.Equal(2, error.Failures.Count());
    }

    [Theory]
    [InlineData(ProtocolState.ReadyForChallenge, "hands-in", true)]
    [InlineData(ProtocolState.Acclimatising, "hands-in", false)]
    public void The_button_means_hands_in_when_ready_and_is_refused_otherwise(ProtocolState state, string command, bool accepted)
    {
        var clock = new FakeTimeProvider();
        var session = new ProtocolSession(clock, new ClinicianCues(new EmulatedBuzzer(clock), new EmulatedStatusLed()));
        session.Start(new SessionSetup("RP-1", HandSelection.Left, ProtocolPresets.Manchester));
        if (state == ProtocolState.ReadyForChallenge)
        {
            clock.Advance(TimeSpan.FromMinutes(22));
        }

        (string name, CommandResult result) = ButtonCommands.Apply(session);
        Assert.Equal(command, name);
        Assert.Equal(accepted, result.Accepted);
    }
}
