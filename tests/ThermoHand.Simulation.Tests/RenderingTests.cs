using ThermoHand.Analysis;
using ThermoHand.Simulation;

namespace ThermoHand.Simulation.Tests;

public class RenderingTests
{
    [Fact]
    public void FingerNarrowerThanAPixelReadsBetweenSkinAndBackground()
    {
        // At 60 cm a pixel is 19.5 mm wide; the middle fingertip is 16 mm: no pixel is covered by skin alone.
        var scene = new SimulatedHandScene(SceneTestSettings.Clean(distanceMm: 600) with { FingerSpread = 1 });
        var image = SceneTestSettings.Render(scene, 10);
        var truth = scene.TruthAt(TimeSpan.FromSeconds(10));
        var tip = truth.FingertipCentres[2];
        var hottest = HottestNear(image, tip, 1);
        var skin = truth.FingertipCelsius[2];
        var room = scene.Protocol.RoomTemperatureCelsius;

        Assert.True(hottest < skin - 1.0, $"fingertip pixel {hottest:F2} °C should read well below the skin {skin:F2} °C");
        Assert.True(hottest > room + 1.0, $"fingertip pixel {hottest:F2} °C should read well above the room {room:F2} °C");
    }

    [Fact]
    public void FingerWiderThanSeveralPixelsReadsTheSkinTemperature()
    {
        // Control for the test above: at 10 cm with the 55° sensor a pixel is 3.3 mm, so the distal phalanx
        // (16 mm wide, ~21 mm long) fully covers pixels and blur mixes only skin with skin.
        var settings = SceneTestSettings.Clean(distanceMm: 100) with { RestPose = new HandPose(8, 174, 0) };
        var scene = new SimulatedHandScene(settings);
        var image = SceneTestSettings.Render(scene, 10);
        var truth = scene.TruthAt(TimeSpan.FromSeconds(10));
        var tip = truth.FingertipCentres[2];
        Assert.True(tip.InView, $"middle fingertip at {tip} must be in view for this test");
        var pixel = image[((int)Math.Round(tip.Y) * 32) + (int)Math.Round(tip.X)];
        Assert.Equal(truth.FingertipCelsius[2], pixel, 0.1);
    }

    [Fact]
    public void SameSeedGivesIdenticalFramesInAnyRenderOrder()
    {
        var settings = new SimulationSettings { Group = PatientGroup.SystemicSclerosis, Seed = 42 };
        var first = new SimulatedHandScene(settings);
        var second = new SimulatedHandScene(settings);
        _ = SceneTestSettings.Render(second, 500); // a different history must not matter
        foreach (var t in new[] { 3.5, 100.0, 700.25 })
        {
            Assert.Equal(SceneTestSettings.Render(first, t), SceneTestSettings.Render(second, t));
        }
    }

    [Fact]
    public void DifferentSeedGivesDifferentFrames()
    {
        var a = SceneTestSettings.Render(new SimulatedHandScene(new SimulationSettings { Seed = 1 }), 10);
        var b = SceneTestSettings.Render(new SimulatedHandScene(new SimulationSettings { Seed = 2 }), 10);
        var meanAbsoluteDifference = a.Zip(b, (x, y) => Math.Abs(x - y)).Average();
        Assert.True(meanAbsoluteDifference > 0.05, $"mean |difference| {meanAbsoluteDifference:F3} °C");
    }

    [Fact]
    public void LeftHandIsTheMirrorImageOfTheRightHand()
    {
        var right = SceneTestSettings.Render(new SimulatedHandScene(SceneTestSettings.Clean(hand: Hand.Right) with { RestPose = new HandPose(0, 90, 0) }), 30);
        var left = SceneTestSettings.Render(new SimulatedHandScene(SceneTestSettings.Clean(hand: Hand.Left) with { RestPose = new HandPose(0, 90, 0) }), 30);
        var maxDifference = 0.0;
        for (var r = 0; r < 24; r++)
        {
            for (var c = 0; c < 32; c++)
            {
                maxDifference = Math.Max(maxDifference, Math.Abs(right[(r * 32) + c] - left[(r * 32) + 31 - c]));
            }
        }

        Assert.True(maxDifference < 1e-3, $"max mirror difference {maxDifference} °C");

        // And the hand is not symmetric itself, so the test can fail: the thumb side differs.
        var asymmetry = Enumerable.Range(0, 768).Max(i => Math.Abs(right[i] - right[((i / 32) * 32) + 31 - (i % 32)]));
        Assert.True(asymmetry > 1.0, $"a right hand should not be left-right symmetric (max {asymmetry} °C)");
    }

    [Fact]
    public void RightHandThumbIsOnTheLeftOfTheImage()
    {
        var truth = new SimulatedHandScene(SceneTestSettings.Clean(hand: Hand.Right)).TruthAt(TimeSpan.FromSeconds(1));
        Assert.True(truth.FingertipCentres[0].X < truth.FingertipCentres[4].X);
        var left = new SimulatedHandScene(SceneTestSettings.Clean(hand: Hand.Left)).TruthAt(TimeSpan.FromSeconds(1));
        Assert.True(left.FingertipCentres[0].X > left.FingertipCentres[4].X);
    }

    [Fact]
    public void HandLeavesTheViewDuringImmersion()
    {
        var scene = new SimulatedHandScene(SceneTestSettings.Clean());
        var during = SceneTestSettings.Render(scene, scene.Protocol.ChallengeStartSeconds + 30);
        Assert.All(during, t => Assert.Equal(23.0, t, 1e-3));
        Assert.False(scene.TruthAt(TimeSpan.FromSeconds(scene.Protocol.ChallengeStartSeconds + 30)).HandInView);

        var after = SceneTestSettings.Render(scene, scene.Protocol.ChallengeEndSeconds + scene.Protocol.ReturnDelaySeconds + 1);
        Assert.True(after.Max() > 25, "the hand is back in view after the return delay");
    }

