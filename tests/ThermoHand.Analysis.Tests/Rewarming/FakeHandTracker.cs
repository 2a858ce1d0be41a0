using ThermoHand.Analysis.Regions;

namespace ThermoHand.Analysis.Tests.Rewarming;

/// <summary>
/// A region tracker that reads the answer from a script instead of the image: each region follows its own
/// <see cref="AnalyticCurve"/>, the hand is out of view while NaN (the immersion), and chosen frames carry flags
/// or untrusted/implausible readings. Lets the session analyser be tested without the real region finder.
/// </summary>
internal sealed class FakeHandTracker(Hand hand, IReadOnlyDictionary<string, AnalyticCurve> curves) : IHandRegionTracker
{
    public Hand Hand { get; } = hand;

    /// <summary>Frame-level flags by frame time (e.g. motion).</summary>
    public Func<double, IReadOnlyList<string>> FrameFlags { get; init; } = _ => [];

    /// <summary>Frames whose readings are all untrusted (e.g. region lost).</summary>
    public Func<double, bool> Lost { get; init; } = _ => false;

    /// <summary>Readings replaced by an implausible 60 °C (e.g. a hot cup under a fingertip).</summary>
    public Func<double, bool> Hot { get; init; } = _ => false;

    public static IReadOnlyDictionary<string, AnalyticCurve> StandardHand() => new Dictionary<string, AnalyticCurve>
    {
        ["D1"] = new(31.0, 24.0, 20, 100),
        ["D2"] = new(29.0, 22.0, 30, 150),
        ["D3"] = new(29.5, 22.5, 40, 180),
        ["D4"] = new(30.0, 23.0, 30, 200),
        ["D5"] = new(28.0, 21.0, 60, 250),
        [RegionNames.Dorsum] = new(31.0, 27.0, 0, 120),
    };

    public RegionFrameResult Process(ThermalFrame frame)
    {
        var t = frame.TimeSeconds;
        var readings = new List<RegionReading>();
        var inView = true;
        foreach (var (name, curve) in curves)
        {
            int? digit = name == RegionNames.Dorsum ? null : name[1] - '0';
            var value = curve.At(t);
            inView &= !double.IsNaN(value);
            var lost = Lost(t);
            if (Hot(t) && !double.IsNaN(value))
            {
                value = 60;
            }

            readings.Add(new RegionReading(
                name, digit, value, 4.0 + (5 * (digit ?? 3)), digit is null ? 16 : 4, Trusted: !double.IsNaN(value) && !lost,
                Flag: double.IsNaN(value) ? RegionFlags.HandOutOfView : lost ? RegionFlags.RegionLost : null));
        }

        var flags = FrameFlags(t).ToList();
        if (!inView)
        {
            flags.Add(RegionFlags.HandOutOfView);
        }

        return new RegionFrameResult(t, inView, readings, flags);
    }
}
