using ThermoHand.Analysis.Regions;

namespace ThermoHand.Analysis.Tests.Regions;

internal static class RegionAssert
{
    /// <summary>The reading of each listed digit is trusted and its centre lies within <paramref name="tolerance"/> pixels of the truth.</summary>
    public static void FingertipsAt(RegionFrameResult result, SyntheticHand scene, double tolerance, params int[] digits)
    {
        foreach (var digit in digits)
        {
            var reading = Reading(result, RegionNames.Digit(digit));
            var truth = scene.TrueFingertip(digit);
            var error = new PixelPoint(reading.CentreX, reading.CentreY).DistanceTo(truth);
            Assert.True(
                reading.Trusted && error <= tolerance,
                $"D{digit}: found ({reading.CentreX:F2}, {reading.CentreY:F2}) trusted={reading.Trusted} flag={reading.Flag}, " +
                $"truth ({truth.X:F2}, {truth.Y:F2}), error {error:F2} px > {tolerance} px");
        }
    }

    public static RegionReading Reading(RegionFrameResult result, string name) => result.Readings.Single(r => r.Name == name);

    public static double MaxTipError(RegionFrameResult result, SyntheticHand scene, params int[] digits) => digits.Max(d =>
    {
        var reading = Reading(result, RegionNames.Digit(d));
        return new PixelPoint(reading.CentreX, reading.CentreY).DistanceTo(scene.TrueFingertip(d));
    });
}
