using System.Globalization;
using SkiaSharp;

namespace ThermoHand.Cli.Pictures;

/// <summary>The temperature range a picture's colours span.</summary>
public readonly record struct TemperatureScale(double LowCelsius, double HighCelsius)
{
    /// <summary>Position of <paramref name="celsius"/> on the scale, 0 at the low end, 1 at the high end (not clamped).</summary>
    public double Fraction(double celsius) => (celsius - LowCelsius) / Math.Max(1e-9, HighCelsius - LowCelsius);

    /// <summary>
    /// A scale covering every valid pixel of the frames, widened to whole °C and at least <paramref name="minimumSpanCelsius"/>
    /// so that noise on a uniform picture is not stretched into false contrast.
    /// </summary>
    public static TemperatureScale Fit(IEnumerable<float[]> frames, double minimumSpanCelsius = 4)
    {
        ArgumentNullException.ThrowIfNull(frames);
        double low = double.MaxValue, high = double.MinValue;
        foreach (var frame in frames)
        {
            foreach (var t in frame)
            {
                if (float.IsFinite(t))
                {
                    low = Math.Min(low, t);
                    high = Math.Max(high, t);
                }
            }
        }

        if (low > high)
        {
            return new TemperatureScale(20, 35);
        }

        low = Math.Floor(low);
        high = Math.Ceiling(high);
        if (high - low < minimumSpanCelsius)
        {
            var middle = (low + high) / 2;
            low = Math.Floor(middle - (minimumSpanCelsius / 2));
            high = low + minimumSpanCelsius;
        }

        return new TemperatureScale(low, high);
    }
}

/// <summary>A labelled point drawn over a thermal image, in sensor pixel coordinates (pixel (c, r) has its centre at (c, r)).</summary>
public sealed record ThermalMarker(double X, double Y, string Label, SKColor Colour);

/// <summary>One thermal image to draw: 768 temperatures (row-major 24 × 32, row 0 at the top), a caption, optional markers.</summary>
public sealed record ThermalPanel(float[] TemperaturesCelsius, string? Caption = null, IReadOnlyList<ThermalMarker>? Markers = null);

/// <summary>
/// Draws 32×24 thermal images as honest blocks (nearest neighbour: one sensor pixel = one square, no smoothing that
/// would suggest detail the sensor does not have), with a colour scale bar in °C. Use <see cref="RenderFrame"/> or
/// <see cref="RenderStrip"/> for a whole picture, or <see cref="DrawImage"/> and <see cref="DrawScaleBar"/> to
/// compose your own.
/// </summary>
public sealed class ThermalImageRenderer
{
    public const int Columns = 32;
    public const int Rows = 24;

    private const float CaptionHeight = 22;
    private const float Gap = 10;
    private const float ScaleBarWidth = 16;
    private const float ScaleBarLabelWidth = 52;

    private static readonly Lazy<SKTypeface> Typeface = new(LoadTypeface);

    public ThermalImageRenderer(TemperatureScale scale, int pixelSize = 10, ThermalPalette? palette = null)
    {
        if (!(scale.HighCelsius > scale.LowCelsius))
        {
            throw new ArgumentException($"The temperature scale must rise: {scale.LowCelsius} °C to {scale.HighCelsius} °C.", nameof(scale));
        }

        if (pixelSize is < 1 or > 64)
        {
            throw new ArgumentOutOfRangeException(nameof(pixelSize), $"Pixel size must be 1–64 screen pixels, not {pixelSize}.");
        }

        Scale = scale;
        PixelSize = pixelSize;
        Palette = palette ?? ThermalPalette.Ironbow;
    }

    public TemperatureScale Scale { get; }

    public int PixelSize { get; }

    public ThermalPalette Palette { get; }

    /// <summary>Width and height of one drawn image in screen pixels.</summary>
    public (int Width, int Height) ImageSize => (Columns * PixelSize, Rows * PixelSize);

    /// <summary>Screen position of a sensor pixel coordinate inside an image drawn at (left, top).</summary>
    public SKPoint ToScreen(float left, float top, double x, double y)
        => new(left + (float)((x + 0.5) * PixelSize), top + (float)((y + 0.5) * PixelSize));

    /// <summary>Draws one 32×24 image with its top-left corner at (left, top), then its markers.</summary>
    public void DrawImage(SKCanvas canvas, float left, float top, ReadOnlySpan<float> temperaturesCelsius, IReadOnlyList<ThermalMarker>? markers = null)
    {
        ArgumentNullException.ThrowIfNull(canvas);
        if (temperaturesCelsius.Length != Columns * Rows)
        {
            throw new ArgumentException($"A thermal image has {Columns * Rows} pixels, not {temperaturesCelsius.Length}.", nameof(temperaturesCelsius));
        }

        using var paint = new SKPaint { IsAntialias = false, Style = SKPaintStyle.Fill };
        for (var r = 0; r < Rows; r++)
        {
            for (var c = 0; c < Columns; c++)
            {
                var t = temperaturesCelsius[(r * Columns) + c];
                paint.Color = float.IsFinite(t) ? Palette.ColourAt(Scale.Fraction(t)) : Palette.InvalidColour;
                canvas.DrawRect(left + (c * PixelSize), top + (r * PixelSize), PixelSize, PixelSize, paint);
            }
        }

        if (markers is null)
        {
            return;
        }

        using var ring = new SKPaint { IsAntialias = true, Style = SKPaintStyle.Stroke, StrokeWidth = 2 };
        using var text = new SKPaint { IsAntialias = true };
        using var font = new SKFont(Typeface.Value, Math.Max(9, PixelSize));
        foreach (var m in markers)
        {
            var p = ToScreen(left, top, m.X, m.Y);
            ring.Color = m.Colour;
            text.Color = m.Colour;
            canvas.DrawCircle(p, Math.Max(3, PixelSize * 0.6f), ring);
            canvas.DrawText(m.Label, p.X + (PixelSize * 0.8f), p.Y - (PixelSize * 0.5f), SKTextAlign.Left, font, text);
        }
    }

