namespace ThermoHand.Analysis.Regions;

/// <summary>Where each digit's distal pad is in one frame (sensor pixels); null when it could not be found.</summary>
public sealed record DigitPositions(
    IReadOnlyList<PixelPoint?> FingertipCentres,
    PixelPoint Axis,
    bool PlacedBySpacing)
{
    /// <summary>Fingertip centre of digit 1 (thumb) … 5 (little finger).</summary>
    public PixelPoint? Fingertip(int digit) => FingertipCentres[digit - 1];

    /// <summary>Index to little finger all found (the thumb is reported but not needed for the 8-finger averages).</summary>
    public bool FingersFound => Enumerable.Range(2, 4).All(d => Fingertip(d) is not null);
}

/// <summary>
/// Names the fingertips of a hand shape: the thumb is the candidate far off the hand axis on the thumb side, the
/// other four are ordered across the hand from the thumb side (index, middle, ring, little). Which side the thumb is
/// on follows from the hand and the dorsal view (docs/regions.md, "Digit order"). When the outline shows fewer than
/// four fingers (fingers held together blur into one lobe at 32x24), the fingers are placed by the expected
/// spacing: four equal strips across the hand at the knuckle line, each finger's tip at its strip's distal end.
/// </summary>
public sealed class DigitLocator
{
    private readonly RegionTrackerOptions options;

    public DigitLocator(RegionTrackerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        this.options = options;
    }

    /// <summary>+1 when the thumb is on the image-right side of the axis (fingers up), −1 when on the left.</summary>
    public static int ThumbSide(Hand hand) => hand == Hand.Left ? +1 : -1;

    public DigitPositions Locate(HandShape shape, HandSegmentation segmentation, Hand hand)
    {
        ArgumentNullException.ThrowIfNull(shape);
        ArgumentNullException.ThrowIfNull(segmentation);
        var side = ThumbSide(hand);
        var tips = new PixelPoint?[5];
        var axis = shape.Axis;

        // Thumb: the candidate at the largest angle from the axis on the thumb side, if it is far enough off-axis.
        var thumbMinimum = options.ThumbMinimumAngleDegrees * Math.PI / 180;
        FingertipCandidate? thumb = null;
        var thumbAngle = double.NegativeInfinity;
        foreach (var candidate in shape.Candidates)
        {
            var angle = AngleFromAxis(shape.PalmCentre, axis, candidate.OutlineTip, side);
            if (angle >= thumbMinimum && angle > thumbAngle)
            {
                thumb = candidate;
                thumbAngle = angle;
            }
        }

        if (thumb is not null)
        {
            tips[0] = thumb.Centre;
        }

        var fingers = shape.Candidates
            .Where(c => c != thumb && Math.Abs(AngleFromAxis(shape.PalmCentre, axis, c.OutlineTip, side)) < Math.PI / 2)
            .OrderByDescending(c => c.Reach)
            .Take(4)
            .ToList();
        if (fingers.Count == 4)
        {
            // The four fingers fan around the true hand axis; their mean direction is a better axis than the
            // forearm's (the wrist may be bent).
            var sum = new PixelPoint(0, 0);
            foreach (var f in fingers)
            {
                sum += (f.OutlineTip - shape.PalmCentre).Normalised();
            }

            axis = sum.Normalised();
            var ordered = fingers.OrderByDescending(f => side * Across(shape.PalmCentre, axis, f.OutlineTip)).ToList();
            for (var k = 0; k < 4; k++)
            {
                tips[k + 1] = ordered[k].Centre;
            }

            return new DigitPositions(tips, axis, PlacedBySpacing: false);
        }

        var placed = PlaceBySpacing(shape, segmentation, axis, side, fingers, tips);
        return new DigitPositions(tips, axis, placed);
    }

    /// <summary>Signed angle of a point seen from the palm centre, 0 along the axis, positive towards the thumb side.</summary>
    private static double AngleFromAxis(PixelPoint palm, PixelPoint axis, PixelPoint point, int side)
    {
        var along = (point - palm).Dot(axis);
        var across = side * (point - palm).Dot(axis.PerpendicularClockwise());
        return Math.Atan2(across, along);
    }

    private static double Across(PixelPoint palm, PixelPoint axis, PixelPoint point) =>
        (point - palm).Dot(axis.PerpendicularClockwise());

    private static double Along(PixelPoint palm, PixelPoint axis, PixelPoint point) => (point - palm).Dot(axis);

    /// <summary>Fills the missing fingers from strips at the expected spacing; true when any finger was placed that way.</summary>
    private bool PlaceBySpacing(
        HandShape shape, HandSegmentation segmentation, PixelPoint axis, int side, List<FingertipCandidate> fingers, PixelPoint?[] tips)
    {
        var palm = shape.PalmCentre;
        var knuckleLine = options.KnuckleLinePalmRadii * shape.PalmRadius;

        // Width of the hand where the fingers start: outline points within half a pixel of the knuckle line.
        var lowest = double.PositiveInfinity;
        var highest = double.NegativeInfinity;
        foreach (var p in shape.Outline)
        {
            if (Math.Abs(Along(palm, axis, p) - knuckleLine) <= 0.5)
            {
                var t = side * Across(palm, axis, p);
                lowest = Math.Min(lowest, t);
                highest = Math.Max(highest, t);
            }
        }

        var width = highest - lowest;
        if (!(width >= 2.0))
        {
            return false; // nothing reaches the knuckle line: fingers not in view
        }

        var strip = width / 4;
        var anyPlaced = false;
        for (var k = 0; k < 4; k++)
        {
            var centreT = highest - ((k + 0.5) * strip); // k = 0 next to the thumb: index finger
            var detected = fingers
                .Where(f => Math.Abs((side * Across(palm, axis, f.OutlineTip)) - centreT) <= strip / 2)
                .MaxBy(f => f.Reach);
            if (detected is not null)
            {
                // Same rule as below: the distal end of a closed group is already rounded proximally by the blur.
                tips[k + 1] = HandShapeFinder.DistalPadCentre(segmentation, detected.OutlineTip, palm - detected.OutlineTip, beyondPad: 0);
                continue;
            }

            PixelPoint? distal = null;
            var distalAlong = knuckleLine;
            foreach (var p in shape.Outline)
            {
                var along = Along(palm, axis, p);
                if (along > distalAlong && Math.Abs((side * Across(palm, axis, p)) - centreT) <= strip / 4)
                {
                    distal = p;
                    distalAlong = along;
                }
            }

            if (distal is { } outlineTip)
            {
                tips[k + 1] = // No extra step towards the phalanx centre here: blurring rounds the distal end of a closed finger group, so
                // its outline already lies proximal of the true tips.
                tips[k + 1] = HandShapeFinder.DistalPadCentre(segmentation, outlineTip, axis * -1, beyondPad: 0);
                anyPlaced = true;
            }
        }

        return anyPlaced;
    }
}
