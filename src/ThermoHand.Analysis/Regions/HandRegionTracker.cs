namespace ThermoHand.Analysis.Regions;

/// <summary>
/// Finds and follows the fingertips (D1–D5) and dorsum of one hand through a session.
/// <list type="number">
/// <item>Baseline: the first <see cref="RegionTrackerOptions.BaselineFrameCount"/> consecutive still frames in which
/// the four fingers are found fix the hand's geometry (<see cref="Baseline"/>).</item>
/// <item>Afterwards every frame is registered to that baseline: the palm centre and wrist axis give a first rigid
/// transform; fingertips re-detected near their predicted places (and reaching as far from the palm as at baseline)
/// refine it. Every fingertip is then measured where the fitted transform puts its baseline position, so fingers
/// too cold to be seen after the immersion are measured too — the palm and dorsum stay warmer than the room and
/// carry the registration.</item>
/// <item>No hand → readings NaN with <see cref="RegionFlags.HandOutOfView"/>; a hand that comes back anywhere is
/// re-registered the same way, so each finger keeps its baseline identity.</item>
/// </list>
/// One tracker per hand; frames in time order; not thread-safe (it reuses its image buffers).
/// </summary>
public sealed class HandRegionTracker : IHandRegionTracker, IDisposable
{
    private const int DorsumSlot = 5;

    private readonly RegionTrackerOptions options;
    private readonly HandSegmenter segmenter;
    private readonly HandShapeFinder shapeFinder;
    private readonly DigitLocator digitLocator;
    private readonly HandBaselineBuilder baselineBuilder = new();
    private readonly PixelPoint?[] previousPositions = new PixelPoint?[6];
    private bool handInPreviousFrame;
    private bool handSeenBefore;

    public HandRegionTracker(Hand hand, RegionTrackerOptions? options = null)
    {
        this.options = options ?? new RegionTrackerOptions();
        this.options.Validate();
        Hand = hand;
        segmenter = new HandSegmenter(this.options);
        shapeFinder = new HandShapeFinder(this.options);
        digitLocator = new DigitLocator(this.options);
    }

    public Hand Hand { get; }

    /// <summary>The fixed baseline geometry, or null while the first good frames are still being collected.</summary>
    public HandBaseline? Baseline { get; private set; }

    /// <summary>How the hand moved from its baseline pose to the last frame (null before the baseline, or without a hand).</summary>
    public RigidTransform? LastRegistration { get; private set; }

    /// <summary>How many fingertips were re-detected (rather than placed by the registration) in the last frame.</summary>
    public int LastMatchedFingertips { get; private set; }

    public RegionFrameResult Process(ThermalFrame frame)
    {
        ArgumentNullException.ThrowIfNull(frame);
        var segmentation = segmenter.Segment(frame.TemperaturesCelsius);
        var flags = new List<string>(segmentation.Flags);
        if (!segmentation.HandFound)
        {
            var why = flags.Contains(RegionFlags.InvalidFrame) ? RegionFlags.InvalidFrame : RegionFlags.HandOutOfView;
            AddOnce(flags, why);
            LastRegistration = null;
            LastMatchedFingertips = 0;
            handInPreviousFrame = false;
            Array.Clear(previousPositions);
            if (Baseline is null)
            {
                baselineBuilder.Reset();
            }

            return new RegionFrameResult(frame.TimeSeconds, false, NotMeasured(why), flags);
        }

        LastRegistration = null;
        LastMatchedFingertips = 0;
        var shape = shapeFinder.Find(segmentation);
        var positions = new PixelPoint?[6];
        var lost = new bool[6];
        string? digitFlag = null;
        if (Baseline is null)
        {
            if (LocateBeforeBaseline(shape, segmentation, positions, flags))
            {
                digitFlag = RegionFlags.HandTooSmall;
            }
        }
        else
        {
            LocateFromBaseline(Baseline, shape, positions, lost);
        }

        positions[DorsumSlot] = shape.PalmCentre;
        if (handSeenBefore && !handInPreviousFrame)
        {
            flags.Add(RegionFlags.HandReacquired);
        }

        var moving = handInPreviousFrame && MovedMoreThanLimit(positions);
        if (moving)
        {
            flags.Add(RegionFlags.Motion);
        }

        var readings = Measure(segmentation, shape, positions, lost, moving, digitFlag);
        positions.CopyTo(previousPositions, 0);
        handInPreviousFrame = true;
        handSeenBefore = true;
        return new RegionFrameResult(frame.TimeSeconds, true, readings, flags);
    }

