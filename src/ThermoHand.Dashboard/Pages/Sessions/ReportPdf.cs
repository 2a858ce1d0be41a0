using System.Globalization;
using SkiaSharp;
using ThermoHand.Exports.Bilateral;

namespace ThermoHand.Dashboard.Pages.Sessions;

/// <summary>The facts printed at the top of a report, as label/value lines (session, patient reference, protocol, …).</summary>
public sealed record ReportFacts(string Title, IReadOnlyList<(string Label, string Value)> Lines);

/// <summary>
/// Writes a session report as a PDF with SkiaSharp's SKDocument (vector text and lines, A4): the facts, the 8-finger
/// summary (or why there is none), per hand the
/// rewarming curves per region, the key metric table with units, DDD with its sign convention, and the quality flags.
/// Why server-side and not only the browser's print: a PDF the clinic files must look the same whoever downloads it.
/// </summary>
public static class ReportPdf
{
    private const float PageWidth = 595;    // A4 in PostScript points
    private const float PageHeight = 842;
    private const float Margin = 40;

    private static readonly Dictionary<string, SKColor> RegionColours = new(StringComparer.Ordinal)
    {
        ["D1"] = SKColor.Parse("#E69F00"), ["D2"] = SKColor.Parse("#56B4E9"), ["D3"] = SKColor.Parse("#009E73"),
        ["D4"] = SKColor.Parse("#CC79A7"), ["D5"] = SKColor.Parse("#D55E00"), ["dorsum"] = SKColor.Parse("#555555"),
    };

    public static void Write(Stream output, ReportFacts facts, IReadOnlyList<AnalysisView> hands, EightFingerSummary? eightFinger = null)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(facts);
        ArgumentNullException.ThrowIfNull(hands);
        var metadata = new SKDocumentPdfMetadata { Title = facts.Title, Creator = "ThermoHand dashboard", Producer = "SkiaSharp" };
        using var document = SKDocument.CreatePdf(output, metadata);
        using var typeface = LoadTypeface("DejaVuSans.ttf");
        using var boldTypeface = LoadTypeface("DejaVuSans-Bold.ttf");
        using var body = new SKFont(typeface, 9);
        using var bold = new SKFont(boldTypeface, 9);
        using var heading = new SKFont(boldTypeface, 14);
        using var ink = new SKPaint { Color = SKColors.Black, IsAntialias = true };

        var page = new PageWriter(document, body, bold, heading, ink);
        page.Heading(facts.Title);
        foreach (var (label, value) in facts.Lines)
        {
            page.LabelLine(label, value);
        }

        page.Gap(6);
        page.Wrapped(MetricCatalog.DddConvention, bold);
        page.Wrapped(MetricCatalog.TimeZero, body);
        if (hands.Count == 0)
        {
            page.Gap(10);
            page.Wrapped("No analysis result was received for this session.", bold);
        }

        if (eightFinger is not null)
        {
            page.Gap(10);
            page.EightFinger(eightFinger);
        }

        foreach (var hand in hands)
        {
            page.NewPage();
            page.Heading($"{Capitalised(hand.Hand)} hand — {(hand.Provisional ? "provisional result" : "final result")}");
            page.Chart(hand);
            page.MetricTable(hand);
            page.Gap(6);
            page.LabelLine("DDD (dorsum − fingertip)", string.Join("   ", hand.Ddd.Select(d => $"{d.Key} {Format(d.Value, 2)} °C")));
            page.LabelLine("Frames", $"{hand.FramesUsed?.ToString(CultureInfo.InvariantCulture) ?? "—"} used, {hand.FramesRejected?.ToString(CultureInfo.InvariantCulture) ?? "—"} rejected");
            page.Gap(4);
            page.Wrapped("Quality flags:", bold);
            foreach (var flag in hand.QualityFlags.DefaultIfEmpty("none"))
            {
                page.Wrapped("• " + flag, body);
            }
        }

