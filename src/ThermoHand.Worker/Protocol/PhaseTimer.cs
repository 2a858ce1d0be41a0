namespace ThermoHand.Worker.Protocol;

/// <summary>
/// Running time of one protocol phase on the session clock, excluding pauses. Pure: the caller passes "now".
/// </summary>
internal sealed class PhaseTimer
{
    private TimeSpan _accumulated;
    private TimeSpan? _runningSince;

    private PhaseTimer(TimeSpan startedAt) => _runningSince = startedAt;

    public static PhaseTimer StartAt(TimeSpan now) => new(now);

    public bool IsRunning => _runningSince is not null;

    public TimeSpan Elapsed(TimeSpan now) => _accumulated + (_runningSince is { } since ? now - since : TimeSpan.Zero);

    public void Pause(TimeSpan now)
    {
        if (_runningSince is { } since)
        {
            _accumulated += now - since;
            _runningSince = null;
        }
    }

    public void Resume(TimeSpan now) => _runningSince ??= now;

    /// <summary>Session time at which the running time reaches <paramref name="target"/>; null while paused.</summary>
    public TimeSpan? WhenElapsedReaches(TimeSpan target) =>
        _runningSince is { } since ? since + (target - _accumulated) : null;
}
