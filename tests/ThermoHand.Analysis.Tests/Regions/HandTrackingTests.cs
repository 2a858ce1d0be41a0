using System.Diagnostics;
using ThermoHand.Analysis.Regions;
using Xunit.Abstractions;

namespace ThermoHand.Analysis.Tests.Regions;

/// <summary>A session through the tracker: baseline, drift, motion, leaving for the water, coming back elsewhere.</summary>
public sealed class HandTrackingTests(ITestOutputHelper output)
{
    private static readonly int[] AllDigits = [1, 2, 3, 4, 5];

    [Fact]
    public void Baseline_is_fixed_after_the_first_still_frames()
    {
        var scene = new SyntheticHand { NoiseCelsius = 0.1 };
        using var tracker = new HandRegionTracker(Hand.Right);

        var first = tracker.Process(scene.Render(0));
        Assert.Contains(RegionFlags.BaselinePending, first.Flags);
        tracker.Process((scene with { Seed = 2 }).Render(1));
        var third = tracker.Process((scene with { Seed = 3 }).Render(2));

        Assert.DoesNotContain(RegionFlags.BaselinePending, third.Flags);
        Assert.NotNull(tracker.Baseline);
        for (var d = 1; d <= 5; d++)
        {
            Assert.True(tracker.Baseline!.Fingertip(d)!.Value.DistanceTo(scene.TrueFingertip(d)) <= 1.0, $"baseline D{d}");
        }
    }

    [Fact]
    public void Hand_leaving_for_the_water_gives_NaN_readings_and_returns_with_its_identities_although_the_fingers_are_cold()
    {
        var baseline = new SyntheticHand { NoiseCelsius = 0.1 };
        using var tracker = new HandRegionTracker(Hand.Right);
        var t = 0.0;
        for (var i = 0; i < 4; i++)
        {
            tracker.Process((baseline with { Seed = i }).Render(t++));
        }

        for (var i = 0; i < 3; i++)
        {
            var away = tracker.Process(baseline.RenderEmpty(t++));
            Assert.False(away.HandInView);
            Assert.Contains(RegionFlags.HandOutOfView, away.Flags);
            Assert.All(away.Readings, r => Assert.True(double.IsNaN(r.TemperatureCelsius) && !r.Trusted && r.Flag == RegionFlags.HandOutOfView));
        }

        // Back from 15 °C water: fingers at 20 °C (colder than the 23 °C room, invisible to the warm mask), the
        // dorsum still warmer; the hand comes back 4 px right, 1 px up and turned 10°.
        var returned = baseline with
        {
            ShiftX = 4, ShiftY = -1, RotationDegrees = 10, DorsumCelsius = 29.5, ArmCelsius = 30.5,
            FingerCelsius = [20.0, 20.0, 20.0, 20.0, 20.0],
        };
        var back = tracker.Process(returned.Render(t++));

        Assert.True(back.HandInView);
        Assert.Contains(RegionFlags.HandReacquired, back.Flags);
        Assert.DoesNotContain(RegionFlags.Motion, back.Flags);
        RegionAssert.FingertipsAt(back, returned, 1.0, AllDigits);
        output.WriteLine($"cold return: worst fingertip error {RegionAssert.MaxTipError(back, returned, AllDigits):F2} px");

        // The cold fingertips read colder than the room, not the room itself: the pixel with most finger in it is used.
        foreach (var digit in new[] { 2, 3, 4, 5 })
        {
            Assert.InRange(RegionAssert.Reading(back, RegionNames.Digit(digit)).TemperatureCelsius, 19.5, 22.0);
        }
    }

    [Theory]
    [InlineData(-3.0, 1.0, -15.0)]
    [InlineData(5.0, -1.5, 12.0)]
    public void Hand_returning_elsewhere_with_warm_fingers_keeps_each_fingers_identity(double dx, double dy, double degrees)
    {
        var baseline = new SyntheticHand { NoiseCelsius = 0.1 };
        using var tracker = new HandRegionTracker(Hand.Right);
        for (var i = 0; i < 3; i++)
        {
            tracker.Process((baseline with { Seed = i }).Render(i));
        }

        tracker.Process(baseline.RenderEmpty(3));
        var returned = baseline with { ShiftX = dx, ShiftY = dy, RotationDegrees = degrees, FingerCelsius = [27, 26, 25.5, 25, 24.5] };
        var back = tracker.Process(returned.Render(4));

        RegionAssert.FingertipsAt(back, returned, 1.0, AllDigits);
    }

