namespace ThermoHand.Worker.Pipeline;

/// <summary>
/// One time base for everything the pipeline stamps: seconds since the worker started, on the worker's clock (scaled
/// in simulation). Subpages are stamped with it when read; a session's origin is expressed on it, so a subpage's
/// session time is simply its stamp minus the origin.
/// </summary>
public sealed class PipelineClock(TimeProvider clock)
{
    private readonly long epoch = clock.GetTimestamp();

    public TimeProvider Clock { get; } = clock;

    /// <summary>Seconds since the worker started.</summary>
    public double Now => Clock.GetElapsedTime(epoch).TotalSeconds;
}
