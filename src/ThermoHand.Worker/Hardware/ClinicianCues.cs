using ThermoHand.Worker.Protocol;

namespace ThermoHand.Worker.Hardware;

/// <summary>
/// Turns protocol cue requests into sounds and LED patterns. Short beeps announce, long beeps ask for action
/// (hands in / hands out), so a clinician watching the patient need not look at a screen.
/// </summary>
public sealed class ClinicianCues(IBuzzer buzzer, IStatusLed led) : IProtocolCueOutput
{
    public static BuzzerPattern? SoundOf(ProtocolCue cue) => cue switch
    {
        ProtocolCue.AcclimatisationStarted => BuzzerPattern.Repeat("one short", 1, 150, 100),
        ProtocolCue.BaselineStarted => BuzzerPattern.Repeat("two short", 2, 150, 150),
        ProtocolCue.ReadyForChallenge => BuzzerPattern.Repeat("three short", 3, 150, 150),
        ProtocolCue.ImmersionStarted => BuzzerPattern.Repeat("one long", 1, 600, 100),
        ProtocolCue.ImmersionEndingSoon => BuzzerPattern.Repeat("two short", 2, 150, 150),
        ProtocolCue.ImmersionTimeUp => BuzzerPattern.Repeat("hands out now", 1, 1500, 100),
        ProtocolCue.RewarmingStarted => BuzzerPattern.Repeat("one short", 1, 150, 100),
        ProtocolCue.SessionComplete => BuzzerPattern.Repeat("three long", 3, 600, 300),
        ProtocolCue.Paused or ProtocolCue.Resumed => BuzzerPattern.Repeat("one short", 1, 150, 100),
        ProtocolCue.Aborted => BuzzerPattern.Repeat("two long", 2, 600, 300),
        ProtocolCue.CommandRefused => BuzzerPattern.Repeat("refused", 3, 60, 60),

        // A deviation is recorded and shown on the dashboard; sounding it could distract during immersion.
        ProtocolCue.DeviationRecorded => null,
        _ => null,
    };

    /// <summary>The LED pattern a cue leaves behind; null keeps the current one.</summary>
    public static LedPattern? LightOf(ProtocolCue cue) => cue switch
    {
        ProtocolCue.AcclimatisationStarted or ProtocolCue.BaselineStarted or ProtocolCue.RewarmingStarted
            or ProtocolCue.Resumed => LedPattern.SlowBlink,
        ProtocolCue.ReadyForChallenge or ProtocolCue.SessionComplete => LedPattern.On,
        ProtocolCue.ImmersionStarted or ProtocolCue.ImmersionEndingSoon or ProtocolCue.ImmersionTimeUp => LedPattern.FastBlink,
        ProtocolCue.Paused or ProtocolCue.Aborted => LedPattern.Off,
        _ => null,
    };

    public void Request(ProtocolCue cue)
    {
        if (SoundOf(cue) is { } sound)
        {
            buzzer.Play(sound);
        }

        if (LightOf(cue) is { } light)
        {
            led.Show(light);
        }
    }
}
