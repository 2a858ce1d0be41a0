using ThermoHand.Analysis.Reanalysis;
using ThermoHand.Analysis.Regions;
using Xunit.Abstractions;

namespace ThermoHand.Analysis.Tests.Regions;

/// <summary>
/// The unmixing reads each digit with its own fingertip width (docs/regions.md, "Temperatures and the partial-volume
/// bias"): a drawn hand whose thumb is wider than its fingers, at known temperatures, read with the thumb's width and
/// with the one finger width the model used for every digit before.
/// </summary>
public sealed class DigitWidthUnmixingTests(ITestOutputHelper output)
{
    private const double Room = 23.0;
    private const double Thumb = 30.0;
    private const double FingerWidth = 1.5;
    private const double ThumbWidth = 1.9;

    // Long enough that the drawn thumb, like the fingers, ends 0.135 × (6.8 + 0.95) = 1.05 px = 0.55 of its width
    // beyond the centre of its distal phalanx (the model's capsule cannot end nearer than half its width).
    private const double ThumbLength = 6.8;
    private static readonly RegionTrackerOptions Defaults = new();

    [Fact]
    public void A_thumb_wider_than_the_fingers_is_unmixed_with_its_own_width()
    {
        // The method alone: true place and true axis of the thumb given, the model told this drawing's geometry (no
        // lens blur; every drawn digit ends 0.135 × (length + width/2) ≈ 0.55 of its width beyond its centre).
        var ownWidth = new List<double>();
        var fingerWidth = new List<double>();
        foreach (var scene in Placements())
        {
            var segmentation = Segment(scene);
            var pad = scene.TrueFingertip(1);
            var thumbBase = scene.TrueDigitBase(1);
            var perDigit = DrawingModel(segmentation);
            var oneWidth = perDigit with { DigitWidths = null };
            ownWidth.Add(Read(segmentation, pad, thumbBase, perDigit, 1) - Thumb);
            fingerWidth.Add(Read(segmentation, pad, thumbBase, oneWidth, 1) - Thumb);
        }

        output.WriteLine(
            $"thumb {ThumbWidth} px wide, fingers {FingerWidth} px, thumb {Thumb} °C, room {Room} °C, {ownWidth.Count} placements: " +
            $"own width bias {ownWidth.Average():+0.00;-0.00} °C (range {ownWidth.Min():+0.00;-0.00}..{ownWidth.Max():+0.00;-0.00}), " +
            $"finger width bias {fingerWidth.Average():+0.00;-0.00} °C (range {fingerWidth.Min():+0.00;-0.00}..{fingerWidth.Max():+0.00;-0.00})");

        // With its own width the thumb reads true within the integral's sampling and the drawing's pixel phase
        // (measured: mean within ±0.1 °C); with a finger's width, 21 % too narrow, its f is too small and the reading
        // over-corrected, warm by about 0.8 × 0.21 × 7 °C ≈ 1.2 °C (docs/regions.md, the width sensitivity).
        Assert.InRange(ownWidth.Average(), -0.2, 0.2);
        Assert.All(ownWidth, b => Assert.InRange(b, -0.6, 0.6));
        Assert.InRange(fingerWidth.Average(), 0.6, 2.0);
        Assert.All(ownWidth.Zip(fingerWidth), p => Assert.True(p.First < p.Second, $"own width {p.First:+0.00} °C must read cooler than finger width {p.Second:+0.00} °C"));
    }

    [Fact]
    public void The_tracker_hands_each_digit_its_own_width()
    {
        // Through the tracker (its own places and palm → fingertip axes): only the thumb's width differs between the
        // two models, so D2–D5 must read the same and the thumb must come closer to its true temperature.
        var thumbOwn = new List<double>();
        var thumbFinger = new List<double>();
        foreach (var scene in Placements())
        {
            var frame = scene.Render();
            var segmentation = Segment(scene);
            var perDigit = DrawingModel(segmentation);
            var oneWidth = perDigit with { DigitWidths = null };
            using var own = new HandRegionTracker(Hand.Right, Defaults with { Fingertip = perDigit });
            using var one = new HandRegionTracker(Hand.Right, Defaults with { Fingertip = oneWidth });
            var a = own.Process(frame);
            var b = one.Process(frame);
            foreach (var digit in new[] { 2, 3, 4, 5 })
            {
                Assert.Equal(
                    RegionAssert.Reading(b, RegionNames.Digit(digit)).TemperatureCelsius,
                    RegionAssert.Reading(a, RegionNames.Digit(digit)).TemperatureCelsius);
            }

            thumbOwn.Add(RegionAssert.Reading(a, RegionNames.Digit(1)).TemperatureCelsius - Thumb);
            thumbFinger.Add(RegionAssert.Reading(b, RegionNames.Digit(1)).TemperatureCelsius - Thumb);
        }

        output.WriteLine(
            $"tracker, thumb {ThumbWidth} px: own width bias {thumbOwn.Average():+0.00;-0.00} °C (|mean| {thumbOwn.Average(Math.Abs):0.00}), " +
            $"finger width {thumbFinger.Average():+0.00;-0.00} °C (|mean| {thumbFinger.Average(Math.Abs):0.00}), {thumbOwn.Count} placements");
        Assert.All(thumbOwn.Concat(thumbFinger), b => Assert.True(double.IsFinite(b), "the thumb must be measured"));
        Assert.True(thumbOwn.Average(Math.Abs) < thumbFinger.Average(Math.Abs) - 0.3, "the thumb's own width must bring it closer to the truth");
        Assert.True(thumbFinger.Average() > 0.3, "read with a finger's width the wide thumb is over-corrected (warm)");
    }

