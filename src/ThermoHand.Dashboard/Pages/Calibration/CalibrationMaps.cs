using SkiaSharp;
using ThermoHand.Calibration;

namespace ThermoHand.Dashboard.Pages.Calibration;

/// <summary>The pictures of a calibration report.</summary>
public enum CalibrationMapKind
{
    /// <summary>Per-pixel gain (1 = no change).</summary>
    Gain,

    /// <summary>Per-pixel offset in °C (0 = no change).</summary>
    Offset,

    /// <summary>Pixels replaced by their neighbours' mean.</summary>
    BadPixels,
}

/// <summary>The value range a map's colours span, printed under the picture (the PNG itself carries no text).</summary>
public sealed record CalibrationMapScale(double Neutral, double HalfSpan, double Minimum, double Maximum);

/// <summary>
/// Draws gain, offset and bad-pixel maps as PNG on the server with SkiaSharp (already used for the report PDF).
/// Why server-side and not a canvas: the picture is the same in every browser and in print, needs no script, and a
/// test can decode and check its pixels. Layout as displayed everywhere: 32 columns × 24 rows, row 0 at the top,
/// each sensor pixel a 12 × 12 square. Gain and offset use a diverging blue–white–red scale centred on "no change"
/// (gain 1, offset 0 °C) and symmetric, so white always means the factory value was kept and the colour's strength
/// shows how much was corrected. Bad pixels are mid-grey with a dark cross in every map.
/// </summary>
public static class CalibrationMaps
{
    public const int CellSize = 12;

    private static readonly SKColor Low = SKColor.Parse("#2166AC");
    private static readonly SKColor Neutral = SKColors.White;
    private static readonly SKColor High = SKColor.Parse("#B2182B");
    private static readonly SKColor BadFill = SKColor.Parse("#9E9E9E");
    private static readonly SKColor BadMark = SKColor.Parse("#1D1D1F");
    private static readonly SKColor GoodFill = SKColor.Parse("#E8F1E8");
    private static readonly SKColor BadInMap = SKColor.Parse("#D55E00");

    public static CalibrationMapKind? Parse(string name) => name switch
    {
        "gain" => CalibrationMapKind.Gain,
        "offset" => CalibrationMapKind.Offset,
        "bad-pixels" => CalibrationMapKind.BadPixels,
        _ => null,
    };

    public static string Name(CalibrationMapKind kind) => kind switch
    {
        CalibrationMapKind.Gain => "gain",
        CalibrationMapKind.Offset => "offset",
        _ => "bad-pixels",
    };

    /// <summary>The colour range of a gain or offset map over the good pixels (bad pixels are replaced, so not shown).</summary>
    public static CalibrationMapScale Scale(SiteCalibration calibration, CalibrationMapKind kind)
    {
        ArgumentNullException.ThrowIfNull(calibration);
        var values = Values(calibration, kind);
        var neutral = kind == CalibrationMapKind.Gain ? 1.0 : 0.0;
        var good = Enumerable.Range(0, SiteCalibration.PixelCount).Where(i => !calibration.IsBad(i)).Select(i => (double)values[i]).ToList();
        if (good.Count == 0)
        {
            return new CalibrationMapScale(neutral, 0, double.NaN, double.NaN);
        }

        var halfSpan = good.Max(v => Math.Abs(v - neutral));
        return new CalibrationMapScale(neutral, halfSpan, good.Min(), good.Max());
    }

    public static byte[] RenderPng(SiteCalibration calibration, CalibrationMapKind kind)
    {
        ArgumentNullException.ThrowIfNull(calibration);
        var info = new SKImageInfo(SiteCalibration.Columns * CellSize, SiteCalibration.Rows * CellSize, SKColorType.Rgba8888, SKAlphaType.Premul);
        using var surface = SKSurface.Create(info);
        var canvas = surface.Canvas;
        canvas.Clear(SKColors.White);
        using var fill = new SKPaint { Style = SKPaintStyle.Fill, IsAntialias = false };
        using var mark = new SKPaint { Style = SKPaintStyle.Stroke, Color = BadMark, StrokeWidth = 2, IsAntialias = true };
        using var grid = new SKPaint { Style = SKPaintStyle.Stroke, Color = SKColors.White, StrokeWidth = 1 };
        var scale = kind == CalibrationMapKind.BadPixels ? null : Scale(calibration, kind);
        var values = kind == CalibrationMapKind.BadPixels ? null : Values(calibration, kind);
        for (var pixel = 0; pixel < SiteCalibration.PixelCount; pixel++)
        {
            var cell = SKRect.Create(pixel % SiteCalibration.Columns * CellSize, pixel / SiteCalibration.Columns * CellSize, CellSize, CellSize);
            var bad = calibration.IsBad(pixel);
            fill.Color = kind == CalibrationMapKind.BadPixels ? (bad ? BadInMap : GoodFill)
                : bad ? BadFill
                : Diverging(values![pixel], scale!);
            canvas.DrawRect(cell, fill);
            if (kind == CalibrationMapKind.BadPixels)
            {
                canvas.DrawRect(cell, grid);   // a grid so a technician can count columns and rows
            }

            if (bad)
            {
                var inset = SKRect.Inflate(cell, -2.5f, -2.5f);
                canvas.DrawLine(inset.Left, inset.Top, inset.Right, inset.Bottom, mark);
                canvas.DrawLine(inset.Left, inset.Bottom, inset.Right, inset.Top, mark);
            }
        }

        using var image = surface.Snapshot();
        using var png = image.Encode(SKEncodedImageFormat.Png, 100);
        return png.ToArray();
    }

    /// <summary>White at the neutral value, full blue/red at ±half span; a flat map (no correction) is white.</summary>
    public static SKColor Diverging(double value, CalibrationMapScale scale)
    {
        ArgumentNullException.ThrowIfNull(scale);
        if (scale.HalfSpan <= 0 || !double.IsFinite(value))
        {
            return Neutral;
        }

        var t = Math.Clamp((value - scale.Neutral) / scale.HalfSpan, -1, 1);
        var end = t < 0 ? Low : High;
        var f = Math.Abs(t);
        return new SKColor(Mix(Neutral.Red, end.Red, f), Mix(Neutral.Green, end.Green, f), Mix(Neutral.Blue, end.Blue, f));
    }

    private static byte Mix(byte from, byte to, double fraction) => (byte)Math.Round(from + ((to - from) * fraction));

    private static IReadOnlyList<float> Values(SiteCalibration calibration, CalibrationMapKind kind) =>
        kind == CalibrationMapKind.Offset ? calibration.OffsetCelsius : calibration.Gain;
}
