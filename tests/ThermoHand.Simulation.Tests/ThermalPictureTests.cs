using SkiaSharp;
using ThermoHand.Cli.Pictures;

namespace ThermoHand.Simulation.Tests;

/// <summary>The shared PNG helper (src/ThermoHand.Cli/Pictures) that draws simulated and analysed frames.</summary>
public class ThermalPictureTests
{
    [Fact]
    public void IronbowRunsFromBlackToWhiteAndGetsBrighterAllTheWay()
    {
        var palette = ThermalPalette.Ironbow;
        Assert.Equal(SKColors.Black, palette.ColourAt(0));
        Assert.Equal(SKColors.White, palette.ColourAt(1));
        Assert.Equal(palette.ColourAt(1), palette.ColourAt(7)); // clamped
        Assert.Equal(palette.InvalidColour, palette.ColourAt(double.NaN));

        // Brightness (Rec. 601 luma) must rise so the picture reads correctly in greyscale print.
        var previous = -1.0;
        for (var f = 0.0; f <= 1.0; f += 0.01)
        {
            var c = palette.ColourAt(f);
            var luma = (0.299 * c.Red) + (0.587 * c.Green) + (0.114 * c.Blue);
            Assert.True(luma >= previous - 0.5, $"luma falls at {f:F2}: {previous:F1} → {luma:F1}");
            previous = luma;
        }
    }

    [Fact]
    public void ScaleCoversValidPixelsInWholeDegreesWithAMinimumSpan()
    {
        var frame = Enumerable.Repeat(24.3f, 768).ToArray();
        frame[5] = 31.6f;
        frame[6] = float.NaN;
        Assert.Equal(new TemperatureScale(24, 32), TemperatureScale.Fit([frame]));

        var flat = Enumerable.Repeat(23.0f, 768).ToArray();
        var scale = TemperatureScale.Fit([flat], minimumSpanCelsius: 4);
        Assert.Equal(4, scale.HighCelsius - scale.LowCelsius);
        Assert.InRange(23.0, scale.LowCelsius, scale.HighCelsius);
    }

    [Fact]
    public void EachSensorPixelIsOneBlockInThePaletteColour()
    {
        var frame = Enumerable.Repeat(20.0f, 768).ToArray();
        frame[(3 * 32) + 5] = 30.0f; // row 3, column 5: the warm end
        frame[(10 * 32) + 7] = float.NaN;
        var renderer = new ThermalImageRenderer(new TemperatureScale(20, 30), pixelSize: 6);
        using var bitmap = renderer.RenderFrame(new ThermalPanel(frame, "test"));

        var origin = renderer.ToScreen(0, 0, 0, 0); // centre of pixel (0, 0) in an image drawn at (0, 0)
        const int Gap = 10; // the renderer's margin around and between images
        var imageLeft = Gap;
        var imageTop = bitmap.Height - Gap - (24 * 6);
        SKColor At(int column, int row) => bitmap.GetPixel(imageLeft + (column * 6) + (int)origin.X, imageTop + (row * 6) + (int)origin.Y);

        Assert.Equal(SKColors.White, At(5, 3));
        Assert.Equal(SKColors.Black, At(4, 3));
        Assert.Equal(ThermalPalette.Ironbow.InvalidColour, At(7, 10));
    }

    [Fact]
    public void WritesAPng()
    {
        var renderer = new ThermalImageRenderer(new TemperatureScale(20, 35));
        using var bitmap = renderer.RenderStrip([new ThermalPanel(new float[768], "a"), new ThermalPanel(new float[768], "b")]);
        using var stream = new MemoryStream();
        ThermalImageRenderer.WritePng(bitmap, stream);
        Assert.Equal(new byte[] { 0x89, (byte)'P', (byte)'N', (byte)'G' }, stream.ToArray()[..4]);
        Assert.True(bitmap.Width > 2 * 320, "two 320-pixel-wide images side by side plus the scale bar");
    }

    [Fact]
    public void RejectsAFrameOfTheWrongSize()
    {
        var renderer = new ThermalImageRenderer(new TemperatureScale(20, 35));
        var ex = Assert.Throws<ArgumentException>(() => renderer.RenderFrame(new ThermalPanel(new float[100])));
        Assert.Contains("768", ex.Message);
    }
}
