using OpenCvSharp;

namespace ThermoHand.Analysis.Regions;

/// <summary>
/// Separates the hand from the room in one 32x24 frame: fills invalid pixels, splits background from skin (Otsu),
/// cuts out hot objects, upsamples bicubically and keeps the largest hand-shaped warm component with its holes
/// filled. Reuses its buffers between frames (one segmenter per tracker; not thread-safe).
/// </summary>
public sealed class HandSegmenter : IDisposable
{
    // Physical range of the MLX90640 (−40…300 °C, datasheet); anything outside is a read or conversion error.
    private const float LowestPlausibleCelsius = -40f;
    private const float HighestPlausibleCelsius = 300f;

    /// <summary>The palm centre must lie at least this many palm radii inside the image: at least half the palm in view.</summary>
    private const double PalmInViewFraction = 0.5;

    /// <summary>
    /// A hand may touch a hot object (its rim is cut out) along at most this many sensor pixels — about the width of
    /// a finger. A longer front means the warm area is the continuation of the hot object.
    /// </summary>
    private const double MaximumHotContactPixels = 3.0;

    private readonly RegionTrackerOptions options;
    private readonly int scale;
    private readonly Mat native = new(ThermalFrame.Rows, ThermalFrame.Columns, MatType.CV_32FC1);
    private readonly Mat upsampled = new();
    private readonly Mat warm = new();
    private readonly Mat hot = new();
    private readonly Mat hotContact = new();
    private readonly Mat handMask;
    private readonly Mat distance = new();
    private readonly Mat padded = new();
    private readonly Mat paddedDistance = new();
    private readonly Mat ridge = new();
    private readonly Mat hotMarginKernel;
    private readonly float[] filled = new float[ThermalFrame.PixelCount];
    private readonly bool[] invalid = new bool[ThermalFrame.PixelCount];
    private readonly float[] sorted = new float[ThermalFrame.PixelCount];
    private readonly float[] distanceBuffer;

    public HandSegmenter(RegionTrackerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        this.options = options;
        scale = options.UpsampleFactor;
        handMask = new Mat(ThermalFrame.Rows * scale, ThermalFrame.Columns * scale, MatType.CV_8UC1);
        distanceBuffer = new float[ThermalFrame.PixelCount * scale * scale];
        var margin = (int)Math.Ceiling(options.HotObjectMarginPixels * scale);
        hotMarginKernel = Cv2.GetStructuringElement(MorphShapes.Ellipse, new Size((2 * margin) + 1, (2 * margin) + 1));
    }

