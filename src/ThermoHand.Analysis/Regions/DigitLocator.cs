namespace ThermoHand.Analysis.Regions;

/// <summary>Where each digit's distal pad is in one frame (sensor pixels); null when it could not be found.</summary>
public sealed record DigitPositions(
    IReadOnlyList<PixelPoint?> FingertipCentres,
    PixelPoint Axis,
    bool PlacedBySpacing)
{
    /// <summary>The hand is too small in the image to tell its fingers apart; no digit is named.</summary>
    public bool HandTooSmall { get; init; }

    /// <summary>
    /// Some of D2–D5 were not resolved as separate tips and were left out rather than guessed (the fingers that were
    /// resolved are named by their position relative to the middle finger).
    /// </summary>
    public bool PartlyResolved { get; init; }

    /// <summary>
    /// Enough fingers for a baseline: all four, or — when the fingers are resolved only partly — the middle finger and
    /// at least two others, each named from its own tip (the rest are reported as not resolved).
    /// </summary>
    public bool EnoughForBaseline => FingersFound || (PartlyResolved && Fingertip(3) is not null && Enumerable.Range(2, 4).Count(d => Fingertip(d) is not null) >= 3);

    /// <summary>Fingertip centre of digit 1 (thumb) … 5 (little finger).</summary>
    public PixelPoint? Fingertip(int digit) => FingertipCentres[digit - 1];

    /// <summary>Index to little finger all found (the thumb is reported but not needed for the 8-finger averages).</summary>
    public bool FingersFound => Enumerable.Range(2, 4).All(d => Fingertip(d) is not null);
}