    public void Dispose() => segmenter.Dispose();

    private static void AddOnce(List<string> flags, string flag)
    {
        if (!flags.Contains(flag))
        {
            flags.Add(flag);
        }
    }

    private static RegionReading[] NotMeasured(string flag)
    {
        var readings = new RegionReading[6];
        for (var digit = 1; digit <= 5; digit++)
        {
            readings[digit - 1] = new RegionReading(RegionNames.Digit(digit), digit, double.NaN, double.NaN, double.NaN, false, flag);
        }

        readings[DorsumSlot] = new RegionReading(RegionNames.Dorsum, null, double.NaN, double.NaN, double.NaN, false, flag);
        return readings;
    }

    /// <summary>Places the digits of a frame before the baseline is fixed; true when the hand is too small to name any.</summary>
    private bool LocateBeforeBaseline(HandShape shape, HandSegmentation segmentation, PixelPoint?[] positions, List<string> flags)
    {
        var digits = digitLocator.Locate(shape, segmentation, Hand);
        if (digits.HandTooSmall)
        {
            flags.Add(RegionFlags.HandTooSmall);
            flags.Add(RegionFlags.BaselinePending);
            baselineBuilder.Reset();
            return true;
        }

        for (var d = 1; d <= 5; d++)
        {
            positions[d - 1] = digits.Fingertip(d);
        }

        if (digits.PlacedBySpacing)
        {
            flags.Add(RegionFlags.FingersCloseTogether);
        }

        if (digits.EnoughForBaseline)
        {
            baselineBuilder.Add(shape, digits, options.MotionLimitPixels);
            if (baselineBuilder.Count >= options.BaselineFrameCount)
            {
                Baseline = baselineBuilder.Build();
                baselineBuilder.Reset();
                return false;
            }
        }
        else
        {
            baselineBuilder.Reset();
        }

        flags.Add(RegionFlags.BaselinePending);
        return false;
    }

    /// <summary>
    /// Registers this frame to the baseline and places each fingertip. Identity comes from the geometry: a tip is
    /// matched to the digit whose registered baseline position is nearest, only if it lies within the match radius
    /// and reaches as far from the palm as that digit did at baseline (a finger stub is not a fingertip).
    /// </summary>
    private void LocateFromBaseline(HandBaseline baseline, HandShape shape, PixelPoint?[] positions, bool[] lost)
    {
        var ratio = shape.PalmRadius / baseline.PalmRadius;
        if (ratio > options.PalmRadiusTolerance || ratio < 1 / options.PalmRadiusTolerance)
        {
            // Not the same hand shape (partly out of view, or something else warm): do not guess fingers.
            for (var d = 0; d < 5; d++)
            {
                lost[d] = true;
            }

            return;
        }

        // First guess: the palm centre moved, and the hand turned as its wrist axis did — when that axis is long
        // enough to measure a turn (otherwise assume none: a hand rest keeps turns small, and a noisy turn would
        // throw the fingertips, ~12 px from the palm, further off than a small real one).
        var turn = baseline.AxisMeasuresRotation && shape.AxisMeasuresRotation ? WrapAngle(shape.Axis.Angle - baseline.AxisAngleRadians) : 0;
        var transform = new RigidTransform(baseline.PalmCentre, shape.PalmCentre, turn);
        var matches = MatchFingertips(baseline, shape, transform);
        if (matches.Any(m => m is not null))
        {
            // Re-detected fingertips pin the turn far better than the wrist: fit palm centre + tips together.
            var from = new List<PixelPoint> { baseline.PalmCentre };
            var to = new List<PixelPoint> { shape.PalmCentre };
            for (var d = 1; d <= 5; d++)
            {
                if (matches[d - 1] is { } match)
                {
                    from.Add(baseline.Fingertip(d)!.Value);
                    to.Add(match.Centre);
                }
            }

            transform = RigidTransform.Fit(from, to);
        }

        LastRegistration = transform;
        LastMatchedFingertips = matches.Count(m => m is not null);

        for (var d = 1; d <= 5; d++)
        {
            if (baseline.Fingertip(d) is not { } baselineTip)
            {
                lost[d - 1] = true;
                continue;
            }

            // Every fingertip is placed by the fitted hand transform, re-detected or not: a fingertip that is still
            // partly cold shows a shortened outline, and its own detection would sit too far towards the palm.
            positions[d - 1] = transform.Apply(baselineTip);
        }
    }

