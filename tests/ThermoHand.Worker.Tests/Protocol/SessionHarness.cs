using Microsoft.Extensions.Time.Testing;
using ThermoHand.Worker.Protocol;

namespace ThermoHand.Worker.Tests.Protocol;

/// <summary>Records every cue the protocol asks for.</summary>
internal sealed class RecordingCues : IProtocolCueOutput
{
    public List<ProtocolCue> Requested { get; } = [];

    public void Request(ProtocolCue cue) => Requested.Add(cue);
}

/// <summary>A session on a fake clock with helpers to move time in seconds and tick.</summary>
internal sealed class SessionHarness
{
    public SessionHarness(ProtocolPreset? preset = null, HandSelection hands = HandSelection.Left)
    {
        Preset = preset ?? ProtocolPresets.Manchester;
        Setup = new SessionSetup("RP-0042", hands, Preset);
        Session = new ProtocolSession(Clock, Cues);
    }

    public FakeTimeProvider Clock { get; } = new(new DateTimeOffset(2026, 1, 5, 9, 0, 0, TimeSpan.Zero));

    public RecordingCues Cues { get; } = new();

    public ProtocolPreset Preset { get; }

    public SessionSetup Setup { get; }

    public ProtocolSession Session { get; }

    public void Start() => Assert.True(Session.Start(Setup).Accepted);

    /// <summary>Moves the clock and lets the protocol see the new time.</summary>
    public void Wait(double seconds)
    {
        Clock.Advance(TimeSpan.FromSeconds(seconds));
        Session.Tick();
    }

    /// <summary>Runs to ReadyForChallenge with a good bath reading just before: t = 1320 s for the 20 + 2 min presets.</summary>
    public void RunToReady(double bathCelsius = double.NaN)
    {
        Start();
        Wait((Preset.Acclimatisation + Preset.BaselineCapture).TotalSeconds);
        Assert.Equal(ProtocolState.ReadyForChallenge, Session.State);
        Session.RecordBathTemperature(double.IsNaN(bathCelsius) ? Preset.BathSetPointCelsius : bathCelsius);
    }

    public double? TimeOf(string type) => Session.Events.FirstOrDefault(e => e.Type == type)?.TimeSeconds;

    public IEnumerable<string> EventTypes => Session.Events.Select(e => e.Type);
}
