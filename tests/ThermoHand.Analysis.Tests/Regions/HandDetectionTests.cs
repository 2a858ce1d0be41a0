using ThermoHand.Analysis.Regions;
using Xunit.Abstractions;

namespace ThermoHand.Analysis.Tests.Regions;

/// <summary>Single-frame detection on synthetic dorsal hands whose fingertip positions are known exactly.</summary>
public sealed class HandDetectionTests(ITestOutputHelper output)
{
    private static readonly int[] AllDigits = [1, 2, 3, 4, 5];

    [Theory]
    [InlineData(Hand.Right)]
    [InlineData(Hand.Left)]
    public void Fingertips_of_a_spread_hand_are_found_within_one_pixel_with_the_right_digit(Hand hand)
    {
        var scene = new SyntheticHand { Hand = hand, NoiseCelsius = 0.1 };
        using var tracker = new HandRegionTracker(hand);

        var result = tracker.Process(scene.Render());

        Assert.True(result.HandInView);
        RegionAssert.FingertipsAt(result, scene, 1.0, AllDigits);
        output.WriteLine($"{hand}: worst fingertip error {RegionAssert.MaxTipError(result, scene, AllDigits):F2} px");
    }

    [Fact]
    public void Digit_order_follows_the_hand_thumb_right_for_a_left_hand_thumb_left_for_a_right_hand()
    {
        using var left = new HandRegionTracker(Hand.Left);
        using var right = new HandRegionTracker(Hand.Right);

        var leftResult = left.Process(new SyntheticHand { Hand = Hand.Left }.Render());
        var rightResult = right.Process(new SyntheticHand { Hand = Hand.Right }.Render());

        // Dorsal view, fingers up: the left hand's thumb is on the image right and the little finger on the left.
        var leftX = Enumerable.Range(1, 5).Select(d => RegionAssert.Reading(leftResult, RegionNames.Digit(d)).CentreX).ToArray();
        var rightX = Enumerable.Range(1, 5).Select(d => RegionAssert.Reading(rightResult, RegionNames.Digit(d)).CentreX).ToArray();
        Assert.Equal(leftX.OrderByDescending(x => x), leftX);
        Assert.Equal(rightX.OrderBy(x => x), rightX);
    }

    [Theory]
    [InlineData(Hand.Right, -20)]
    [InlineData(Hand.Right, 20)]
    [InlineData(Hand.Left, -20)]
    [InlineData(Hand.Left, 20)]
    [InlineData(Hand.Right, 10)]
    public void Rotated_hands_are_found_within_one_pixel(Hand hand, double degrees)
    {
        var scene = new SyntheticHand { Hand = hand, RotationDegrees = degrees, NoiseCelsius = 0.1 };
        using var tracker = new HandRegionTracker(hand);

        var result = tracker.Process(scene.Render());

        RegionAssert.FingertipsAt(result, scene, 1.0, AllDigits);
    }

    [Theory]
    [InlineData(3.0, -1.0)]
    [InlineData(-4.0, 1.5)]
    [InlineData(0.5, 0.5)]
    public void Translated_hands_are_found_within_one_pixel(double dx, double dy)
    {
        var scene = new SyntheticHand { ShiftX = dx, ShiftY = dy, NoiseCelsius = 0.1 };
        using var tracker = new HandRegionTracker(Hand.Right);

        var result = tracker.Process(scene.Render());

        RegionAssert.FingertipsAt(result, scene, 1.0, AllDigits);
    }

    [Theory]
    [InlineData(Hand.Right)]
    [InlineData(Hand.Left)]
    public void Fingers_held_together_are_placed_by_spacing_within_one_pixel_and_flagged(Hand hand)
    {
        var scene = new SyntheticHand { Hand = hand, FingerSpacing = 1.6, SplayDegrees = [0, 0, 0, 0], NoiseCelsius = 0.1 };
        using var tracker = new HandRegionTracker(hand);

        var result = tracker.Process(scene.Render());

        Assert.Contains(RegionFlags.FingersCloseTogether, result.Flags);
        RegionAssert.FingertipsAt(result, scene, 1.0, 2, 3, 4, 5);
        output.WriteLine($"{hand} close together: worst error {RegionAssert.MaxTipError(result, scene, 2, 3, 4, 5):F2} px");
    }

    [Fact]
    public void A_hot_cup_is_cut_out_and_flagged_and_the_hand_is_still_found()
    {
        var scene = new SyntheticHand { NoiseCelsius = 0.1, Object = (new PixelPoint(26, 6), 2.2, 60.0) };
        using var tracker = new HandRegionTracker(Hand.Right);

        var result = tracker.Process(scene.Render());

        Assert.Contains(RegionFlags.HotObject, result.Flags);
        RegionAssert.FingertipsAt(result, scene, 1.0, AllDigits);
        var dorsum = RegionAssert.Reading(result, RegionNames.Dorsum);
        Assert.InRange(dorsum.TemperatureCelsius, 31.7, 32.3);
    }

    [Fact]
    public void A_warm_mug_below_skin_limit_is_not_taken_for_the_hand()
    {
        var scene = new SyntheticHand { NoiseCelsius = 0.1, Object = (new PixelPoint(27, 5), 2.5, 36.0) };
        using var tracker = new HandRegionTracker(Hand.Right);

        var result = tracker.Process(scene.Render());

        Assert.Contains(RegionFlags.WarmObject, result.Flags);
        RegionAssert.FingertipsAt(result, scene, 1.0, AllDigits);
    }

    [Fact]
    public void The_dorsum_is_read_from_pixels_fully_inside_the_back_of_the_hand()
    {
        var scene = new SyntheticHand { DorsumCelsius = 33.0, ArmCelsius = 31.0, NoiseCelsius = 0.05 };
        using var tracker = new HandRegionTracker(Hand.Right);

        var dorsum = RegionAssert.Reading(tracker.Process(scene.Render()), RegionNames.Dorsum);

        // The synthetic palm spans x 11.5–19.5, y 10.5–17.5 at 33 °C; no room or forearm pixel may enter the mean.
        Assert.True(dorsum.Trusted);
        Assert.InRange(dorsum.CentreX, 13.5, 17.5);
        Assert.InRange(dorsum.CentreY, 12.5, 16.0);
        Assert.InRange(dorsum.TemperatureCelsius, 32.9, 33.1);
    }
}
