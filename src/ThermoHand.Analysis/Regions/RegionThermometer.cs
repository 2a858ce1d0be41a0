namespace ThermoHand.Analysis.Regions;

/// <summary>A temperature read from a region and whether any pixel used was an invalid (filled-in) one.</summary>
public readonly record struct RegionTemperature(double Celsius, bool UsedInvalidPixel, int PixelCount);

/// <summary>
/// How a fingertip's temperature is read from its pixels (docs/reanalysis.md, "Region method"). The default is the
/// partial-volume unmixing; the plain mean is kept as an alternative a study can re-analyse with and compare.
/// </summary>
public enum FingertipReadingMethod
{
    /// <summary>"unmixed-fingertip": least-squares unmixing of the fill-weighted pixels (the default).</summary>
    UnmixedFingertip,

    /// <summary>
    /// "covered-pixel-mean": the plain mean of the same pixels (those the fingertip model fills at least
    /// <see cref="FingertipUnmixing.MinimumPixelFill"/>), uncorrected, so biased towards the room temperature.
    /// </summary>
    CoveredPixelMean,
}

/// <summary>
/// How the fingertip reading undoes partial-volume mixing (docs/regions.md, "Temperatures and the partial-volume
/// bias"). Every number is a property of hands in general or of the sensor, not of one patient or one simulation.
/// </summary>
public sealed record FingertipUnmixing
{
    /// <summary>
    /// Fingertip (distal phalanx) width as a multiple of the palm radius the segmenter measures (half the palm's
    /// breadth), for every digit when <see cref="DigitWidths"/> is null and for a reading whose digit is not known.
    /// Adult anthropometry: D2–D5 distal breadth 14–18 mm, palm breadth 77–90 mm, so 0.35–0.45; 0.40 is the middle.
    /// Taking it from the hand's own palm makes it follow the distance and the lens without knowing either.
    /// </summary>
    public double WidthPalmRadii { get; init; } = 0.40;

    /// <summary>
    /// Each digit's own fingertip width, in palm radii (the thumb is wider than the fingers, the little finger
    /// narrower). Null: every digit gets <see cref="WidthPalmRadii"/> — the earlier one-width model
    /// ("unmixed-fingertip"), kept so results made with it can be reproduced. Also used for a reading whose digit is
    /// not known.
    /// </summary>
    public FingertipWidths? DigitWidths { get; init; } = FingertipWidths.AdultHand;

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

    /// <summary>Unmixing (default) or the plain mean of the covered pixels; both use the same pixels.</summary>
    public FingertipReadingMethod Method { get; init; } = FingertipReadingMethod.UnmixedFingertip;

    /// <summary>The device's settings: per-digit widths, lens blur 0.4 px, unmixing.</summary>
    public static FingertipUnmixing Default { get; } = new();

    /// <summary>
    /// The model's fingertip width for this digit (1 thumb … 5 little finger), in palm radii; null or another number
    /// (a reading not tied to a digit) or no <see cref="DigitWidths"/> gives <see cref="WidthPalmRadii"/>.
    /// </summary>
    public double WidthPalmRadiiOf(int? digit)
        => DigitWidths is { } widths && digit is >= 1 and <= 5 ? widths.Of(digit.Value) : WidthPalmRadii;
}

/// <summary>
/// Fingertip (distal phalanx) width of each digit as a multiple of the palm radius the segmenter measures, so it
/// follows the hand's own size in the image, whatever the distance and lens (docs/regions.md, "Temperatures and the
/// partial-volume bias"). The numbers describe adult hands in general, not one patient and not the simulation.
/// </summary>
/// <param name="Thumb">D1: the thumb's breadth at the interphalangeal joint is about 1.2–1.3 × the index finger's distal breadth.</param>
/// <param name="Index">D2: the reference, 0.40 (distal breadth 14–18 mm against a palm breadth of 77–90 mm).</param>
/// <param name="Middle">D3: as broad as the index finger at the distal joint.</param>
/// <param name="Ring">D4: about 0.95 × the index finger.</param>
/// <param name="Little">D5: about 0.85–0.9 × the index finger.</param>
public sealed record FingertipWidths(double Thumb, double Index, double Middle, double Ring, double Little)
{
    /// <summary>
    /// What the device uses: the thumb 1.25 × the fingers' 0.40 = 0.50 palm radii; D2–D5 keep the one width 0.40.
    /// The ring and little fingers' own proportions (0.38, 0.35) were measured too and not adopted: on the simulated
    /// sessions they helped at 30–40 cm but made D4 and D5 worse at 15–25 cm, where the measured palm radius of a
    /// palm cut by the image edge is itself off (docs/accuracy.md, "Per-digit fingertip widths").
    /// </summary>
    public static FingertipWidths AdultHand { get; } = new(0.50, 0.40, 0.40, 0.40, 0.40);

