using SkiaSharp;
using ThermoHand.Analysis;
using ThermoHand.Analysis.Regions;
using ThermoHand.Analysis.Results;

namespace ThermoHand.Cli.Pictures;

/// <summary>
/// The one-page picture of an analysis: left, the baseline thermal frame with the regions the analysis measured
/// (fingertip circles labelled D1–D5, the dorsum box); right, every finger's rewarming curve after challenge_end
/// with its baseline level. Meant for a clinician to check at a glance that the regions sat on the right fingers
/// and the curves look physiological before trusting the numbers.
/// </summary>
public static class AnalysisPicture
{
    private const int Scale = 12;            // 32×24 sensor pixels → 384×288 on screen
    private const int ImageLeft = 20;
    private const int ImageTop = 50;
    private const int PlotLeft = 540;
    private const int PlotTop = 50;
    private const int PlotWidth = 520;
    private const int PlotHeight = 288;
    private const int Width = 1080;
    private const int Height = 400;

    /// <summary>Dorsum box half-size in sensor pixels: the dorsum reading averages roughly this area.</summary>
    private const double DorsumHalfSize = 2.0;

    private static readonly SKColor[] DigitColours =
    [
        new(0x99, 0x99, 0x99), // D1 thumb, grey: not in the digit 2–5 averages
        new(0x1f, 0x77, 0xb4),
        new(0x2c, 0xa0, 0x2c),
        new(0xd6, 0x27, 0x28),
        new(0x94, 0x67, 0xbd),
    ];

    private static readonly SKColor DorsumColour = new(0x20, 0x20, 0x20);

    /// <summary>
    /// Draws the picture as PNG. <paramref name="baselineFrame"/> may be null (no frame before challenge_start): the
    /// left panel then says so. <paramref name="dorsumCentre"/> is where the dorsum was measured in that frame.
    /// </summary>
    public static void Render(AnalysisResult result, ThermalFrame? baselineFrame, PixelPoint? dorsumCentre, Stream output)
    {
        ArgumentNullException.ThrowIfNull(result);
        ArgumentNullException.ThrowIfNull(output);
        using var surface = SKSurface.Create(new SKImageInfo(Width, Height, SKColorType.Rgba8888, SKAlphaType.Premul));
        var canvas = surface.Canvas;
        canvas.Clear(SKColors.White);
        using var typeface = LoadTypeface();
        using var font = new SKFont(typeface, 13);
        using var small = new SKFont(typeface, 11);
        using var text = new SKPaint { Color = SKColors.Black, IsAntialias = true };

        var hand = result.Hand == Hand.Left ? "left" : "right";
        canvas.DrawText($"Baseline frame, {hand} hand (dorsal view)", ImageLeft, 30, SKTextAlign.Left, font, text);
        canvas.DrawText("Rewarming after challenge_end (trusted frames)", PlotLeft, 30, SKTextAlign.Left, font, text);

        DrawFrame(canvas, result, baselineFrame, dorsumCentre, font, small, text);
        DrawCurves(canvas, result, small, text);

        using var image = surface.Snapshot();
        using var data = image.Encode(SKEncodedImageFormat.Png, 100);
        data.SaveTo(output);
    }

    private static SKTypeface LoadTypeface()
    {
        // The Linux native assets carry no font configuration; load a common system font by path when present.
        foreach (var path in new[] { "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf", "/usr/share/fonts/TTF/DejaVuSans.ttf" })
        {
            if (File.Exists(path) && SKTypeface.FromFile(path) is { } typeface)
            {
                return typeface;
            }
        }

        return SKTypeface.Default;
    }