    private static double WrapAngle(double radians) => Math.Atan2(Math.Sin(radians), Math.Cos(radians));

    private FingertipCandidate?[] MatchFingertips(HandBaseline baseline, HandShape shape, RigidTransform transform)
    {
        var pairs = new List<(int Digit, FingertipCandidate Candidate, double Distance)>();
        for (var d = 1; d <= 5; d++)
        {
            if (baseline.Fingertip(d) is not { } baselineTip)
            {
                continue;
            }

            var predicted = transform.Apply(baselineTip);
            var baselineReach = baselineTip.DistanceTo(baseline.PalmCentre);
            foreach (var candidate in shape.Candidates)
            {
                var distance = candidate.Centre.DistanceTo(predicted);
                if (distance <= options.MatchRadiusPixels && candidate.Centre.DistanceTo(shape.PalmCentre) >= 0.8 * baselineReach)
                {
                    pairs.Add((d, candidate, distance));
                }
            }
        }

        var matches = new FingertipCandidate?[5];
        var used = new HashSet<FingertipCandidate>();
        foreach (var (digit, candidate, _) in pairs.OrderBy(p => p.Distance))
        {
            if (matches[digit - 1] is null && used.Add(candidate))
            {
                matches[digit - 1] = candidate;
            }
        }

        return matches;
    }

    private bool MovedMoreThanLimit(PixelPoint?[] positions)
    {
        for (var i = 0; i < positions.Length; i++)
        {
            if (positions[i] is { } now && previousPositions[i] is { } before && now.DistanceTo(before) > options.MotionLimitPixels)
            {
                return true;
            }
        }

        return false;
    }

    private RegionReading[] Measure(HandSegmentation segmentation, HandShape shape, PixelPoint?[] positions, bool[] lost, bool moving, string? digitFlag)
    {
        var readings = new RegionReading[6];
        for (var slot = 0; slot < 6; slot++)
        {
            int? digit = slot < DorsumSlot ? slot + 1 : null;
            var name = digit is { } d ? RegionNames.Digit(d) : RegionNames.Dorsum;
            if (lost[slot] || positions[slot] is not { } position)
            {
                var why = digit is not null && digitFlag is not null ? digitFlag : RegionFlags.RegionLost;
                readings[slot] = new RegionReading(name, digit, double.NaN, double.NaN, double.NaN, false, why);
                continue;
            }

            if (!RegionThermometer.IsInsideImage(position))
            {
                readings[slot] = new RegionReading(name, digit, double.NaN, position.X, position.Y, false, RegionFlags.OutsideImage);
                continue;
            }

            var temperature = digit is null
                ? RegionThermometer.Dorsum(segmentation, position, Math.Max(1.0, options.DorsumRadiusPalmRadii * shape.PalmRadius))
                : RegionThermometer.Fingertip(segmentation, position, shape.PalmCentre, options.FingertipSearchRadiusPixels, options.FingertipProximalReachPixels, options.Fingertip, digit);
            var flag = moving ? RegionFlags.Motion : temperature.UsedInvalidPixel ? RegionFlags.InvalidPixels : null;
            readings[slot] = new RegionReading(name, digit, temperature.Celsius, position.X, position.Y, flag is null, flag);
        }

        return readings;
    }
}
