namespace ThermoHand.Worker.Pipeline;

/// <summary>
/// Wall time sped up by a constant factor, for the simulated patient: timestamps, UTC time and every timer
/// (PeriodicTimer, Task.Delay) run <see cref="Scale"/> times faster, so the protocol state machine, the emulated
/// sensor, the room and bath stand-ins and the recorder all share one clock and a 38-minute protocol plays in
/// minutes. UTC time starts at the real time of creation and then runs fast (dates in simulated sessions are not real).
/// </summary>
public sealed class ScaledTimeProvider : TimeProvider
{
    private readonly TimeProvider wall;
    private readonly long wallStart;
    private readonly DateTimeOffset utcStart;

    public ScaledTimeProvider(double scale, TimeProvider? wall = null)
    {
        if (!(scale is >= 1 and <= 1000))
        {
            throw new ArgumentOutOfRangeException(nameof(scale), scale, "Time scale must be 1–1000.");
        }

        Scale = scale;
        this.wall = wall ?? System;
        wallStart = this.wall.GetTimestamp();
        utcStart = this.wall.GetUtcNow();
    }

    public double Scale { get; }

    public override long TimestampFrequency => TimeSpan.TicksPerSecond;

    /// <summary>Scaled ticks (100 ns) since creation.</summary>
    public override long GetTimestamp() => (long)(wall.GetElapsedTime(wallStart).Ticks * Scale);

    public override DateTimeOffset GetUtcNow() => utcStart + TimeSpan.FromTicks(GetTimestamp());

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
        => new ScaledTimer(wall.CreateTimer(callback, state, ToWall(dueTime), ToWall(period)), this);

    /// <summary>A scaled duration as wall time; infinite stays infinite, and a positive duration never becomes zero.</summary>
    internal TimeSpan ToWall(TimeSpan scaled)
    {
        if (scaled == Timeout.InfiniteTimeSpan || scaled <= TimeSpan.Zero)
        {
            return scaled;
        }

        return TimeSpan.FromTicks(Math.Max(1, (long)(scaled.Ticks / Scale)));
    }

    private sealed class ScaledTimer(ITimer inner, ScaledTimeProvider owner) : ITimer
    {
        public bool Change(TimeSpan dueTime, TimeSpan period) => inner.Change(owner.ToWall(dueTime), owner.ToWall(period));

        public void Dispose() => inner.Dispose();

        public ValueTask DisposeAsync() => inner.DisposeAsync();
    }
}