    [Fact]
    public void Slow_drift_is_followed_without_motion_flags()
    {
        var scene = new SyntheticHand { NoiseCelsius = 0.1 };
        using var tracker = new HandRegionTracker(Hand.Right);
        var worst = 0.0;
        for (var i = 0; i < 16; i++)
        {
            var drifted = scene with { Seed = i, ShiftX = 0.2 * i, ShiftY = -0.1 * i };
            var result = tracker.Process(drifted.Render(i));
            Assert.DoesNotContain(RegionFlags.Motion, result.Flags);
            RegionAssert.FingertipsAt(result, drifted, 1.0, AllDigits);
            worst = Math.Max(worst, RegionAssert.MaxTipError(result, drifted, AllDigits));
        }

        output.WriteLine($"drift 3.2 px over 16 frames: worst fingertip error {worst:F2} px");
    }

    [Fact]
    public void A_jump_between_frames_is_flagged_as_motion_and_its_readings_are_not_trusted()
    {
        var scene = new SyntheticHand { NoiseCelsius = 0.1 };
        using var tracker = new HandRegionTracker(Hand.Right);
        for (var i = 0; i < 4; i++)
        {
            tracker.Process((scene with { Seed = i }).Render(i));
        }

        var moved = scene with { ShiftX = 2.5, Seed = 9 };
        var jump = tracker.Process(moved.Render(4));
        var still = tracker.Process((moved with { Seed = 10 }).Render(5));

        Assert.Contains(RegionFlags.Motion, jump.Flags);
        Assert.All(jump.Readings, r => Assert.True(!r.Trusted && r.Flag == RegionFlags.Motion));
        Assert.DoesNotContain(RegionFlags.Motion, still.Flags);
        RegionAssert.FingertipsAt(still, moved, 1.0, AllDigits);
    }

    [Fact]
    public void All_NaN_and_all_zero_frames_are_flagged_invalid_without_crashing()
    {
        using var tracker = new HandRegionTracker(Hand.Left);
        var nan = new float[ThermalFrame.PixelCount];
        Array.Fill(nan, float.NaN);

        var nanResult = tracker.Process(new ThermalFrame(0, nan));
        var zeroResult = tracker.Process(new ThermalFrame(1, new float[ThermalFrame.PixelCount]));

        foreach (var result in new[] { nanResult, zeroResult })
        {
            Assert.False(result.HandInView);
            Assert.Contains(RegionFlags.InvalidFrame, result.Flags);
            Assert.Equal(6, result.Readings.Count);
            Assert.All(result.Readings, r => Assert.True(double.IsNaN(r.TemperatureCelsius) && !r.Trusted));
        }

        Assert.Contains(RegionFlags.InvalidPixels, nanResult.Flags);
    }

    [Fact]
    public void A_few_invalid_pixels_are_filled_and_flagged_and_a_fingertip_read_from_one_is_not_trusted()
    {
        var scene = new SyntheticHand { NoiseCelsius = 0.1 };
        var frame = scene.Render();
        var tip = scene.TrueFingertip(3);
        var tipIndex = ((int)Math.Round(tip.Y) * ThermalFrame.Columns) + (int)Math.Round(tip.X);
        frame.TemperaturesCelsius[tipIndex] = float.NaN;
        frame.TemperaturesCelsius[(14 * ThermalFrame.Columns) + 15] = float.PositiveInfinity;
        using var tracker = new HandRegionTracker(Hand.Right);

        var result = tracker.Process(frame);

        Assert.Contains(RegionFlags.InvalidPixels, result.Flags);
        RegionAssert.FingertipsAt(result, scene, 1.0, 1, 2, 4, 5);
        var middle = RegionAssert.Reading(result, RegionNames.Digit(3));
        Assert.False(double.IsNaN(middle.CentreX));
        if (!middle.Trusted)
        {
            Assert.Equal(RegionFlags.InvalidPixels, middle.Flag);
        }

        Assert.Equal(RegionFlags.InvalidPixels, RegionAssert.Reading(result, RegionNames.Dorsum).Flag);
    }

    [Fact]
    public void Per_frame_cost_is_small_enough_for_live_use()
    {
        var frames = Enumerable.Range(0, 20).Select(i => new SyntheticHand { NoiseCelsius = 0.1, Seed = i }.Render(i)).ToArray();
        using var tracker = new HandRegionTracker(Hand.Right);
        foreach (var frame in frames)
        {
            tracker.Process(frame); // warm-up and baseline
        }

        // Best of ten batches: the other work on a shared machine only ever adds time.
        const int batch = 30;
        var perFrameMs = double.PositiveInfinity;
        for (var b = 0; b < 10; b++)
        {
            var stopwatch = Stopwatch.StartNew();
            for (var i = 0; i < batch; i++)
            {
                tracker.Process(frames[i % frames.Length]);
            }

            perFrameMs = Math.Min(perFrameMs, stopwatch.Elapsed.TotalMilliseconds / batch);
        }

        output.WriteLine($"HandRegionTracker.Process: {perFrameMs:F3} ms per frame (best of 10 batches of {batch})");

        // Live use needs < 31 ms per frame at 32 frames/s on a Raspberry Pi, several times slower than this machine.
        Assert.True(perFrameMs < 6.0, $"{perFrameMs:F2} ms per frame");
    }
}