/// <summary>
/// Names the fingertips of a hand shape: the thumb is the candidate far off the hand axis on the thumb side, the
/// other four are ordered across the hand from the thumb side (index, middle, ring, little). Which side the thumb is
/// on follows from the hand and the dorsal view (docs/regions.md, "Digit order"). The expected finger spacing comes
/// from the hand's own scale (palm radius / 2): below <see cref="RegionTrackerOptions.MinimumFingerSpacingPixels"/>
/// no digit is named (hand too small); duplicate tips closer than half a spacing are merged. With two or three
/// fingers resolved they are named around the middle finger (the farthest-reaching) and the rest left empty. With
/// one or none (fingers held together blur into one lobe at 32x24), the fingers are placed by the expected
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

        // The hand's own scale: four fingers share the palm's width (twice the palm radius).
        var spacing = shape.PalmRadius / 2;
        if (spacing < options.MinimumFingerSpacingPixels)
        {
            return new DigitPositions(new PixelPoint?[5], axis, PlacedBySpacing: false) { HandTooSmall = true };
        }

        if (thumb is not null)
        {
            tips[0] = thumb.Centre;
        }

        var fingers = DistinctTips(
                shape.Candidates.Where(c => c != thumb && Math.Abs(AngleFromAxis(shape.PalmCentre, axis, c.OutlineTip, side)) < Math.PI / 2),
                thumb,
                spacing)
            .OrderByDescending(c => c.Reach)
            .Take(4)
            .ToList();
        if (fingers.Count is 2 or 3)
        {
            return NameAroundMiddleFinger(shape, axis, side, spacing, fingers, tips);
        }

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

    /// <summary>
    /// One candidate per tip: at low resolution a single fingertip can show two outline maxima a fraction of a finger
    /// apart. Candidates closer than half the expected finger spacing to a farther-reaching one (or to the thumb) are
    /// the same tip.
    /// </summary>
    private static List<FingertipCandidate> DistinctTips(IEnumerable<FingertipCandidate> candidates, FingertipCandidate? thumb, double spacing)
    {
        var kept = new List<FingertipCandidate>();
        foreach (var candidate in candidates.OrderByDescending(c => c.Reach))
        {
            if (thumb is not null && candidate.OutlineTip.DistanceTo(thumb.OutlineTip) < spacing / 2)
            {
                continue;
            }

            if (kept.All(k => k.OutlineTip.DistanceTo(candidate.OutlineTip) >= spacing / 2))
            {
                kept.Add(candidate);
            }
        }

        return kept;
    }

    /// <summary>
    /// Names two or three separately resolved fingers without guessing the others. The middle finger is the longest
    /// (reaches farthest from the palm); the others are named by how many finger spacings they lie across the hand
    /// from it: the nearest on the thumb side is the index finger, one spacing on the other side the ring finger,
    /// two the little finger. Fingertips fan out, so the tips lie further apart than the knuckles: a tip is counted
    /// one spacing away up to 1.5 spacings. Digits not resolved stay empty (reported, not invented).
    /// </summary>
    private static DigitPositions NameAroundMiddleFinger(
        HandShape shape, PixelPoint axis, int side, double spacing, List<FingertipCandidate> fingers, PixelPoint?[] tips)
    {
        var palm = shape.PalmCentre;
        var middle = fingers[0]; // ordered by reach
        tips[2] = middle.Centre;
        var middleAcross = side * Across(palm, axis, middle.OutlineTip);
        var assigned = new Dictionary<int, (FingertipCandidate Candidate, double Error)>();
        foreach (var finger in fingers.Skip(1))
        {
            // Positive towards the thumb. Index finger: one step to the thumb side; ring, little: one, two the other way.
            var steps = ((side * Across(palm, axis, finger.OutlineTip)) - middleAcross) / spacing;
            int digit;
            double error;
            if (steps > 0)
            {
                digit = 2;
                error = Math.Abs(steps - 1);
            }
            else
            {
                digit = -steps < 1.5 ? 4 : 5;
                error = Math.Abs(-steps - (digit - 3));
            }

            if (-steps > 3.0 || steps > 2.0)
            {
                continue; // too far across to be a finger of this hand at this scale
            }

            if (!assigned.TryGetValue(digit, out var existing) || error < existing.Error)
            {
                assigned[digit] = (finger, error);
            }
        }

        foreach (var (digit, (candidate, _)) in assigned)
        {
            tips[digit - 1] = candidate.Centre;
        }

        return new DigitPositions(tips, axis, PlacedBySpacing: false) { PartlyResolved = true };
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
        var thumbTip = tips[0];
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

        // The finger roots lie within the palm's width; anything farther to the thumb side at the knuckle line is the
        // thumb's own lobe (at low resolution it joins the outline there) and must not widen the finger strips.
        highest = Math.Min(highest, shape.PalmRadius);
        var width = highest - lowest;
        if (!(width >= 2.0))
        {
            return false; // nothing reaches the knuckle line: fingers not in view
        }

        var strip = width / 4;
        var anyPlaced = false;

        // Detected tips first, so a strip placed afterwards can be checked against every detected one.
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
            }
        }

        for (var k = 0; k < 4; k++)
        {
            if (tips[k + 1] is not null)
            {
                continue;
            }

            var centreT = highest - ((k + 0.5) * strip);

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
                // No extra step towards the phalanx centre here: blurring rounds the distal end of a closed finger
                // group, so its outline already lies proximal of the true tips.
                var placed = HandShapeFinder.DistalPadCentre(segmentation, outlineTip, axis * -1, beyondPad: 0);
                if (thumbTip is { } t && placed.DistanceTo(t) < strip)
                {
                    continue; // the strip's distal end is the thumb's lobe, not a finger: leave the digit unnamed
                }

                if (tips.Any(other => other is { } o && placed.DistanceTo(o) < shape.PalmRadius / 4))
                {
                    // Within half the expected finger spacing (palm radius / 2) of a digit already named: the same
                    // tip found again through a neighbouring strip (seen at 55°/40 cm: D3 and D4 0.6 px apart).
                    continue;
                }

                tips[k + 1] = placed;
                anyPlaced = true;
            }
        }

        return anyPlaced;
    }
}