    private static void DrawFrame(SKCanvas canvas, AnalysisResult result, ThermalFrame? frame, PixelPoint? dorsumCentre, SKFont font, SKFont small, SKPaint text)
    {
        var frameRect = SKRect.Create(ImageLeft, ImageTop, ThermalFrame.Columns * Scale, ThermalFrame.Rows * Scale);
        if (frame is null)
        {
            using var border = new SKPaint { Color = SKColors.Gray, Style = SKPaintStyle.Stroke };
            canvas.DrawRect(frameRect, border);
            canvas.DrawText("no frame before challenge_start", frameRect.MidX, frameRect.MidY, SKTextAlign.Center, font, text);
            return;
        }

        // The shared thermal renderer draws the honest 32×24 blocks and the °C bar; the regions are drawn on top here.
        var renderer = new ThermalImageRenderer(TemperatureScale.Fit([frame.TemperaturesCelsius]), Scale);
        renderer.DrawImage(canvas, ImageLeft, ImageTop, frame.TemperaturesCelsius);
        renderer.DrawScaleBar(canvas, frameRect.Right + 10, ImageTop, frameRect.Height);
        canvas.DrawText(
            FormattableString.Invariant($"t = {frame.TimeSeconds:0.0} s (last frame before challenge_start with the hand in view)"),
            ImageLeft, ImageTop + frameRect.Height + 18, SKTextAlign.Left, small, text);

        using var outline = new SKPaint { Style = SKPaintStyle.Stroke, StrokeWidth = 2, IsAntialias = true };
        using var halo = new SKPaint { Style = SKPaintStyle.Stroke, StrokeWidth = 4, IsAntialias = true, Color = SKColors.White.WithAlpha(160) };
        using var label = new SKPaint { Color = SKColors.White, IsAntialias = true };
        foreach (var roi in result.Rois.Where(r => r.Digit is not null && r.Tip is not null))
        {
            var centre = ToScreen(roi.Tip!.Value);
            outline.Color = DigitColours[roi.Digit!.Value - 1];
            canvas.DrawCircle(centre, 1.2f * Scale, halo);
            canvas.DrawCircle(centre, 1.2f * Scale, outline);
            canvas.DrawText(roi.Name, centre.X, centre.Y - (1.6f * Scale), SKTextAlign.Center, font, label);
        }

        if (dorsumCentre is { } dorsum)
        {
            var c = ToScreen(dorsum);
            var half = (float)(DorsumHalfSize * Scale);
            outline.Color = DorsumColour;
            var box = new SKRect(c.X - half, c.Y - half, c.X + half, c.Y + half);
            canvas.DrawRect(box, halo);
            canvas.DrawRect(box, outline);
            using var dark = new SKPaint { Color = DorsumColour, IsAntialias = true };
            canvas.DrawText("dorsum", c.X, c.Y + half + 14, SKTextAlign.Center, font, dark);
        }
    }

    /// <summary>Sensor coordinates have pixel centres at whole numbers (as in <see cref="ThermalImageRenderer.ToScreen"/>).</summary>
    private static SKPoint ToScreen(PixelPoint point)
        => new(ImageLeft + (float)((point.X + 0.5) * Scale), ImageTop + (float)((point.Y + 0.5) * Scale));

