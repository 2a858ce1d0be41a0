using ThermoHand.Analysis;

namespace ThermoHand.Worker.Protocol;

/// <summary>
/// Event type names the worker writes (shared/formats.md §3). challenge_start/challenge_end are the analysis'
/// own constants; the others are extra types that the analysis ignores but the record keeps.
/// </summary>
public static class SessionEventNames
{
    public const string AcclimatisationStart = "acclimatisation_start";
    public const string BaselineStart = "baseline_start";
    public const string BaselineEnd = "baseline_end";
    public const string ChallengeStart = SessionEventTypes.ChallengeStart;
    public const string ChallengeEnd = SessionEventTypes.ChallengeEnd;
    public const string RewarmingEnd = "rewarming_end";
    public const string Paused = "paused";
    public const string Resumed = "resumed";
    public const string Aborted = "aborted";
    public const string Restarted = "restarted";
}