    public HandSegmentation Segment(float[] temperaturesCelsius)
    {
        ArgumentNullException.ThrowIfNull(temperaturesCelsius);
        if (temperaturesCelsius.Length != ThermalFrame.PixelCount)
        {
            throw new ArgumentException($"A frame has {ThermalFrame.PixelCount} pixels, not {temperaturesCelsius.Length}.", nameof(temperaturesCelsius));
        }

        var flags = new List<string>();
        var validCount = FillInvalidPixels(temperaturesCelsius);
        if (validCount < ThermalFrame.PixelCount)
        {
            flags.Add(RegionFlags.InvalidPixels);
        }

        // Half the frame missing, or a perfectly flat frame (the sensor's all-zero first frame), is not a picture
        // of anything: say so rather than report "no hand".
        var (lowest, highest) = RangeOfValid();
        if (validCount < ThermalFrame.PixelCount / 2 || highest - lowest < 0.01f)
        {
            flags.Add(RegionFlags.InvalidFrame);
            return NotFound(flags, double.NaN, double.NaN);
        }

        var hotCount = 0;
        var count = 0;
        for (var i = 0; i < ThermalFrame.PixelCount; i++)
        {
            if (filled[i] > options.HotObjectCelsius)
            {
                hotCount++;
            }
            else
            {
                sorted[count++] = filled[i];
            }
        }

        if (hotCount > 0)
        {
            flags.Add(RegionFlags.HotObject);
        }

        if (count < 4)
        {
            return NotFound(flags, double.NaN, double.NaN);
        }

        Array.Sort(sorted, 0, count);
        var split = OtsuSplit(sorted.AsSpan(0, count));
        var background = Median(sorted.AsSpan(0, split));
        var skin = Median(sorted.AsSpan(split, count - split));
        if (skin - background < options.MinimumHandContrastCelsius)
        {
            return NotFound(flags, background, skin);
        }

        var threshold = background + (options.MaskFraction * (skin - background));
        native.SetArray(filled);
        Cv2.Resize(native, upsampled, new Size(ThermalFrame.Columns * scale, ThermalFrame.Rows * scale), 0, 0, InterpolationFlags.Cubic);
        Cv2.InRange(upsampled, new Scalar(threshold), new Scalar(1e6), warm);
        if (hotCount > 0)
        {
            // Cut the hot object with a margin: its partial-volume rim has skin-like temperatures.
            Cv2.InRange(upsampled, new Scalar(options.HotObjectCelsius), new Scalar(1e6), hot);
            Cv2.Dilate(hot, hot, hotMarginKernel);
            warm.SetTo(Scalar.All(0), hot);
        }

        Cv2.FindContours(warm, out Point[][] contours, out _, RetrievalModes.External, ContourApproximationModes.ApproxNone);
        var chosen = ChooseHand(contours, flags);
        if (chosen < 0)
        {
            return NotFound(flags, background, skin);
        }

        // Drawing the outer outline filled keeps the largest component and fills its holes in one step.
        handMask.SetTo(Scalar.All(0));
        Cv2.DrawContours(handMask, contours, chosen, Scalar.All(255), thickness: -1);
        if (hotCount > 0 && HotContactPixels() > MaximumHotContactPixels)
        {
            // The warm area continues straight into something hotter than skin along a wide front: the tail of a
            // heated object (the real bench recordings: a strip heated at one end), or a hand pressed against a hot
            // surface. Either way its temperatures are not those of a resting hand: not measured.
            AddOnce(flags, RegionFlags.WarmObject);
            return NotFound(flags, background, skin);
        }

        Cv2.DistanceTransform(handMask, distance, DistanceTypes.L2, DistanceTransformMasks.Mask5);
        distance.AsSpan<float>().CopyTo(distanceBuffer);
        Cv2.MinMaxLoc(distance, out _, out var deepest, out _, out var deepestAt);
        var palmCentre = new PixelPoint(((deepestAt.X + 0.5) / scale) - 0.5, ((deepestAt.Y + 0.5) / scale) - 0.5);
        var palmRadius = deepest / scale;
        if (DistanceToImageBorder(palmCentre) < PalmInViewFraction * palmRadius && NearestBorderIsWristSide(palmCentre))
        {
            // A hand close to the sensor: the view cuts it across the palm on the wrist side (the bottom edge, in the
            // mounting of docs/regions.md), so the cut area is its widest part and the distance map, blind to the
            // border, puts the "palm" on the border. The palm is then the largest circle inside the visible hand.
            (palmCentre, palmRadius) = InscribedCircleInView();
        }

        if (DistanceToImageBorder(palmCentre) < PalmInViewFraction * palmRadius)
        {
            // The distance map does not see the image border, so a warm object cut by the border (the real bench
            // recordings: a heated strip leaving the view on the right) puts its "palm" on the border itself, and its
            // noisy outline then yields fingertips. A hand whose palm is more than half out of view is not measurable
            // either: neither the dorsum nor the registration to the baseline has anything to stand on.
            AddOnce(flags, RegionFlags.WarmObject);
            return NotFound(flags, background, skin);
        }

        if (LeavesViewBeyondWrist(contours[chosen]))
        {
            flags.Add(RegionFlags.HandNotFullyInView);
        }

        return new HandSegmentation(
            true, flags, filled, invalid, background, skin, contours[chosen], distanceBuffer, scale, palmCentre, palmRadius);
    }

    public void Dispose()
    {
        native.Dispose();
        upsampled.Dispose();
        warm.Dispose();
        hot.Dispose();
        handMask.Dispose();
        distance.Dispose();
        padded.Dispose();
        paddedDistance.Dispose();
        ridge.Dispose();
        hotMarginKernel.Dispose();
        hotContact.Dispose();
    }

    /// <summary>
    /// Index of the split (first index of the upper class) that maximises the between-class variance of the
    /// sorted values (Otsu's criterion on the exact values, no histogram binning: there are only 768).
    /// </summary>
    internal static int OtsuSplit(ReadOnlySpan<float> ascending)
    {
        var n = ascending.Length;
        double total = 0;
        foreach (var value in ascending)
        {
            total += value;
        }

        double lowerSum = 0;
        var best = 1;
        var bestScore = double.NegativeInfinity;
        for (var k = 1; k < n; k++)
        {
            lowerSum += ascending[k - 1];
            if (ascending[k] == ascending[k - 1])
            {
                continue; // a split must fall between different values
            }

            var lowerMean = lowerSum / k;
            var upperMean = (total - lowerSum) / (n - k);
            var score = (double)k * (n - k) * (upperMean - lowerMean) * (upperMean - lowerMean);
            if (score > bestScore)
            {
                bestScore = score;
                best = k;
            }
        }

        return best;
    }

