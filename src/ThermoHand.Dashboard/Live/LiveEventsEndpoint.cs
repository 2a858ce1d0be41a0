using System.Text;

namespace ThermoHand.Dashboard.Live;

/// <summary>
/// <c>GET /live/{deviceId}/events</c>: the Server-Sent Events stream a live view reads. Each update is one SSE event
/// named after the device message kind (<c>frame</c>, <c>event</c>, <c>environment</c>, …, plus <c>history</c>)
/// whose data is the message JSON. The snapshot comes first, then live updates; a comment line every 15 s keeps
/// proxies from closing an idle stream and lets the server notice a browser that went away.
/// </summary>
public static class LiveEventsEndpoint
{
    public const string Pattern = "/live/{deviceId}/events";

    private static readonly TimeSpan Heartbeat = TimeSpan.FromSeconds(15);

    public static string PathFor(string deviceId) => "/live/" + Uri.EscapeDataString(deviceId) + "/events";

    /// <summary>Writes the stream until the browser disconnects (or the server stops).</summary>
    public static async Task StreamAsync(HttpContext context, string deviceId, LiveHub hub)
    {
        var cancellation = context.RequestAborted;
        var response = context.Response;
        response.ContentType = "text/event-stream";
        response.Headers.CacheControl = "no-cache, no-store";
        response.Headers["X-Accel-Buffering"] = "no";   // a reverse proxy must not buffer a live stream

        using var subscription = hub.Subscribe(deviceId);
        try
        {
            // retry: how long the browser waits before reconnecting after a dropped connection (it then gets a fresh snapshot).
            await response.WriteAsync("retry: 2000\n\n", cancellation);
            foreach (var update in subscription.Snapshot)
            {
                await WriteEventAsync(response, update, cancellation);
            }

            await response.Body.FlushAsync(cancellation);
            var reader = subscription.Updates;
            var idle = CancellationTokenSource.CreateLinkedTokenSource(cancellation);
            try
            {
                while (true)
                {
                    // One timer per viewer, reset on every wake-up (no new timer per update: at 4 frames/s and
                    // hundreds of viewers, per-update Task.Delay timers would pile up by the thousand).
                    idle.CancelAfter(Heartbeat);
                    bool more;
                    try
                    {
                        more = await reader.WaitToReadAsync(idle.Token);
                    }
                    catch (OperationCanceledException) when (!cancellation.IsCancellationRequested)
                    {
                        await response.WriteAsync(": keep-alive\n\n", cancellation);
                        await response.Body.FlushAsync(cancellation);
                        idle.Dispose();
                        idle = CancellationTokenSource.CreateLinkedTokenSource(cancellation);
                        continue;
                    }

                    if (!more)
                    {
                        break;
                    }

                    // Write everything that is waiting, then flush once: a burst costs one network write.
                    while (reader.TryRead(out var update))
                    {
                        await WriteEventAsync(response, update, cancellation);
                    }

                    await response.Body.FlushAsync(cancellation);
                }
            }
            finally
            {
                idle.Dispose();
            }
        }
        catch (OperationCanceledException) when (cancellation.IsCancellationRequested)
        {
            // The browser closed the page: the normal end of a live view.
        }
    }

    /// <summary>One SSE event. Each line of the data gets its own "data:" prefix, as the SSE format requires.</summary>
    internal static Task WriteEventAsync(HttpResponse response, LiveUpdate update, CancellationToken cancellation)
    {
        var text = new StringBuilder(update.Json.Length + 32);
        text.Append("event: ").Append(update.Kind).Append('\n');
        foreach (var line in update.Json.Split('\n'))
        {
            text.Append("data: ").Append(line.TrimEnd('\r')).Append('\n');
        }

        text.Append('\n');
        return response.WriteAsync(text.ToString(), cancellation);
    }
}
