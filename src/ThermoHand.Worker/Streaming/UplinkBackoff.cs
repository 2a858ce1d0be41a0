namespace ThermoHand.Worker.Streaming;

/// <summary>
/// Retry delays while the dashboard is unreachable: doubling from <c>initial</c> up to <c>max</c>, each drawn at random
/// from the upper half of the current step ("equal jitter"), so a clinic's devices coming back after a network outage
/// do not all retry in the same instant, yet none waits less than half the step. Pure apart from the random source.
/// </summary>
public sealed class UplinkBackoff(TimeSpan initial, TimeSpan max, Random random)
{
    private int _failures;

    /// <summary>Failures since the last success.</summary>
    public int Failures => _failures;

    /// <summary>The delay before the next attempt, after one more failure.</summary>
    public TimeSpan NextDelay()
    {
        double step = Math.Min(max.TotalMilliseconds, initial.TotalMilliseconds * Math.Pow(2, Math.Min(_failures, 30)));
        _failures++;
        return TimeSpan.FromMilliseconds(step / 2 + random.NextDouble() * step / 2);
    }

    public void Reset() => _failures = 0;
}