    /// <summary>Adult proportions for every digit (thumb 0.50, index and middle 0.40, ring 0.38, little 0.35); not the default, see <see cref="AdultHand"/>.</summary>
    public static FingertipWidths AdultHandAllDigits { get; } = new(0.50, 0.40, 0.40, 0.38, 0.35);

    /// <summary>The width of digit 1 (thumb) … 5 (little finger); throws for another number.</summary>
    public double Of(int digit) => digit switch
    {
        1 => Thumb,
        2 => Index,
        3 => Middle,
        4 => Ring,
        5 => Little,
        _ => throw new ArgumentOutOfRangeException(nameof(digit), digit, "a digit is 1 (thumb) to 5 (little finger)"),
    };
}

/// <summary>
/// Reads region temperatures from the 32x24 frame.
/// <para>Fingertip (<see cref="Fingertip(HandSegmentation, PixelPoint, PixelPoint, double, double)"/>): at 32x24 a
/// distal phalanx is 1–2 pixels wide, so every pixel near it mixes finger and room:
/// T_pixel − T_room = f·(T_finger − T_room), f = the share of the pixel's signal that comes from the finger. f is
/// predicted for each pixel from a model of the fingertip (a capsule of the digit's own width,
/// <see cref="FingertipUnmixing.WidthPalmRadiiOf"/> × palm radius, along the finger's axis, seen through the pixel
/// and the lens blur) and the finger's temperature is the least-squares solution over the pixels near the fingertip:
/// T_room + Σ f·(T_pixel − T_room) / Σ f². The model uses only geometry (registered fingertip position, palm centre
/// and radius, which digit it is), never the temperatures, so f is the same in every frame of a still hand and
/// percentage recovery keeps cancelling it.</para>
/// <para><see cref="FingertipMostSkinPixel"/>, the earlier reading, takes the pixel that differs most from the room;
/// it is biased towards the room by (1 − f_max)·(T_finger − T_room) and is the fallback when the model has no pixel.</para>
/// <para>Dorsum: mean of the pixels near the dorsum centre that lie fully inside the hand (no room in them).</para>
/// </summary>
public static class RegionThermometer
{
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<double, BlurredPixel> PixelResponses = new();

    // Row step of the fill-fraction integral (pixels; the integral along each row is exact): 0.05 px with lens blur
    // (smooth weights) and 0.025 px without (a sharp pixel edge) keep f within ~0.01 of the exact value.
    private const double FillStepBlurred = 0.05;
    private const double FillStepSharp = 0.025;

    /// <summary>The fingertip's temperature with the partial-volume mixing undone (defaults of <see cref="FingertipUnmixing"/>).</summary>
    public static RegionTemperature Fingertip(
        HandSegmentation segmentation, PixelPoint padCentre, PixelPoint palmCentre, double searchRadius, double proximalReach)
        => Fingertip(segmentation, padCentre, palmCentre, searchRadius, proximalReach, FingertipUnmixing.Default);

    /// <summary>The fingertip's temperature with a fingertip model of <see cref="FingertipUnmixing.WidthPalmRadii"/> (digit not known).</summary>
    public static RegionTemperature Fingertip(
        HandSegmentation segmentation, PixelPoint padCentre, PixelPoint palmCentre, double searchRadius, double proximalReach, FingertipUnmixing unmixing)
        => Fingertip(segmentation, padCentre, palmCentre, searchRadius, proximalReach, unmixing, digit: null);

