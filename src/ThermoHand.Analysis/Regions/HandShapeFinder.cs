namespace ThermoHand.Analysis.Regions;

/// <summary>
/// Reads the hand's shape from its upsampled outline: the palm centre (deepest inscribed point), the wrist (where the
/// forearm leaves the image), the hand axis, and the fingertip candidates — outline points that are local maxima of
/// the distance from the palm centre and stand out from the outline around them (the "valleys" between fingers are
/// the minima between them).
/// </summary>
public sealed class HandShapeFinder
{
    private readonly RegionTrackerOptions options;

    public HandShapeFinder(RegionTrackerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        this.options = options;
    }

    public HandShape Find(HandSegmentation segmentation)
    {
        ArgumentNullException.ThrowIfNull(segmentation);
        if (!segmentation.HandFound)
        {
            throw new ArgumentException("The segmentation found no hand; there is no shape to read.", nameof(segmentation));
        }

        var scale = segmentation.Scale;
        var raw = segmentation.Outline;
        var outline = new PixelPoint[raw.Length];
        var onEdge = new bool[raw.Length];
        var lastColumn = segmentation.UpsampledColumns - 1;
        var lastRow = segmentation.UpsampledRows - 1;
        double edgeX = 0, edgeY = 0;
        var edgeCount = 0;
        for (var i = 0; i < raw.Length; i++)
        {
            outline[i] = segmentation.ToSensor(raw[i].X, raw[i].Y);
            onEdge[i] = raw[i].X <= 0 || raw[i].Y <= 0 || raw[i].X >= lastColumn || raw[i].Y >= lastRow;
            if (onEdge[i])
            {
                edgeX += outline[i].X;
                edgeY += outline[i].Y;
                edgeCount++;
            }
        }

        var palm = segmentation.PalmCentre;
        var palmRadius = segmentation.PalmRadius;
        PixelPoint? wrist = null;
        PixelPoint axis;
        if (edgeCount > 0 && new PixelPoint(edgeX / edgeCount, edgeY / edgeCount).DistanceTo(palm) > palmRadius * 0.5)
        {
            // The forearm enters from the image edge: wrist → palm centre is the hand's axis.
            wrist = new PixelPoint(edgeX / edgeCount, edgeY / edgeCount);
            axis = (palm - wrist.Value).Normalised();
        }
        else
        {
            // No forearm in view: the farthest outline point from the palm is a fingertip (usually the middle finger).
            var farthest = outline.MaxBy(p => p.DistanceTo(palm));
            axis = (farthest - palm).Normalised();
        }

        var candidates = FindCandidates(outline, onEdge, palm, palmRadius, axis, segmentation, scale);
        return new HandShape(palm, palmRadius, wrist, axis, candidates, outline);
    }

    /// <summary>
    /// Walks from an outline tip towards <paramref name="inward"/> while the distance to the edge keeps growing as
    /// fast as the distance walked: that stops at the centre of the circle that fits the rounded fingertip; then
    /// goes <paramref name="beyondPad"/> further to the centre of the distal phalanx.
    /// </summary>
    internal static PixelPoint DistalPadCentre(HandSegmentation segmentation, PixelPoint outlineTip, PixelPoint inward, double beyondPad)
    {
        var step = 1.0 / segmentation.Scale;
        var maximumSteps = (int)(1.5 * segmentation.Scale);
        var direction = inward.Normalised();
        var startDepth = segmentation.DistanceToEdgeAt(outlineTip);
        for (var k = 1; k <= maximumSteps; k++)
        {
            var point = outlineTip + (direction * (k * step));
            var depth = segmentation.DistanceToEdgeAt(point) - startDepth;
            if (depth < (k - 1.5) * step)
            {
                return outlineTip + (direction * (((k - 1) * step) + beyondPad));
            }
        }

        return outlineTip + (direction * ((maximumSteps * step) + beyondPad));
    }

    private List<FingertipCandidate> FindCandidates(
        PixelPoint[] outline, bool[] onEdge, PixelPoint palm, double palmRadius, PixelPoint axis, HandSegmentation segmentation, int scale)
    {
        var n = outline.Length;
        var reach = new double[n];
        for (var i = 0; i < n; i++)
        {
            reach[i] = outline[i].DistanceTo(palm);
        }

        var minimumReach = options.FingertipMinimumReachPalmRadii * palmRadius;
        var window = scale; // about one sensor pixel of outline either side
        var maximumBackAngle = Math.Cos(120 * Math.PI / 180);
        var found = new List<FingertipCandidate>();
        for (var i = 0; i < n; i++)
        {
            if (onEdge[i] || reach[i] < minimumReach || !IsLocalMaximum(reach, i, window))
            {
                continue;
            }

            var direction = (outline[i] - palm).Normalised();
            if (direction.Dot(axis) < maximumBackAngle)
            {
                continue; // on the forearm side of the palm
            }

            if (Prominence(reach, i) < options.FingertipProminencePixels)
            {
                continue;
            }

            if (found.Any(f => f.OutlineTip.DistanceTo(outline[i]) < 1.0))
            {
                continue; // same tip (flat top spanning several outline points)
            }

            var centre = DistalPadCentre(segmentation, outline[i], palm - outline[i], options.DistalCentreBeyondPadPixels);
            found.Add(new FingertipCandidate(outline[i], centre, reach[i]));
        }

        return found;
    }

    private static bool IsLocalMaximum(double[] values, int index, int window)
    {
        var n = values.Length;
        for (var k = 1; k <= window; k++)
        {
            if (values[(index + k) % n] > values[index] || values[(index - k + n) % n] >= values[index])
            {
                return false; // ties resolved towards the later point so a plateau yields one maximum
            }
        }

        return true;
    }

    /// <summary>
    /// Topographic prominence along the closed outline: how far the reach drops, on the lower of the two sides,
    /// before the outline reaches a point farther out than this one.
    /// </summary>
    private static double Prominence(double[] values, int index)
    {
        var n = values.Length;
        var peak = values[index];
        var leftLowest = peak;
        for (var k = 1; k < n; k++)
        {
            var v = values[(index - k + n) % n];
            if (v > peak)
            {
                break;
            }

            leftLowest = Math.Min(leftLowest, v);
        }

        var rightLowest = peak;
        for (var k = 1; k < n; k++)
        {
            var v = values[(index + k) % n];
            if (v > peak)
            {
                break;
            }

            rightLowest = Math.Min(rightLowest, v);
        }

        return peak - Math.Max(leftLowest, rightLowest);
    }
}
