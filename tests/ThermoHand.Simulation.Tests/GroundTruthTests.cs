using System.Text.Json;
using ThermoHand.Analysis;
using ThermoHand.Simulation;

namespace ThermoHand.Simulation.Tests;

public class GroundTruthTests
{
    [Fact]
    public void TruthJsonHoldsEventsDigitsAndEveryRecordedFrame()
    {
        var scene = new SimulatedHandScene(new SimulationSettings { Group = PatientGroup.SystemicSclerosis, Hand = Hand.Left, Seed = 4 });
        var recorder = new GroundTruthRecorder(scene);
        foreach (var t in new[] { 0.0, 1.0, 150.0, 200.0 })
        {
            recorder.Record(TimeSpan.FromSeconds(t));
        }

        using var stream = new MemoryStream();
        recorder.WriteJson(stream);
        using var doc = JsonDocument.Parse(stream.ToArray());
        var root = doc.RootElement;

        Assert.Equal(GroundTruthRecorder.Schema, root.GetProperty("schema").GetString());
        Assert.Equal("ssc", root.GetProperty("group").GetString());
        Assert.Equal("left", root.GetProperty("hand").GetString());
        var events = root.GetProperty("events").EnumerateArray().ToList();
        Assert.Equal("challenge_start", events[0].GetProperty("type").GetString());
        Assert.Equal(120.0, events[0].GetProperty("t_s").GetDouble());
        Assert.Equal(180.0, events[1].GetProperty("t_s").GetDouble());
        Assert.Equal(5, root.GetProperty("digits").GetArrayLength());

        var frames = root.GetProperty("frames").EnumerateArray().ToList();
        Assert.Equal(4, frames.Count);
        Assert.True(frames[0].GetProperty("in_view").GetBoolean());
        Assert.False(frames[2].GetProperty("in_view").GetBoolean());
        Assert.Equal(5, frames[0].GetProperty("tips").GetArrayLength());

        // The truth in the file is the physiology's, to the file's 3 decimals.
        var expected = scene.Physiology.FingertipTemperature(3, 200.0);
        Assert.Equal(expected, frames[3].GetProperty("tip_c")[2].GetDouble(), 0.001);
        var ddd = root.GetProperty("ddd_c").GetProperty("mean").GetDouble();
        Assert.Equal(GroundTruthRecorder.BaselineDdd(scene.Physiology)["mean"], ddd, 0.001);
    }
}