    /// <summary>
    /// Length (sensor pixels) of the hand mask's border with the cut-out hot area: hand pixels that touch the dilated
    /// hot mask, counted on the upsampled grid (a one-pixel band), divided by the upsampling factor.
    /// </summary>
    private double HotContactPixels()
    {
        Cv2.Dilate(hot, hotContact, null);
        Cv2.BitwiseAnd(hotContact, handMask, hotContact);
        return Cv2.CountNonZero(hotContact) / (double)scale;
    }

    /// <summary>
    /// The largest circle inside the hand mask that also stays inside the image (the image border counts as an
    /// edge): centre and radius in sensor pixels.
    /// </summary>
    private (PixelPoint Centre, double Radius) InscribedCircleInView()
    {
        Cv2.CopyMakeBorder(handMask, padded, 1, 1, 1, 1, BorderTypes.Constant, Scalar.All(0));
        Cv2.DistanceTransform(padded, paddedDistance, DistanceTypes.L2, DistanceTransformMasks.Mask5);
        Cv2.MinMaxLoc(paddedDistance, out _, out var deepest, out _, out _);

        // Cut by the border, the palm is a band along it: the inscribed circle can slide along the band and its
        // single deepest point jumps between frames with the noise (measured: 5 px between consecutive frames).
        // The centre of the whole near-deepest ridge (within 20 % of the deepest) is stable.
        Cv2.Threshold(paddedDistance, ridge, 0.8 * deepest, 255, ThresholdTypes.Binary);
        var moments = Cv2.Moments(ridge, binaryImage: true);
        var x = (moments.M10 / moments.M00) - 1;
        var y = (moments.M01 / moments.M00) - 1;
        var centre = new PixelPoint(((x + 0.5) / scale) - 0.5, ((y + 0.5) / scale) - 0.5);
        // The radius stays that of the largest circle in view: the ridge centre is only for a stable position. (The
        // fingertip unmixing scales the finger width with it; a smaller radius read the fingertips ~1 °C warm.)
        return (centre, (deepest - 1) / scale);
    }

    /// <summary>
    /// Whether the image edge nearest to a point is the bottom one: the wrist side, where the forearm enters in the
    /// documented mounting (fingers pointing up the image). A warm area cut at its widest by another edge is not a
    /// hand coming from the patient's side (the real bench recordings: a strip leaving the view on the right).
    /// </summary>
    private static bool NearestBorderIsWristSide(PixelPoint point)
    {
        var bottom = ThermalFrame.Rows - 0.5 - point.Y;
        return bottom <= point.Y + 0.5 && bottom <= point.X + 0.5 && bottom <= ThermalFrame.Columns - 0.5 - point.X;
    }

