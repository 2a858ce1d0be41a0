using ThermoHand.Analysis.Regions;

namespace ThermoHand.Analysis.Tests.Regions;

/// <summary>
/// The fingertip model's fill fraction f (the share of a pixel's signal that comes from the finger), checked against
/// values worked out by hand: a finger pointing up the image (towards row 0) with its distal-phalanx centre at (10, 10).
/// </summary>
public sealed class FingertipFillFractionTests
{
    private static readonly PixelPoint Pad = new(10, 10);
    private static readonly PixelPoint Up = new(0, -1);
    private static readonly FingertipUnmixing NoBlur = FingertipUnmixing.Default with { PsfSigmaPixels = 0 };

    [Fact]
    public void Without_blur_f_is_the_covered_area_of_the_pixel()
    {
        // Along the finger's straight part (two pixels towards the palm), a finger of width w centred on the column
        // covers min(w, 1) of the pixel; off-centre by 0.5 px, a 1 px finger covers half of it.
        // (Tolerance 0.03: the integral is sampled every 0.05 px.)
        Assert.InRange(RegionThermometer.FillFraction(new PixelPoint(10, 12), Pad, Up, 0.5, NoBlur), 0.47, 0.53);
        Assert.InRange(RegionThermometer.FillFraction(new PixelPoint(10, 12), Pad, Up, 2.0, NoBlur), 0.97, 1.0);
        Assert.InRange(RegionThermometer.FillFraction(new PixelPoint(10.5, 12), Pad, Up, 1.0, NoBlur), 0.47, 0.53);
        Assert.Equal(0.0, RegionThermometer.FillFraction(new PixelPoint(13, 12), Pad, Up, 1.0, NoBlur), 3);
    }

    [Fact]
    public void Beyond_the_fingertip_end_f_falls_to_zero()
    {
        // Width 1.5: the finger ends 0.7 × 1.5 = 1.05 px beyond the pad centre, at y = 8.95, with a rounded end of
        // radius 0.75 starting at y = 9.7. The pixel above the pad (rows 8.5–9.5) holds the rounded end: its area
        // within the pixel is 0.49 by integration; the pixel beyond (7.5–8.5) holds nothing.
        var atPad = RegionThermometer.FillFraction(Pad, Pad, Up, 1.5, NoBlur);
        var end = RegionThermometer.FillFraction(new PixelPoint(10, 9), Pad, Up, 1.5, NoBlur);
        var beyond = RegionThermometer.FillFraction(new PixelPoint(10, 8), Pad, Up, 1.5, NoBlur);
        Assert.InRange(atPad, 0.97, 1.0);
        Assert.InRange(end, 0.46, 0.52);
        Assert.Equal(0.0, beyond, 3);
    }

    [Fact]
    public void Lens_blur_lowers_f_of_a_narrow_finger_and_spills_signal_into_the_neighbours()
    {
        var blur = FingertipUnmixing.Default with { PsfSigmaPixels = 0.4 };
        var centre = RegionThermometer.FillFraction(new PixelPoint(10, 12), Pad, Up, 1.0, blur);
        var neighbour = RegionThermometer.FillFraction(new PixelPoint(11, 12), Pad, Up, 1.0, blur);

        // A 1 px bar through a pixel blurred with σ = 0.4 px: ∫_{-½}^{½} [Φ((x+½)/σ) − Φ((x−½)/σ)] dx = 0.682 (worked
        // out by numerical integration), and what the centre pixel loses goes to the two neighbours, 0.158 each.
        Assert.InRange(centre, 0.672, 0.692);
        Assert.InRange(neighbour, 0.148, 0.168);
        Assert.InRange(centre + (2 * neighbour), 0.98, 1.01);
    }
}
