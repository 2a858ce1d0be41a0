using ThermoHand.Simulation;

namespace ThermoHand.Simulation.Tests;

public class OpticsTests
{
    // clinical.md §9 table: 2·d·tan(FOV/2)/pixels.
    [Theory]
    [InlineData(55, 35, 300, 9.76, 7.88)]
    [InlineData(55, 35, 400, 13.02, 10.51)]
    [InlineData(110, 75, 200, 17.85, 12.79)]
    public void PixelFootprintMatchesTheGeometry(double h, double v, double distanceMm, double expectedX, double expectedY)
    {
        var optics = new SensorOptics(h, v, distanceMm);
        Assert.Equal(expectedX, optics.MillimetresPerPixelX, 0.02);
        Assert.Equal(expectedY, optics.MillimetresPerPixelY, 0.02);
    }

    [Fact]
    public void ViewCentreIsBetweenTheTwoMiddlePixels()
    {
        var optics = SensorOptics.Narrow55(300);
        var (x, y) = optics.ToPixel(0, 0);
        Assert.Equal(15.5, x, 1e-9);
        Assert.Equal(11.5, y, 1e-9);
    }

    [Fact]
    public void ImpossibleDistanceIsRejectedWithItsValue()
    {
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => SensorOptics.Narrow55(10));
        Assert.Contains("10 mm", ex.Message);
    }
}
