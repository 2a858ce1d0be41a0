using ThermoHand.Worker.Calibration;

namespace ThermoHand.Worker.Tests.Calibration;

/// <summary>The reference check's arithmetic: mean of the central region over the images against the target.</summary>
public sealed class ReferenceCheckTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 27, 8, 0, 0, TimeSpan.Zero);

    private static float[] Uniform(float celsius) => Enumerable.Repeat(celsius, 768).ToArray();

    [Fact]
    public void The_region_is_the_central_8_by_6_pixels()
    {
        IReadOnlyList<int> region = new ReferenceCheck(35, 0.5, 8, 6).RegionPixels();

        Assert.Equal(48, region.Count);
        Assert.Equal((9 * 32) + 12, region[0]);   // row 9, column 12
        Assert.Equal((14 * 32) + 19, region[^1]); // row 14, column 19
    }

    [Fact]
    public void Within_the_tolerance_passes_with_the_signed_error()
    {
        var check = new ReferenceCheck(35, 0.5, 8, 6);

        ReferenceCheckResult r = check.Evaluate([Uniform(35.2f), Uniform(35.4f)], "S", "right", "S/v1", Now);

        Assert.True(r.Passed, r.Message);
        Assert.Equal(35.3, r.MeasuredCelsius, 4);
        Assert.Equal(0.3, r.ErrorCelsius, 4);
        Assert.Equal(2, r.Images);
        Assert.Contains("passed", r.Message);
        Assert.Contains("error +0.30 °C", r.Message);
    }

    [Fact]
    public void Outside_the_tolerance_fails_in_either_direction_and_says_what_to_do()
    {
        var check = new ReferenceCheck(35, 0.5, 8, 6);

        ReferenceCheckResult cold = check.Evaluate([Uniform(34.3f)], "S", "left", "factory", Now);
        ReferenceCheckResult warm = check.Evaluate([Uniform(35.51f)], "S", "left", "factory", Now);

        Assert.False(cold.Passed);
        Assert.Equal(-0.7, cold.ErrorCelsius, 4);
        Assert.False(warm.Passed);
        Assert.Contains("FAILED", cold.Message);
        Assert.Contains("outside ±0.50 °C", cold.Message);
        Assert.Contains("recalibrate", cold.Message);
    }

    [Fact]
    public void Only_the_central_region_counts_and_invalid_pixels_are_left_out()
    {
        var check = new ReferenceCheck(35, 0.5, 8, 6);
        float[] image = Uniform(20); // the surroundings are far off: they must not count
        foreach (int p in check.RegionPixels())
        {
            image[p] = 35.1f;
        }

        image[check.RegionPixels()[0]] = float.NaN;
        image[check.RegionPixels()[1]] = 80; // one hot pixel in the region moves the mean a little

        ReferenceCheckResult r = check.Evaluate([image], "S", "right", "factory", Now);

        Assert.Equal(((46 * 35.1) + 80) / 47, r.MeasuredCelsius, 3);
    }

    [Fact]
    public void No_valid_pixel_fails_rather_than_passing_silently()
    {
        ReferenceCheckResult r = new ReferenceCheck(35, 0.5, 8, 6).Evaluate([Uniform(float.NaN)], "S", "right", "factory", Now);

        Assert.False(r.Passed);
        Assert.True(double.IsNaN(r.MeasuredCelsius));
        Assert.Contains("no valid pixel", r.Message);
    }
}