    /// <summary>
    /// The fingertip's temperature for a named digit (1 thumb … 5 little finger): the model finger has that digit's
    /// own width (<see cref="FingertipUnmixing.WidthPalmRadiiOf"/>) — a thumb read with a finger's width is
    /// over-corrected, a little finger under-corrected.
    /// </summary>
    public static RegionTemperature Fingertip(
        HandSegmentation segmentation, PixelPoint padCentre, PixelPoint palmCentre, double searchRadius, double proximalReach, FingertipUnmixing unmixing, int? digit)
    {
        ArgumentNullException.ThrowIfNull(segmentation);
        ArgumentNullException.ThrowIfNull(unmixing);
        var axis = padCentre - palmCentre;
        var width = unmixing.WidthPalmRadiiOf(digit) * segmentation.PalmRadius;
        if (!(axis.Length > 0) || !(width > 0) || !double.IsFinite(width))
        {
            return FingertipMostSkinPixel(segmentation, padCentre, palmCentre, searchRadius, proximalReach);
        }

        var model = new FingertipModel(padCentre, axis.Normalised(), width, unmixing.CentreToEndWidths, unmixing.PsfSigmaPixels);
        var room = segmentation.BackgroundCelsius;
        double sumFillContrast = 0;
        double sumFillSquared = 0;
        double sumTemperature = 0;
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
            sumTemperature += segmentation.Temperatures[index];
            usedInvalid |= segmentation.Invalid[index];
            count++;
        });
        if (count == 0)
        {
            return FingertipMostSkinPixel(segmentation, padCentre, palmCentre, searchRadius, proximalReach);
        }

        if (unmixing.Method == FingertipReadingMethod.CoveredPixelMean)
        {
            return new RegionTemperature(sumTemperature / count, usedInvalid, count);
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
        private readonly BlurredPixel pixel;

        public FingertipModel(PixelPoint padCentre, PixelPoint towardsTip, double width, double centreToEndWidths, double psfSigma)
        {
            radius = width / 2;
            // The finger runs back into the hand: 4 widths + 3 px is beyond any candidate pixel (at most 1 px back)
            // plus the reach of the blur.
            start = padCentre - (towardsTip * ((4 * width) + 3));
            end = padCentre + (towardsTip * Math.Max(0, (centreToEndWidths * width) - radius));
            pixel = PixelResponses.GetOrAdd(Math.Max(psfSigma, 0), sigma => new BlurredPixel(sigma));
        }

        /// <summary>
        /// ∫∫ capsule(x, y) · R(x − cx) · R(y − cy) dx dy with R the blurred pixel box. Across each row the capsule
        /// (convex) is one interval and the x integral is exact; rows are summed by the midpoint rule.
        /// </summary>
        public double Fill(PixelPoint pixelCentre)
        {
            double fill = 0;
            var weights = pixel.RowWeights;
            var step = 2 * pixel.Reach / weights.Length;
            for (var i = 0; i < weights.Length; i++)
            {
                if (!RowInterval(pixelCentre.Y - pixel.Reach + ((i + 0.5) * step), out var x0, out var x1))
                {
                    continue;
                }

                fill += weights[i] * pixel.RowIntegral(x0 - pixelCentre.X, x1 - pixelCentre.X);
            }

            return Math.Clamp(fill, 0, 1);
        }

        // The capsule's chord on the line at this y: the union of the two end discs and the rectangle between them,
        // which is one interval because the capsule is convex.
        private bool RowInterval(double y, out double x0, out double x1)
        {
            x0 = double.PositiveInfinity;
            x1 = double.NegativeInfinity;
            Disc(start, y, ref x0, ref x1);
            Disc(end, y, ref x0, ref x1);

            // Rectangle: 0 ≤ (p − start)·d ≤ L² and |(p − start) × d| ≤ r·L, both linear in x along the row.
            var d = end - start;
            var length = d.Length;
            double lo = double.NegativeInfinity, hi = double.PositiveInfinity;
            var dy = y - start.Y;
            Clip(d.X, dy * d.Y, 0, length * length, ref lo, ref hi);
            Clip(-d.Y, dy * d.X, -radius * length, radius * length, ref lo, ref hi); // cross: (x−sx)·dY − dy·dX, sign-flipped
            if (lo <= hi)
            {
                x0 = Math.Min(x0, lo + start.X);
                x1 = Math.Max(x1, hi + start.X);
            }

            return x0 <= x1;
        }

        private void Disc(PixelPoint centre, double y, ref double x0, ref double x1)
        {
            var dy = y - centre.Y;
            var half = (radius * radius) - (dy * dy);
            if (half >= 0)
            {
                var h = Math.Sqrt(half);
                x0 = Math.Min(x0, centre.X - h);
                x1 = Math.Max(x1, centre.X + h);
            }
        }

        // Narrows [lo, hi] (x relative to start.X) to where min ≤ a·x + b ≤ max.
        private static void Clip(double a, double b, double min, double max, ref double lo, ref double hi)
        {
            if (Math.Abs(a) < 1e-12)
            {
                if (b < min || b > max)
                {
                    lo = double.PositiveInfinity;
                    hi = double.NegativeInfinity;
                }

                return;
            }

            var u = (min - b) / a;
            var v = (max - b) / a;
            lo = Math.Max(lo, Math.Min(u, v));
            hi = Math.Min(hi, Math.Max(u, v));
        }
    }

    /// <summary>
    /// One pixel's response R(u) = Φ((u+½)/σ) − Φ((u−½)/σ) (its box blurred by the lens) for one σ: the row weights
    /// of the fill integral and a table of ∫Φ, so that the per-frame work has no exp or erf in it. Built once per σ.
    /// </summary>
    private sealed class BlurredPixel
    {
        private const int TableStepsPerSigma = 200;
        private readonly double sigma;
        private readonly double tableStart;
        private readonly double tableStep;
        private readonly double[] cdfIntegral;

        public BlurredPixel(double sigma)
        {
            this.sigma = sigma;
            // Beyond 4σ outside the pixel its response is < 3e-5 of the peak: those rows are left out.
            Reach = 0.5 + (4 * sigma);
            var rows = (int)Math.Ceiling(2 * Reach / (sigma > 0 ? FillStepBlurred : FillStepSharp));
            var step = 2 * Reach / rows;
            RowWeights = new double[rows];
            for (var i = 0; i < rows; i++)
            {
                RowWeights[i] = Response(-Reach + ((i + 0.5) * step)) * step;
            }

            // ∫Φ(u/σ) du tabulated over ±8σ (beyond: 0 below, u above, exact to 1e-15); linear interpolation at σ/200
            // errs by < 1e-6 px.
            tableStart = -8 * sigma;
            tableStep = sigma / TableStepsPerSigma;
            cdfIntegral = new double[sigma > 0 ? (16 * TableStepsPerSigma) + 1 : 0];
            for (var k = 0; k < cdfIntegral.Length; k++)
            {
                cdfIntegral[k] = ExactCdfIntegral(tableStart + (k * tableStep));
            }
        }

        public double Reach { get; }

        /// <summary>R at each row offset times the row step.</summary>
        public double[] RowWeights { get; }

        /// <summary>∫_{u0}^{u1} R(u) du; without blur the overlap of [u0, u1] with [−½, ½].</summary>
        public double RowIntegral(double u0, double u1)
        {
            if (sigma <= 0)
            {
                return Math.Max(0, Math.Min(u1, 0.5) - Math.Max(u0, -0.5));
            }

            return (CdfIntegral(u1 + 0.5) - CdfIntegral(u1 - 0.5)) - (CdfIntegral(u0 + 0.5) - CdfIntegral(u0 - 0.5));
        }

        private double Response(double u)
            => sigma <= 0 ? (Math.Abs(u) <= 0.5 ? 1 : 0) : NormalCdf((u + 0.5) / sigma) - NormalCdf((u - 0.5) / sigma);

        private double CdfIntegral(double u)
        {
            var position = (u - tableStart) / tableStep;
            if (position <= 0)
            {
                return 0;
            }

            if (position >= cdfIntegral.Length - 1)
            {
                return u;
            }

            var k = (int)position;
            var fraction = position - k;
            return cdfIntegral[k] + (fraction * (cdfIntegral[k + 1] - cdfIntegral[k]));
        }

        // ∫ Φ(u/σ) du = σ·(z·Φ(z) + φ(z)), z = u/σ.
        private double ExactCdfIntegral(double u)
        {
            var z = u / sigma;
            return sigma * ((z * NormalCdf(z)) + (Math.Exp(-0.5 * z * z) / Math.Sqrt(2 * Math.PI)));
        }

        private static double NormalCdf(double z) => 0.5 * (1 + Erf(z / Math.Sqrt(2)));

        // Abramowitz & Stegun 7.1.26, |error| < 1.5e-7: ample for a fill fraction.
        private static double Erf(double x)
        {
            var sign = Math.Sign(x);
            x = Math.Abs(x);
            var t = 1 / (1 + (0.3275911 * x));
            var polynomial = ((((((((1.061405429 * t) - 1.453152027) * t) + 1.421413741) * t) - 0.284496736) * t) + 0.254829592) * t;
            var y = 1 - (polynomial * Math.Exp(-x * x));
            return sign * y;
        }
    }
}
