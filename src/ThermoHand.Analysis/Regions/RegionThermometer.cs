namespace ThermoHand.Analysis.Regions;

/// <summary>A temperature read from a region and whether any pixel used was an invalid (filled-in) one.</summary>
public readonly record struct RegionTemperature(double Celsius, bool UsedInvalidPixel, int PixelCount);

/// <summary>
/// How the fingertip reading undoes partial-volume mixing (docs/regions.md, "Temperatures and the partial-volume
/// bias"). Every number is a property of hands in general or of the sensor, not of one patient or one simulation.
/// </summary>
public sealed record FingertipUnmixing
{
    /// <summary>
    /// Fingertip (distal phalanx) width as a multiple of the palm radius the segmenter measures (half the palm's
    /// breadth). Adult anthropometry: D2–D5 distal breadth 14–18 mm, palm breadth 77–90 mm, so 0.35–0.45; 0.40 is the middle.
    /// Taking it from the hand's own palm makes it follow the distance and the lens without knowing either.
    /// </summary>
    public double WidthPalmRadii { get; init; } = 0.40;

    /// <summary>
    /// From the distal-phalanx centre to the end of the finger, in fingertip widths: the distal phalanx is about 1.3–1.5
    /// widths long, and the region centre sits in its middle.
    /// </summary>
    public double CentreToEndWidths { get; init; } = 0.7;

    /// <summary>
    /// Optical blur of the sensor, Gaussian SD in pixels. Melexis publishes no point-spread function; 0.4 px is our
    /// assumption (ThermoHand.Simulation uses the same). Measure it on the bench (a heated wire) before clinical use.
    /// </summary>
    public double PsfSigmaPixels { get; init; } = 0.4;

    /// <summary>
    /// Pixels the model fills less than this are left out: they are mostly room, and what skin they have may be a
    /// neighbouring finger's.
    /// </summary>
    public double MinimumPixelFill { get; init; } = 0.2;

    /// <summary>
    /// The least-squares gain 1/Σf² is capped at 1/this: the noise of the estimate is then at most
    /// 1/√this = 2 times one pixel's noise. A finger too thin for that is under-corrected (smoothly), not amplified.
    /// </summary>
    public double MinimumSumOfSquaredFill { get; init; } = 0.25;

    public static FingertipUnmixing Default { get; } = new();
}

/// <summary>
/// Reads region temperatures from the 32x24 frame.
/// <para>Fingertip (<see cref="Fingertip(HandSegmentation, PixelPoint, PixelPoint, double, double)"/>): at 32x24 a
/// distal phalanx is 1–2 pixels wide, so every pixel near it mixes finger and room:
/// T_pixel − T_room = f·(T_finger − T_room), f = the share of the pixel's signal that comes from the finger. f is
/// predicted for each pixel from a model of the fingertip (a capsule of width <see cref="FingertipUnmixing.WidthPalmRadii"/>
/// × palm radius along the finger's axis, seen through the pixel and the lens blur) and the finger's temperature is
/// the least-squares solution over the pixels near the fingertip: T_room + Σ f·(T_pixel − T_room) / Σ f². The model
/// uses only geometry (registered fingertip position, palm centre and radius), never the temperatures, so f is the
/// same in every frame of a still hand and percentage recovery keeps cancelling it.</para>
/// <para><see cref="FingertipMostSkinPixel"/>, the earlier reading, takes the pixel that differs most from the room;
/// it is biased towards the room by (1 − f_max)·(T_finger − T_room) and is the fallback when the model has no pixel.</para>
/// <para>Dorsum: mean of the pixels near the dorsum centre that lie fully inside the hand (no room in them).</para>
/// </summary>
public static class RegionThermometer
{
    // Sample step of the fill-fraction integral (pixels); 0.1 px keeps f within ~0.01 of the exact integral.
    private const double FillStep = 0.1;

    /// <summary>The fingertip's temperature with the partial-volume mixing undone (defaults of <see cref="FingertipUnmixing"/>).</summary>
    public static RegionTemperature Fingertip(
        HandSegmentation segmentation, PixelPoint padCentre, PixelPoint palmCentre, double searchRadius, double proximalReach)
        => Fingertip(segmentation, padCentre, palmCentre, searchRadius, proximalReach, FingertipUnmixing.Default);

