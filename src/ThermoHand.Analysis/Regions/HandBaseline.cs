namespace ThermoHand.Analysis.Regions;

/// <summary>
/// The hand's geometry in its first good frames (before the challenge): where each fingertip and the palm were, and
/// the hand axis. Every later frame is registered to it, so a finger keeps its identity after the hand has left the
/// view. Sensor pixel coordinates.
/// </summary>
public sealed record HandBaseline(
    PixelPoint PalmCentre,
    double PalmRadius,
    double AxisAngleRadians,
    bool AxisMeasuresRotation,
    IReadOnlyList<PixelPoint?> FingertipCentres,
    int FrameCount)
{
    /// <summary>Baseline fingertip centre of digit 1 (thumb) … 5 (little finger); null when never found.</summary>
    public PixelPoint? Fingertip(int digit) => FingertipCentres[digit - 1];
}

/// <summary>Averages the geometry of consecutive good frames into a <see cref="HandBaseline"/>.</summary>
internal sealed class HandBaselineBuilder
{
    private readonly List<(HandShape Shape, DigitPositions Digits)> frames = [];

    public int Count => frames.Count;

    public void Reset() => frames.Clear();

    /// <summary>Adds a frame; restarts the average when the hand has moved away from the frames so far.</summary>
    public void Add(HandShape shape, DigitPositions digits, double motionLimit)
    {
        if (frames.Count > 0)
        {
            var first = frames[0];
            // Over the fingers found in both frames (a partly resolved hand may lack one).
            var moved = Enumerable.Range(2, 4)
                .Where(d => first.Digits.Fingertip(d) is not null && digits.Fingertip(d) is not null)
                .Select(d => first.Digits.Fingertip(d)!.Value.DistanceTo(digits.Fingertip(d)!.Value))
                .DefaultIfEmpty(double.PositiveInfinity)
                .Max();
            if (moved > motionLimit)
            {
                frames.Clear();
            }
        }

        frames.Add((shape, digits));
    }

    public HandBaseline Build()
    {
        var tips = new PixelPoint?[5];
        for (var d = 1; d <= 5; d++)
        {
            var seen = frames.Select(f => f.Digits.Fingertip(d)).Where(p => p is not null).Select(p => p!.Value).ToList();
            // A digit seen in fewer than half of the baseline frames (typically a thumb tucked against the index
            // finger) has no reliable baseline position.
            if (seen.Count * 2 > frames.Count)
            {
                tips[d - 1] = new PixelPoint(seen.Average(p => p.X), seen.Average(p => p.Y));
            }
        }

        var palm = new PixelPoint(frames.Average(f => f.Shape.PalmCentre.X), frames.Average(f => f.Shape.PalmCentre.Y));
        var axis = new PixelPoint(frames.Sum(f => f.Shape.Axis.X), frames.Sum(f => f.Shape.Axis.Y));
        return new HandBaseline(
            palm, frames.Average(f => f.Shape.PalmRadius), axis.Angle, frames.All(f => f.Shape.AxisMeasuresRotation), tips, frames.Count);
    }
}
