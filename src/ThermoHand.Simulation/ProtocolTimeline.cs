using ThermoHand.Analysis;

namespace ThermoHand.Simulation;

/// <summary>
/// The part of the cold-challenge test that is recorded, on the scene's own clock (seconds from the start of the
/// recording). The 20-minute acclimatisation (clinical.md §1.1, Manchester standard) happens before the recording
/// and is not simulated frame by frame: the patient enters the recording acclimatised, at baseline.
/// Defaults: 2 min baseline, 1 min in 15 °C water (hands out of view), 15 min rewarming, room 23 °C [S4][S6][S7].
/// </summary>
public sealed record ProtocolTimeline
{
    public double BaselineSeconds { get; init; } = 120;

    public double ChallengeSeconds { get; init; } = 60;

    public double RewarmingSeconds { get; init; } = 900;

    /// <summary>
    /// Time from leaving the water until the hands are back under the sensor (drying, moving to the rest). Our
    /// assumption; the skin already rewarms in this gap, exactly as in the clinic.
    /// </summary>
    public double ReturnDelaySeconds { get; init; } = 5;

    public double RoomTemperatureCelsius { get; init; } = 23;

    public double WaterTemperatureCelsius { get; init; } = 15;

    public double ChallengeStartSeconds => BaselineSeconds;

    public double ChallengeEndSeconds => BaselineSeconds + ChallengeSeconds;

    public double TotalSeconds => ChallengeEndSeconds + RewarmingSeconds;

    /// <summary>Whether the hands are in the sensor's view at <paramref name="timeSeconds"/>.</summary>
    public bool HandsInView(double timeSeconds)
        => timeSeconds < ChallengeStartSeconds || timeSeconds >= ChallengeEndSeconds + ReturnDelaySeconds;

    /// <summary>The protocol events at the times the scene uses.</summary>
    public IReadOnlyList<SessionEvent> Events =>
    [
        new SessionEvent(ChallengeStartSeconds, SessionEventTypes.ChallengeStart),
        new SessionEvent(ChallengeEndSeconds, SessionEventTypes.ChallengeEnd),
    ];

    /// <summary>Throws naming the first setting that makes no sense.</summary>
    public void Validate()
    {
        Check(BaselineSeconds >= 1, $"baseline must last at least 1 s, not {BaselineSeconds} s");
        Check(ChallengeSeconds >= 1, $"the cold challenge must last at least 1 s, not {ChallengeSeconds} s");
        Check(RewarmingSeconds >= 1, $"rewarming must last at least 1 s, not {RewarmingSeconds} s");
        Check(ReturnDelaySeconds >= 0 && ReturnDelaySeconds < RewarmingSeconds, $"the return delay ({ReturnDelaySeconds} s) must be 0 or more and shorter than rewarming");
        Check(RoomTemperatureCelsius is >= 10 and <= 35, $"room temperature must be 10–35 °C, not {RoomTemperatureCelsius} °C");
        Check(WaterTemperatureCelsius is >= 0 and <= 30, $"water temperature must be 0–30 °C, not {WaterTemperatureCelsius} °C");

        static void Check(bool ok, string message)
        {
            if (!ok)
            {
                throw new ArgumentException("Protocol: " + message + ".");
            }
        }
    }
}
