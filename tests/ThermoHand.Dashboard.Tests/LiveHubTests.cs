using System.Text.Json;
using ThermoHand.Dashboard.Live;
using ThermoHand.Streaming;

namespace ThermoHand.Dashboard.Tests;

/// <summary>The live hub: snapshot then live, nothing lost or doubled at the join, bounded drop-oldest viewers.</summary>
public sealed class LiveHubTests
{
    private long sequence;

    [Fact]
    public void A_viewer_gets_the_running_session_as_a_snapshot_then_every_later_message()
    {
        var hub = new LiveHub();
        hub.Publish("bench", Message("session_started", "s1", new { patient_ref = "PT-1" }));
        hub.Publish("bench", Message("event", "s1", new { t_s = 75.0, type = "challenge_start" }));
        hub.Publish("bench", Frame("s1", 76.0, 30.5));
        hub.Publish("bench", Frame("s1", 77.0, 30.25));
        hub.Publish("bench", Message("environment", "s1", new { t_s = 77.0, room_c = 23.1, deviations = Array.Empty<string>() }));

        using var viewer = hub.Subscribe("bench");
        Assert.Equal(["session_started", "history", "event", "environment", "frame"], viewer.Snapshot.Select(u => u.Kind));
        // Only the latest frame is in the snapshot (seq 4); the curve history holds both frames' trusted readings.
        Assert.Equal(4, JsonDocument.Parse(viewer.Snapshot[^1].Json).RootElement.GetProperty("seq").GetInt64());
        using var history = JsonDocument.Parse(viewer.Snapshot[1].Json);
        var d2 = history.RootElement.GetProperty("hands").GetProperty("right").GetProperty("D2").EnumerateArray().Select(p => (p[0].GetDouble(), p[1].GetDouble())).ToList();
        Assert.Equal([(76.0, 30.5), (77.0, 30.25)], d2);
        Assert.False(history.RootElement.GetProperty("hands").GetProperty("right").TryGetProperty("D3", out _));   // D3 untrusted: not a curve point

        hub.Publish("bench", Frame("s1", 78.0, 30.0));
        Assert.True(viewer.Updates.TryRead(out var live));
        Assert.Equal("frame", live!.Kind);
        Assert.Equal(6, JsonDocument.Parse(live.Json).RootElement.GetProperty("seq").GetInt64());
        Assert.False(viewer.Updates.TryRead(out _));
    }

    [Fact]
    public void A_slow_viewer_loses_the_oldest_updates_and_keeps_the_newest()
    {
        var hub = new LiveHub(viewerCapacity: 4);
        using var viewer = hub.Subscribe("bench");
        for (var i = 0; i < 10; i++)
        {
            hub.Publish("bench", Frame("s1", i, 30));
        }

        var kept = new List<long>();
        while (viewer.Updates.TryRead(out var update))
        {
            kept.Add(JsonDocument.Parse(update.Json).RootElement.GetProperty("seq").GetInt64());
        }

        Assert.Equal([7, 8, 9, 10], kept);
        Assert.Equal(6, viewer.DroppedUpdates);
    }

    [Fact]
    public void A_new_session_replaces_the_old_one_and_other_devices_are_not_mixed_in()
    {
        var hub = new LiveHub();
        hub.Publish("bench", Message("session_started", "s1", new { }));
        hub.Publish("bench", Frame("s1", 10, 30));
        hub.Publish("bench", Message("session_ended", "s1", new { outcome = "completed" }));
        hub.Publish("bench", Message("session_started", "s2", new { }));
        hub.Publish("other", Frame("x9", 5, 20));

        using var viewer = hub.Subscribe("bench");
        Assert.Equal(["session_started"], viewer.Snapshot.Select(u => u.Kind));
        Assert.Contains("\"s2\"", viewer.Snapshot[0].Json, StringComparison.Ordinal);
    }

    [Fact]
    public void Disposing_twice_is_harmless_and_stops_the_updates()
    {
        var hub = new LiveHub();
        var viewer = hub.Subscribe("bench");
        Assert.Equal(1, hub.ViewerCount);
        viewer.Dispose();
        viewer.Dispose();
        Assert.Equal(0, hub.ViewerCount);
        hub.Publish("bench", Frame("s1", 1, 30));
        Assert.False(viewer.Updates.TryRead(out _));
        Assert.True(viewer.Updates.Completion.IsCompleted);
    }

    [Fact]
    public async Task Concurrent_publishing_and_joining_never_loses_or_doubles_a_frame()
    {
        // A viewer that joins while frames arrive must see each frame exactly once: in the snapshot's history or live.
        var hub = new LiveHub(viewerCapacity: 10_000);
        hub.Publish("bench", Message("session_started", "s1", new { }));
        var publisher = Task.Run(() =>
        {
            for (var i = 1; i <= 2000; i++)
            {
                hub.Publish("bench", Frame("s1", i, 30));
            }
        });
        await Task.Delay(1);
        using var viewer = hub.Subscribe("bench");
        await publisher;

        var times = new List<double>();
        if (viewer.Snapshot.FirstOrDefault(u => u.Kind == LiveUpdateKinds.History) is { } history)
        {
            using var document = JsonDocument.Parse(history.Json);
            times.AddRange(document.RootElement.GetProperty("hands").GetProperty("right").GetProperty("D2").EnumerateArray().Select(p => p[0].GetDouble()));
        }

        while (viewer.Updates.TryRead(out var update))
        {
            times.Add(JsonDocument.Parse(update.Json).RootElement.GetProperty("payload").GetProperty("t_s").GetDouble());
        }

        Assert.Equal(Enumerable.Range(1, 2000).Select(i => (double)i), times);
    }

    private DeviceMessage Message(string kind, string? session, object payload)
        => new(++sequence, kind, session, DateTimeOffset.UnixEpoch, JsonSerializer.SerializeToElement(payload));

    private DeviceMessage Frame(string session, double t, double d2)
        => Message("frame", session, new
        {
            t_s = t,
            hand = "right",
            temps = new double?[768],
            regions = new object[]
            {
                new { name = "D2", digit = 2, t_c = d2, x = 10.0, y = 3.0, trusted = true, flag = (string?)null },
                new { name = "D3", digit = 3, t_c = 29.0, x = 12.0, y = 2.0, trusted = false, flag = "motion" },
            },
            state = "rewarming",
        });
}
