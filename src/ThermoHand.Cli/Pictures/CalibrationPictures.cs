using System.Globalization;
using SkiaSharp;
using ThermoHand.Calibration;

namespace ThermoHand.Cli.Pictures;

/// <summary>
/// The pictures of a calibration report (docs/calibration.md): error at the verification target before and after the
/// site correction, the fitted gain and offset, each pixel's temporal noise, and where the bad pixels are. One sensor
/// pixel is one square, as everywhere else; invalid or bad pixels are grey.
/// </summary>
public static class CalibrationPictures
{
    /// <summary>Blue (reads cold) → white (right) → red (reads warm): a signed error must show its sign at a glance.</summary>
    public static ThermalPalette Diverging { get; } = new(
        [
            (0.0, new SKColor(0x21, 0x4a, 0xa8)),
            (0.5, new SKColor(0xff, 0xff, 0xff)),
            (1.0, new SKColor(0xc0, 0x1e, 0x1e)),
        ],
        new SKColor(0x80, 0x80, 0x80));

    /// <summary>Writes every picture into <paramref name="directory"/>; returns the file names written.</summary>
    public static IReadOnlyList<string> WriteAll(CalibrationResult result, string directory)
    {
        ArgumentNullException.ThrowIfNull(result);
        Directory.CreateDirectory(directory);
        var c = CultureInfo.InvariantCulture;
        var written = new List<string>();
        var verification = result.Verification;

        // Errors: one symmetric scale for both panels, at least ±1 °C so that "after" is not stretched into false contrast.
        var before = result.VerificationErrorMap(corrected: false);
        var after = result.VerificationErrorMap(corrected: true);
        // The scale follows the good pixels; a dead pixel's error (it may read anything) is shown clamped at the end.
        var largest = Math.Ceiling(Math.Max(1, before.Where((e, p) => float.IsFinite(e) && !result.Fit.IsBad(p)).Select(Math.Abs).DefaultIfEmpty(1).Max()));
        var errorRenderer = new ThermalImageRenderer(new TemperatureScale(-largest, largest), 10, Diverging);
        Save(errorRenderer.RenderStrip(
            [
                new ThermalPanel(before, string.Create(c, $"Error before, at {verification.ReferenceCelsius:0.00} °C (°C)")),
                new ThermalPanel(after, "Error after site calibration (°C)"),
            ]), directory, "error-before-after.png", written);

        var gain = result.Fit.Gain.Select((g, p) => result.Fit.IsBad(p) ? float.NaN : g).ToArray();
        var gainSpan = Math.Max(0.02, gain.Where(float.IsFinite).Select(g => Math.Abs(g - 1)).DefaultIfEmpty(0.02f).Max());
        Save(RenderUnitless(gain, 1 - gainSpan, 1 + gainSpan, string.Create(c, $"Gain: dark {1 - gainSpan:0.000} … light {1 + gainSpan:0.000}")), directory, "gain.png", written);

        var offset = result.Fit.OffsetCelsius.Select((o, p) => result.Fit.IsBad(p) ? float.NaN : o).ToArray();
        Save(new ThermalImageRenderer(TemperatureScale.Fit([offset], 2)).RenderFrame(new ThermalPanel(offset, "Offset (°C)")), directory, "offset.png", written);

        var noise = verification.TemporalSdCelsius.ToArray();
        var noiseHigh = Math.Max(0.5, Math.Ceiling(noise.Where(float.IsFinite).DefaultIfEmpty(0.5f).Max() * 2) / 2);
        Save(new ThermalImageRenderer(new TemperatureScale(0, noiseHigh)).RenderFrame(new ThermalPanel(noise, "Temporal noise (°C, SD)")), directory, "noise.png", written);

        var markers = result.Fit.BadPixels
            .Select(b => new ThermalMarker(b.Column, b.Row, b.Kind == BadPixelKind.Dead ? "dead" : "noisy", b.Kind == BadPixelKind.Dead ? SKColors.Cyan : SKColors.Lime))
            .ToArray();
        // The corrected verification image with the bad pixels grey (what they read is not shown: it is not used).
        var corrected = verification.MeanCelsius.Select((m, p) => result.Fit.IsBad(p) ? float.NaN : (result.Fit.Gain[p] * m) + result.Fit.OffsetCelsius[p]).ToArray();
        Save(new ThermalImageRenderer(TemperatureScale.Fit([corrected], 4)).RenderFrame(new ThermalPanel(corrected, $"Bad pixels: {result.Fit.BadPixels.Count} (grey)", markers)), directory, "bad-pixels.png", written);
        return written;
    }

    private static void Save(SKBitmap bitmap, string directory, string name, List<string> written)
    {
        using (bitmap)
        {
            ThermalImageRenderer.SavePng(bitmap, Path.Combine(directory, name));
        }

        written.Add(name);
    }

    /// <summary>A map that is not a temperature (the gain): greyscale, its range stated in the caption instead of a °C bar.</summary>
    private static SKBitmap RenderUnitless(float[] values, double low, double high, string caption)
    {
        // The renderer's scale is only a mapping here; no °C bar is drawn.
        var renderer = new ThermalImageRenderer(new TemperatureScale(low, high), 10, Greyscale);
        var (w, h) = renderer.ImageSize;
        var bitmap = new SKBitmap(w + 20, h + 42, SKColorType.Rgba8888, SKAlphaType.Premul);
        using var canvas = new SKCanvas(bitmap);
        canvas.Clear(SKColors.White);
        using var text = new SKPaint { IsAntialias = true, Color = SKColors.Black };
        using var font = new SKFont(LoadTypeface(), 13);
        canvas.DrawText(caption, 10, 25, SKTextAlign.Left, font, text);
        renderer.DrawImage(canvas, 10, 32, values);
        return bitmap;
    }

    private static ThermalPalette Greyscale { get; } = new([(0.0, SKColors.Black), (1.0, SKColors.White)], new SKColor(0xd0, 0x40, 0x40));

    private static SKTypeface LoadTypeface()
    {
        foreach (var path in new[] { "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf", "/usr/share/fonts/dejavu/DejaVuSans.ttf", "/usr/share/fonts/truetype/liberation/LiberationSans-Regular.ttf" })
        {
            if (File.Exists(path) && SKTypeface.FromFile(path) is { } typeface)
            {
                return typeface;
            }
        }

        return SKTypeface.Default;
    }
}
