namespace ThermoHand.Worker.Hardware;

/// <summary>What the status LED shows. Blink rates are chosen to be told apart at a glance.</summary>
public enum LedPattern
{
    Off,
    On,

    /// <summary>1 Hz: a timer is running (acclimatising, baseline, rewarming).</summary>
    SlowBlink,

    /// <summary>4 Hz: act now (hands in the water, immersion ending, refused command).</summary>
    FastBlink,
}

public interface IStatusLed : IDisposable
{
    LedPattern Pattern { get; }

    void Show(LedPattern pattern);
}

public static class LedPatternTiming
{
    /// <summary>Half period (time on = time off) of a blinking pattern; null for steady patterns.</summary>
    public static TimeSpan? HalfPeriod(LedPattern pattern) => pattern switch
    {
        LedPattern.SlowBlink => TimeSpan.FromMilliseconds(500),
        LedPattern.FastBlink => TimeSpan.FromMilliseconds(125),
        _ => null,
    };
}