        page.Finish();
        document.Close();
    }

    /// <summary>
    /// Why from a file: the SkiaSharp native build we ship has no fontconfig, so family names resolve to nothing.
    /// DejaVu (Debian fonts-dejavu-core) has °, −, τ and ≥, which the report needs.
    /// </summary>
    private static SKTypeface LoadTypeface(string fileName)
    {
        foreach (var folder in FontFolders)
        {
            var path = Path.Combine(folder, fileName);
            if (File.Exists(path) && SKTypeface.FromFile(path) is { } typeface)
            {
                return typeface;
            }
        }

        return SKTypeface.Default;
    }

    private static readonly string[] FontFolders = ["/usr/share/fonts/truetype/dejavu", "/usr/share/fonts/dejavu"];

    private static string Capitalised(string word) => word.Length == 0 ? word : char.ToUpperInvariant(word[0]) + word[1..];

    private static string Format(double? value, int decimals)
        => value is { } v ? v.ToString("F" + decimals.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture) : "—";

    /// <summary>Lays text out top to bottom and starts a new page when the current one is full.</summary>
    private sealed class PageWriter(SKDocument document, SKFont body, SKFont bold, SKFont heading, SKPaint ink)
    {
        private SKCanvas? canvas;
        private float y;

        private SKCanvas Canvas => canvas ??= Begin();

        public void NewPage()
        {
            if (canvas is not null)
            {
                document.EndPage();
                canvas = null;
            }
        }

        public void Finish() => NewPage();

        public void Heading(string text)
        {
            Need(24);
            Canvas.DrawText(text, Margin, y + 14, heading, ink);
            y += 24;
        }

        public void Gap(float points) => y += points;

        public void LabelLine(string label, string value)
        {
            Need(13);
            Canvas.DrawText(label, Margin, y + 9, bold, ink);
            var x = Margin + 150;
            foreach (var line in Wrap(value, body, PageWidth - Margin - x))
            {
                Need(13);
                Canvas.DrawText(line, x, y + 9, body, ink);
                y += 12;
            }
        }

        public void Wrapped(string text, SKFont font)
        {
            foreach (var line in Wrap(text, font, PageWidth - (2 * Margin)))
            {
                Need(12);
                Canvas.DrawText(line, Margin, y + 9, font, ink);
                y += 12;
            }
        }

        public void Chart(AnalysisView hand)
        {
            const float height = 220;
            Need(height + 30);
            var left = Margin + 34;
            var right = PageWidth - Margin - 70;
            var top = y + 6;
            var bottom = y + height;
            var points = hand.Rois.SelectMany(r => r.Curve).ToList();
            var xMax = points.Count > 0 ? Math.Max(60, points.Max(p => p.Seconds)) : 900;
            var yMin = points.Count > 0 ? Math.Floor(points.Min(p => p.Celsius)) - 1 : 20;
            var yMax = points.Count > 0 ? Math.Ceiling(points.Max(p => p.Celsius)) + 1 : 35;
            float X(double s) => (float)(left + (s / xMax * (right - left)));
            float Y(double c) => (float)(bottom - ((c - yMin) / (yMax - yMin) * (bottom - top)));

            using var grid = new SKPaint { Color = new SKColor(0xD0, 0xD0, 0xD0), StrokeWidth = 0.5f, IsStroke = true };
            for (var c = yMin; c <= yMax; c += yMax - yMin > 12 ? 4 : 2)
            {
                Canvas.DrawLine(left, Y(c), right, Y(c), grid);
                Canvas.DrawText(c.ToString("0", CultureInfo.InvariantCulture), left - 4, Y(c) + 3, SKTextAlign.Right, body, ink);
            }

            var step = xMax > 600 ? 150 : xMax > 240 ? 60 : 30;
            for (double s = 0; s <= xMax; s += step)
            {
                Canvas.DrawLine(X(s), top, X(s), bottom, grid);
                Canvas.DrawText(s.ToString("0", CultureInfo.InvariantCulture), X(s), bottom + 11, SKTextAlign.Center, body, ink);
            }

            Canvas.DrawText("seconds after challenge end", (left + right) / 2, bottom + 22, SKTextAlign.Center, body, ink);
            Canvas.DrawText("°C", left - 30, top + 4, body, ink);
            var legendY = top + 6;
            foreach (var roi in hand.Rois)
            {
                using var line = new SKPaint { Color = RegionColours.GetValueOrDefault(roi.Name, SKColors.Black), StrokeWidth = 1.2f, IsStroke = true, IsAntialias = true };
                using var path = new SKPath();
                var pen = false;
                double? previous = null;
                foreach (var (seconds, celsius) in roi.Curve)
                {
                    // Gaps longer than 30 s stay gaps (metrics.md: never interpolated).
                    if (pen && previous is { } p && seconds - p > 30)
                    {
                        pen = false;
                    }

                    if (pen)
                    {
                        path.LineTo(X(seconds), Y(celsius));
                    }
                    else
                    {
                        path.MoveTo(X(seconds), Y(celsius));
                    }

                    pen = true;
                    previous = seconds;
                }

                Canvas.DrawPath(path, line);
                Canvas.DrawLine(right + 8, legendY, right + 24, legendY, line);
                Canvas.DrawText(roi.Name, right + 28, legendY + 3, body, ink);
                legendY += 12;
            }

            y = bottom + 30;
        }

        /// <summary>The 8-finger headline, as on the page: versions, cautions, DDD, then mean ± SD (n) per metric with units.</summary>
        public void EightFinger(EightFingerSummary summary)
        {
            Heading("8-finger summary (digits 2–5 of both hands)");
            if (summary.Result is not { } result)
            {
                Wrapped(summary.NotComputedReason ?? "Not computed.", bold);
                return;
            }

            Wrapped($"Mean over the fingertips D2–D5 of the left and right hands (thumbs left out), from the stored per-hand results: {summary.VersionsText}.", body);
            foreach (var caution in summary.Cautions)
            {
                Wrapped("• " + caution, body);
            }

            LabelLine("8-finger DDD mean", $"{Format(result.EightFingerDddMeanCelsius, 2)} °C (dorsum − fingertip; positive = fingers colder)");
            LabelLine("Fingers with DDD > 1 °C", $"{result.FingersWithDddAboveThreshold?.ToString(CultureInfo.InvariantCulture) ?? "—"} of 8");
            Gap(4);
            Need(14);
            Canvas.DrawText("Metric (unit)", Margin, y + 9, bold, ink);
            Canvas.DrawText("mean", Margin + 270, y + 9, SKTextAlign.Right, bold, ink);
            Canvas.DrawText("SD", Margin + 340, y + 9, SKTextAlign.Right, bold, ink);
            Canvas.DrawText("n of 8", Margin + 400, y + 9, SKTextAlign.Right, bold, ink);
            y += 14;
            foreach (var metric in MetricCatalog.RegionMetrics)
            {
                if (EightFingerSummary.SpreadName(metric.Field) is null)
                {
                    continue;
                }

                var spread = summary.Spread(metric.Field);
                Need(11);
                var unit = metric.Unit.Length > 0 ? $" ({metric.Unit})" : "";
                Canvas.DrawText(metric.Label + unit, Margin, y + 8, body, ink);
                Canvas.DrawText(metric.Format(spread?.Mean), Margin + 270, y + 8, SKTextAlign.Right, body, ink);
                Canvas.DrawText(metric.Format(spread?.StandardDeviation), Margin + 340, y + 8, SKTextAlign.Right, body, ink);
                Canvas.DrawText((spread?.Count ?? 0).ToString(CultureInfo.InvariantCulture), Margin + 400, y + 8, SKTextAlign.Right, body, ink);
                y += 11;
            }

            Gap(4);
            Wrapped("Definitions: the per-hand metric tables and docs/metrics.md §2–3; SD = sample standard deviation over the fingers; n = fingers with a value.", body);
        }

        public void MetricTable(AnalysisView hand)
        {
            var regions = MetricCatalog.RegionOrder.Where(r => hand.Roi(r) is not null).ToList();
            var labelWidth = 170f;
            var columnWidth = (PageWidth - (2 * Margin) - labelWidth) / Math.Max(1, regions.Count);
            Need(14);
            Canvas.DrawText("Metric (unit)", Margin, y + 9, bold, ink);
            for (var i = 0; i < regions.Count; i++)
            {
                Canvas.DrawText(regions[i], Margin + labelWidth + ((i + 1) * columnWidth) - 4, y + 9, SKTextAlign.Right, bold, ink);
            }

            y += 14;
            foreach (var metric in MetricCatalog.RegionMetrics)
            {
                Need(11);
                var unit = metric.Unit.Length > 0 ? $" ({metric.Unit})" : "";
                Canvas.DrawText(metric.Label + unit, Margin, y + 8, body, ink);
                for (var i = 0; i < regions.Count; i++)
                {
                    Canvas.DrawText(metric.Format(hand.Roi(regions[i])![metric.Field]), Margin + labelWidth + ((i + 1) * columnWidth) - 4, y + 8, SKTextAlign.Right, body, ink);
                }

                y += 11;
            }
        }

        private void Need(float height)
        {
            if (canvas is not null && y + height > PageHeight - Margin)
            {
                NewPage();
            }

            _ = Canvas;
        }

        private SKCanvas Begin()
        {
            y = Margin;
            return document.BeginPage(PageWidth, PageHeight);
        }

        private static IEnumerable<string> Wrap(string text, SKFont font, float width)
        {
            var line = "";
            foreach (var word in text.Split(' '))
            {
                var candidate = line.Length == 0 ? word : line + " " + word;
                if (font.MeasureText(candidate) > width && line.Length > 0)
                {
                    yield return line;
                    line = word;
                }
                else
                {
                    line = candidate;
                }
            }

            if (line.Length > 0)
            {
                yield return line;
            }
        }
    }
}
