namespace ThermoHand.Analysis;

/// <summary>Which hand a sensor looks at (dorsal view). Digit order in the image depends on it.</summary>
public enum Hand
{
    Left,
    Right,
}

/// <summary>A protocol event on the recording's clock (shared/formats.md §3).</summary>
public sealed record SessionEvent(double TimeSeconds, string Type);

/// <summary>Event type names of the interchange format. Unknown types are kept but ignored by the analysis.</summary>
public static class SessionEventTypes
{
    /// <summary>The hands go into the water.</summary>
    public const string ChallengeStart = "challenge_start";

    /// <summary>The hands leave the water: rewarming time 0.</summary>
    public const string ChallengeEnd = "challenge_end";
}

/// <summary>The events of one session and the hand they concern.</summary>
public sealed record SessionEvents(Hand Hand, IReadOnlyList<SessionEvent> Events)
{
    public double? TimeOf(string type) => Events.FirstOrDefault(e => e.Type == type)?.TimeSeconds;
}
