namespace ThermoHand.Worker.Hardware;

/// <summary>Stand-in for the buzzer: records which pattern was requested and when (on the given clock).</summary>
public sealed class EmulatedBuzzer(TimeProvider clock) : IBuzzer
{
    private readonly List<(DateTimeOffset At, BuzzerPattern Pattern)> _played = [];
    private readonly Lock _gate = new();

    public IReadOnlyList<(DateTimeOffset At, BuzzerPattern Pattern)> Played
    {
        get
        {
            lock (_gate)
            {
                return _played.ToArray();
            }
        }
    }

    public void Play(BuzzerPattern pattern)
    {
        lock (_gate)
        {
            _played.Add((clock.GetUtcNow(), pattern));
        }
    }

    public void Dispose()
    {
    }
}