    /// <summary>Draws the vertical colour bar (warm at the top) with °C labels to its right.</summary>
    public void DrawScaleBar(SKCanvas canvas, float left, float top, float height)
    {
        ArgumentNullException.ThrowIfNull(canvas);
        using var paint = new SKPaint { IsAntialias = false };
        for (var y = 0; y < (int)height; y++)
        {
            paint.Color = Palette.ColourAt(1 - (y / (height - 1)));
            canvas.DrawRect(left, top + y, ScaleBarWidth, 1, paint);
        }

        using var outline = new SKPaint { Style = SKPaintStyle.Stroke, Color = SKColors.Black, StrokeWidth = 1 };
        canvas.DrawRect(left, top, ScaleBarWidth, height, outline);

        using var text = new SKPaint { IsAntialias = true, Color = SKColors.Black };
        using var font = new SKFont(Typeface.Value, 12);
        var span = Scale.HighCelsius - Scale.LowCelsius;
        var step = span <= 6 ? 1 : span <= 15 ? 2 : 5;
        for (var t = Math.Ceiling(Scale.LowCelsius / step) * step; t <= Scale.HighCelsius + 1e-9; t += step)
        {
            var y = top + (float)((1 - Scale.Fraction(t)) * height);
            canvas.DrawLine(left + ScaleBarWidth, y, left + ScaleBarWidth + 4, y, outline);
            canvas.DrawText(t.ToString("0", CultureInfo.InvariantCulture) + " °C", left + ScaleBarWidth + 6, y + 4, SKTextAlign.Left, font, text);
        }
    }

    /// <summary>One image with an optional caption above it and the scale bar beside it.</summary>
    public SKBitmap RenderFrame(ThermalPanel panel) => RenderStrip([panel]);

    /// <summary>Several images side by side, each with its caption, sharing one scale bar at the right.</summary>
    public SKBitmap RenderStrip(IReadOnlyList<ThermalPanel> panels)
    {
        ArgumentNullException.ThrowIfNull(panels);
        if (panels.Count == 0)
        {
            throw new ArgumentException("A strip needs at least one image.", nameof(panels));
        }

        var (w, h) = ImageSize;
        var width = (int)(Gap + (panels.Count * (w + Gap)) + ScaleBarWidth + ScaleBarLabelWidth + Gap);
        var height = (int)(Gap + CaptionHeight + h + Gap);
        var bitmap = new SKBitmap(width, height, SKColorType.Rgba8888, SKAlphaType.Premul);
        using var canvas = new SKCanvas(bitmap);
        canvas.Clear(SKColors.White);
        using var text = new SKPaint { IsAntialias = true, Color = SKColors.Black };
        using var font = new SKFont(Typeface.Value, 13);
        for (var i = 0; i < panels.Count; i++)
        {
            var left = Gap + (i * (w + Gap));
            if (panels[i].Caption is { } caption)
            {
                canvas.DrawText(caption, left, Gap + CaptionHeight - 7, SKTextAlign.Left, font, text);
            }

            DrawImage(canvas, left, Gap + CaptionHeight, panels[i].TemperaturesCelsius, panels[i].Markers);
        }

        DrawScaleBar(canvas, Gap + (panels.Count * (w + Gap)), Gap + CaptionHeight, h);
        return bitmap;
    }

    /// <summary>Encodes as PNG into <paramref name="output"/>.</summary>
    public static void WritePng(SKBitmap bitmap, Stream output)
    {
        ArgumentNullException.ThrowIfNull(bitmap);
        using var image = SKImage.FromBitmap(bitmap);
        using var data = image.Encode(SKEncodedImageFormat.Png, 100);
        data.SaveTo(output);
    }

    /// <summary>Encodes as PNG into a file (created or replaced).</summary>
    public static void SavePng(SKBitmap bitmap, string path)
    {
        using var file = File.Create(path);
        WritePng(bitmap, file);
    }

    // The Linux native assets carry no font manager, so look for a common system font file; without one, text is
    // simply not drawn (the picture itself is still correct).
    private static SKTypeface LoadTypeface()
    {
        string[] candidates =
        [
            "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
            "/usr/share/fonts/dejavu/DejaVuSans.ttf",
            "/usr/share/fonts/TTF/DejaVuSans.ttf",
            "/usr/share/fonts/truetype/liberation/LiberationSans-Regular.ttf",
        ];
        foreach (var path in candidates)
        {
            if (File.Exists(path) && SKTypeface.FromFile(path) is { } typeface)
            {
                return typeface;
            }
        }

        return SKTypeface.Default;
    }
}
