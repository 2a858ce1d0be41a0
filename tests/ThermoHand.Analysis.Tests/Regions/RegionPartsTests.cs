using ThermoHand.Analysis.Regions;

namespace ThermoHand.Analysis.Tests.Regions;

/// <summary>The small parts on their own: Otsu split, rigid fit, option validation.</summary>
public sealed class RegionPartsTests
{
    [Fact]
    public void Otsu_splits_room_from_skin_between_the_two_groups()
    {
        // 600 room pixels around 23 °C, 168 skin pixels around 31 °C, sorted as the segmenter sorts them.
        var values = Enumerable.Range(0, 600).Select(i => 22.8f + (0.4f * i / 600))
            .Concat(Enumerable.Range(0, 168).Select(i => 29.5f + (3f * i / 168)))
            .ToArray();

        var split = HandSegmenter.OtsuSplit(values);

        Assert.Equal(600, split);
    }

    [Fact]
    public void Rigid_fit_recovers_a_known_turn_and_shift()
    {
        var from = new[] { new PixelPoint(15, 14), new PixelPoint(12, 5), new PixelPoint(15, 4), new PixelPoint(18, 5), new PixelPoint(9, 12) };
        var truth = new RigidTransform(new PixelPoint(15, 14), new PixelPoint(18.5, 12.25), 12 * Math.PI / 180);
        var to = from.Select(truth.Apply).ToArray();

        var fitted = RigidTransform.Fit(from, to);

        Assert.Equal(12.0, fitted.AngleRadians * 180 / Math.PI, 6);
        foreach (var p in from)
        {
            Assert.True(fitted.Apply(p).DistanceTo(truth.Apply(p)) < 1e-9);
        }
    }

    [Fact]
    public void Rigid_fit_needs_two_pairs()
    {
        var error = Assert.Throws<ArgumentException>(() => RigidTransform.Fit([new PixelPoint(1, 1)], [new PixelPoint(2, 2)]));
        Assert.Contains("two matched point pairs", error.Message);
    }

    [Fact]
    public void Invalid_options_are_rejected_naming_the_setting()
    {
        var error = Assert.Throws<ArgumentException>(() => new HandRegionTracker(Hand.Left, new RegionTrackerOptions { MaskFraction = 1.2, BaselineFrameCount = 0 }));

        Assert.Contains(nameof(RegionTrackerOptions.MaskFraction), error.Message);
        Assert.Contains(nameof(RegionTrackerOptions.BaselineFrameCount), error.Message);
    }

    [Fact]
    public void A_frame_of_room_only_is_out_of_view_not_invalid()
    {
        using var tracker = new HandRegionTracker(Hand.Right);

        var result = tracker.Process(new SyntheticHand { NoiseCelsius = 0.1 }.RenderEmpty());

        Assert.False(result.HandInView);
        Assert.Contains(RegionFlags.HandOutOfView, result.Flags);
        Assert.DoesNotContain(RegionFlags.InvalidFrame, result.Flags);
    }
}