    public static RegionTemperature Fingertip(
        HandSegmentation segmentation, PixelPoint padCentre, PixelPoint palmCentre, double searchRadius, double proximalReach, FingertipUnmixing unmixing)
    {
        ArgumentNullException.ThrowIfNull(segmentation);
        ArgumentNullException.ThrowIfNull(unmixing);
        var axis = padCentre - palmCentre;
        var width = unmixing.WidthPalmRadii * segmentation.PalmRadius;
        if (!(axis.Length > 0) || !(width > 0) || !double.IsFinite(width))
        {
            return FingertipMostSkinPixel(segmentation, padCentre, palmCentre, searchRadius, proximalReach);
        }

        var model = new FingertipModel(padCentre, axis.Normalised(), width, unmixing.CentreToEndWidths, unmixing.PsfSigmaPixels);
        var room = segmentation.BackgroundCelsius;
        double sumFillContrast = 0;
        double sumFillSquared = 0;
        var count = 0;
        var usedInvalid = false;
        ForCandidatePixels(padCentre, palmCentre, searchRadius, proximalReach, (index, centre) =>
        {
            var fill = model.Fill(centre);
            if (fill < unmixing.MinimumPixelFill)
            {
                return;
            }

            sumFillContrast += fill * (segmentation.Temperatures[index] - room);
            sumFillSquared += fill * fill;
            usedInvalid |= segmentation.Invalid[index];
            count++;
        });
        if (count == 0)
        {
            return FingertipMostSkinPixel(segmentation, padCentre, palmCentre, searchRadius, proximalReach);
        }

        var contrast = sumFillContrast / Math.Max(sumFillSquared, unmixing.MinimumSumOfSquaredFill);
        return new RegionTemperature(room + contrast, usedInvalid, count);
    }

    /// <summary>
    /// The pixel near the distal-phalanx centre that differs most from the room (largest finger share, whether the
    /// finger is warmer or colder than the room), uncorrected: biased towards the room by (1 − f_max)·(T_finger − T_room).
    /// </summary>
    public static RegionTemperature FingertipMostSkinPixel(
        HandSegmentation segmentation, PixelPoint padCentre, PixelPoint palmCentre, double searchRadius, double proximalReach)
    {
        ArgumentNullException.ThrowIfNull(segmentation);
        var room = segmentation.BackgroundCelsius;
        var bestIndex = -1;
        var bestContrast = double.NegativeInfinity;
        ForCandidatePixels(padCentre, palmCentre, searchRadius, proximalReach, (index, _) =>
        {
            var contrast = Math.Abs(segmentation.Temperatures[index] - room);
            if (contrast > bestContrast)
            {
                bestContrast = contrast;
                bestIndex = index;
            }
        });
        if (bestIndex < 0)
        {
            bestIndex = NearestPixel(padCentre);
        }

        return bestIndex < 0
            ? new RegionTemperature(double.NaN, false, 0)
            : new RegionTemperature(segmentation.Temperatures[bestIndex], segmentation.Invalid[bestIndex], 1);
    }

    /// <summary>
    /// The share of a pixel's signal that a fingertip would contribute: a capsule (the finger, from well inside the
    /// hand to its rounded end) integrated over the pixel's footprint blurred by the lens, i.e. over
    /// (box ⊗ Gaussian)(y) = [Φ((y−c+½)/σ) − Φ((y−c−½)/σ)] in x times the same in y.
    /// </summary>
    public static double FillFraction(PixelPoint pixelCentre, PixelPoint padCentre, PixelPoint towardsTip, double width, FingertipUnmixing unmixing)
    {
        ArgumentNullException.ThrowIfNull(unmixing);
        return new FingertipModel(padCentre, towardsTip.Normalised(), width, unmixing.CentreToEndWidths, unmixing.PsfSigmaPixels).Fill(pixelCentre);
    }

    public static RegionTemperature Dorsum(HandSegmentation segmentation, PixelPoint centre, double radius)
    {
        ArgumentNullException.ThrowIfNull(segmentation);
        double sum = 0;
        var count = 0;
        var usedInvalid = false;
        ForPixelsNear(centre, radius, (index, pixelCentre) =>
        {
            // A pixel whose centre is at least half a pixel inside the outline has no room in it.
            if (segmentation.DistanceToEdgeAt(pixelCentre) < 0.5)
            {
                return;
            }

            sum += segmentation.Temperatures[index];
            usedInvalid |= segmentation.Invalid[index];
            count++;
        });
        if (count > 0)
        {
            return new RegionTemperature(sum / count, usedInvalid, count);
        }

        var nearest = NearestPixel(centre);
        return nearest < 0
            ? new RegionTemperature(double.NaN, false, 0)
            : new RegionTemperature(segmentation.Temperatures[nearest], segmentation.Invalid[nearest], 1);
    }

    // The candidate pixels of a fingertip: centre within the search radius of the distal-phalanx centre, and not
    // farther towards the palm than the proximal reach (beyond is the middle phalanx, which rewarms earlier).
    private static void ForCandidatePixels(PixelPoint padCentre, PixelPoint palmCentre, double searchRadius, double proximalReach, Action<int, PixelPoint> visit)
    {
        var towardsPalm = (palmCentre - padCentre).Normalised();
        ForPixelsNear(padCentre, searchRadius, (index, centre) =>
        {
            if ((centre - padCentre).Dot(towardsPalm) <= proximalReach)
            {
                visit(index, centre);
            }
        });
    }

