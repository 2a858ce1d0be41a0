using System.Collections.Concurrent;
using System.Text.Json;
using ThermoHand.Streaming;

namespace ThermoHand.Dashboard.Live;

/// <summary>
/// Fans each device's messages out to the browsers watching it. The ingest calls <see cref="Publish"/> once a batch
/// is stored (so a viewer never sees what the database does not hold); each viewer <see cref="Subscribe"/>s and gets
/// a snapshot of the running session followed by every later message. Per device the hub keeps only what a newly
/// arriving viewer needs: the session start, its events, the latest environment/status/analysis, the latest frame
/// per hand and the region curves (thinned when long).
/// </summary>
public sealed class LiveHub
{
    /// <summary>Updates a viewer may fall behind before the oldest are dropped: about 8 s of frames at 4 frames/s.</summary>
    public const int DefaultViewerCapacity = 32;

    private readonly ConcurrentDictionary<string, DeviceFeed> feeds = new(StringComparer.Ordinal);
    private readonly TimeProvider time;
    private readonly int viewerCapacity;

    public LiveHub(TimeProvider? time = null, int viewerCapacity = DefaultViewerCapacity)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(viewerCapacity, 1);
        this.time = time ?? TimeProvider.System;
        this.viewerCapacity = viewerCapacity;
    }

    /// <summary>Viewers connected now, all devices.</summary>
    public int ViewerCount => feeds.Values.Sum(f => f.ViewerCount);

    /// <summary>Sends a stored device message to everyone watching that device (messages in sequence order).</summary>
    public void Publish(string deviceId, DeviceMessage message)
    {
        ArgumentException.ThrowIfNullOrEmpty(deviceId);
        ArgumentNullException.ThrowIfNull(message);
        var json = JsonSerializer.Serialize(message, DeviceAuthentication.JsonOptions);
        Feed(deviceId).Publish(message, new LiveUpdate(message.Kind, json, time.GetUtcNow()));
    }

    /// <summary>Starts watching a device: the snapshot of its session so far, then live updates. Dispose to stop.</summary>
    public LiveSubscription Subscribe(string deviceId)
    {
        ArgumentException.ThrowIfNullOrEmpty(deviceId);
        return Feed(deviceId).Subscribe(viewerCapacity, time);
    }

    private DeviceFeed Feed(string deviceId) => feeds.GetOrAdd(deviceId, id => new DeviceFeed(id));

    /// <summary>One device's live state and viewers. One lock: the snapshot and joining the viewer list happen
    /// together, so a message is either in the snapshot or delivered live, never lost and never both.</summary>
    private sealed class DeviceFeed(string deviceId)
    {
        private const int MaxCurvePoints = 8000;
        private readonly Lock gate = new();
        private readonly List<LiveSubscription> viewers = [];
        private readonly List<LiveUpdate> events = [];
        private readonly Dictionary<string, LiveUpdate> latestFrameByHand = new(StringComparer.Ordinal);
        private readonly Dictionary<string, LiveUpdate> latestAnalysisByHand = new(StringComparer.Ordinal);
        private readonly Dictionary<(string Hand, string Region), List<double[]>> curves = [];
        private LiveSubscription[] viewerArray = [];
        private LiveUpdate? sessionStarted;
        private LiveUpdate? sessionEnded;
        private LiveUpdate? environment;
        private LiveUpdate? status;
        private string? sessionId;

        public int ViewerCount
        {
            get
            {
                lock (gate)
                {
                    return viewers.Count;
                }
            }
        }

        public void Publish(DeviceMessage message, LiveUpdate update)
        {
            LiveSubscription[] targets;
            lock (gate)
            {
                Remember(message, update);
                targets = viewerArray;
            }

            // Offering outside the lock: a full channel drops its oldest item itself and never blocks the ingest.
            foreach (var viewer in targets)
            {
                viewer.Offer(update);
            }
        }

        public LiveSubscription Subscribe(int capacity, TimeProvider time)
        {
            var subscription = new LiveSubscription(deviceId, capacity, Unsubscribe);
            lock (gate)
            {
                subscription.Snapshot = BuildSnapshot(time.GetUtcNow());
                viewers.Add(subscription);
                viewerArray = [.. viewers];
            }

            return subscription;
        }

        private void Unsubscribe(LiveSubscription subscription)
        {
            lock (gate)
            {
                if (viewers.Remove(subscription))
                {
                    viewerArray = [.. viewers];
                }
            }
        }

        private void Remember(DeviceMessage message, LiveUpdate update)
        {
            switch (message.Kind)
            {
                case DeviceMessageKinds.SessionStarted:
                    // A new session replaces everything the previous one left for late viewers.
                    sessionId = message.SessionId;
                    sessionStarted = update;
                    sessionEnded = null;
                    events.Clear();
                    latestFrameByHand.Clear();
                    latestAnalysisByHand.Clear();
                    curves.Clear();
                    break;
                case DeviceMessageKinds.Event when IsCurrent(message):
                    events.Add(update);
                    break;
                case DeviceMessageKinds.Frame when IsCurrent(message):
                    var hand = StringProperty(message.Payload, "hand") ?? "hand";
                    latestFrameByHand[hand] = update;
                    AddToCurves(hand, message.Payload);
                    break;
                case DeviceMessageKinds.Analysis when IsCurrent(message):
                    latestAnalysisByHand[StringProperty(message.Payload, "hand") ?? "hand"] = update;
                    break;
                case DeviceMessageKinds.Environment:
                    environment = update;
                    break;
                case DeviceMessageKinds.Status:
                    status = update;
                    break;
                case DeviceMessageKinds.SessionEnded when IsCurrent(message):
                    sessionEnded = update;
                    break;
            }
        }

        // Messages of an older session (a device resending its backlog after an outage) are still forwarded live but
        // do not overwrite the running session's state.
        private bool IsCurrent(DeviceMessage message) => sessionId is null || message.SessionId == sessionId;

        private void AddToCurves(string hand, JsonElement payload)
        {
            if (payload.ValueKind != JsonValueKind.Object
                || !payload.TryGetProperty("t_s", out var t) || t.ValueKind != JsonValueKind.Number
                || !payload.TryGetProperty("regions", out var regions) || regions.ValueKind != JsonValueKind.Array)
            {
                return;
            }

            var seconds = t.GetDouble();
            foreach (var region in regions.EnumerateArray())
            {
                if (region.ValueKind != JsonValueKind.Object
                    || StringProperty(region, "name") is not { } name
                    || !region.TryGetProperty("t_c", out var celsius) || celsius.ValueKind != JsonValueKind.Number
                    || !region.TryGetProperty("trusted", out var trusted) || trusted.ValueKind != JsonValueKind.True)
                {
                    continue;
                }

                if (!curves.TryGetValue((hand, name), out var curve))
                {
                    curves[(hand, name)] = curve = [];
                }

                if (curve.Count > 0 && seconds <= curve[^1][0])
                {
                    continue;
                }

                curve.Add([seconds, Math.Round(celsius.GetDouble(), 3)]);
                if (curve.Count > MaxCurvePoints)
                {
                    // Thin the older half to every second point: the shape of a long session stays, memory stays bounded.
                    var half = curve.Count / 2;
                    var kept = 0;
                    for (var i = 0; i < half; i += 2)
                    {
                        curve[kept++] = curve[i];
                    }

                    curve.RemoveRange(kept, half - kept);
                }
            }
        }

        private List<LiveUpdate> BuildSnapshot(DateTimeOffset now)
        {
            var snapshot = new List<LiveUpdate>();
            if (sessionStarted is not null)
            {
                snapshot.Add(sessionStarted);
            }

            if (curves.Count > 0)
            {
                snapshot.Add(new LiveUpdate(LiveUpdateKinds.History, HistoryJson(), now));
            }

            snapshot.AddRange(events);
            if (environment is not null)
            {
                snapshot.Add(environment);
            }

            if (status is not null)
            {
                snapshot.Add(status);
            }

            snapshot.AddRange(latestAnalysisByHand.Values);
            snapshot.AddRange(latestFrameByHand.Values);
            if (sessionEnded is not null)
            {
                snapshot.Add(sessionEnded);
            }

            return snapshot;
        }

        private string HistoryJson()
        {
            var hands = new Dictionary<string, Dictionary<string, List<double[]>>>(StringComparer.Ordinal);
            foreach (var ((hand, region), points) in curves)
            {
                if (!hands.TryGetValue(hand, out var regions))
                {
                    hands[hand] = regions = new Dictionary<string, List<double[]>>(StringComparer.Ordinal);
                }

                regions[region] = points;
            }

            return JsonSerializer.Serialize(new { session_id = sessionId, hands });
        }

        private static string? StringProperty(JsonElement element, string name)
            => element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String
                ? value.GetString()
                : null;
    }
}

/// <summary>Update kinds the hub adds to the device message kinds.</summary>
public static class LiveUpdateKinds
{
    /// <summary>The region curves of the running session so far, sent once in the snapshot: {session_id, hands: {hand: {region: [[t_s, °C], …]}}}.</summary>
    public const string History = "history";
}
