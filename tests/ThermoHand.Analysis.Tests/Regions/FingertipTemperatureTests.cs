using ThermoHand.Analysis.Regions;
using Xunit.Abstractions;

namespace ThermoHand.Analysis.Tests.Regions;

/// <summary>
/// Partial-volume bias of the fingertip reading: a 1.5 px finger at known temperature is rendered at 16 sub-pixel
/// positions; the reading is compared with the truth. The numbers printed here are the ones in docs/regions.md.
/// </summary>
public sealed class FingertipTemperatureTests(ITestOutputHelper output)
{
    private static readonly RegionTrackerOptions Defaults = new();

    [Theory]
    [InlineData(30.0, 23.0, 32.0)] // baseline: finger warmer than the room
    [InlineData(18.0, 23.0, 29.0)] // just out of the water: finger colder than the room
    public void Bias_for_a_one_and_a_half_pixel_finger_is_towards_the_room_and_bounded(double finger, double room, double dorsum)
    {
        var biases = new List<double>();
        using var tracker = new HandRegionTracker(Hand.Right);
        for (var sx = 0; sx < 4; sx++)
        {
            for (var sy = 0; sy < 4; sy++)
            {
                var scene = new SyntheticHand
                {
                    FingerWidth = 1.5, RoomCelsius = room, DorsumCelsius = dorsum, ArmCelsius = dorsum,
                    FingerCelsius = [finger, finger, finger, finger, finger], ShiftX = sx * 0.25, ShiftY = sy * 0.25,
                };

                // Cold fingers vanish from the warm mask, so locate on a warm twin, then read the cold frame: the
                // tracker would do the same through its baseline registration.
                var warmTwin = scene with { FingerCelsius = [30, 30, 30, 30, 30], DorsumCelsius = 32, ArmCelsius = 32 };
                using var locator = new HandRegionTracker(Hand.Right);
                var located = locator.Process(warmTwin.Render());
                using var segmenter = new HandSegmenter(new RegionTrackerOptions());
                var segmentation = segmenter.Segment(scene.Render().TemperaturesCelsius);
                var palm = new PixelPoint(15.5 + scene.ShiftX, 14 + scene.ShiftY);
                foreach (var digit in new[] { 2, 3, 4, 5 })
                {
                    var reading = RegionAssert.Reading(located, RegionNames.Digit(digit));
                    var estimate = RegionThermometer.Fingertip(segmentation, new PixelPoint(reading.CentreX, reading.CentreY), palm, Defaults.FingertipSearchRadiusPixels, Defaults.FingertipProximalReachPixels);
                    biases.Add(estimate.Celsius - finger);
                }
            }
        }

        var contrast = finger - room;
        var relative = biases.Select(b => b / -contrast).ToList();
        output.WriteLine(
            $"finger {finger} °C, room {room} °C, 1.5 px wide, {biases.Count} readings: bias mean {biases.Average():+0.00;-0.00} °C, " +
            $"range {biases.Min():+0.00;-0.00}..{biases.Max():+0.00;-0.00} °C; as a fraction of finger−room: " +
            $"mean {relative.Average():0.00}, worst {relative.Max():0.00}");

        // Always towards the room (never beyond the finger's own temperature) …
        Assert.All(relative, r => Assert.InRange(r, -0.02, 1.0));
        // … on average under a tenth of the finger−room contrast, and at worst about a third: a 1.5 px finger
        // centred on a pixel border fills at most 0.75 of either pixel (measured: mean 0.06, worst 0.30).
        Assert.InRange(relative.Average(), 0.0, 0.10);
        Assert.InRange(relative.Max(), 0.0, 0.35);
    }
}
