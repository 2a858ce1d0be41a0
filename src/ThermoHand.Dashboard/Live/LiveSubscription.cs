using System.Threading.Channels;

namespace ThermoHand.Dashboard.Live;

/// <summary>
/// One viewer of one device: what the session looked like when the viewer arrived (<see cref="Snapshot"/>), then
/// every later update through a bounded channel that drops the oldest update when the viewer falls behind (Aspire
/// dashboard pattern). Why drop-oldest: a live view only needs the newest frame; a slow browser must cost the
/// server a fixed amount of memory, never an ever-growing queue. Storage never drops anything — only this view does.
/// </summary>
public sealed class LiveSubscription : IDisposable
{
    private readonly Channel<LiveUpdate> channel;
    private readonly Action<LiveSubscription> unsubscribe;
    private int disposed;
    private long dropped;

    internal LiveSubscription(string deviceId, int capacity, Action<LiveSubscription> unsubscribe)
    {
        DeviceId = deviceId;
        this.unsubscribe = unsubscribe;
        channel = Channel.CreateBounded<LiveUpdate>(
            new BoundedChannelOptions(capacity) { FullMode = BoundedChannelFullMode.DropOldest, SingleReader = true, SingleWriter = false },
            _ => Interlocked.Increment(ref dropped));
    }

    public string DeviceId { get; }

    /// <summary>The session so far, oldest first: session_started, history (curves), events, latest readings, latest frame per hand.</summary>
    public IReadOnlyList<LiveUpdate> Snapshot { get; internal set; } = [];

    public ChannelReader<LiveUpdate> Updates => channel.Reader;

    /// <summary>Updates this viewer lost because it was slower than the device (oldest dropped first).</summary>
    public long DroppedUpdates => Interlocked.Read(ref dropped);

    internal void Offer(LiveUpdate update) => channel.Writer.TryWrite(update);

    /// <summary>Stops the updates. Safe to call more than once (the SSE loop and the request abort may both call it).</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref disposed, 1) == 1)
        {
            return;
        }

        channel.Writer.TryComplete();
        unsubscribe(this);
    }
}
