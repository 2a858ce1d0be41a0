using Microsoft.Extensions.Time.Testing;
using ThermoHand.Worker.Configuration;
using ThermoHand.Worker.Hardware;
using ThermoHand.Worker.Protocol;

namespace ThermoHand.Worker.Tests.Hardware;

public sealed class StandInTests
{
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 1, 5, 9, 0, 0, TimeSpan.Zero));

    [Fact]
    public void Emulated_room_drifts_linearly_and_can_be_set()
    {
        var room = new EmulatedRoomSensor(_clock, temperatureCelsius: 23.0, humidityPercent: 45, driftCelsiusPerHour: 0.4);
        Assert.Equal(23.0, room.Read().Temperature.DegreesCelsius, 1e-9);
        _clock.Advance(TimeSpan.FromMinutes(30));
        RoomConditions later = room.Read();
        Assert.Equal(23.2, later.Temperature.DegreesCelsius, 1e-9);
        Assert.Equal(45, later.Humidity.Percent, 1e-9);

        room.SetConditions(25.0, 60);
        _clock.Advance(TimeSpan.FromMinutes(15));
        Assert.Equal(25.1, room.Read().Temperature.DegreesCelsius, 1e-9);
        Assert.Equal(60, room.Read().Humidity.Percent, 1e-9);
    }

    [Fact]
    public void Emulated_bath_warms_towards_the_room()
    {
        var bath = new EmulatedBathProbe(_clock, temperatureCelsius: 15.0, driftCelsiusPerHour: 0.5);
        _clock.Advance(TimeSpan.FromHours(2));
        Assert.Equal(16.0, bath.ReadTemperature().DegreesCelsius, 1e-9);
        bath.SetTemperature(12.0);
        Assert.Equal(12.0, bath.ReadTemperature().DegreesCelsius, 1e-9);
    }

    [Fact]
    public void Emulated_buzzer_and_led_record_what_the_cues_asked_for()
    {
        var buzzer = new EmulatedBuzzer(_clock);
        var led = new EmulatedStatusLed();
        var cues = new ClinicianCues(buzzer, led);

        cues.Request(ProtocolCue.ImmersionStarted);
        _clock.Advance(TimeSpan.FromSeconds(50));
        cues.Request(ProtocolCue.ImmersionEndingSoon);
        cues.Request(ProtocolCue.DeviationRecorded); // recorded silently

        Assert.Equal(["one long", "two short"], buzzer.Played.Select(p => p.Pattern.Name));
        Assert.Equal(TimeSpan.FromSeconds(50), buzzer.Played[1].At - buzzer.Played[0].At);
        Assert.Equal(TimeSpan.FromMilliseconds(600), buzzer.Played[1].Pattern.Duration);
        Assert.Equal([LedPattern.FastBlink, LedPattern.FastBlink], led.History);
        Assert.Equal(LedPattern.FastBlink, led.Pattern);
    }

    [Fact]
    public void Every_cue_that_asks_for_action_is_audible()
    {
        foreach (ProtocolCue cue in Enum.GetValues<ProtocolCue>().Where(c => c != ProtocolCue.DeviationRecorded))
        {
            Assert.NotNull(ClinicianCues.SoundOf(cue));
        }

        // The "hands out now" cue must be the longest sound so it cannot be mistaken for an announcement.
        TimeSpan handsOut = ClinicianCues.SoundOf(ProtocolCue.ImmersionTimeUp)!.Beeps[0].On;
        Assert.All(Enum.GetValues<ProtocolCue>().Select(ClinicianCues.SoundOf).OfType<BuzzerPattern>(),
            p => Assert.True(p.Beeps.All(b => b.On <= handsOut)));
    }

    [Fact]
    public void Sequencer_switches_the_tone_on_the_clock()
    {
        var switches = new List<(int AtMilliseconds, bool On)>();
        DateTimeOffset start = _clock.GetUtcNow();
        using var sequencer = new BuzzerSequencer(_clock, on => switches.Add(((int)(_clock.GetUtcNow() - start).TotalMilliseconds, on)));

        sequencer.Play(BuzzerPattern.Repeat("two short", 2, 150, 150));
        Assert.True(sequencer.IsPlaying);
        for (int i = 0; i < 10; i++)
        {
            _clock.Advance(TimeSpan.FromMilliseconds(75));
        }

        // on@0, off@150, on@300, off@450, then the end of the pattern at 600 switches it off for good.
        Assert.Equal([(0, true), (150, false), (300, true), (450, false), (600, false)], switches);
        Assert.False(sequencer.IsPlaying);
    }

    [Fact]
    public void A_new_pattern_replaces_the_one_playing()
    {
        var switches = new List<(int AtMilliseconds, bool On)>();
        DateTimeOffset start = _clock.GetUtcNow();
        using var sequencer = new BuzzerSequencer(_clock, on => switches.Add(((int)(_clock.GetUtcNow() - start).TotalMilliseconds, on)));

        sequencer.Play(BuzzerPattern.Repeat("three long", 3, 600, 300));
        _clock.Advance(TimeSpan.FromMilliseconds(100));
        sequencer.Play(BuzzerPattern.Repeat("refused", 1, 60, 0));

        // Small steps: the fake clock stamps a timer callback with the end of the Advance that fired it.
        for (int i = 0; i < 500; i++)
        {
            _clock.Advance(TimeSpan.FromMilliseconds(10));
        }

        Assert.Equal([(0, true), (100, true), (160, false)], switches);
    }

    [Fact]
    public void All_emulated_hardware_opens_without_a_pi()
    {
        using ClinicHardware hardware = ClinicHardware.Open(new HardwareOptions(), _clock);
        Assert.IsType<EmulatedPushButton>(hardware.Button);
        Assert.IsType<EmulatedStatusLed>(hardware.StatusLed);
        Assert.IsType<EmulatedBuzzer>(hardware.Buzzer);
        Assert.IsType<EmulatedRoomSensor>(hardware.RoomSensor);
        Assert.IsType<EmulatedBathProbe>(hardware.BathProbe);
        Assert.Equal(15.0, hardware.BathProbe.ReadTemperature().DegreesCelsius, 1e-9);
    }

    [Fact]
    public void A_missing_room_sensor_names_its_setting_and_the_way_out()
    {
        var options = new HardwareOptions { RoomSensor = { Kind = DeviceKind.Real, I2cBus = 97 } };
        var error = Assert.Throws<HardwareUnavailableException>(() => ClinicHardware.Open(options, _clock));
        Assert.StartsWith("Hardware:RoomSensor:I2cBus 97: no BME280 at 0x76", error.Message);
        Assert.Contains("set Hardware:RoomSensor:Kind=Emulated to run without it", error.Message);
    }

    [Fact]
    public void A_missing_bath_probe_names_its_setting_and_the_way_out()
    {
        var options = new HardwareOptions { BathProbe = { Kind = DeviceKind.Real, DeviceId = "28-000000000000" } };
        var error = Assert.Throws<HardwareUnavailableException>(() => ClinicHardware.Open(options, _clock));
        Assert.StartsWith("Hardware:BathProbe", error.Message);
        Assert.Contains("set Hardware:BathProbe:Kind=Emulated to run without it", error.Message);
    }

}
