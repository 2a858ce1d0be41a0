namespace ThermoHand.Simulation;

/// <summary>
/// A clock that moves only when told to: the scene clock of a simulated session. Give it to the emulated sensor and
/// the driver, advance it one subpage period at a time, and an 18-minute protocol runs as fast as the computer can
/// render it — or, paced by the caller, at any time scale. Timers created from it still run on wall time (not needed
/// by the acquisition loop, which only reads timestamps).
/// </summary>
public sealed class SimulatedClock : TimeProvider
{
    private long ticks;

    /// <summary>Scene time since the clock was created.</summary>
    public TimeSpan Elapsed => TimeSpan.FromTicks(Interlocked.Read(ref ticks));

    public override long TimestampFrequency => TimeSpan.TicksPerSecond;

    public override long GetTimestamp() => Interlocked.Read(ref ticks);

    /// <summary>Session wall-clock dates are not simulated: the Unix epoch plus the scene time, so nothing looks real.</summary>
    public override DateTimeOffset GetUtcNow() => DateTimeOffset.UnixEpoch + Elapsed;

    public void Advance(TimeSpan by)
    {
        if (by < TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(by), $"A clock cannot go back ({by}).");
        }

        Interlocked.Add(ref ticks, by.Ticks);
    }
}
