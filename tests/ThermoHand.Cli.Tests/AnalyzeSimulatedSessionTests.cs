using System.Text.Json;
using ThermoHand.Analysis;
using ThermoHand.Cli.Commands;
using ThermoHand.Recording.Csv;
using ThermoHand.Recording.Events;
using ThermoHand.Simulation;

namespace ThermoHand.Cli.Tests;

/// <summary>
/// <c>thermohand analyze</c> with the real region finder on a simulated hand (known fingertip positions and
/// temperatures): the whole chain from CSV pixels to metrics. Short protocol (70 s baseline, 300 s rewarming, 1 Hz)
/// to keep the test to seconds.
/// </summary>
public sealed class AnalyzeSimulatedSessionTests : IDisposable
{
    private readonly string directory = Directory.CreateTempSubdirectory("thermohand-analyze-sim-").FullName;

    public void Dispose() => Directory.Delete(directory, recursive: true);

    [Fact]
    public void Real_tracker_on_a_simulated_hand_finds_the_fingertips_and_the_ddd_sign()
    {
        var protocol = new ProtocolTimeline { BaselineSeconds = 70, ChallengeSeconds = 60, RewarmingSeconds = 300 };
        var scene = new SimulatedHandScene(new SimulationSettings
        {
            Group = PatientGroup.SystemicSclerosis,
            Hand = Hand.Right,
            Seed = 5,
            Protocol = protocol,
            SubSamplesPerPixel = 4,
        });

        var frames = new List<ThermalFrame>();
        for (var t = 0.0; t <= protocol.TotalSeconds; t += 1)
        {
            var pixels = new float[ThermalFrame.PixelCount];
            scene.Render(TimeSpan.FromSeconds(t), pixels);
            frames.Add(new ThermalFrame(t, pixels));
        }

        var csv = Path.Combine(directory, "frames.csv");
        var events = Path.Combine(directory, "events.json");
        FrameCsv.Write(csv, frames);
        SessionEventsJson.Write(events, new SessionEvents(Hand.Right, protocol.Events));

        var output = new StringWriter();
        var error = new StringWriter();
        var code = new CommandTable([new AnalyzeCommand()]).Run(["analyze", csv, "--events", events, "--quiet"], output, error);

        Assert.True(code == ExitCodes.Ok, error.ToString());
        using var json = JsonDocument.Parse(output.ToString());
        var root = json.RootElement;
        var truth = scene.TruthAt(TimeSpan.FromSeconds(protocol.ChallengeStartSeconds - 30));
        var rois = root.GetProperty("rois");
        for (var digit = 1; digit <= 5; digit++)
        {
            // The tip is the mean tracked centre over the baseline; the finder's stated accuracy is 1 pixel.
            var tip = rois[digit - 1].GetProperty("tip");
            var expected = truth.FingertipCentres[digit - 1];
            var distance = Math.Sqrt(Math.Pow(tip.GetProperty("x").GetDouble() - expected.X, 2) + Math.Pow(tip.GetProperty("y").GetDouble() - expected.Y, 2));
            Assert.True(distance < 1.0, $"D{digit}: tip {distance:0.00} px from the truth");
            Assert.Equal(JsonValueKind.Number, rois[digit - 1].GetProperty("recovery_pct").GetProperty("300").ValueKind);
        }

        // SSc fingers are colder than the dorsum: DDD positive. A 1–2 pixel fingertip mixes in the room (partial
        // volume), which reads fingers colder still, so the tolerance is one-sided-wide: within 1.5 °C of the truth.
        var trueDdd = GroundTruthRecorder.BaselineDdd(scene.Physiology);
        var mean = root.GetProperty("ddd_c").GetProperty("mean").GetDouble();
        Assert.True(trueDdd["mean"] > 0);
        Assert.InRange(mean, trueDdd["mean"] - 0.5, trueDdd["mean"] + 1.5);
        Assert.Equal(scene.Physiology.Group.DorsumBaselineCelsius, rois[5].GetProperty("baseline_c").GetDouble(), 0.5);
    }
}