    [Fact]
    public void Each_digit_has_its_own_width_and_an_unknown_digit_the_common_one()
    {
        var unmixing = FingertipUnmixing.Default;
        Assert.Equal(0.50, unmixing.WidthPalmRadiiOf(1));
        Assert.Equal(0.40, unmixing.WidthPalmRadiiOf(2));
        Assert.Equal(0.40, unmixing.WidthPalmRadiiOf(3));
        Assert.Equal(0.40, unmixing.WidthPalmRadiiOf(4));
        Assert.Equal(0.40, unmixing.WidthPalmRadiiOf(5));
        Assert.Equal(0.35, (unmixing with { DigitWidths = FingertipWidths.AdultHandAllDigits }).WidthPalmRadiiOf(5));
        Assert.Equal(unmixing.WidthPalmRadii, unmixing.WidthPalmRadiiOf(null));
        Assert.All(Enumerable.Range(1, 5), d => Assert.Equal(unmixing.WidthPalmRadii, (unmixing with { DigitWidths = null }).WidthPalmRadiiOf(d)));
        Assert.Throws<ArgumentOutOfRangeException>(() => FingertipWidths.AdultHand.Of(6));
    }

    [Fact]
    public void Region_method_names_say_which_width_model_made_a_result()
    {
        // The default changed its results, so it has a new name; the earlier name still reproduces the earlier model.
        Assert.Equal("unmixed-fingertip-per-digit", RegionMethods.UnmixedFingertip);
        Assert.Equal(FingertipWidths.AdultHand, RegionMethods.Options(RegionMethods.UnmixedFingertip).Fingertip.DigitWidths);
        Assert.Equal(new RegionTrackerOptions().Fingertip, RegionMethods.Options(RegionMethods.UnmixedFingertip).Fingertip);
        Assert.Null(RegionMethods.Options("unmixed-fingertip").Fingertip.DigitWidths);
        Assert.Equal(FingertipReadingMethod.UnmixedFingertip, RegionMethods.Options("unmixed-fingertip").Fingertip.Method);
        Assert.Null(RegionMethods.Options(RegionMethods.CoveredPixelMean).Fingertip.DigitWidths);
        Assert.Equal(3, RegionMethods.All.Distinct().Count());
    }

    private static IEnumerable<SyntheticHand> Placements()
    {
        for (var sx = 0; sx < 4; sx++)
        {
            for (var sy = 0; sy < 4; sy++)
            {
                yield return new SyntheticHand
                {
                    FingerWidth = FingerWidth, ThumbWidth = ThumbWidth, ThumbLength = ThumbLength, RoomCelsius = Room, DorsumCelsius = 32, ArmCelsius = 32,
                    FingerCelsius = [Thumb, 30, 30, 30, 30], ShiftX = sx * 0.25, ShiftY = sy * 0.25,
                };
            }
        }
    }

    private static HandSegmentation Segment(SyntheticHand scene)
    {
        using var segmenter = new HandSegmenter(Defaults);
        return segmenter.Segment(scene.Render().TemperaturesCelsius);
    }

    /// <summary>The unmixing told this drawing: no blur, the drawn widths on this palm, digits ending 0.55 widths beyond the centre.</summary>
    private static FingertipUnmixing DrawingModel(HandSegmentation segmentation)
    {
        var finger = FingerWidth / segmentation.PalmRadius;
        return FingertipUnmixing.Default with
        {
            PsfSigmaPixels = 0,
            CentreToEndWidths = 0.55,
            WidthPalmRadii = finger,
            DigitWidths = new FingertipWidths(ThumbWidth / segmentation.PalmRadius, finger, finger, finger, finger),
        };
    }

    private static double Read(HandSegmentation segmentation, PixelPoint pad, PixelPoint towardsPalm, FingertipUnmixing unmixing, int digit)
        => RegionThermometer.Fingertip(segmentation, pad, towardsPalm, Defaults.FingertipSearchRadiusPixels, Defaults.FingertipProximalReachPixels, unmixing, digit).Celsius;
}
