namespace ThermoHand.Worker.Protocol;

/// <summary>
/// A request to tell the clinician something (buzzer pattern, LED). The protocol only asks; an
/// <see cref="IProtocolCueOutput"/> decides how it sounds or shines, so the protocol never touches hardware.
/// </summary>
public enum ProtocolCue
{
    AcclimatisationStarted,
    BaselineStarted,
    ReadyForChallenge,
    ImmersionStarted,
    ImmersionEndingSoon,
    ImmersionTimeUp,
    RewarmingStarted,
    SessionComplete,
    Paused,
    Resumed,
    Aborted,
    CommandRefused,
    DeviationRecorded,
}

/// <summary>Where cue requests go. Implementations must return quickly and must not call back into the session.</summary>
public interface IProtocolCueOutput
{
    void Request(ProtocolCue cue);
}