    [Fact]
    public void HandReturnsFromTheWaterAtADifferentPlace()
    {
        var scene = new SimulatedHandScene(new SimulationSettings { Seed = 3 });
        var before = scene.TruthAt(TimeSpan.FromSeconds(scene.Protocol.ChallengeStartSeconds - 1)).Pose;
        var after = scene.TruthAt(TimeSpan.FromSeconds(scene.Protocol.ChallengeEndSeconds + 10)).Pose;
        var moved = Math.Sqrt(Math.Pow(after.XMm - before.XMm, 2) + Math.Pow(after.YMm - before.YMm, 2));
        Assert.True(moved > 1 || Math.Abs(after.RotationDegrees - before.RotationDegrees) > 0.5, $"moved {moved:F2} mm");
        Assert.True(moved < 25, $"moved {moved:F2} mm — a patient puts the hand back roughly where it was");
    }

    [Fact]
    public void TruthFingertipsLieOnWarmPixels()
    {
        var scene = new SimulatedHandScene(SceneTestSettings.Clean());
        var image = SceneTestSettings.Render(scene, 20);
        var truth = scene.TruthAt(TimeSpan.FromSeconds(20));
        foreach (var tip in truth.FingertipCentres)
        {
            Assert.True(tip.InView, $"tip {tip} in view at the default pose");
            Assert.True(HottestNear(image, tip, 0) > 26, $"pixel at tip {tip} reads {HottestNear(image, tip, 0):F2} °C");
        }

        var dorsum = truth.DorsumCentre;
        Assert.Equal(truth.DorsumCelsius, image[((int)Math.Round(dorsum.Y) * 32) + (int)Math.Round(dorsum.X)], 0.2);
    }

    [Fact]
    public void TemporalNoiseHasTheConfiguredSpreadAndFixedPatternStaysPut()
    {
        var settings = SceneTestSettings.Clean() with { TemporalNoiseCelsius = 0.2, FixedPatternNoiseCelsius = 0.1, SubSamplesPerPixel = 3 };
        var scene = new SimulatedHandScene(settings);
        var clean = new float[768];
        scene.RenderOptics(TimeSpan.FromSeconds(50), clean);

        // Over 40 frames of a still hand at (almost) constant temperature, each pixel's SD estimates the temporal noise.
        const int Frames = 40;
        var sum = new double[768];
        var sumSquares = new double[768];
        for (var f = 0; f < Frames; f++)
        {
            var image = SceneTestSettings.Render(scene, 50 + (f * 0.001));
            for (var i = 0; i < 768; i++)
            {
                var d = image[i] - clean[i];
                sum[i] += d;
                sumSquares[i] += d * d;
            }
        }

        var sds = Enumerable.Range(0, 768).Select(i => Math.Sqrt((sumSquares[i] - (sum[i] * sum[i] / Frames)) / (Frames - 1))).ToArray();
        Assert.Equal(0.2, sds.Average(), 0.02);

        // The per-pixel mean offset is the fixed pattern: SD across pixels ≈ 0.1 (± the mean's own noise 0.2/√40).
        var offsets = sum.Select(s => s / Frames).ToArray();
        var mean = offsets.Average();
        var spread = Math.Sqrt(offsets.Sum(o => (o - mean) * (o - mean)) / 767);
        Assert.InRange(spread, 0.08, 0.14);
    }

    [Fact]
    public void BlurSpreadsButConservesTheHandsSignal()
    {
        var sharp = new SimulatedHandScene(SceneTestSettings.Clean() with { Optics = new SensorOptics(55, 35, 400, 0) });
        var blurred = new SimulatedHandScene(SceneTestSettings.Clean() with { Optics = new SensorOptics(55, 35, 400, 0.6) });
        var a = SceneTestSettings.Render(sharp, 20);
        var b = SceneTestSettings.Render(blurred, 20);
        var tip = sharp.TruthAt(TimeSpan.FromSeconds(20)).FingertipCentres[2];
        var index = ((int)Math.Round(tip.Y) * 32) + (int)Math.Round(tip.X);
        Assert.True(b[index] < a[index] - 0.2, $"blur mixes the narrow fingertip with the room: {a[index]:F2} → {b[index]:F2} °C");
        Assert.Equal(MeanRadianceCelsius(a), MeanRadianceCelsius(b), 0.02);
    }

    [Fact]
    public void TimeScaledSceneShowsTheSceneClockTimesTheScale()
    {
        var scene = new SimulatedHandScene(new SimulationSettings { Seed = 5 });
        var fast = new TimeScaledScene(scene, 20);
        var wall = new float[768];
        fast.Render(TimeSpan.FromSeconds(3), wall);
        Assert.Equal(SceneTestSettings.Render(scene, 60), wall);
        Assert.Equal(TimeSpan.FromMinutes(20), fast.SceneTime(TimeSpan.FromMinutes(1)));
    }

    private static double HottestNear(float[] image, SensorPoint point, int radius)
    {
        var best = double.MinValue;
        for (var r = (int)Math.Round(point.Y) - radius; r <= (int)Math.Round(point.Y) + radius; r++)
        {
            for (var c = (int)Math.Round(point.X) - radius; c <= (int)Math.Round(point.X) + radius; c++)
            {
                if (r is >= 0 and < 24 && c is >= 0 and < 32)
                {
                    best = Math.Max(best, image[(r * 32) + c]);
                }
            }
        }

        return best;
    }

    private static double MeanRadianceCelsius(float[] image)
        => Math.Pow(image.Average(t => Math.Pow(t + 273.15, 4)), 0.25) - 273.15;
}
