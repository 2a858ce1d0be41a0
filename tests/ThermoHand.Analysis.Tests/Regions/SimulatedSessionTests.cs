using ThermoHand.Analysis.Regions;
using ThermoHand.Simulation;
using Xunit.Abstractions;

namespace ThermoHand.Analysis.Tests.Regions;

/// <summary>
/// The tracker on whole sessions from ThermoHand.Simulation (anatomical hand, optics blur, sensor noise, drift,
/// immersion and return elsewhere), against the simulation's ground truth.
/// </summary>
public sealed class SimulatedSessionTests(ITestOutputHelper output)
{
    [Theory]
    [InlineData(Hand.Right, PatientGroup.Healthy, 3)]
    [InlineData(Hand.Left, PatientGroup.SystemicSclerosis, 7)]
    public void Fingertips_stay_within_one_pixel_of_the_truth_through_a_session(Hand hand, PatientGroup group, int seed)
    {
        var scene = new SimulatedHandScene(new SimulationSettings { Hand = hand, Group = group, Seed = seed });
        using var tracker = new HandRegionTracker(hand);
        var pixels = new float[ThermalFrame.PixelCount];
        var protocol = scene.Protocol;
        var times = Enumerable.Range(0, 10).Select(i => i * 10.0) // baseline
            .Concat(Enumerable.Range(0, 3).Select(i => protocol.ChallengeStartSeconds + 5 + (i * 20.0))) // in the water
            .Concat(Enumerable.Range(0, 30).Select(i => protocol.ChallengeEndSeconds + protocol.ReturnDelaySeconds + (i * 30.0)));

        var worst = 0.0;
        var measured = 0;
        var baselineBias = new List<double>();
        var rewarmingBias = new List<double>();
        var along = Enumerable.Range(0, 5).Select(_ => new List<double>()).ToArray();
        var flagCounts = new Dictionary<string, int>();
        var dorsumBias = new List<double>();
        foreach (var t in times)
        {
            scene.Render(TimeSpan.FromSeconds(t), pixels);
            var truth = scene.TruthAt(TimeSpan.FromSeconds(t));
            var result = tracker.Process(new ThermalFrame(t, (float[])pixels.Clone()));

            Assert.Equal(truth.HandInView, result.HandInView);
            foreach (var flag in result.Flags)
            {
                flagCounts[flag] = flagCounts.GetValueOrDefault(flag) + 1;
            }
            if (!truth.HandInView)
            {
                Assert.Contains(RegionFlags.HandOutOfView, result.Flags);
                continue;
            }

            var dorsum = RegionAssert.Reading(result, RegionNames.Dorsum);
            if (dorsum.Trusted)
            {
                dorsumBias.Add(dorsum.TemperatureCelsius - truth.DorsumCelsius);
            }

            for (var digit = 1; digit <= 5; digit++)
            {
                var reading = RegionAssert.Reading(result, RegionNames.Digit(digit));
                var tip = truth.FingertipCentres[digit - 1];
                if (!tip.InView || !reading.Trusted)
                {
                    continue;
                }

                var error = new PixelPoint(reading.CentreX, reading.CentreY).DistanceTo(new PixelPoint(tip.X, tip.Y));
                var palmNow = new PixelPoint(RegionAssert.Reading(result, RegionNames.Dorsum).CentreX, RegionAssert.Reading(result, RegionNames.Dorsum).CentreY);
                var dir = (new PixelPoint(tip.X, tip.Y) - palmNow).Normalised();
                along[digit - 1].Add((new PixelPoint(reading.CentreX, reading.CentreY) - new PixelPoint(tip.X, tip.Y)).Dot(dir));
                Assert.True(error <= 1.0, $"t={t} s flags {string.Join(",", result.Flags)} rot {tracker.LastRegistration?.AngleRadians * 180 / Math.PI:F2} truth rot {truth.Pose.RotationDegrees:F2} matched {tracker.LastMatchedFingertips} D{digit}: ({reading.CentreX:F2}, {reading.CentreY:F2}) vs truth ({tip.X:F2}, {tip.Y:F2}), {error:F2} px");
                worst = Math.Max(worst, error);
                measured++;
                var bias = reading.TemperatureCelsius - truth.FingertipCelsius[digit - 1];
                (t < protocol.ChallengeStartSeconds ? baselineBias : rewarmingBias).Add(bias);
            }
        }

        output.WriteLine("mean offset along the finger (+ = towards the tip), px: " + string.Join(", ", along.Select((a, i) => $"D{i + 1} {a.Average():+0.00;-0.00}")));
        output.WriteLine(
            $"{hand} {group}: {measured} trusted fingertip readings, worst position error {worst:F2} px; " +
            $"temperature bias at baseline mean {baselineBias.Average():+0.00;-0.00} °C (range {baselineBias.Min():+0.00;-0.00}..{baselineBias.Max():+0.00;-0.00}), " +
            $"during rewarming mean {rewarmingBias.Average():+0.00;-0.00} °C (range {rewarmingBias.Min():+0.00;-0.00}..{rewarmingBias.Max():+0.00;-0.00})");
        output.WriteLine($"dorsum: {dorsumBias.Count} trusted readings, bias mean {dorsumBias.Average():+0.00;-0.00} °C (range {dorsumBias.Min():+0.00;-0.00}..{dorsumBias.Max():+0.00;-0.00})");
        output.WriteLine("frame flags: " + string.Join(", ", flagCounts.OrderBy(f => f.Key).Select(f => $"{f.Key} {f.Value}")));

        // The dorsum has whole pixels of skin: no partial-volume bias beyond the noise.
        Assert.InRange(dorsumBias.Average(), -0.2, 0.2);

        // A still, unobstructed hand raises no flag beyond the expected ones.
        Assert.DoesNotContain(RegionFlags.WarmObject, flagCounts.Keys);
        Assert.DoesNotContain(RegionFlags.HotObject, flagCounts.Keys);
        Assert.True(measured > 150, $"only {measured} trusted fingertip readings");
    }
}