    private static void DrawCurves(SKCanvas canvas, AnalysisResult result, SKFont small, SKPaint text)
    {
        var rois = result.Rois.Where(r => r.Curve.Count > 0).ToList();
        var plot = SKRect.Create(PlotLeft, PlotTop, PlotWidth, PlotHeight);
        using var axis = new SKPaint { Color = SKColors.Black, Style = SKPaintStyle.Stroke, StrokeWidth = 1 };
        using var grid = new SKPaint { Color = new SKColor(0xe0, 0xe0, 0xe0), Style = SKPaintStyle.Stroke, StrokeWidth = 1 };
        if (rois.Count == 0)
        {
            canvas.DrawRect(plot, axis);
            canvas.DrawText("no trusted frames after challenge_end", plot.MidX, plot.MidY, SKTextAlign.Center, small, text);
            return;
        }

        var tEnd = Math.Max(900, rois.Max(r => r.Curve[^1].TimeSeconds));
        var levels = rois.SelectMany(r => r.Curve.Select(p => p.TemperatureCelsius))
            .Concat(rois.Select(r => r.Metrics.BaselineCelsius).Where(b => b is not null).Select(b => b!.Value))
            .ToList();
        var yLow = Math.Floor(levels.Min() - 0.5);
        var yHigh = Math.Ceiling(levels.Max() + 0.5);
        float X(double t) => plot.Left + (float)(t / tEnd * plot.Width);
        float Y(double c) => plot.Bottom - (float)((c - yLow) / (yHigh - yLow) * plot.Height);

        var yStep = yHigh - yLow > 12 ? 4 : yHigh - yLow > 6 ? 2 : 1;
        for (var c = Math.Ceiling(yLow / yStep) * yStep; c <= yHigh; c += yStep)
        {
            canvas.DrawLine(plot.Left, Y(c), plot.Right, Y(c), grid);
            canvas.DrawText(FormattableString.Invariant($"{c:0}"), plot.Left - 6, Y(c) + 4, SKTextAlign.Right, small, text);
        }

        for (var t = 0.0; t <= tEnd; t += 150)
        {
            canvas.DrawLine(X(t), plot.Top, X(t), plot.Bottom, grid);
            canvas.DrawText(FormattableString.Invariant($"{t:0}"), X(t), plot.Bottom + 14, SKTextAlign.Center, small, text);
        }

        canvas.DrawRect(plot, axis);
        canvas.DrawText("seconds after challenge_end", plot.MidX, plot.Bottom + 30, SKTextAlign.Center, small, text);
        canvas.DrawText("°C", plot.Left - 6, plot.Top - 6, SKTextAlign.Right, small, text);

        using var line = new SKPaint { Style = SKPaintStyle.Stroke, StrokeWidth = 1.5f, IsAntialias = true };
        using var dashed = new SKPaint { Style = SKPaintStyle.Stroke, StrokeWidth = 1, IsAntialias = true, PathEffect = SKPathEffect.CreateDash([4, 4], 0) };
        foreach (var roi in rois)
        {
            var colour = roi.Digit is { } digit ? DigitColours[digit - 1] : DorsumColour;
            line.Color = colour;
            dashed.Color = colour;
            using var path = new SKPath();
            path.MoveTo(X(roi.Curve[0].TimeSeconds), Y(roi.Curve[0].TemperatureCelsius));
            for (var i = 1; i < roi.Curve.Count; i++)
            {
                // Do not draw across a gap in the data: start a new stroke instead.
                var point = new SKPoint(X(roi.Curve[i].TimeSeconds), Y(roi.Curve[i].TemperatureCelsius));
                if (roi.Curve[i].TimeSeconds - roi.Curve[i - 1].TimeSeconds > 30)
                {
                    path.MoveTo(point);
                }
                else
                {
                    path.LineTo(point);
                }
            }

            canvas.DrawPath(path, line);
            if (roi.Metrics.BaselineCelsius is { } baseline)
            {
                canvas.DrawLine(plot.Left, Y(baseline), plot.Right, Y(baseline), dashed);
            }
        }

        // The legend goes on top of every curve and baseline line, on its own background, so it stays readable.
        var legendY = plot.Top + 14;
        using var legendBackground = new SKPaint { Color = SKColors.White.WithAlpha(235) };
        canvas.DrawRect(SKRect.Create(plot.Right - 96, plot.Top + 2, 94, (rois.Count * 14) + 4), legendBackground);
        foreach (var roi in rois)
        {
            var colour = roi.Digit is { } digit ? DigitColours[digit - 1] : DorsumColour;
            var t50 = roi.Metrics.TimeToRecoverySeconds.TryGetValue("50", out var value) && value is { } v
                ? FormattableString.Invariant($"t50 {v:0} s")
                : "t50 —";
            using var swatch = new SKPaint { Color = colour, IsAntialias = true };
            canvas.DrawText($"{roi.Name}  {t50}", plot.Right - 90, legendY, SKTextAlign.Left, small, swatch);
            legendY += 14;
        }

        canvas.DrawText("dashed: baseline", plot.Left + 6, plot.Top + 14, SKTextAlign.Left, small, text);
    }
}