    /// <summary>Whether the hand outline reaches the top, left or right image edge (anything but the wrist side).</summary>
    private bool LeavesViewBeyondWrist(Point[] contour)
    {
        var lastColumn = (ThermalFrame.Columns * scale) - 1;
        foreach (var p in contour)
        {
            if (p.X <= 0 || p.Y <= 0 || p.X >= lastColumn)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Distance (sensor pixels) from a point to the nearest edge of the image (pixel centres at integers).</summary>
    private static double DistanceToImageBorder(PixelPoint point) => Math.Min(
        Math.Min(point.X + 0.5, ThermalFrame.Columns - 0.5 - point.X),
        Math.Min(point.Y + 0.5, ThermalFrame.Rows - 0.5 - point.Y));

    private static void AddOnce(List<string> flags, string flag)
    {
        if (!flags.Contains(flag))
        {
            flags.Add(flag);
        }
    }

    private static double Median(ReadOnlySpan<float> ascending) => ascending.Length % 2 == 1
        ? ascending[ascending.Length / 2]
        : (ascending[(ascending.Length / 2) - 1] + ascending[ascending.Length / 2]) / 2.0;

    private HandSegmentation NotFound(List<string> flags, double background, double skin) =>
        new(false, flags, filled, invalid, background, skin, [], distanceBuffer, scale, default, 0);

    /// <summary>Copies the frame, marking and filling invalid pixels with the mean of their valid neighbours.</summary>
    private int FillInvalidPixels(float[] input)
    {
        var validCount = 0;
        double validSum = 0;
        for (var i = 0; i < ThermalFrame.PixelCount; i++)
        {
            var value = input[i];
            var bad = !float.IsFinite(value) || value < LowestPlausibleCelsius || value > HighestPlausibleCelsius;
            invalid[i] = bad;
            filled[i] = value;
            if (!bad)
            {
                validCount++;
                validSum += value;
            }
        }

        if (validCount == ThermalFrame.PixelCount)
        {
            return validCount;
        }

        var fallback = validCount > 0 ? (float)(validSum / validCount) : 0f;
        for (var row = 0; row < ThermalFrame.Rows; row++)
        {
            for (var column = 0; column < ThermalFrame.Columns; column++)
            {
                var index = (row * ThermalFrame.Columns) + column;
                if (!invalid[index])
                {
                    continue;
                }

                double sum = 0;
                var n = 0;
                for (var dr = -1; dr <= 1; dr++)
                {
                    for (var dc = -1; dc <= 1; dc++)
                    {
                        var r = row + dr;
                        var c = column + dc;
                        if (r < 0 || c < 0 || r >= ThermalFrame.Rows || c >= ThermalFrame.Columns)
                        {
                            continue;
                        }

                        var neighbour = (r * ThermalFrame.Columns) + c;
                        if (!invalid[neighbour])
                        {
                            sum += input[neighbour];
                            n++;
                        }
                    }
                }

                filled[index] = n > 0 ? (float)(sum / n) : fallback;
            }
        }

        return validCount;
    }

    private (float Lowest, float Highest) RangeOfValid()
    {
        var lowest = float.PositiveInfinity;
        var highest = float.NegativeInfinity;
        for (var i = 0; i < ThermalFrame.PixelCount; i++)
        {
            if (!invalid[i])
            {
                lowest = Math.Min(lowest, filled[i]);
                highest = Math.Max(highest, filled[i]);
            }
        }

        return float.IsInfinity(lowest) ? (0, 0) : (lowest, highest);
    }

    /// <summary>
    /// The largest warm component that is hand-shaped: big enough, and either entering from the image edge (the
    /// forearm) or not blob-like (fingers make the outline concave or elongated). A compact warm blob away from the
    /// edges — a mug, a phone — is not a hand.
    /// </summary>
    private int ChooseHand(Point[][] contours, List<string> flags)
    {
        var s2 = (double)scale * scale;
        var chosen = -1;
        var chosenArea = 0.0;
        var rejectedObject = false;
        for (var i = 0; i < contours.Length; i++)
        {
            var area = Cv2.ContourArea(contours[i]) / s2;
            if (area < 2)
            {
                continue; // noise speck
            }

            var handShaped = area >= options.MinimumHandAreaPixels && (TouchesImageEdge(contours[i]) || !IsCompactBlob(contours[i]));
            if (!handShaped)
            {
                rejectedObject = true;
                continue;
            }

            if (area > chosenArea)
            {
                if (chosen >= 0)
                {
                    rejectedObject = true;
                }

                chosen = i;
                chosenArea = area;
            }
            else
            {
                rejectedObject = true;
            }
        }

        if (rejectedObject)
        {
            flags.Add(RegionFlags.WarmObject);
        }

        return chosen;
    }

    private bool TouchesImageEdge(Point[] contour)
    {
        var lastColumn = (ThermalFrame.Columns * scale) - 1;
        var lastRow = (ThermalFrame.Rows * scale) - 1;
        foreach (var p in contour)
        {
            if (p.X <= 0 || p.Y <= 0 || p.X >= lastColumn || p.Y >= lastRow)
            {
                return true;
            }
        }

        return false;
    }

    private static bool IsCompactBlob(Point[] contour)
    {
        var area = Cv2.ContourArea(contour);
        var hullArea = Cv2.ContourArea(Cv2.ConvexHull(contour));
        var box = Cv2.MinAreaRect(contour);
        var longSide = Math.Max(box.Size.Width, box.Size.Height);
        var shortSide = Math.Max(1f, Math.Min(box.Size.Width, box.Size.Height));
        var solidity = hullArea > 0 ? area / hullArea : 1;
        return solidity > 0.9 && longSide / shortSide < 1.6;
    }
}