    public static bool IsInsideImage(PixelPoint point) =>
        point.X >= -0.5 && point.Y >= -0.5 && point.X < ThermalFrame.Columns - 0.5 && point.Y < ThermalFrame.Rows - 0.5;

    private static int NearestPixel(PixelPoint point)
    {
        if (!IsInsideImage(point))
        {
            return -1;
        }

        var column = Math.Clamp((int)Math.Round(point.X), 0, ThermalFrame.Columns - 1);
        var row = Math.Clamp((int)Math.Round(point.Y), 0, ThermalFrame.Rows - 1);
        return (row * ThermalFrame.Columns) + column;
    }

    private static void ForPixelsNear(PixelPoint point, double radius, Action<int, PixelPoint> visit)
    {
        var firstColumn = Math.Max(0, (int)Math.Floor(point.X - radius));
        var lastColumn = Math.Min(ThermalFrame.Columns - 1, (int)Math.Ceiling(point.X + radius));
        var firstRow = Math.Max(0, (int)Math.Floor(point.Y - radius));
        var lastRow = Math.Min(ThermalFrame.Rows - 1, (int)Math.Ceiling(point.Y + radius));
        for (var row = firstRow; row <= lastRow; row++)
        {
            for (var column = firstColumn; column <= lastColumn; column++)
            {
                var centre = new PixelPoint(column, row);
                if (centre.DistanceTo(point) <= radius)
                {
                    visit((row * ThermalFrame.Columns) + column, centre);
                }
            }
        }
    }

    /// <summary>A fingertip as a capsule of the given width ending <c>centreToEnd</c> widths beyond the distal-phalanx centre.</summary>
    private readonly struct FingertipModel
    {
        private readonly PixelPoint start;
        private readonly PixelPoint end;
        private readonly double radius;
        private readonly double[] kernel;
        private readonly double reach;

        public FingertipModel(PixelPoint padCentre, PixelPoint towardsTip, double width, double centreToEndWidths, double psfSigma)
        {
            radius = width / 2;
            // The finger runs back into the hand; 4 widths is beyond any pixel the blur can bring into a candidate.
            start = padCentre - (towardsTip * (4 * width));
            end = padCentre + (towardsTip * Math.Max(0, (centreToEndWidths * width) - radius));
            reach = 0.5 + (3 * Math.Max(psfSigma, 0));
            var samples = (int)Math.Ceiling(2 * reach / FillStep);
            kernel = new double[samples];
            for (var k = 0; k < samples; k++)
            {
                var offset = -reach + ((k + 0.5) * (2 * reach / samples));
                kernel[k] = PixelResponse(offset, psfSigma) * (2 * reach / samples);
            }
        }

        public double Fill(PixelPoint pixelCentre)
        {
            double fill = 0;
            var samples = kernel.Length;
            var step = 2 * reach / samples;
            for (var i = 0; i < samples; i++)
            {
                var y = pixelCentre.Y - reach + ((i + 0.5) * step);
                for (var j = 0; j < samples; j++)
                {
                    var x = pixelCentre.X - reach + ((j + 0.5) * step);
                    if (InsideCapsule(new PixelPoint(x, y)))
                    {
                        fill += kernel[i] * kernel[j];
                    }
                }
            }

            return Math.Clamp(fill, 0, 1);
        }

        private bool InsideCapsule(PixelPoint p)
        {
            var ab = end - start;
            var t = Math.Clamp((p - start).Dot(ab) / ab.Dot(ab), 0, 1);
            return p.DistanceTo(start + (ab * t)) <= radius;
        }

        // One pixel's response to a point at this offset from its centre (1-D): the box of the pixel blurred by the lens.
        private static double PixelResponse(double offset, double sigma)
            => sigma <= 0
                ? (Math.Abs(offset) <= 0.5 ? 1 : 0)
                : NormalCdf((offset + 0.5) / sigma) - NormalCdf((offset - 0.5) / sigma);

        private static double NormalCdf(double z) => 0.5 * (1 + Erf(z / Math.Sqrt(2)));

        // Abramowitz & Stegun 7.1.26, |error| < 1.5e-7: ample for a fill fraction.
        private static double Erf(double x)
        {
            var sign = Math.Sign(x);
            x = Math.Abs(x);
            var t = 1 / (1 + (0.3275911 * x));
            var y = 1 - ((((((((1.061405429 * t) - 1.453152027) * t) + 1.421413741) * t) - 0.284496736) * t) + 0.254829592) * t * Math.Exp(-x * x));
            return sign * y;
        }
    }
}
