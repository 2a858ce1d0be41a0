using System.Buffers.Binary;
using ThermoHand.Analysis.Regions;
using ThermoHand.TestSupport;

namespace ThermoHand.Analysis.Tests;

/// <summary>
/// Real MLX90640 frames of a heated strip (shared/data/mlx90640-bench-recordings), which is not a hand, must not be
/// taken for one. Before the two segmenter rules pinned here, the strip was found as a "hand" in every frame and its
/// noisy outline gave fingertips, so `thermohand analyze` reported fingertip temperatures for a strip of material:
/// <list type="bullet">
/// <item>unheated, the strip leaves the view on the right: the distance map ignores the image border, so the
/// "palm" sat on the border itself (x = 31.4) — rule: at least half the palm must be in view;</item>
/// <item>heated above 40 °C, the hot end is cut out and the rest is a warm band running straight into it along
/// 13–20 pixels — rule: a hand may touch a hot object along at most 3 pixels.</item>
/// </list>
/// </summary>
public sealed class BenchRecordingsRegionTests
{
    private const string Gradient = "ds-16-55-20200521-DSN200uG.raw";
    private const string Plain = "ds-16-55-20200525-DSN200u.raw";

    /// <summary>Frame <paramref name="index"/> of a bench file (headerless float32, 768 per frame).</summary>
    private static float[] Frame(string file, int index)
    {
        const int FrameBytes = ThermalFrame.PixelCount * sizeof(float);
        using var stream = File.OpenRead(Path.Combine(SharedData.RecordingsDirectory, file));
        stream.Position = (long)index * FrameBytes;
        var bytes = new byte[FrameBytes];
        stream.ReadExactly(bytes);
        var pixels = new float[ThermalFrame.PixelCount];
        for (var i = 0; i < pixels.Length; i++)
        {
            pixels[i] = BinaryPrimitives.ReadSingleLittleEndian(bytes.AsSpan(i * sizeof(float)));
        }

        return pixels;
    }

    [Theory]
    [InlineData(Gradient, 1)]
    [InlineData(Gradient, 100)]
    [InlineData(Plain, 1)]
    [InlineData(Plain, 100)]
    public void Unheated_strip_cut_by_the_image_border_is_not_a_hand(string file, int index)
    {
        var pixels = Frame(file, index);
        Assert.True(pixels.Max() < 40f, "this frame should be from before the strip passed 40 °C");
        using var segmenter = new HandSegmenter(new RegionTrackerOptions());

        var segmentation = segmenter.Segment(pixels);

        Assert.False(segmentation.HandFound);
        Assert.Contains(RegionFlags.WarmObject, segmentation.Flags);
        Assert.True(segmentation.SkinCelsius - segmentation.BackgroundCelsius > 1.5, "the strip is warm enough to look like skin");
    }

    [Theory]
    [InlineData(Gradient, 300)]
    [InlineData(Gradient, 600)]
    [InlineData(Plain, 300)]
    [InlineData(Plain, 600)]
    public void Warm_band_running_into_a_hot_end_is_not_a_hand(string file, int index)
    {
        var pixels = Frame(file, index);
        Assert.True(pixels.Max() > 40f, "this frame should be from after the strip passed 40 °C");
        using var tracker = new HandRegionTracker(Hand.Left);

        var result = tracker.Process(new ThermalFrame(index, pixels));

        Assert.False(result.HandInView);
        Assert.Contains(RegionFlags.HotObject, result.Flags);
        Assert.Contains(RegionFlags.WarmObject, result.Flags);
        Assert.All(result.Readings, r => Assert.False(r.Trusted));
        Assert.All(result.Readings, r => Assert.True(double.IsNaN(r.TemperatureCelsius)));
    }
}
